package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Affiliate campaigns of the Partner Program (platform-api.md §2.1). The platform
// gives a campaign no id on create or in the list; only the search endpoint
// shows it, and disabling needs it.

const (
	campaignSearchPageSize = 15
	campaignNameMin        = 5
	campaignNameMax        = 100
	campaignTrialMin       = 14
	campaignTrialMax       = 60
	campaignTrialDefault   = 14
	// partnerRef is the sandbox partner's affiliate code in campaign URLs.
	partnerRef = "sbxPartner"
	// partnerTimeLayout is the Partner Program's zone-less UTC timestamp.
	partnerTimeLayout = "2006-01-02 15:04:05"
)

// campaignProducts are the products a campaign can promote, with the
// landing page used when the partner gives no link.
var campaignProducts = map[string]string{
	"livechat":        "https://www.livechat.com/",
	"chatbot":         "https://www.chatbot.com/",
	"helpdesk":        "https://www.helpdesk.com/",
	"partner_program": "https://partners.livechat.com/",
}

// campaign is a stored affiliate campaign.
type campaign struct {
	ID            int64      `json:"id"`
	Product       string     `json:"product"`
	Name          string     `json:"name"`
	Slug          string     `json:"slug"`
	URL           string     `json:"url"`
	ShortURL      string     `json:"short_url"`
	LandingPage   string     `json:"landing_page_url"`
	TrialDuration int        `json:"trial_duration"`
	CouponID      int64      `json:"coupon_id,omitempty"`
	Discount      string     `json:"discount,omitempty"`
	Active        bool       `json:"active"`
	CreatedAt     time.Time  `json:"created_at"`
	DisabledAt    *time.Time `json:"disabled_at,omitempty"`
	Clicks        int64      `json:"clicks"`
	Trials        int64      `json:"trials"`
	Paid          int64      `json:"paid"`
	EarningsCents int64      `json:"earnings_cents"`
}

// partnerError is a Partner Program error raised inside an update.
type partnerError struct {
	status int
	msg    string
}

func (e *partnerError) Error() string { return e.msg }

func partnerErrorf(status int, format string, args ...any) error {
	return &partnerError{status: status, msg: fmt.Sprintf(format, args...)}
}

// writePartnerResult answers err from an update in the partner envelope.
func writePartnerResult(w http.ResponseWriter, err error) bool {
	if err == nil {
		return false
	}
	var pe *partnerError
	if errors.As(err, &pe) {
		writeError(w, famPartners, pe.status, http.StatusText(pe.status), pe.msg)
		return true
	}
	writeError(w, famPartners, http.StatusInternalServerError, "internal", err.Error())
	return true
}

func partnerTime(t time.Time) string { return t.UTC().Format(partnerTimeLayout) }

func (s *Server) campaignsRoutes() {
	const base = "/v2/partners/affiliates/campaigns"
	s.mux.HandleFunc("POST "+base, s.requirePartner(s.createCampaign))
	s.mux.HandleFunc("GET "+base, s.requirePartner(s.listCampaigns))
	s.mux.HandleFunc("GET "+base+"/search", s.requirePartner(s.searchCampaigns))
	s.mux.HandleFunc("DELETE "+base+"/{id}", s.requirePartner(s.disableCampaign))
	s.mux.HandleFunc("GET "+base+"/{id}/summary", s.requirePartner(s.campaignSummary))
}

// campaignInput is a validated create request.
type campaignInput struct {
	product  string
	name     string
	trial    int
	couponID int64
	link     string
}

func parseCampaignInput(r *http.Request) (campaignInput, error) {
	var in campaignInput
	in.product = r.URL.Query().Get("product")
	if in.product == "" {
		return in, partnerErrorf(http.StatusBadRequest, "product is required: one of livechat, chatbot, helpdesk, partner_program")
	}
	if _, ok := campaignProducts[in.product]; !ok {
		return in, partnerErrorf(http.StatusBadRequest, "product must be one of livechat, chatbot, helpdesk, partner_program, got %q", in.product)
	}
	form, err := decodeForm(r)
	if err != nil {
		return in, partnerErrorf(http.StatusBadRequest, "%v", err)
	}
	in.name = strings.TrimSpace(form.Get("name"))
	if in.name == "" {
		return in, partnerErrorf(http.StatusBadRequest, "name is required (%d to %d characters)", campaignNameMin, campaignNameMax)
	}
	if n := utf8.RuneCountInString(in.name); n < campaignNameMin || n > campaignNameMax {
		return in, partnerErrorf(http.StatusBadRequest, "name must be between %d and %d characters, got %d", campaignNameMin, campaignNameMax, n)
	}
	in.trial = campaignTrialDefault
	if raw := form.Get("trial_duration"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return in, partnerErrorf(http.StatusBadRequest, "trial_duration must be a whole number of days, got %q", raw)
		}
		if n < campaignTrialMin || n > campaignTrialMax {
			return in, partnerErrorf(http.StatusBadRequest, "trial_duration must be between %d and %d, got %d", campaignTrialMin, campaignTrialMax, n)
		}
		in.trial = n
	}
	if raw := form.Get("link"); raw != "" {
		if !isAbsoluteHTTPURL(raw) {
			return in, partnerErrorf(http.StatusBadRequest, "link must be an absolute http(s) URL, got %q", raw)
		}
		in.link = raw
	}
	if raw := form.Get("coupon_id"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 {
			return in, partnerErrorf(http.StatusBadRequest, "coupon_id must be a positive whole number, got %q", raw)
		}
		in.couponID = n
	}
	return in, nil
}

func isAbsoluteHTTPURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// slugify makes the URL-friendly part of a slug: ASCII letters and digits,
// everything else collapsed to single dashes.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// withCampaignQuery adds the affiliate parameters to a landing page.
func withCampaignQuery(landing, slug string) string {
	u, err := url.Parse(landing)
	if err != nil {
		return landing
	}
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	q.Set("a", partnerRef)
	q.Set("utm_campaign", slug)
	q.Set("utm_source", "PP")
	u.RawQuery = q.Encode()
	return u.String()
}

const shortAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// shortCode derives a short link code from a serial number.
func shortCode(n int64) string {
	// Spread consecutive serials over the code space so codes do not look
	// sequential; the multiplier is odd, so distinct serials stay distinct.
	v := uint64(n)*2654435761 + 1000003 //nolint:gosec // serials are positive; wrapping would still give distinct codes
	var b []byte
	for i := 0; i < 5 || v > 0; i++ {
		b = append(b, shortAlphabet[v%uint64(len(shortAlphabet))])
		v /= uint64(len(shortAlphabet))
	}
	return string(b)
}

// activeCampaignBySlugLocked finds an active campaign; the caller holds the lock.
func (s *Server) activeCampaignBySlugLocked(slug string) (campaign, bool) {
	for _, r := range s.st.campaigns.rows {
		if r.V.Active && r.V.Slug == slug {
			return *r.V, true
		}
	}
	return campaign{}, false
}

// couponForProductLocked checks that the partner may attach a coupon to a
// campaign of product: it must exist, and the Partner Program itself takes
// no discounts.
func (s *Server) couponForProductLocked(id int64, product string) (coupon, error) {
	c, ok := s.st.coupons.get(itoa(id))
	if !ok {
		return c, partnerErrorf(http.StatusForbidden, "coupon_id %d is not one of your coupons; list them with GET /v2/partners/coupons", id)
	}
	if product == "partner_program" {
		return c, partnerErrorf(http.StatusForbidden, "coupon_id %d cannot be used with product partner_program", id)
	}
	return c, nil
}

// insertCampaignLocked validates uniqueness and stores a new campaign.
func (s *Server) insertCampaignLocked(x *tx, in campaignInput) (campaign, error) {
	var discount string
	if in.couponID != 0 {
		c, err := s.couponForProductLocked(in.couponID, in.product)
		if err != nil {
			return campaign{}, err
		}
		discount = c.Label
	}
	part := slugify(in.name)
	if part == "" {
		part = "campaign"
	}
	slug := "pp_" + part
	if existing, ok := s.activeCampaignBySlugLocked(slug); ok {
		if existing.Name == in.name {
			return campaign{}, partnerErrorf(http.StatusConflict, "a campaign named %q already exists (slug %s)", in.name, slug)
		}
		return campaign{}, partnerErrorf(http.StatusConflict, "campaign name %q is taken: campaign %q already uses the slug %s", in.name, existing.Name, slug)
	}
	id := s.nextSerial(x) + 100
	landing := in.link
	if landing == "" {
		landing = campaignProducts[in.product]
	}
	c := campaign{
		ID:            id,
		Product:       in.product,
		Name:          in.name,
		Slug:          slug,
		URL:           withCampaignQuery(landing, slug),
		ShortURL:      "https://lc.chat/" + shortCode(id),
		LandingPage:   landing,
		TrialDuration: in.trial,
		CouponID:      in.couponID,
		Discount:      discount,
		Active:        true,
		CreatedAt:     s.now(),
	}
	s.st.campaigns.put(x, itoa(id), c)
	return c, nil
}

func (s *Server) createCampaign(w http.ResponseWriter, r *http.Request) {
	in, err := parseCampaignInput(r)
	if writePartnerResult(w, err) {
		return
	}
	var c campaign
	err = s.update(func(x *tx) error {
		var err error
		c, err = s.insertCampaignLocked(x, in)
		return err
	})
	if writePartnerResult(w, err) {
		return
	}
	answer := campaignFields(c)
	// The create answer says null for a campaign without a discount.
	answer["discount"] = nil
	if c.Discount != "" {
		answer["discount"] = c.Discount
	}
	writeJSON(w, http.StatusCreated, answer)
}

