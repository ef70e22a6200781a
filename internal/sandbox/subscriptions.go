package sandbox

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Solution partners' client organizations, licenses and subscriptions
// (platform-api.md §2.3, §2.4). The card token of a subscription is checked
// for presence and then dropped: the sandbox stores only that a card was
// added, so the token never reaches the data file or the state dump.

const (
	licenseTrialMin     = 14
	licenseTrialMax     = 30
	licenseTrialDefault = 14
	clientNameMin       = 5
	firstLicenseNumber  = 104130600
)

var licenseProducts = map[string]bool{"livechat": true, "chatbot": true, "helpdesk": true}

// organization is a client organization a solution partner created.
type organization struct {
	ID         string    `json:"id"`
	Name       string    `json:"organization_name"`
	OwnerName  string    `json:"client_name"`
	OwnerEmail string    `json:"client_email"`
	DataCenter string    `json:"data_center"`
	CreatedAt  time.Time `json:"created_at"`
}

// license is a client license; at most one subscription per license.
type license struct {
	License        string    `json:"license"`
	Product        string    `json:"product"`
	OrganizationID string    `json:"organization_id"`
	ClientName     string    `json:"client_name"`
	ClientEmail    string    `json:"client_email"`
	PurchaseOrder  string    `json:"purchase_order,omitempty"`
	PaymentOrigin  string    `json:"payment_origin"`
	CouponID       int64     `json:"coupon_id,omitempty"`
	DataCenter     string    `json:"data_center"`
	TrialDays      int       `json:"trial_days"`
	CreatedAt      time.Time `json:"created_at"`
	EndAt          time.Time `json:"end_at"`
	// CCAdded records that a card token was given; the token itself is
	// never stored.
	CCAdded bool `json:"cc_added"`
	Paid    bool `json:"paid"`
	// Recurrent is true while a subscription is open.
	Recurrent    bool       `json:"recurrent"`
	Plan         string     `json:"plan,omitempty"`
	BillingCycle string     `json:"billing_cycle,omitempty"`
	Seats        int64      `json:"seats,omitempty"`
	ExpiredAt    *time.Time `json:"expired_at,omitempty"`
}

func licenseKey(product, id string) string { return product + "/" + id }

// statusAt is the license status at now: a trial until its end, paid while
// a subscription runs (or until the end of a closed one's cycle), then expired.
func (l license) statusAt(now time.Time) string {
	switch {
	case l.ExpiredAt != nil:
		return "expired"
	case l.Recurrent:
		return "paid"
	case now.Before(l.EndAt):
		if l.Paid {
			return "paid"
		}
		return "trial"
	default:
		return "expired"
	}
}

func (s *Server) subscriptionsRoutes() {
	const base = "/v2/partners/solutions"
	s.mux.HandleFunc("POST "+base+"/organizations", s.requirePartner(s.createOrganization))
	s.mux.HandleFunc("POST "+base+"/organizations/{org}/licenses", s.requirePartner(s.createLicense))
	s.mux.HandleFunc("GET "+base+"/licenses", s.requirePartner(s.listLicenses))
	s.mux.HandleFunc("GET "+base+"/licenses/{product}/{license}", s.requirePartner(s.getLicense))
	s.mux.HandleFunc("POST "+base+"/licenses/{product}/{license}/subscription", s.requirePartner(s.createSubscription))
	s.mux.HandleFunc("PUT "+base+"/licenses/{product}/{license}/subscription", s.requirePartner(s.updateSubscription))
	s.mux.HandleFunc("DELETE "+base+"/licenses/{product}/{license}/subscription", s.requirePartner(s.closeSubscription))
}

func validEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	return err == nil && a.Address == v && strings.Contains(v, "@")
}

type organizationRequest struct {
	OrganizationName string `json:"organization_name"`
	ClientName       string `json:"client_name"`
	ClientEmail      string `json:"client_email"`
	DataCenter       string `json:"data_center"`
}

