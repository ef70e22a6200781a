package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// In-app upgrades (platform-api.md §3). The platform documents only the Developer
// Console form, so the endpoints are this project's [ours]:
//
//	POST   /v2/applications/<app_id>/in-app-upgrades        → 201 object + webhook_secret (once)
//	GET    /v2/applications/<app_id>/in-app-upgrades        → {"result":[…]}, newest first
//	GET    /v2/applications/<app_id>/in-app-upgrades/<id>   → object
//	PATCH  /v2/applications/<app_id>/in-app-upgrades/<id>   → object (any subset of the create fields)
//	DELETE /v2/applications/<app_id>/in-app-upgrades/<id>   → 204
//
// Decisions where the platform documents nothing [ours]:
//   - webhook_secret is write-only: generated when omitted, returned only by
//     the create call, never by GET, list, PATCH or /_sandbox/state. When
//     given it must be 1–256 characters.
//   - type cannot be changed by PATCH (400 naming the field); the same value is accepted.
//   - payment_type defaults to organization when omitted on create.
//   - A price change applies to new purchases only: every enablement keeps
//     the price it was bought at.
//   - DELETE removes the upgrade's enablements with it.
//   - The control API signs every webhook with
//     X-LiveChat-Signature: hex(HMAC-SHA256(webhook_secret, body)).
//   - transaction is derived from upgrade, organization, license and type,
//     so it is the same for every ENABLE (or DISABLE) of one customer.

// Upgrade types and payment types.
const (
	upgradeTypeOnce     = "once"
	upgradeTypeQuantity = "quantity"
	paymentOrganization = "organization"
	paymentAccount      = "account"

	upgradeMaxPrice       = 2_000_000
	upgradeMaxName        = 64
	upgradeMaxDescription = 200
	upgradeMaxSecret      = 256

	// SignatureHeader carries hex(HMAC-SHA256(webhook_secret, body)) on
	// every webhook the sandbox delivers [ours].
	SignatureHeader = "X-LiveChat-Signature"

	// SandboxAppID is the application every sandbox starts with (platform-api.md §5.3).
	SandboxAppID = "sandbox-app"

	defaultWebhookTimeout = 5 * time.Second
)

