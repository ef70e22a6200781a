package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// This file holds what recurrent_charges.go and direct_charges.go share:
// the buyer and seller identities a sandbox charge carries, the product
// path segment and its scopes, request validation, and the control API
// through which the buyer answers a charge (platform-api.md §5.4).
//
// Control API for charges (no auth, loopback only, JSON in and out):
//
//	POST /_sandbox/charges/<id>/accept    the buyer accepts a pending recurrent or direct charge → the charge
//	POST /_sandbox/charges/<id>/decline   the buyer declines it → the charge (422 unless pending, 404 unknown)
//	POST /_sandbox/charges/<id>/payment   {"fail":true|false}: whether the buyer's payments for this charge
//	                                      fail from now on (default false) → the charge
//	POST /_sandbox/clock/advance          {"days":1..3650}: time passes (clock.go) → {"clock","events"}
//
// The buyer's pages (checkout.go): GET <confirmation_url> and
// GET /marketplace/checkout/charge/<id>/<recurrent_charge|direct_charge>?icon=&description=
// show the charge; their Accept and Decline buttons post back to the same address.
//
// Sandbox rules where the platform documents nothing [ours]: the buyer has
// one account (per_account charges cost price × 1); a charge without a
// trial is collected at activation; a renewal is invoiced (past_due) at
// next_charge_at and collected or frozen a day later; a processed direct
// charge settles a day after activation; test charges go through the same
// states but add nothing to the ledger; every collection attempt of a
// subscription is recorded as a settled direct charge whose
// recurrent_charge_id names the subscription.

// Billing products, the <product> path segment (platform-api.md §1).
const (
	productLiveChat = "livechat"
	productHelpDesk = "helpdesk"
)

// commissionPercent is the platform's share of every charge (platform-api.md §1.1).
const commissionPercent = 20

// The buyer of every sandbox charge: one organization with one license and
// one account, so per_account charges cost price × 1.
const (
	sandboxBuyerOrganizationID = "e0a0ba10-e94c-4db8-ab2c-397815762934"
	sandboxBuyerLicenseID      = int64(100006625)
	sandboxBuyerAccountID      = "638aa94b-eafa-42c7-9a9f-f0ee9561f934"
	sandboxBuyerEntityID       = "buyer@example.com"
	sandboxBuyerAccounts       = int64(1)
)

// settleDelay is how long after an invoice (a recurrent renewal) or an
// activation (a direct charge) the buyer's payment is collected or fails.
// A day keeps past_due and processed observable with /_sandbox/clock/advance.
const settleDelay = 24 * time.Hour

// Charge statuses (platform-api.md §1.1, §1.2).
const (
	statusPending   = "pending"
	statusAccepted  = "accepted"
	statusDeclined  = "declined"
	statusProcessed = "processed"
	statusActive    = "active"
	statusPastDue   = "past_due"
	statusFrozen    = "frozen"
	statusCancelled = "cancelled"
	statusSuccess   = "success"
	statusFailed    = "failed"
)

// chargeParties are the identity fields every charge carries.
type chargeParties struct {
	BuyerOrganizationID string `json:"buyer_organization_id"`
	BuyerLicenseID      int64  `json:"buyer_license_id"`
	BuyerAccountID      string `json:"buyer_account_id"`
	BuyerEntityID       string `json:"buyer_entity_id"`
	SellerClientID      string `json:"seller_client_id"`
	OrderClientID       string `json:"order_client_id"`
	OrderOrganizationID string `json:"order_organization_id"`
}

// parties are the stable sandbox values: the seller is the sandbox's OAuth
// client in the sandbox organization, and the buyer is the sandbox buyer.
func (s *Server) parties() chargeParties {
	return chargeParties{
		BuyerOrganizationID: sandboxBuyerOrganizationID,
		BuyerLicenseID:      sandboxBuyerLicenseID,
		BuyerAccountID:      sandboxBuyerAccountID,
		BuyerEntityID:       sandboxBuyerEntityID,
		SellerClientID:      s.opts.ClientID,
		OrderClientID:       s.opts.ClientID,
		OrderOrganizationID: sandboxOrganizationID,
	}
}

