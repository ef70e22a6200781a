package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Affiliate campaigns of the Partner Program (platform-api.md §2.1). The platform
// has no get-by-id and no update: a campaign is created, listed (without its
// id), searched (the only place its id appears) and disabled by id.

// CampaignSearchPageSize is the search endpoint's page size.
const CampaignSearchPageSize = 15

// Campaign states of the list and search endpoints. The list calls a
// disabled campaign "disabled", the search "archived".
const (
	CampaignStateActive   = "active"
	CampaignStateDisabled = "disabled"
	CampaignStateArchived = "archived"
)

// PartnerTimeLayout is the Partner Program's timestamp format: no zone, UTC.
const PartnerTimeLayout = "2006-01-02 15:04:05"

// PartnerTime is a Partner Program timestamp. It reads "YYYY-MM-DD
// HH:MM:SS" as UTC and also accepts RFC 3339; null or "" is the zero time.
type PartnerTime struct {
	time.Time
}

// ParsePartnerTime parses a Partner Program timestamp as UTC.
func ParsePartnerTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(PartnerTimeLayout, s, time.UTC); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither %q nor RFC 3339", s, PartnerTimeLayout)
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *PartnerTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("partner timestamp: %w", err)
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	parsed, err := ParsePartnerTime(s)
	if err != nil {
		return err
	}
	t.Time = parsed
	return nil
}

// MarshalJSON writes the platform's format.
func (t PartnerTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(PartnerTimeLayout))
}

// Campaign is an item of the campaigns list. It has no id.
type Campaign struct {
	Active        bool        `json:"active"`
	Product       string      `json:"product"`
	Name          string      `json:"name"`
	Slug          string      `json:"slug"`
	URL           string      `json:"url"`
	ShortURL      string      `json:"short_url"`
	CreatedAt     PartnerTime `json:"creation_timestamp"`
	TrialDuration int64       `json:"trial_duration"`
	// Discount is the coupon's label; nil when the campaign has none.
	Discount *string `json:"discount"`
}

// CreatedCampaign is the answer to a create: the list fields without active.
type CreatedCampaign struct {
	Product       string      `json:"product"`
	Name          string      `json:"name"`
	Slug          string      `json:"slug"`
	URL           string      `json:"url"`
	ShortURL      string      `json:"short_url"`
	CreatedAt     PartnerTime `json:"creation_timestamp"`
	TrialDuration int64       `json:"trial_duration"`
	Discount      *string     `json:"discount"`
}

// CampaignSearchResult is an item of the search endpoint, the only place a
// campaign's id appears.
type CampaignSearchResult struct {
	ID             int64       `json:"id"`
	Name           string      `json:"name"`
	Product        string      `json:"product"`
	CreatedAt      PartnerTime `json:"created_at"`
	LandingPageURL string      `json:"landing_page_url"`
	Slug           string      `json:"slug"`
	IsDefault      bool        `json:"is_default"`
	Region         string      `json:"region"`
	Offer          *string     `json:"offer"`
}

// CampaignCreate is a create request. Zero TrialDuration and CouponID and an
// empty Link are left out, so the platform's defaults apply.
type CampaignCreate struct {
	Product       string
	Name          string
	TrialDuration int64
	CouponID      int64
	Link          string
}

// CampaignFilter is one search filter: Field name or product, Operator
// equals or contains.
type CampaignFilter struct {
	Field    string `json:"field"`
	Value    string `json:"value"`
	Operator string `json:"operator"`
}

// CampaignSearch selects campaigns: State active or archived (required),
// Product one product or empty for all.
type CampaignSearch struct {
	State   string
	Product string
	Filters []CampaignFilter
}

// CampaignSummary is a campaign's performance.
type CampaignSummary struct {
	Click    int64   `json:"click"`
	Trial    int64   `json:"trial"`
	Paid     int64   `json:"paid"`
	Earnings Dollars `json:"earnings"`
}