// app is a Developer Console application; upgrades belong to one.
type app struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// inAppUpgrade is an upgrade definition. Its webhook secret lives in the
// upgradeSecrets table so that no dump of this table can leak it.
type inAppUpgrade struct {
	ID          string    `json:"id"`
	AppID       string    `json:"app_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	WebhookURL  string    `json:"webhook_url"`
	Type        string    `json:"type"`
	Price       int64     `json:"price"`
	PaymentType string    `json:"payment_type"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// upgradeSecret is the write-only webhook secret of one upgrade, keyed by
// the upgrade id.
type upgradeSecret struct {
	Secret string `json:"secret"`
}

// upgradeEnablement is one ENABLE a customer made, with the price it was
// bought at. A matching DISABLE sets DisabledAt.
type upgradeEnablement struct {
	ID           string     `json:"id"`
	UpgradeID    string     `json:"upgrade_id"`
	Organization string     `json:"organization"`
	License      string     `json:"license"`
	Quantity     int64      `json:"quantity"`
	Price        int64      `json:"price"`
	Transaction  string     `json:"transaction"`
	EnabledAt    time.Time  `json:"enabled_at"`
	DisabledAt   *time.Time `json:"disabled_at"`
}

func (s *Server) upgradesRoutes() {
	const base = "/v2/applications/{app_id}/in-app-upgrades"
	s.mux.HandleFunc("POST "+base, s.requireAccess(famDevConsole, s.createUpgrade))
	s.mux.HandleFunc("GET "+base, s.requireAccess(famDevConsole, s.listUpgrades))
	s.mux.HandleFunc("GET "+base+"/{id}", s.requireAccess(famDevConsole, s.getUpgrade))
	s.mux.HandleFunc("PATCH "+base+"/{id}", s.requireAccess(famDevConsole, s.patchUpgrade))
	s.mux.HandleFunc("DELETE "+base+"/{id}", s.requireAccess(famDevConsole, s.deleteUpgrade))
	s.mux.HandleFunc("POST /_sandbox/upgrades/{id}/enable", loopbackOnly(s.upgradeAction("ENABLE")))
	s.mux.HandleFunc("POST /_sandbox/upgrades/{id}/disable", loopbackOnly(s.upgradeAction("DISABLE")))
}

// upgradeInput is the create and PATCH body; nil means absent.
type upgradeInput struct {
	Name          *string `json:"name"`
	Description   *string `json:"description"`
	WebhookURL    *string `json:"webhook_url"`
	WebhookSecret *string `json:"webhook_secret"`
	Type          *string `json:"type"`
	Price         *int64  `json:"price"`
	PaymentType   *string `json:"payment_type"`
}

// validate checks the fields present; create also requires the mandatory
// ones. It returns every problem, each naming its field and rule.
func (in upgradeInput) validate(create bool) []string {
	var errs []string
	required := func(field string, present bool) bool {
		if !present && create {
			errs = append(errs, field+" is required")
		}
		return present
	}
	length := func(field string, v string, lo, hi int) {
		n := utf8.RuneCountInString(v)
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Sprintf("%s must not be empty (1 to %d characters)", field, hi))
		} else if n < lo || n > hi {
			errs = append(errs, fmt.Sprintf("%s must be %d to %d characters, got %d", field, lo, hi, n))
		}
	}
	if required("name", in.Name != nil) {
		length("name", *in.Name, 1, upgradeMaxName)
	}
	if required("description", in.Description != nil) {
		length("description", *in.Description, 1, upgradeMaxDescription)
	}
	if required("webhook_url", in.WebhookURL != nil) {
		if err := checkWebhookURL(*in.WebhookURL); err != "" {
			errs = append(errs, err)
		}
	}
	if in.WebhookSecret != nil {
		if n := utf8.RuneCountInString(*in.WebhookSecret); n < 1 || n > upgradeMaxSecret {
			errs = append(errs, fmt.Sprintf("webhook_secret must be 1 to %d characters, got %d (omit it to have one generated)", upgradeMaxSecret, n))
		}
	}
	if required("type", in.Type != nil) {
		if t := *in.Type; t != upgradeTypeOnce && t != upgradeTypeQuantity {
			errs = append(errs, fmt.Sprintf("type must be one of once, quantity; got %q", t))
		}
	}
	if required("price", in.Price != nil) {
		if p := *in.Price; p < 0 || p > upgradeMaxPrice {
			errs = append(errs, fmt.Sprintf("price must be 0 (free) or between 1 and %d cents, got %d", upgradeMaxPrice, p))
		}
	}
	if in.PaymentType != nil {
		if p := *in.PaymentType; p != paymentOrganization && p != paymentAccount {
			errs = append(errs, fmt.Sprintf("payment_type must be one of organization, account; got %q", p))
		}
	}
	return errs
}

// checkWebhookURL returns why raw is not an acceptable webhook URL, or "".
func checkWebhookURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Sprintf("webhook_url must be an absolute https URL, got %q", raw)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return fmt.Sprintf("webhook_url must use https (plain http only for a loopback host such as 127.0.0.1 or localhost), got %q", raw)
	}
	return ""
}

// appOf answers 404 for an unknown application and reports whether it exists.
func (s *Server) appOf(w http.ResponseWriter, r *http.Request) (string, bool) {
	appID := r.PathValue("app_id")
	var ok bool
	s.view(func() { ok = s.st.apps.has(appID) })
	if !ok {
		writeError(w, famDevConsole, http.StatusNotFound, "not_found", fmt.Sprintf("application %q not found", appID))
	}
	return appID, ok
}

// errUpgradeNotFound marks a lookup of an upgrade that is not in the app.
var errUpgradeNotFound = errors.New("upgrade not found")

// upgradeInApp returns the upgrade id of app appID (under the lock).
func (s *Server) upgradeInApp(appID, id string) (inAppUpgrade, bool) {
	u, ok := s.st.upgrades.get(id)
	if !ok || u.AppID != appID {
		return inAppUpgrade{}, false
	}
	return u, true
}