// chargeScopes are the OAuth scopes a product's charges need.
func chargeScopes(product string) ([]string, bool) {
	switch product {
	case productLiveChat:
		return []string{"billing_manage", "billing_admin"}, true
	case productHelpDesk:
		return []string{"billing--all:rw"}, true
	}
	return nil, false
}

// chargeAccess wraps a charge handler: the token must be valid (401 before
// anything else), the product must be livechat or helpdesk (404) and the
// token must carry the product's scope (403).
func (s *Server) chargeAccess(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		product := r.PathValue("product")
		scopes, ok := chargeScopes(product)
		if !ok {
			s.requireAccess(famBilling, func(w http.ResponseWriter, r *http.Request) {
				writeError(w, famBilling, http.StatusNotFound, "not_found",
					fmt.Sprintf("unknown product %q: the product segment must be livechat or helpdesk", product))
			})(w, r)
			return
		}
		s.requireAccess(famBilling, h, scopes...)(w, r)
	}
}

// apiError is an error a handler answers with; update closures return it
// to abort before changing anything.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errNotFound(kind, id string) *apiError {
	return &apiError{http.StatusNotFound, "not_found", fmt.Sprintf("%s %s not found", kind, id)}
}

func errState(format string, args ...any) *apiError {
	return &apiError{http.StatusUnprocessableEntity, "invalid_state", fmt.Sprintf(format, args...)}
}

func errValidation(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "validation_error", fmt.Sprintf(format, args...)}
}

// writeErr answers err in fam's envelope: an *apiError with its status, a
// malformed body with 400, anything else (a persistence failure) with 500.
func writeErr(w http.ResponseWriter, fam family, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		writeError(w, fam, ae.status, ae.code, ae.msg)
	case errors.Is(err, errBadBody):
		writeError(w, fam, http.StatusBadRequest, "bad_request", err.Error())
	default:
		writeError(w, fam, http.StatusInternalServerError, "internal_error", err.Error())
	}
}

// validateName, validatePrice and validateReturnURL check the fields both
// kinds of charge take; messages name the field and the rule.
func validateName(name *string) error {
	if name == nil {
		return errValidation("name is required")
	}
	if strings.TrimSpace(*name) == "" {
		return errValidation("name must not be empty")
	}
	return nil
}

func validatePrice(price *int64) error {
	if price == nil {
		return errValidation("price is required (integer cents, at least 1)")
	}
	if *price < 1 {
		return errValidation("price must be at least 1 (cents), got %d", *price)
	}
	return nil
}

func validateReturnURL(raw *string) error {
	if raw == nil {
		return errValidation("return_url is required")
	}
	u, err := url.Parse(*raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return errValidation("return_url must be an absolute http(s) URL, got %q", *raw)
	}
	return nil
}

// baseURL is the address the client reached the sandbox at, for the links
// the sandbox hands out (confirmation pages).
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// confirmationURL is the page where the buyer accepts or declines a charge.
func confirmationURL(r *http.Request, id string) string {
	return baseURL(r) + "/billing/confirm/" + url.PathEscape(id)
}

func timePtr(t time.Time) *time.Time { return &t }

// firstError returns the first of errs that is not nil (the validations of
// a request, in the order their messages should win).
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// chargeHead is what every stored charge says of itself, whatever its kind.
type chargeHead struct {
	ID, Product, Status string
}

// storedCharge is what the handlers both kinds of charge share need of a
// stored charge: its head and its wire form J.
type storedCharge[J any] interface {
	head() chargeHead
	wire(r *http.Request) J
}

// chargeKind is one kind of charge and the table that stores it, for the
// handlers both kinds share.
type chargeKind[T storedCharge[J], J any] struct {
	kind  string // kindRecurrent or kindDirect
	name  string // in messages: "recurrent charge" or "direct charge"
	table func(*Server) *table[T]
}