// CreateCampaign creates a campaign. The request is repeated only when the
// platform provably did not act on it: a campaign name is unique, and a
// blind retry of a create that succeeded would answer 409. After an unknown
// outcome the campaign is looked for by name (platform-api.md §6.2); one that had the
// name before the request was sent is never taken for it. An active
// campaign that already has the name and every argument of in is taken
// instead of creating one (CreateResult.Preexisting, platform-api.md §6.7).
func (c *Client) CreateCampaign(ctx context.Context, in CampaignCreate) (CreateResult[CreatedCampaign], error) {
	bySlug := func(found []CampaignSearchResult) map[string]bool {
		slugs := map[string]bool{}
		for _, r := range found {
			slugs[r.Slug] = true
		}
		return slugs
	}
	var named []CampaignSearchResult
	return create(ctx, c, createSpec[CreatedCampaign]{
		family: "campaign/" + in.Product,
		snapshot: func(ctx context.Context) (existing, error) {
			found, err := c.FindActiveCampaignsByName(ctx, in.Product, in.Name)
			named = found
			return existing{ids: bySlug(found)}, err
		},
		preexisting: func(ctx context.Context, fresh bool) ([]CreatedCampaign, error) {
			if fresh {
				found, err := c.FindActiveCampaignsByName(ctx, in.Product, in.Name)
				if err != nil {
					return nil, err
				}
				named = found
			}
			return c.campaignsMatching(ctx, in, named)
		},
		post:     func(ctx context.Context) (*CreatedCampaign, error) { return c.postCampaign(ctx, in) },
		complete: func(cc *CreatedCampaign) bool { return cc.Slug != "" },
		find: func(ctx context.Context, before existing) ([]CreatedCampaign, error) {
			return c.findCreatedCampaigns(ctx, in, before)
		},
		id: func(cc *CreatedCampaign) string { return cc.Slug },
	})
}