func (s *Server) createOrganization(w http.ResponseWriter, r *http.Request) {
	var req organizationRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	var err error
	switch {
	case strings.TrimSpace(req.OrganizationName) == "":
		err = partnerErrorf(http.StatusBadRequest, "organization_name is required")
	case strings.TrimSpace(req.ClientName) == "":
		err = partnerErrorf(http.StatusBadRequest, "client_name is required")
	case !validEmail(req.ClientEmail):
		err = partnerErrorf(http.StatusBadRequest, "client_email must be an email address, got %q", req.ClientEmail)
	case req.DataCenter != "" && req.DataCenter != "dal" && req.DataCenter != "fra":
		err = partnerErrorf(http.StatusBadRequest, "data_center must be dal (USA) or fra (EU), got %q", req.DataCenter)
	}
	if writePartnerResult(w, err) {
		return
	}
	if req.DataCenter == "" {
		req.DataCenter = "dal"
	}
	var org organization
	err = s.update(func(x *tx) error {
		for _, o := range s.st.organizations.rows {
			if strings.EqualFold(o.V.OwnerEmail, req.ClientEmail) {
				return partnerErrorf(http.StatusConflict, "%s already owns organization %s", req.ClientEmail, o.V.ID)
			}
		}
		org = organization{ID: newUUID(), Name: req.OrganizationName, OwnerName: req.ClientName,
			OwnerEmail: req.ClientEmail, DataCenter: req.DataCenter, CreatedAt: s.now()}
		s.st.organizations.put(x, org.ID, org)
		return nil
	})
	if writePartnerResult(w, err) {
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": org.ID})
}

type licenseRequest struct {
	ClientName    string `json:"client_name"`
	ClientEmail   string `json:"client_email"`
	PaymentOrigin string `json:"payment_origin"`
	TrialDuration *int   `json:"trial_duration"`
	CouponID      int64  `json:"coupon_id"`
	PurchaseOrder string `json:"purchase_order"`
}

func (s *Server) createLicense(w http.ResponseWriter, r *http.Request) {
	product := r.URL.Query().Get("product")
	if !licenseProducts[product] {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request",
			fmt.Sprintf("product must be one of livechat, chatbot, helpdesk, got %q", product))
		return
	}
	var req licenseRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	orgID := r.PathValue("org")
	var l license
	err := s.update(func(x *tx) error {
		org, ok := s.st.organizations.get(orgID)
		if !ok {
			return partnerErrorf(http.StatusNotFound, "organization %s not found", orgID)
		}
		trial, err := s.checkLicenseRequestLocked(org, product, req)
		if err != nil {
			return err
		}
		now := s.now()
		l = license{
			License:        strconv.FormatInt(firstLicenseNumber+s.nextSerial(x), 10),
			Product:        product,
			OrganizationID: org.ID,
			ClientName:     req.ClientName,
			ClientEmail:    req.ClientEmail,
			PurchaseOrder:  req.PurchaseOrder,
			PaymentOrigin:  req.PaymentOrigin,
			CouponID:       req.CouponID,
			DataCenter:     org.DataCenter,
			TrialDays:      trial,
			CreatedAt:      now,
			EndAt:          now.AddDate(0, 0, trial),
		}
		s.st.licenses.put(x, licenseKey(product, l.License), l)
		return nil
	})
	if writePartnerResult(w, err) {
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"license":            l.License,
		"product":            l.Product,
		"creation_timestamp": partnerTime(l.CreatedAt),
		"end_timestamp":      partnerTime(l.EndAt),
		"client_name":        l.ClientName,
		"client_email":       l.ClientEmail,
		"cc_added":           l.CCAdded,
		"paid":               l.Paid,
		"payment_origin":     l.PaymentOrigin,
		"status":             "trial",
	})
}

// checkLicenseRequestLocked applies the platform's rules to a new license
// and returns its trial length in days. The caller holds the state lock.
func (s *Server) checkLicenseRequestLocked(org organization, product string, req licenseRequest) (int, error) {
	if n := utf8.RuneCountInString(strings.TrimSpace(req.ClientName)); n < clientNameMin {
		return 0, partnerErrorf(http.StatusBadRequest, "client_name must be at least %d characters, got %d", clientNameMin, n)
	}
	if !strings.EqualFold(req.ClientEmail, org.OwnerEmail) {
		return 0, partnerErrorf(http.StatusBadRequest, "client_email must be the email of the organization's owner (%s), got %q", org.OwnerEmail, req.ClientEmail)
	}
	if req.PaymentOrigin != "client" && req.PaymentOrigin != "partner" {
		return 0, partnerErrorf(http.StatusBadRequest, "payment_origin must be client or partner, got %q", req.PaymentOrigin)
	}
	trial := licenseTrialDefault
	if req.TrialDuration != nil {
		trial = *req.TrialDuration
		if trial < licenseTrialMin || trial > licenseTrialMax {
			return 0, partnerErrorf(http.StatusBadRequest, "trial_duration must be between %d and %d, got %d", licenseTrialMin, licenseTrialMax, trial)
		}
	}
	if req.CouponID != 0 {
		if _, err := s.couponForProductLocked(req.CouponID, product); err != nil {
			return 0, err
		}
	}
	for _, e := range s.st.licenses.rows {
		if e.V.Product == product && strings.EqualFold(e.V.ClientEmail, req.ClientEmail) {
			return 0, partnerErrorf(http.StatusConflict, "%s already has a %s license (%s)", req.ClientEmail, product, e.V.License)
		}
	}
	return trial, nil
}