var (
	recurrentKind = chargeKind[recurrentCharge, recurrentChargeJSON]{kind: kindRecurrent, name: "recurrent charge",
		table: func(s *Server) *table[recurrentCharge] { return s.st.recurrent }}
	directKind = chargeKind[directCharge, directChargeJSON]{kind: kindDirect, name: "direct charge",
		table: func(s *Server) *table[directCharge] { return s.st.direct }}
)

// locked finds the charge of the path's product and id.
func (k chargeKind[T, J]) locked(s *Server, r *http.Request) (T, error) {
	id := r.PathValue("id")
	c, ok := k.table(s).get(id)
	if !ok || c.head().Product != r.PathValue("product") {
		var none T
		return none, errNotFound(k.name, id)
	}
	return c, nil
}

// create stores the charge build makes (at the sandbox's now) and answers
// 201 with its wire form. The request is validated before.
func (k chargeKind[T, J]) create(s *Server, w http.ResponseWriter, r *http.Request, build func(now time.Time) T) {
	var out J
	err := s.update(func(x *tx) error {
		c := build(s.now())
		k.table(s).put(x, c.head().ID, c)
		out = c.wire(r)
		return nil
	})
	if err != nil {
		writeErr(w, famBilling, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// get answers GET …/{id}.
func (k chargeKind[T, J]) get(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var c T
		var err error
		s.view(func() { c, err = k.locked(s, r) })
		if err != nil {
			writeErr(w, famBilling, err)
			return
		}
		writeJSON(w, http.StatusOK, c.wire(r))
	}
}

// answer is the buyer's PUT …/accept or …/decline.
func (k chargeKind[T, J]) answer(s *Server, to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var out any
		err := s.update(func(x *tx) error {
			if _, err := k.locked(s, r); err != nil {
				return err
			}
			var err error
			out, err = s.answerChargeLocked(x, r, r.PathValue("id"), k.kind, to)
			return err
		})
		if err != nil {
			writeErr(w, famBilling, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// transition answers a PUT that moves the path's charge to another state:
// move returns the charge as it stored it, or an error before any change.
func (k chargeKind[T, J]) transition(s *Server, move func(x *tx, c T) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var out J
		err := s.update(func(x *tx) error {
			c, err := k.locked(s, r)
			if err != nil {
				return err
			}
			c, err = move(x, c)
			out = c.wire(r)
			return err
		})
		if err != nil {
			writeErr(w, famBilling, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// chargeControlRoutes registers the buyer's side of the control API: the
// answer to a charge and the outcome of the buyer's payments.
func (s *Server) chargeControlRoutes() {
	s.mux.HandleFunc("POST /_sandbox/charges/{id}/accept", loopbackOnly(s.controlAnswer(statusAccepted)))
	s.mux.HandleFunc("POST /_sandbox/charges/{id}/decline", loopbackOnly(s.controlAnswer(statusDeclined)))
	s.mux.HandleFunc("POST /_sandbox/charges/{id}/payment", loopbackOnly(s.controlPayment))
}

// controlAnswer makes the buyer accept or decline a recurrent or direct charge.
func (s *Server) controlAnswer(to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		var out any
		err := s.update(func(x *tx) error {
			v, err := s.answerChargeLocked(x, r, id, "", to)
			out = v
			return err
		})
		if err != nil {
			writeErr(w, famControl, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// answerChargeLocked moves a pending charge (recurrent or direct; kind ""
// means either) to accepted or declined and returns its wire form.
func (s *Server) answerChargeLocked(x *tx, r *http.Request, id, kind, to string) (any, error) {
	now := s.now()
	if c, ok := s.st.recurrent.get(id); ok && kind != kindDirect {
		if c.Status != statusPending {
			return nil, errState("recurrent charge %s is %s; only a pending charge can be %s", id, c.Status, to)
		}
		c.Status, c.UpdatedAt = to, now
		s.st.recurrent.put(x, id, c)
		return c.wire(r), nil
	}
	if c, ok := s.st.direct.get(id); ok && kind != kindRecurrent {
		if c.Status != statusPending {
			return nil, errState("direct charge %s is %s; only a pending charge can be %s", id, c.Status, to)
		}
		c.Status, c.UpdatedAt = to, now
		s.st.direct.put(x, id, c)
		return c.wire(r), nil
	}
	return nil, errNotFound("charge", id)
}

// controlPayment sets whether the buyer's payments for a charge fail
// ({"fail":true}) or succeed ({"fail":false}, the default).
func (s *Server) controlPayment(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Fail *bool `json:"fail"`
	}
	if err := decodeJSON(r, &body); err != nil {
		writeErr(w, famControl, err)
		return
	}
	if body.Fail == nil {
		writeError(w, famControl, http.StatusBadRequest, "validation_error", "fail is required (true or false)")
		return
	}
	id := r.PathValue("id")
	var out any
	err := s.update(func(x *tx) error {
		var err error
		out, err = s.setPaymentFailsLocked(x, r, id, *body.Fail)
		return err
	})
	if err != nil {
		writeErr(w, famControl, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) setPaymentFailsLocked(x *tx, r *http.Request, id string, fail bool) (any, error) {
	if c, ok := s.st.recurrent.get(id); ok {
		c.PaymentFails = fail
		s.st.recurrent.put(x, id, c)
		return c.wire(r), nil
	}
	if c, ok := s.st.direct.get(id); ok {
		c.PaymentFails = fail
		s.st.direct.put(x, id, c)
		return c.wire(r), nil
	}
	return nil, errNotFound("charge", id)
}

// Charge kinds, as the checkout link names them (platform-api.md §1.4).
const (
	kindRecurrent = "recurrent_charge"
	kindDirect    = "direct_charge"
)

// netCollection is what the seller receives of an amount: the amount less
// the platform's commission, rounded down to whole cents.
func netCollection(amount, commission int64) int64 {
	return amount - amount*commission/100
}

// Exported hooks for tests in other packages (the provider's acceptance
// tests), equivalent to the control API.

// AcceptCharge makes the buyer accept a pending recurrent or direct charge.
func (s *Server) AcceptCharge(id string) error { return s.answerCharge(id, statusAccepted) }

// DeclineCharge makes the buyer decline a pending recurrent or direct charge.
func (s *Server) DeclineCharge(id string) error { return s.answerCharge(id, statusDeclined) }

func (s *Server) answerCharge(id, to string) error {
	r := &http.Request{Host: "sandbox.invalid"}
	return s.update(func(x *tx) error {
		_, err := s.answerChargeLocked(x, r, id, "", to)
		return err
	})
}

// SetPaymentFails sets whether the buyer's payments for a charge fail.
func (s *Server) SetPaymentFails(id string, fail bool) error {
	r := &http.Request{Host: "sandbox.invalid"}
	return s.update(func(x *tx) error {
		_, err := s.setPaymentFailsLocked(x, r, id, fail)
		return err
	})
}

// ChargeStatus returns the status of a recurrent or direct charge and
// whether it exists.
func (s *Server) ChargeStatus(id string) (string, bool) {
	h, ok := s.chargeHead(id)
	return h.Status, ok
}

// ChargeProduct returns the product a recurrent or direct charge was
// created for.
func (s *Server) ChargeProduct(id string) (string, bool) {
	h, ok := s.chargeHead(id)
	return h.Product, ok
}

// chargeHead finds a recurrent or direct charge.
func (s *Server) chargeHead(id string) (chargeHead, bool) {
	var h chargeHead
	var ok bool
	s.view(func() {
		if c, found := s.st.recurrent.get(id); found {
			h, ok = c.head(), true
			return
		}
		if c, found := s.st.direct.get(id); found {
			h, ok = c.head(), true
		}
	})
	return h, ok
}
