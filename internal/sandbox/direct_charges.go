package sandbox

import (
	"math"
	"net/http"
	"time"
)

// directChargePageSize is the direct charge list's page size (platform-api.md §1.2).
const directChargePageSize = 20

// directCharge is a one-time charge (platform-api.md §1.2) as the sandbox stores it.
// Lifecycle: pending → accepted (the buyer) → processed (the seller
// activates) → success (collected a day later, see clock.go) or failed;
// pending → declined. There is no cancel.
//
// The sandbox also records every collection attempt of a subscription as a
// direct charge with recurrent_charge_id set, which is what the list's
// recurrent_charge_id filter finds.
type directCharge struct {
	ID      string `json:"id"`
	Product string `json:"product"`
	chargeParties
	Name              string    `json:"name"`
	Price             int64     `json:"price"`
	Quantity          int64     `json:"quantity"`
	ReturnURL         string    `json:"return_url"`
	Test              bool      `json:"test"`
	PerAccount        bool      `json:"per_account"`
	Status            string    `json:"status"`
	CommissionPercent int64     `json:"commission_percent"`
	RecurrentChargeID string    `json:"recurrent_charge_id,omitempty"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`

	// Sandbox bookkeeping, never on the wire.
	PaymentFails bool       `json:"payment_fails"`
	ProcessedAt  *time.Time `json:"processed_at"`
}