// licensePath reads and checks {product}/{license}.
func licensePath(w http.ResponseWriter, r *http.Request) (product, id string, ok bool) {
	product, id = r.PathValue("product"), r.PathValue("license")
	if !licenseProducts[product] {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request",
			fmt.Sprintf("product must be one of livechat, chatbot, helpdesk, got %q", product))
		return "", "", false
	}
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n < 1 {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request",
			fmt.Sprintf("license_id must be a positive whole number, got %q", id))
		return "", "", false
	}
	return product, id, true
}

func (s *Server) getLicense(w http.ResponseWriter, r *http.Request) {
	product, id, ok := licensePath(w, r)
	if !ok {
		return
	}
	var l license
	var now time.Time
	s.view(func() {
		l, ok = s.st.licenses.get(licenseKey(product, id))
		now = s.now()
	})
	if !ok {
		writeError(w, famPartners, http.StatusNotFound, "Not Found", fmt.Sprintf("%s license %s not found", product, id))
		return
	}
	status := l.statusAt(now)
	var plan, cycle, seats any
	if l.Plan != "" {
		plan, cycle, seats = l.Plan, l.BillingCycle, l.Seats
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"license":                    l.License,
		"product":                    l.Product,
		"client_name":                l.ClientName,
		"client_email":               l.ClientEmail,
		"purchase_order":             l.PurchaseOrder,
		"payment_origin":             l.PaymentOrigin,
		"creation_timestamp":         partnerTime(l.CreatedAt),
		"end_timestamp":              partnerTime(l.EndAt),
		"conversations":              0,
		"conversations_last_30_days": 0,
		"cc_added":                   l.CCAdded,
		"paid":                       l.Paid,
		"recurrent":                  l.Recurrent,
		"ql":                         false,
		"seats":                      seats,
		"plan":                       plan,
		"billing_cycle":              cycle,
		"total_discount":             0,
		"discount_percent":           20,
		"total_commission":           0,
		"commission_percent":         0,
		"data_center":                l.DataCenter,
		"expired":                    status == "expired",
		"status":                     status,
		"invited_agents":             []any{},
	})
}

// licenseListDateLayout is the documented format of the license list's
// date_from and date_to (platform-api.md §2.4).
const licenseListDateLayout = "2006-01-02T15:04:05Z"

// creationWindow reads the optional date_from and date_to of a license
// list; both bounds are inclusive.
func creationWindow(q url.Values) (from, to time.Time, problem string) {
	for _, bound := range []struct {
		name string
		dst  *time.Time
	}{{"date_from", &from}, {"date_to", &to}} {
		raw := q.Get(bound.name)
		if raw == "" {
			continue
		}
		t, err := time.Parse(licenseListDateLayout, raw)
		if err != nil {
			return from, to, fmt.Sprintf("%s must be a date such as 2023-02-14T00:00:00Z, got %q", bound.name, raw)
		}
		*bound.dst = t
	}
	return from, to, ""
}