func upgradeNotFound(w http.ResponseWriter, appID, id string) {
	writeError(w, famDevConsole, http.StatusNotFound, "not_found",
		fmt.Sprintf("in-app upgrade %q not found in application %q", id, appID))
}

func (s *Server) createUpgrade(w http.ResponseWriter, r *http.Request) {
	appID, ok := s.appOf(w, r)
	if !ok {
		return
	}
	var in upgradeInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, famDevConsole, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	if errs := in.validate(true); len(errs) > 0 {
		writeError(w, famDevConsole, http.StatusBadRequest, "validation_error", strings.Join(errs, "; "))
		return
	}
	secret := newID(16)
	if in.WebhookSecret != nil {
		secret = *in.WebhookSecret
	}
	payment := paymentOrganization
	if in.PaymentType != nil {
		payment = *in.PaymentType
	}
	var u inAppUpgrade
	err := s.update(func(x *tx) error {
		// Apps are never deleted, so appOf's answer still holds.
		id := newLetters(8)
		for s.st.upgrades.has(id) {
			id = newLetters(8)
		}
		now := s.now()
		u = inAppUpgrade{
			ID: id, AppID: appID, Name: *in.Name, Description: *in.Description, WebhookURL: *in.WebhookURL,
			Type: *in.Type, Price: *in.Price, PaymentType: payment, Status: "draft", CreatedAt: now, UpdatedAt: now,
		}
		s.st.upgrades.put(x, id, u)
		s.st.upgradeSecrets.put(x, id, upgradeSecret{Secret: secret})
		return nil
	})
	if err != nil {
		writeError(w, famDevConsole, http.StatusInternalServerError, "persist", err.Error())
		return
	}
	// The only answer that ever carries the secret.
	writeJSON(w, http.StatusCreated, struct {
		inAppUpgrade
		WebhookSecret string `json:"webhook_secret"`
	}{u, secret})
}