// directChargeJSON is the wire form of platform-api.md §1.2.
type directChargeJSON struct {
	ID string `json:"id"`
	chargeParties
	Name              string    `json:"name"`
	Price             int64     `json:"price"`
	Quantity          int64     `json:"quantity"`
	ReturnURL         string    `json:"return_url"`
	Test              bool      `json:"test"`
	PerAccount        bool      `json:"per_account"`
	Status            string    `json:"status"`
	ConfirmationURL   string    `json:"confirmation_url"`
	CommissionPercent int64     `json:"commission_percent"`
	RecurrentChargeID string    `json:"recurrent_charge_id,omitempty"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

func (c directCharge) wire(r *http.Request) directChargeJSON {
	return directChargeJSON{
		ID:                c.ID,
		chargeParties:     c.chargeParties,
		Name:              c.Name,
		Price:             c.Price,
		Quantity:          c.Quantity,
		ReturnURL:         c.ReturnURL,
		Test:              c.Test,
		PerAccount:        c.PerAccount,
		Status:            c.Status,
		ConfirmationURL:   confirmationURL(r, c.ID),
		CommissionPercent: c.CommissionPercent,
		RecurrentChargeID: c.RecurrentChargeID,
		CreatedAt:         c.CreatedAt,
		UpdatedAt:         c.UpdatedAt,
	}
}

func (c directCharge) head() chargeHead {
	return chargeHead{ID: c.ID, Product: c.Product, Status: c.Status}
}

// amount is what the buyer pays: price × quantity (× accounts when per account).
func (c directCharge) amount() int64 {
	a := c.Price * c.Quantity
	if c.PerAccount {
		a *= sandboxBuyerAccounts
	}
	return a
}

// directStatuses are the statuses the list filter accepts.
var directStatuses = []string{statusPending, statusAccepted, statusDeclined, statusProcessed, statusFailed, statusSuccess}

func (s *Server) directChargesRoutes() {
	const base = "/v3/direct_charge/{product}"
	s.mux.HandleFunc("POST "+base, s.chargeAccess(s.createDirectCharge))
	s.mux.HandleFunc("GET "+base, s.chargeAccess(s.listDirectCharges))
	s.mux.HandleFunc("GET "+base+"/{id}", s.chargeAccess(directKind.get(s)))
	s.mux.HandleFunc("PUT "+base+"/{id}/accept", s.chargeAccess(directKind.answer(s, statusAccepted)))
	s.mux.HandleFunc("PUT "+base+"/{id}/decline", s.chargeAccess(directKind.answer(s, statusDeclined)))
	s.mux.HandleFunc("PUT "+base+"/{id}/activate", s.chargeAccess(directKind.transition(s, s.activateDirectLocked)))
}

func (s *Server) createDirectCharge(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name       *string `json:"name"`
		Price      *int64  `json:"price"`
		Quantity   *int64  `json:"quantity"`
		ReturnURL  *string `json:"return_url"`
		Test       *bool   `json:"test"`
		PerAccount *bool   `json:"per_account"`
	}
	if err := decodeJSON(r, &in); err != nil {
		writeErr(w, famBilling, err)
		return
	}
	if err := firstError(validateName(in.Name), validatePrice(in.Price), validateQuantity(in.Quantity, in.Price),
		validateReturnURL(in.ReturnURL)); err != nil {
		writeErr(w, famBilling, err)
		return
	}
	directKind.create(s, w, r, func(now time.Time) directCharge {
		return directCharge{
			ID:                newUUID(),
			Product:           r.PathValue("product"),
			chargeParties:     s.parties(),
			Name:              *in.Name,
			Price:             *in.Price,
			Quantity:          *in.Quantity,
			ReturnURL:         *in.ReturnURL,
			Test:              in.Test != nil && *in.Test,
			PerAccount:        in.PerAccount != nil && *in.PerAccount,
			Status:            statusPending,
			CommissionPercent: commissionPercent,
			CreatedAt:         now,
			UpdatedAt:         now,
		}
	})
}

func validateQuantity(quantity, price *int64) error {
	if quantity == nil {
		return errValidation("quantity is required (a whole number, at least 1)")
	}
	if *quantity < 1 {
		return errValidation("quantity must be at least 1, got %d", *quantity)
	}
	if price != nil && *price > math.MaxInt64/(*quantity*sandboxBuyerAccounts) {
		return errValidation("price × quantity must be at most %d cents", int64(math.MaxInt64))
	}
	return nil
}

// listDirectCharges answers ?page=N&status=…&recurrent_charge_id=…, newest
// first, 20 per page.
func (s *Server) listDirectCharges(w http.ResponseWriter, r *http.Request) {
	page, ok := pageParam(w, r, famBilling)
	if !ok {
		return
	}
	q := r.URL.Query()
	status := q.Get("status")
	if status != "" && !oneOf(status, directStatuses) {
		writeErr(w, famBilling, errValidation("status must be one of %v, got %q", directStatuses, status))
		return
	}
	recurrentID := q.Get("recurrent_charge_id")
	product := r.PathValue("product")
	matched := []directChargeJSON{}
	s.view(func() {
		for c := range s.st.direct.newestFirstEach {
			if c.Product != product || (status != "" && c.Status != status) ||
				(recurrentID != "" && c.RecurrentChargeID != recurrentID) {
				continue
			}
			matched = append(matched, c.wire(r))
		}
	})
	writeJSON(w, http.StatusOK, map[string]any{"result": pageOf(matched, page, directChargePageSize)})
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// activateDirectLocked hands an accepted charge to the payment gateway.
func (s *Server) activateDirectLocked(x *tx, c directCharge) (directCharge, error) {
	if c.Status != statusAccepted {
		return c, errState("direct charge %s is %s; only an accepted charge can be activated", c.ID, c.Status)
	}
	now := s.now()
	c.Status = statusProcessed
	c.ProcessedAt = timePtr(now)
	c.UpdatedAt = now
	s.st.direct.put(x, c.ID, c)
	return c, nil
}

// settleDirectLocked ends a processed charge: success (and a ledger
// collection) or failed when the buyer's payment fails.
func (s *Server) settleDirectLocked(x *tx, c directCharge, at time.Time) {
	c.ProcessedAt = nil
	c.UpdatedAt = at
	if c.PaymentFails {
		c.Status = statusFailed
	} else {
		c.Status = statusSuccess
		if !c.Test {
			s.addLedgerEntryAt(x, at, c.Name+": one-time charge", netCollection(c.amount(), c.CommissionPercent))
		}
	}
	s.st.direct.put(x, c.ID, c)
}

// recordRenewalLocked records one collection attempt of a subscription as
// a settled direct charge tied to it.
func (s *Server) recordRenewalLocked(x *tx, rc recurrentCharge, at time.Time, outcome string) {
	c := directCharge{
		ID:                newUUID(),
		Product:           rc.Product,
		chargeParties:     rc.chargeParties,
		Name:              rc.Name,
		Price:             rc.amount(),
		Quantity:          1,
		ReturnURL:         rc.ReturnURL,
		Test:              rc.Test,
		Status:            outcome,
		CommissionPercent: rc.CommissionPercent,
		RecurrentChargeID: rc.ID,
		CreatedAt:         at,
		UpdatedAt:         at,
	}
	s.st.direct.put(x, c.ID, c)
}