func (c *Client) postCampaign(ctx context.Context, in CampaignCreate) (*CreatedCampaign, error) {
	form := url.Values{"name": {in.Name}}
	if in.TrialDuration != 0 {
		form.Set("trial_duration", strconv.FormatInt(in.TrialDuration, 10))
	}
	if in.CouponID != 0 {
		form.Set("coupon_id", strconv.FormatInt(in.CouponID, 10))
	}
	if in.Link != "" {
		form.Set("link", in.Link)
	}
	var out CreatedCampaign
	err := c.do(ctx, request{
		api: APIPartners, method: "POST", path: "/v2/partners/affiliates/campaigns",
		query: url.Values{"product": {in.Product}}, form: form, retry: retryIfNotActed, out: &out,
	})
	// Whatever happened, the list may have changed.
	c.campaigns.invalidate()
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// findCreatedCampaigns returns the active campaigns named as in that were
// not in before, described as a create answer would (from the list, which
// has the campaign's links).
func (c *Client) findCreatedCampaigns(ctx context.Context, in CampaignCreate, before existing) ([]CreatedCampaign, error) {
	found, err := c.FindActiveCampaignsByName(ctx, in.Product, in.Name)
	if err != nil {
		return nil, err
	}
	list, err := c.ListCampaignsShared(ctx, CampaignStateActive)
	if err != nil {
		return nil, err
	}
	var out []CreatedCampaign
	for _, r := range found {
		if before.has(r.Slug) {
			continue
		}
		cc := CreatedCampaign{Product: r.Product, Name: r.Name, Slug: r.Slug, CreatedAt: r.CreatedAt,
			TrialDuration: in.TrialDuration, Discount: r.Offer}
		if item, ok := FindCampaignBySlug(list, r.Slug); ok {
			cc = CreatedCampaign{Product: item.Product, Name: item.Name, Slug: item.Slug, URL: item.URL, ShortURL: item.ShortURL,
				CreatedAt: item.CreatedAt, TrialDuration: item.TrialDuration, Discount: item.Discount}
		}
		if in.TrialDuration != 0 && cc.TrialDuration != in.TrialDuration {
			continue // the name is taken by a campaign this request did not describe
		}
		out = append(out, cc)
	}
	return out, nil
}

// campaignsMatching returns the campaigns among named (search results of
// in's name) that have every argument of in, described as a create answer
// would. Only a create that sets every argument can match: the platform's
// choice for a trial or landing page left out is not documented, and a
// guess could take a campaign that differs from what the create asks for.
func (c *Client) campaignsMatching(ctx context.Context, in CampaignCreate, named []CampaignSearchResult) ([]CreatedCampaign, error) {
	if in.TrialDuration == 0 || in.Link == "" || len(named) == 0 {
		return nil, nil
	}
	discount, err := c.couponLabel(ctx, in.CouponID)
	if err != nil {
		return nil, err
	}
	list, err := c.ListCampaignsShared(ctx, CampaignStateActive)
	if err != nil {
		return nil, err
	}
	var out []CreatedCampaign
	for _, r := range named {
		item, ok := onlyListing(list, r.Slug)
		if !ok || r.Name != in.Name || r.LandingPageURL != in.Link || !takeable(item, in, discount) {
			continue
		}
		out = append(out, CreatedCampaign{Product: item.Product, Name: item.Name, Slug: item.Slug, URL: item.URL,
			ShortURL: item.ShortURL, CreatedAt: item.CreatedAt, TrialDuration: item.TrialDuration, Discount: item.Discount})
	}
	return out, nil
}

// takeable reports whether the listed campaign is active and has every
// argument of in: both answers must agree before a campaign is taken, so a
// list that shows a disabled campaign, or another name under the slug,
// leaves it alone.
func takeable(item Campaign, in CampaignCreate, discount *string) bool {
	return item.Active && item.Name == in.Name && item.Product == in.Product &&
		item.TrialDuration == in.TrialDuration && sameDiscount(item.Discount, discount)
}

// onlyListing returns the listed campaign with slug when the list shows it
// once (or repeats it alike); a slug listed with two descriptions, or an
// empty one, names no campaign that can be told apart.
func onlyListing(list []Campaign, slug string) (Campaign, bool) {
	var found *Campaign
	for i := range list {
		if list[i].Slug != slug {
			continue
		}
		if found != nil && !sameListing(*found, list[i]) {
			return Campaign{}, false
		}
		found = &list[i]
	}
	if found == nil || slug == "" {
		return Campaign{}, false
	}
	return *found, true
}

func sameListing(a, b Campaign) bool {
	return a.Active == b.Active && a.Product == b.Product && a.Name == b.Name && a.URL == b.URL &&
		a.ShortURL == b.ShortURL && a.CreatedAt.Equal(b.CreatedAt.Time) && a.TrialDuration == b.TrialDuration &&
		sameDiscount(a.Discount, b.Discount)
}

// couponLabel is the label of coupon id as campaigns show it, nil for no
// coupon (id 0). A label two coupons share cannot tell them apart, so it
// is an error.
func (c *Client) couponLabel(ctx context.Context, id int64) (*string, error) {
	if id == 0 {
		return nil, nil
	}
	coupons, err := c.ListCoupons(ctx)
	if err != nil {
		return nil, err
	}
	var label *string
	for _, cp := range coupons {
		if cp.ID == id {
			label = &cp.Label
		}
	}
	if label == nil {
		return nil, fmt.Errorf("coupon %d is not among the partner's coupons", id)
	}
	for _, cp := range coupons {
		if cp.ID != id && cp.Label == *label {
			return nil, fmt.Errorf("coupons %d and %d share the label %q", id, cp.ID, *label)
		}
	}
	return label, nil
}

func sameDiscount(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// FindCampaignBySlug returns the listed campaign with slug.
func FindCampaignBySlug(list []Campaign, slug string) (Campaign, bool) {
	for _, item := range list {
		if item.Slug == slug {
			return item, true
		}
	}
	return Campaign{}, false
}

// ListCampaigns returns the campaigns in state (active or disabled; empty
// means active) straight from the platform.
func (c *Client) ListCampaigns(ctx context.Context, state string) ([]Campaign, error) {
	var q url.Values
	if state != "" {
		q = url.Values{"state": {state}}
	}
	var out struct {
		Result []Campaign `json:"result"`
	}
	err := c.do(ctx, request{api: APIPartners, method: "GET", path: "/v2/partners/affiliates/campaigns", query: q, out: &out})
	if err != nil {
		return nil, err
	}
	return out.Result, nil
}

// ListCampaignsShared returns the campaigns in state, fetched once per
// Client and shared by every caller: concurrent callers wait for one request,
// later callers get the stored answer. CreateCampaign and DisableCampaign
// drop the stored answers. Callers must not modify the returned slice.
func (c *Client) ListCampaignsShared(ctx context.Context, state string) ([]Campaign, error) {
	return c.campaigns.get(ctx, state, c.ListCampaigns)
}

// SearchCampaignsPage returns one page (first is 1) of a search and the
// total number of matches.
func (c *Client) SearchCampaignsPage(ctx context.Context, s CampaignSearch, page int) ([]CampaignSearchResult, int64, error) {
	q := url.Values{"page": {strconv.Itoa(page)}, "state": {s.State}}
	if s.Product != "" {
		q.Set("product", s.Product)
	}
	if len(s.Filters) > 0 {
		b, err := json.Marshal(s.Filters)
		if err != nil {
			return nil, 0, err
		}
		q.Set("filters", string(b))
	}
	var out struct {
		Results []CampaignSearchResult `json:"results"`
		Total   int64                  `json:"total"`
		Limit   int64                  `json:"limit"`
	}
	err := c.do(ctx, request{api: APIPartners, method: "GET", path: "/v2/partners/affiliates/campaigns/search", query: q, out: &out})
	if err != nil {
		return nil, 0, err
	}
	return out.Results, out.Total, nil
}

// SearchCampaigns walks every page of a search.
func (c *Client) SearchCampaigns(ctx context.Context, s CampaignSearch) ([]CampaignSearchResult, error) {
	return WalkPages(ctx, CampaignSearchPageSize, func(ctx context.Context, page int) ([]CampaignSearchResult, error) {
		items, _, err := c.SearchCampaignsPage(ctx, s, page)
		return items, err
	})
}

// campaignNamePages bounds the search for one name. Active names are
// unique, so the search normally answers one campaign on one page; a server
// that pages on and on with lookalikes must not keep a create walking.
const campaignNamePages = 20

// FindActiveCampaignsByName returns the active campaigns of product named
// exactly name (normally one), each slug once. It reads at most
// campaignNamePages pages and keeps only the exact matches of each.
func (c *Client) FindActiveCampaignsByName(ctx context.Context, product, name string) ([]CampaignSearchResult, error) {
	s := CampaignSearch{
		State:   CampaignStateActive,
		Product: product,
		Filters: []CampaignFilter{{Field: "name", Value: name, Operator: "equals"}},
	}
	var out []CampaignSearchResult
	seen := map[string]bool{}
	pages, capped := 0, false
	fetch := func(ctx context.Context, page int) ([]CampaignSearchResult, error) {
		items, _, err := c.SearchCampaignsPage(ctx, s, page)
		return items, err
	}
	err := eachPage(ctx, CampaignSearchPageSize, fetch, func(items []CampaignSearchResult) bool {
		pages++
		for _, r := range items {
			// The filter is the platform's; keep only exact matches in
			// case it matches loosely, and a campaign listed twice once.
			if r.Name == name && (product == "" || r.Product == product) && !seen[r.Slug] {
				seen[r.Slug] = true
				out = append(out, r)
			}
		}
		capped = pages >= campaignNamePages && len(items) >= CampaignSearchPageSize
		return capped
	})
	if err == nil && capped {
		// What the unread pages hold is unknown: no caller may conclude
		// that a campaign is absent, or that one is the only one.
		err = fmt.Errorf("the search for campaigns named %q answered more than %d full pages: giving up", name, pages)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DisableCampaign disables a campaign. The platform answers 403 both when
// the campaign does not exist and when it is already disabled.
func (c *Client) DisableCampaign(ctx context.Context, id int64) error {
	err := c.do(ctx, request{api: APIPartners, method: "DELETE", path: "/v2/partners/affiliates/campaigns/" + strconv.FormatInt(id, 10)})
	c.campaigns.invalidate()
	return err
}

// GetCampaignSummary returns a campaign's clicks, trials, paid conversions
// and earnings (platform-api.md §2.1), read from the platform each time: the
// figures move without any call of ours.
func (c *Client) GetCampaignSummary(ctx context.Context, id int64) (*CampaignSummary, error) {
	var out CampaignSummary
	err := c.do(ctx, request{api: APIPartners, method: "GET", path: "/v2/partners/affiliates/campaigns/" + strconv.FormatInt(id, 10) + "/summary", out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// campaignCache shares campaign lists between the resources of one
// provider run. A generation counter keeps a fetch that started before an
// invalidation from storing its (possibly stale) answer afterwards.
type campaignCache struct {
	group singleflight.Group

	mu      sync.Mutex
	gen     uint64
	entries map[string][]Campaign
}

func (cc *campaignCache) invalidate() {
	cc.mu.Lock()
	cc.gen++
	cc.entries = nil
	cc.mu.Unlock()
}

// stored returns the list kept for state, if it was kept in generation gen.
func (cc *campaignCache) stored(state string, gen uint64) ([]Campaign, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	list, ok := cc.entries[state]
	return list, ok && cc.gen == gen
}

func (cc *campaignCache) get(ctx context.Context, state string, fetch func(context.Context, string) ([]Campaign, error)) ([]Campaign, error) {
	cc.mu.Lock()
	if list, ok := cc.entries[state]; ok {
		cc.mu.Unlock()
		return list, nil
	}
	gen := cc.gen
	cc.mu.Unlock()

	key := state + "@" + strconv.FormatUint(gen, 10)
	v, err, _ := cc.group.Do(key, func() (any, error) {
		// A caller that missed the stored list and reached Do only after
		// the first fetch had finished finds that list here instead of
		// fetching again.
		if list, ok := cc.stored(state, gen); ok {
			return list, nil
		}
		// The shared fetch must not die with the first caller's context.
		list, err := fetch(context.WithoutCancel(ctx), state)
		if err != nil {
			return nil, err
		}
		cc.mu.Lock()
		if cc.gen == gen {
			if cc.entries == nil {
				cc.entries = map[string][]Campaign{}
			}
			cc.entries[state] = list
		}
		cc.mu.Unlock()
		return list, nil
	})
	if err != nil {
		return nil, err
	}
	list, ok := v.([]Campaign)
	if !ok {
		return nil, fmt.Errorf("campaign list cache holds %T, not []Campaign", v)
	}
	return list, nil
}