// listLicenses answers every license of every product, oldest first, as
// the list item of platform-api.md §2.4: no plan, cycle or seats.
func (s *Server) listLicenses(w http.ResponseWriter, r *http.Request) {
	from, to, problem := creationWindow(r.URL.Query())
	if problem != "" {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request", problem)
		return
	}
	out := []map[string]any{}
	s.view(func() {
		now := s.now()
		for l := range s.st.licenses.oldestFirst {
			if (!from.IsZero() && l.CreatedAt.Before(from)) || (!to.IsZero() && l.CreatedAt.After(to)) {
				continue
			}
			out = append(out, map[string]any{
				"license":            l.License,
				"product":            l.Product,
				"client_name":        l.ClientName,
				"client_email":       l.ClientEmail,
				"creation_timestamp": partnerTime(l.CreatedAt),
				"end_timestamp":      partnerTime(l.EndAt),
				"cc_added":           l.CCAdded,
				"paid":               l.Paid,
				"payment_origin":     l.PaymentOrigin,
				"status":             l.statusAt(now),
			})
		}
	})
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

// subscriptionRequest is the create and update body. Token is read only to
// check that one was given.
type subscriptionRequest struct {
	Token        *string `json:"token"`
	Plan         string  `json:"plan"`
	BillingCycle string  `json:"billing_cycle"`
	Seats        *int64  `json:"seats"`
}

func (req subscriptionRequest) validate(withToken bool) error {
	if withToken && (req.Token == nil || strings.TrimSpace(*req.Token) == "") {
		return partnerErrorf(http.StatusBadRequest, "token is required: a card token from the payment processor (Recurly)")
	}
	switch req.Plan {
	case "starter", "team", "business":
	default:
		return partnerErrorf(http.StatusBadRequest, "plan must be one of starter, team, business, got %q", req.Plan)
	}
	if req.BillingCycle != "monthly" && req.BillingCycle != "annual" {
		return partnerErrorf(http.StatusBadRequest, "billing_cycle must be monthly or annual, got %q", req.BillingCycle)
	}
	if req.Seats == nil {
		return partnerErrorf(http.StatusBadRequest, "seats is required (at least 1)")
	}
	if *req.Seats < 1 {
		return partnerErrorf(http.StatusBadRequest, "seats must be at least 1, got %d", *req.Seats)
	}
	return nil
}

func cycleEnd(from time.Time, cycle string) time.Time {
	if cycle == "annual" {
		return from.AddDate(1, 0, 0)
	}
	return from.AddDate(0, 1, 0)
}

// decodeLicenseCall reads the path's license and the JSON body into req.
// It answers a bad path or body itself and then reports false.
func decodeLicenseCall(w http.ResponseWriter, r *http.Request, req any) (product, id string, ok bool) {
	product, id, ok = licensePath(w, r)
	if !ok {
		return "", "", false
	}
	if err := decodeJSON(r, req); err != nil {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request", err.Error())
		return "", "", false
	}
	return product, id, true
}

// licenseLocked finds the license a subscription call changes, and the key
// it is stored under; a partner 404 when there is none.
func (s *Server) licenseLocked(product, id string) (license, string, error) {
	key := licenseKey(product, id)
	l, ok := s.st.licenses.get(key)
	if !ok {
		return l, key, partnerErrorf(http.StatusNotFound, "%s license %s not found", product, id)
	}
	return l, key, nil
}

// openSubscriptionLocked starts a subscription on l (stored under key): a
// card on file, paid until the end of the first cycle.
func (s *Server) openSubscriptionLocked(x *tx, key string, l license, plan, cycle string, seats int64) {
	l.CCAdded, l.Paid, l.Recurrent = true, true, true
	l.Plan, l.BillingCycle, l.Seats = plan, cycle, seats
	l.ExpiredAt = nil
	l.EndAt = cycleEnd(s.now(), cycle)
	s.st.licenses.put(x, key, l)
}

func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) {
	var req subscriptionRequest
	product, id, ok := decodeLicenseCall(w, r, &req)
	if !ok {
		return
	}
	// Forget the token at once: only its presence matters from here on.
	req.Token = presence(req.Token)
	if writePartnerResult(w, req.validate(true)) {
		return
	}
	err := s.update(func(x *tx) error {
		l, key, err := s.licenseLocked(product, id)
		if err != nil {
			return err
		}
		if l.Recurrent {
			return partnerErrorf(http.StatusConflict, "%s license %s already has a subscription; update it with PUT", product, id)
		}
		s.openSubscriptionLocked(x, key, l, req.Plan, req.BillingCycle, *req.Seats)
		return nil
	})
	if writePartnerResult(w, err) {
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// presence replaces a secret with a marker that says only whether it was set.
func presence(p *string) *string {
	if p == nil || strings.TrimSpace(*p) == "" {
		return nil
	}
	set := "set"
	return &set
}

func (s *Server) updateSubscription(w http.ResponseWriter, r *http.Request) {
	var req subscriptionRequest
	product, id, ok := decodeLicenseCall(w, r, &req)
	if !ok {
		return
	}
	req.Token = nil
	if writePartnerResult(w, req.validate(false)) {
		return
	}
	err := s.update(func(x *tx) error {
		l, key, err := s.licenseLocked(product, id)
		if err != nil {
			return err
		}
		if !l.Recurrent {
			return partnerErrorf(http.StatusConflict, "%s license %s has no subscription; create one with POST", product, id)
		}
		if l.BillingCycle != req.BillingCycle {
			l.EndAt = cycleEnd(s.now(), req.BillingCycle)
		}
		l.Plan, l.BillingCycle, l.Seats = req.Plan, req.BillingCycle, *req.Seats
		s.st.licenses.put(x, key, l)
		return nil
	})
	if writePartnerResult(w, err) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type closeRequest struct {
	Password *string `json:"password"`
	Expire   bool    `json:"expire"`
}

func (s *Server) closeSubscription(w http.ResponseWriter, r *http.Request) {
	var req closeRequest
	product, id, ok := decodeLicenseCall(w, r, &req)
	if !ok {
		return
	}
	if req.Password == nil || *req.Password == "" {
		writeError(w, famPartners, http.StatusBadRequest, "Bad Request", "password is required: your Partner Program password")
		return
	}
	if !secretEqual(*req.Password, s.opts.PartnerPassword) {
		writeError(w, famPartners, http.StatusForbidden, "Forbidden", "password is incorrect")
		return
	}
	err := s.update(func(x *tx) error { return s.closeSubscriptionLocked(x, product, id, req.Expire) })
	if writePartnerResult(w, err) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) closeSubscriptionLocked(x *tx, product, id string, expire bool) error {
	l, key, err := s.licenseLocked(product, id)
	if err != nil {
		return err
	}
	if !l.Recurrent {
		return partnerErrorf(http.StatusConflict, "%s license %s has no open subscription", product, id)
	}
	l.Recurrent = false
	if expire {
		now := s.now()
		l.EndAt = now
		l.ExpiredAt = &now
		l.Paid = false
	}
	s.st.licenses.put(x, key, l)
	return nil
}

// ClientLicense is a client license as tests see it.
type ClientLicense struct {
	Product      string
	License      string
	Status       string
	Plan         string
	BillingCycle string
	Seats        int64
	Recurrent    bool
	CCAdded      bool
	EndAt        time.Time
}

// NewClientLicense creates an organization owned by email and a trial
// license of product for it, as a solution partner would (for tests).
func (s *Server) NewClientLicense(product, orgName, clientName, email string) (string, error) {
	if !licenseProducts[product] {
		return "", fmt.Errorf("unknown product %q", product)
	}
	var id string
	err := s.update(func(x *tx) error {
		now := s.now()
		org := organization{ID: newUUID(), Name: orgName, OwnerName: clientName, OwnerEmail: email, DataCenter: "dal", CreatedAt: now}
		s.st.organizations.put(x, org.ID, org)
		id = strconv.FormatInt(firstLicenseNumber+s.nextSerial(x), 10)
		s.st.licenses.put(x, licenseKey(product, id), license{
			License: id, Product: product, OrganizationID: org.ID, ClientName: clientName, ClientEmail: email,
			PaymentOrigin: "partner", DataCenter: "dal", TrialDays: licenseTrialDefault,
			CreatedAt: now, EndAt: now.AddDate(0, 0, licenseTrialDefault),
		})
		return nil
	})
	return id, err
}

// ClientLicenseState returns a license (for tests).
func (s *Server) ClientLicenseState(product, id string) (ClientLicense, bool) {
	var l license
	var ok bool
	var now time.Time
	s.view(func() {
		l, ok = s.st.licenses.get(licenseKey(product, id))
		now = s.now()
	})
	if !ok {
		return ClientLicense{}, false
	}
	return ClientLicense{Product: l.Product, License: l.License, Status: l.statusAt(now), Plan: l.Plan,
		BillingCycle: l.BillingCycle, Seats: l.Seats, Recurrent: l.Recurrent, CCAdded: l.CCAdded, EndAt: l.EndAt}, true
}

// CloseClientSubscription closes a subscription outside Terraform, as the
// partner would in the dashboard (for tests).
func (s *Server) CloseClientSubscription(product, id string, expire bool) error {
	return s.update(func(x *tx) error { return s.closeSubscriptionLocked(x, product, id, expire) })
}

// ChangeClientSubscription changes a subscription outside Terraform (for tests).
func (s *Server) ChangeClientSubscription(product, id, plan, cycle string, seats int64) error {
	return s.update(func(x *tx) error {
		key := licenseKey(product, id)
		l, ok := s.st.licenses.get(key)
		if !ok || !l.Recurrent {
			return fmt.Errorf("%s license %s has no open subscription", product, id)
		}
		l.Plan, l.BillingCycle, l.Seats = plan, cycle, seats
		s.st.licenses.put(x, key, l)
		return nil
	})
}

// OpenClientSubscription starts a subscription outside Terraform, as the
// partner would in the dashboard (for tests).
func (s *Server) OpenClientSubscription(product, id, plan, cycle string, seats int64) error {
	return s.update(func(x *tx) error {
		key := licenseKey(product, id)
		l, ok := s.st.licenses.get(key)
		if !ok {
			return fmt.Errorf("no %s license %s", product, id)
		}
		if l.Recurrent {
			return fmt.Errorf("%s license %s already has a subscription", product, id)
		}
		s.openSubscriptionLocked(x, key, l, plan, cycle, seats)
		return nil
	})
}