// campaignFields are the fields the create answer and the list share.
func campaignFields(c campaign) map[string]any {
	return map[string]any{
		"product":            c.Product,
		"name":               c.Name,
		"slug":               c.Slug,
		"url":                c.URL,
		"short_url":          c.ShortURL,
		"creation_timestamp": partnerTime(c.CreatedAt),
		"trial_duration":     c.TrialDuration,
	}
}

// campaignsOldestFirst returns every campaign in creation order.
func (s *Server) campaignsOldestFirst() []campaign {
	var all []campaign
	s.view(func() { all = slices.Collect(s.st.campaigns.oldestFirst) })
	return all
}

func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	if state == "" {
		state = "active"
	}
	if state != "active" && state != "disabled" {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request", fmt.Sprintf("state must be active or disabled, got %q", state))
		return
	}
	out := []map[string]any{}
	for _, c := range s.campaignsOldestFirst() {
		if c.Active != (state == "active") {
			continue
		}
		item := campaignFields(c)
		item["active"] = c.Active
		// The platform leaves discount out when the campaign has none.
		if c.Discount != "" {
			item["discount"] = c.Discount
		}
		out = append(out, item)
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

// campaignFilter is one search filter.
type campaignFilter struct {
	Field    string `json:"field"`
	Value    string `json:"value"`
	Operator string `json:"operator"`
}

func parseCampaignFilters(raw string) ([]campaignFilter, error) {
	if raw == "" {
		return nil, nil
	}
	var fs []campaignFilter
	if err := json.Unmarshal([]byte(raw), &fs); err != nil {
		return nil, fmt.Errorf(`filters must be a JSON array such as [{"field":"name","value":"Summer sale","operator":"equals"}]: %v`, err)
	}
	for i, f := range fs {
		if f.Field != "name" && f.Field != "product" {
			return nil, fmt.Errorf("filters[%d].field must be name or product, got %q", i, f.Field)
		}
		if f.Operator != "equals" && f.Operator != "contains" {
			return nil, fmt.Errorf("filters[%d].operator must be equals or contains, got %q", i, f.Operator)
		}
	}
	return fs, nil
}

func (f campaignFilter) match(c campaign) bool {
	v := c.Name
	if f.Field == "product" {
		v = c.Product
	}
	if f.Operator == "equals" {
		return v == f.Value
	}
	return strings.Contains(strings.ToLower(v), strings.ToLower(f.Value))
}

func (s *Server) searchCampaigns(w http.ResponseWriter, r *http.Request) {
	page, ok := pageParam(w, r, famPartners)
	if !ok {
		return
	}
	search, problem := readCampaignSearch(r.URL.Query())
	if problem != "" {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request", problem)
		return
	}
	matched := s.matchCampaigns(search)
	results := []map[string]any{}
	for _, c := range pageOf(matched, page, campaignSearchPageSize) {
		results = append(results, campaignSearchResult(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results, "total": len(matched), "limit": campaignSearchPageSize})
}

// campaignSearch is the checked query of a campaign search.
type campaignSearch struct {
	state, product, order string
	filters               []campaignFilter
}

// readCampaignSearch checks the search's query, or says why it is bad.
func readCampaignSearch(q url.Values) (campaignSearch, string) {
	in := campaignSearch{state: q.Get("state"), product: q.Get("product"), order: q.Get("sort_order")}
	if in.state != "active" && in.state != "archived" {
		return in, fmt.Sprintf("state is required: active or archived, got %q", in.state)
	}
	if in.product != "" && in.product != "all" {
		if _, ok := campaignProducts[in.product]; !ok {
			return in, fmt.Sprintf("product must be one of livechat, chatbot, helpdesk, partner_program, all; got %q", in.product)
		}
	}
	filters, err := parseCampaignFilters(q.Get("filters"))
	if err != nil {
		return in, err.Error()
	}
	in.filters = filters
	if sb := q.Get("sort_by"); sb != "" && sb != "creation_timestamp" {
		return in, fmt.Sprintf("sort_by must be creation_timestamp, got %q", sb)
	}
	if in.order != "" && in.order != "asc" && in.order != "desc" {
		return in, fmt.Sprintf("sort_order must be asc or desc, got %q", in.order)
	}
	return in, ""
}

// matchCampaigns lists the campaigns the search finds, newest first unless
// it asks for ascending order.
func (s *Server) matchCampaigns(in campaignSearch) []campaign {
	var matched []campaign
	for _, c := range s.campaignsOldestFirst() {
		if c.Active != (in.state == "active") {
			continue
		}
		if in.product != "" && in.product != "all" && c.Product != in.product {
			continue
		}
		keep := true
		for _, f := range in.filters {
			keep = keep && f.match(c)
		}
		if keep {
			matched = append(matched, c)
		}
	}
	if in.order != "asc" {
		sort.SliceStable(matched, func(i, j int) bool { return matched[i].ID > matched[j].ID })
	}
	return matched
}

// campaignSearchResult is one campaign as the search shows it.
func campaignSearchResult(c campaign) map[string]any {
	var offer any
	if c.Discount != "" {
		offer = c.Discount
	}
	return map[string]any{
		"id":               c.ID,
		"name":             c.Name,
		"product":          c.Product,
		"created_at":       partnerTime(c.CreatedAt),
		"landing_page_url": c.LandingPage,
		"slug":             c.Slug,
		"is_default":       false,
		"region":           "dal",
		"offer":            offer,
	}
}

// campaignIDParam reads the numeric {id} path value.
func campaignIDParam(w http.ResponseWriter, r *http.Request) (string, bool) {
	raw := r.PathValue("id")
	if n, err := strconv.ParseInt(raw, 10, 64); err != nil || n < 1 {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request", fmt.Sprintf("campaign id must be a positive whole number, got %q", raw))
		return "", false
	}
	return raw, true
}

func (s *Server) disableCampaign(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignIDParam(w, r)
	if !ok {
		return
	}
	err := s.update(func(x *tx) error { return s.disableCampaignLocked(x, id) })
	if writePartnerResult(w, err) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) disableCampaignLocked(x *tx, id string) error {
	c, ok := s.st.campaigns.get(id)
	if !ok || !c.Active {
		return partnerErrorf(http.StatusForbidden, "campaign %s doesn't exist or was already disabled", id)
	}
	now := s.now()
	c.Active = false
	c.DisabledAt = &now
	s.st.campaigns.put(x, id, c)
	return nil
}

func (s *Server) campaignSummary(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignIDParam(w, r)
	if !ok {
		return
	}
	var c campaign
	s.view(func() { c, ok = s.st.campaigns.get(id) })
	if !ok {
		writeError(w, famPartners, http.StatusNotFound, "Not Found", fmt.Sprintf("campaign %s not found", id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"click":    c.Clicks,
		"trial":    c.Trials,
		"paid":     c.Paid,
		"earnings": dollarsNumber(c.EarningsCents),
	})
}

// PartnerCampaign is a campaign as tests see it.
type PartnerCampaign struct {
	ID            int64
	Product       string
	Name          string
	Slug          string
	TrialDuration int
	CouponID      int64
	Link          string
	Active        bool
}

func exportCampaign(c campaign) PartnerCampaign {
	return PartnerCampaign{ID: c.ID, Product: c.Product, Name: c.Name, Slug: c.Slug,
		TrialDuration: c.TrialDuration, CouponID: c.CouponID, Link: c.LandingPage, Active: c.Active}
}

// PartnerCampaigns returns every campaign, active or not, oldest first (for tests).
func (s *Server) PartnerCampaigns() []PartnerCampaign {
	var out []PartnerCampaign
	for _, c := range s.campaignsOldestFirst() {
		out = append(out, exportCampaign(c))
	}
	return out
}

// CreatePartnerCampaign creates a campaign as the partner would in the
// dashboard, outside Terraform (for tests).
func (s *Server) CreatePartnerCampaign(product, name string, trialDuration int) (PartnerCampaign, error) {
	if _, ok := campaignProducts[product]; !ok {
		return PartnerCampaign{}, fmt.Errorf("unknown product %q", product)
	}
	var c campaign
	err := s.update(func(x *tx) error {
		var err error
		c, err = s.insertCampaignLocked(x, campaignInput{product: product, name: name, trial: trialDuration})
		return err
	})
	return exportCampaign(c), err
}

// DisablePartnerCampaign disables the active campaign with slug, as the
// partner would in the dashboard (for tests).
func (s *Server) DisablePartnerCampaign(slug string) error {
	return s.update(func(x *tx) error {
		c, ok := s.activeCampaignBySlugLocked(slug)
		if !ok {
			return fmt.Errorf("no active campaign with slug %q", slug)
		}
		return s.disableCampaignLocked(x, itoa(c.ID))
	})
}

// SetPartnerCampaignStats sets the clicks, trials, paid conversions and
// earnings (cents) that the summary endpoint reports (for tests).
func (s *Server) SetPartnerCampaignStats(id int64, clicks, trials, paid, earningsCents int64) error {
	return s.update(func(x *tx) error {
		c, ok := s.st.campaigns.get(itoa(id))
		if !ok {
			return fmt.Errorf("no campaign %d", id)
		}
		c.Clicks, c.Trials, c.Paid, c.EarningsCents = clicks, trials, paid, earningsCents
		s.st.campaigns.put(x, itoa(id), c)
		return nil
	})
}