func (s *Server) listUpgrades(w http.ResponseWriter, r *http.Request) {
	appID, ok := s.appOf(w, r)
	if !ok {
		return
	}
	out := []inAppUpgrade{}
	s.view(func() {
		for u := range s.st.upgrades.newestFirstEach {
			if u.AppID == appID {
				out = append(out, u)
			}
		}
	})
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

func (s *Server) getUpgrade(w http.ResponseWriter, r *http.Request) {
	appID, ok := s.appOf(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var u inAppUpgrade
	s.view(func() { u, ok = s.upgradeInApp(appID, id) })
	if !ok {
		upgradeNotFound(w, appID, id)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) patchUpgrade(w http.ResponseWriter, r *http.Request) {
	appID, ok := s.appOf(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var in upgradeInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, famDevConsole, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	errs := in.validate(false)
	var u inAppUpgrade
	err := s.update(func(x *tx) error {
		var found bool
		if u, found = s.upgradeInApp(appID, id); !found {
			return errUpgradeNotFound
		}
		if in.Type != nil && *in.Type != u.Type && (*in.Type == upgradeTypeOnce || *in.Type == upgradeTypeQuantity) {
			errs = append(errs, fmt.Sprintf("type cannot be changed after creation (it is %s, got %s); create a new upgrade instead", u.Type, *in.Type))
		}
		if len(errs) > 0 {
			return errBadBody
		}
		before := u
		setIf(&u.Name, in.Name)
		setIf(&u.Description, in.Description)
		setIf(&u.WebhookURL, in.WebhookURL)
		setIf(&u.PaymentType, in.PaymentType)
		if in.Price != nil {
			// New purchases pay the new price; enablements keep theirs.
			u.Price = *in.Price
		}
		if u != before || in.WebhookSecret != nil {
			u.UpdatedAt = s.now()
			s.st.upgrades.put(x, id, u)
		}
		if in.WebhookSecret != nil {
			s.st.upgradeSecrets.put(x, id, upgradeSecret{Secret: *in.WebhookSecret})
		}
		return nil
	})
	switch {
	case errors.Is(err, errUpgradeNotFound):
		upgradeNotFound(w, appID, id)
	case errors.Is(err, errBadBody):
		writeError(w, famDevConsole, http.StatusBadRequest, "validation_error", strings.Join(errs, "; "))
	case err != nil:
		writeError(w, famDevConsole, http.StatusInternalServerError, "persist", err.Error())
	default:
		writeJSON(w, http.StatusOK, u)
	}
}

func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func (s *Server) deleteUpgrade(w http.ResponseWriter, r *http.Request) {
	appID, ok := s.appOf(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	err := s.update(func(x *tx) error {
		if _, found := s.upgradeInApp(appID, id); !found {
			return errUpgradeNotFound
		}
		s.deleteUpgradeLocked(x, id)
		return nil
	})
	switch {
	case errors.Is(err, errUpgradeNotFound):
		upgradeNotFound(w, appID, id)
	case err != nil:
		writeError(w, famDevConsole, http.StatusInternalServerError, "persist", err.Error())
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// deleteUpgradeLocked removes an upgrade with its secret and enablements.
func (s *Server) deleteUpgradeLocked(x *tx, id string) {
	s.st.upgrades.del(x, id)
	s.st.upgradeSecrets.del(x, id)
	for _, e := range s.st.upgradeEnablements.newestFirst() {
		if e.UpgradeID == id {
			s.st.upgradeEnablements.del(x, e.ID)
		}
	}
}

// upgradeWebhook is the documented payload (platform-api.md §3.3).
type upgradeWebhook struct {
	ID           string `json:"id"`
	Transaction  string `json:"transaction"`
	Organization string `json:"organization"`
	License      string `json:"license"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Quantity     int64  `json:"quantity"`
}

// upgradeActionInput is the control API body. license may be sent as a
// string or a number; the webhook always carries a string.
type upgradeActionInput struct {
	Organization string          `json:"organization"`
	License      json.RawMessage `json:"license"`
	Quantity     *int64          `json:"quantity"`
}

// upgradeRuleError is a quantity rule the customer's action breaks.
type upgradeRuleError struct {
	status int
	msg    string
}

func (e *upgradeRuleError) Error() string { return e.msg }

// checkUpgradeAction applies the quantity rules to a customer's action
// (under the lock). For a DISABLE it returns the enablement it ends.
func (s *Server) checkUpgradeAction(u inAppUpgrade, action, org, license string, qty int64) (*upgradeEnablement, error) {
	if u.Type == upgradeTypeOnce && qty != 1 {
		return nil, &upgradeRuleError{http.StatusBadRequest,
			fmt.Sprintf("quantity must be 1 for a once upgrade, got %d", qty)}
	}
	// Oldest first, so a DISABLE ends the earliest matching ENABLE.
	var active []upgradeEnablement
	for e := range s.st.upgradeEnablements.oldestFirst {
		if e.UpgradeID == u.ID && e.Organization == org && e.License == license && e.DisabledAt == nil {
			active = append(active, e)
		}
	}
	who := fmt.Sprintf("organization %q, license %q", org, license)
	if action == "ENABLE" {
		if u.Type == upgradeTypeOnce && len(active) > 0 {
			return nil, &upgradeRuleError{http.StatusConflict,
				fmt.Sprintf("upgrade %s is a once upgrade and is already enabled for %s; disable it first", u.ID, who)}
		}
		return nil, nil
	}
	for i := range active {
		if active[i].Quantity == qty {
			return &active[i], nil
		}
	}
	if len(active) == 0 {
		return nil, &upgradeRuleError{http.StatusConflict,
			fmt.Sprintf("upgrade %s is not enabled for %s: a disable must match an earlier enable", u.ID, who)}
	}
	qs := make([]string, len(active))
	for i, e := range active {
		qs[i] = itoa(e.Quantity)
	}
	return nil, &upgradeRuleError{http.StatusConflict,
		fmt.Sprintf("quantity %d does not match an active enable of upgrade %s for %s: disables mirror enables one for one; active enables have quantities %s",
			qty, u.ID, who, strings.Join(qs, ", "))}
}

// upgradeAction is the control API's customer action: check the rules,
// deliver the webhook without holding the state lock, and record the action
// only when the receiver answered 2xx.
func (s *Server) upgradeAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		act, ok := readCustomerAction(w, r, action)
		if !ok {
			return
		}
		u, secret, ok := s.upgradeForAction(w, id, act)
		if !ok {
			return
		}
		txn := upgradeTransaction(id, act.organization, act.license, action)
		body, _ := json.Marshal(upgradeWebhook{
			ID: id, Transaction: txn, Organization: act.organization, License: act.license,
			Name: u.Name, Type: action, Quantity: act.quantity,
		})
		status, reason, err := s.deliverWebhook(r, u.WebhookURL, secret.Secret, body)
		if err != nil {
			writeJSON(w, http.StatusBadGateway, map[string]any{
				"error":       fmt.Sprintf("the webhook receiver %s could not be reached: %v", u.WebhookURL, err),
				"delivered":   false,
				"recorded":    false,
				"transaction": txn,
			})
			return
		}
		out := map[string]any{"delivered": true, "status": status, "transaction": txn, "recorded": false}
		if reason != "" {
			out["reason"] = reason
		}
		if status < 200 || status > 299 {
			writeJSON(w, http.StatusOK, out)
			return
		}
		recorded, err := s.recordCustomerAction(id, u.Price, txn, act)
		writeRecordedAction(w, id, status, out, recorded, err)
	}
}

// customerAction is a validated request of the control API's enable or
// disable.
type customerAction struct {
	action, organization, license string
	quantity                      int64
}

// readCustomerAction decodes and checks the request body, answering 400
// itself when it is bad.
func readCustomerAction(w http.ResponseWriter, r *http.Request, action string) (customerAction, bool) {
	var in upgradeActionInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, famControl, http.StatusBadRequest, "invalid_request", err.Error())
		return customerAction{}, false
	}
	license, licErr := licenseString(in.License)
	var errs []string
	if strings.TrimSpace(in.Organization) == "" {
		errs = append(errs, "organization is required")
	}
	if licErr != "" {
		errs = append(errs, licErr)
	}
	qty := int64(1)
	if in.Quantity != nil {
		qty = *in.Quantity
		if qty < 1 {
			errs = append(errs, fmt.Sprintf("quantity must be at least 1, got %d", qty))
		}
	}
	if len(errs) > 0 {
		writeError(w, famControl, http.StatusBadRequest, "validation_error", strings.Join(errs, "; "))
		return customerAction{}, false
	}
	return customerAction{action: action, organization: in.Organization, license: license, quantity: qty}, true
}

// upgradeForAction finds the upgrade and checks the action against its
// rules before the webhook goes out, answering 404 or the rule's status
// itself when it may not.
func (s *Server) upgradeForAction(w http.ResponseWriter, id string, act customerAction) (inAppUpgrade, upgradeSecret, bool) {
	var u inAppUpgrade
	var secret upgradeSecret
	var found bool
	var ruleErr error
	s.view(func() {
		if u, found = s.st.upgrades.get(id); found {
			secret, _ = s.st.upgradeSecrets.get(id)
			_, ruleErr = s.checkUpgradeAction(u, act.action, act.organization, act.license, act.quantity)
		}
	})
	if !found {
		writeError(w, famControl, http.StatusNotFound, "not_found", fmt.Sprintf("in-app upgrade %q not found", id))
		return u, secret, false
	}
	if ruleErr != nil {
		status := http.StatusConflict
		var re *upgradeRuleError
		if errors.As(ruleErr, &re) {
			status = re.status
		}
		writeError(w, famControl, status, "rule", ruleErr.Error())
		return u, secret, false
	}
	return u, secret, true
}

// recordCustomerAction records a delivered action, checking the rules again
// because the state may have moved while the webhook was in flight. An
// enable keeps the price the customer was shown when acting, even if it
// changed meanwhile.
func (s *Server) recordCustomerAction(id string, shownPrice int64, txn string, act customerAction) (upgradeEnablement, error) {
	var recorded upgradeEnablement
	err := s.update(func(x *tx) error {
		cur, ok := s.st.upgrades.get(id)
		if !ok {
			return errUpgradeNotFound
		}
		match, err := s.checkUpgradeAction(cur, act.action, act.organization, act.license, act.quantity)
		if err != nil {
			return err
		}
		now := s.now()
		if act.action == "ENABLE" {
			recorded = upgradeEnablement{
				ID: newID(8), UpgradeID: id, Organization: act.organization, License: act.license,
				Quantity: act.quantity, Price: shownPrice, Transaction: txn, EnabledAt: now,
			}
		} else {
			recorded = *match
			recorded.DisabledAt = &now
		}
		s.st.upgradeEnablements.put(x, recorded.ID, recorded)
		return nil
	})
	return recorded, err
}

// writeRecordedAction answers a delivered action: out with the recorded
// price, or why nothing was recorded.
func writeRecordedAction(w http.ResponseWriter, id string, status int, out map[string]any, recorded upgradeEnablement, err error) {
	var re *upgradeRuleError
	switch {
	case errors.Is(err, errUpgradeNotFound):
		writeError(w, famControl, http.StatusConflict, "conflict",
			fmt.Sprintf("the webhook was delivered (HTTP %d) but upgrade %q was deleted meanwhile; nothing was recorded", status, id))
	case errors.As(err, &re):
		writeError(w, famControl, http.StatusConflict, "conflict",
			fmt.Sprintf("the webhook was delivered (HTTP %d) but the customer's state changed meanwhile; nothing was recorded: %s", status, re.msg))
	case err != nil:
		writeError(w, famControl, http.StatusInternalServerError, "persist", err.Error())
	default:
		out["recorded"] = true
		out["price"] = recorded.Price
		writeJSON(w, http.StatusOK, out)
	}
}

// licenseString accepts a license as a JSON string or number.
func licenseString(raw json.RawMessage) (string, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", "license is required"
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if strings.TrimSpace(s) == "" {
			return "", "license is required"
		}
		return s, ""
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if _, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return n.String(), ""
		}
	}
	return "", fmt.Sprintf("license must be a string or a whole number, got %s", string(raw))
}

// deliverWebhook POSTs body to target, signed with secret. It returns the
// receiver's status and, for a non-2xx answer, its plain-text reason.
func (s *Server) deliverWebhook(r *http.Request, target, secret string, body []byte) (int, string, error) {
	timeout := s.opts.WebhookTimeout
	if timeout <= 0 {
		timeout = defaultWebhookTimeout
	}
	hc := &http.Client{
		Timeout: timeout,
		// A redirect is the receiver's answer, not a place to resend a
		// signed payload.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "livechat-sandbox")
	req.Header.Set(SignatureHeader, SignWebhook(secret, body))
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	reason := ""
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		reason = strings.TrimSpace(string(data))
	}
	return resp.StatusCode, reason, nil
}

// SignWebhook returns the X-LiveChat-Signature of body: the hex HMAC-SHA256
// keyed with the upgrade's webhook secret [ours].
func SignWebhook(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// upgradeTransaction derives the transaction id: the same for every action
// of one type by one organization and license on one upgrade.
func upgradeTransaction(upgradeID, org, license, action string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	sum := sha256.Sum256([]byte(upgradeID + "\x00" + org + "\x00" + license + "\x00" + action))
	out := make([]byte, 9)
	for i := range out {
		out[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(out)
}

// newLetters returns n random lowercase letters (upgrade ids look like "stsmuqjb").
func newLetters(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	return string(b)
}

// isLoopbackHost reports whether host names this machine.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AddApp adds a Developer Console application (for tests that need more
// than the seeded sandbox-app).
func (s *Server) AddApp(id, name string) error {
	return s.update(func(x *tx) error {
		s.st.apps.put(x, id, app{ID: id, Name: name})
		return nil
	})
}

// HasUpgrade reports whether an in-app upgrade with id exists (for tests).
func (s *Server) HasUpgrade(id string) bool {
	var ok bool
	s.view(func() { ok = s.st.upgrades.has(id) })
	return ok
}

// DeleteUpgrade removes an upgrade as if someone deleted it in the
// Developer Console (for tests of drift). It reports whether it existed.
func (s *Server) DeleteUpgrade(id string) bool {
	var existed bool
	_ = s.update(func(x *tx) error {
		existed = s.st.upgrades.has(id)
		if existed {
			s.deleteUpgradeLocked(x, id)
		}
		return nil
	})
	return existed
}
