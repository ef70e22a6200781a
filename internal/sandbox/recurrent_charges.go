package sandbox

import (
	"net/http"
	"time"
)

// recurrentCharge is a subscription (platform-api.md §1.1) as the sandbox stores it.
// Lifecycle: pending → accepted (the buyer) → active (the seller activates;
// a trial first, then a renewal every `months`) → past_due (a renewal is
// invoiced) → active (collected) or frozen (the payment failed; activate
// retries it). pending → declined. cancel ends any state but declined and
// cancelled. Time moves only through /_sandbox/clock/advance (clock.go).
type recurrentCharge struct {
	ID      string `json:"id"`
	Product string `json:"product"`
	chargeParties
	ExternalID        *string    `json:"external_id"`
	Name              string     `json:"name"`
	Price             int64      `json:"price"`
	TrialDays         int64      `json:"trial_days"`
	Months            int64      `json:"months"`
	ReturnURL         string     `json:"return_url"`
	Test              bool       `json:"test"`
	PerAccount        bool       `json:"per_account"`
	Status            string     `json:"status"`
	CommissionPercent int64      `json:"commission_percent"`
	TrialEndsAt       *time.Time `json:"trial_ends_at"`
	CancelledAt       *time.Time `json:"cancelled_at"`
	CurrentChargeAt   *time.Time `json:"current_charge_at"`
	NextChargeAt      *time.Time `json:"next_charge_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	CreatedAt         time.Time  `json:"created_at"`

	// Sandbox bookkeeping, never on the wire.
	PaymentFails bool       `json:"payment_fails"`
	InvoicedAt   *time.Time `json:"invoiced_at"`
}

// recurrentChargeJSON is the wire form, field for field the example of
// platform-api.md §1.1.
type recurrentChargeJSON struct {
	ID string `json:"id"`
	chargeParties
	ExternalID        *string    `json:"external_id"`
	Name              string     `json:"name"`
	Price             int64      `json:"price"`
	TrialDays         int64      `json:"trial_days"`
	Months            int64      `json:"months"`
	ReturnURL         string     `json:"return_url"`
	Test              bool       `json:"test"`
	PerAccount        bool       `json:"per_account"`
	Status            string     `json:"status"`
	ConfirmationURL   string     `json:"confirmation_url"`
	CommissionPercent int64      `json:"commission_percent"`
	TrialEndsAt       *time.Time `json:"trial_ends_at"`
	CancelledAt       *time.Time `json:"cancelled_at"`
	CurrentChargeAt   *time.Time `json:"current_charge_at"`
	NextChargeAt      *time.Time `json:"next_charge_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	CreatedAt         time.Time  `json:"created_at"`
}

func (c recurrentCharge) wire(r *http.Request) recurrentChargeJSON {
	return recurrentChargeJSON{
		ID:                c.ID,
		chargeParties:     c.chargeParties,
		ExternalID:        c.ExternalID,
		Name:              c.Name,
		Price:             c.Price,
		TrialDays:         c.TrialDays,
		Months:            c.Months,
		ReturnURL:         c.ReturnURL,
		Test:              c.Test,
		PerAccount:        c.PerAccount,
		Status:            c.Status,
		ConfirmationURL:   confirmationURL(r, c.ID),
		CommissionPercent: c.CommissionPercent,
		TrialEndsAt:       c.TrialEndsAt,
		CancelledAt:       c.CancelledAt,
		CurrentChargeAt:   c.CurrentChargeAt,
		NextChargeAt:      c.NextChargeAt,
		UpdatedAt:         c.UpdatedAt,
		CreatedAt:         c.CreatedAt,
	}
}

func (c recurrentCharge) head() chargeHead {
	return chargeHead{ID: c.ID, Product: c.Product, Status: c.Status}
}

// amount is what one period costs the buyer.
func (c recurrentCharge) amount() int64 {
	if c.PerAccount {
		return c.Price * sandboxBuyerAccounts
	}
	return c.Price
}

// maxTrialDays bounds trial_days so that dates stay sane [ours].
const maxTrialDays = 3650

func (s *Server) recurrentChargesRoutes() {
	const base = "/v3/recurrent_charge/{product}"
	s.mux.HandleFunc("POST "+base, s.chargeAccess(s.createRecurrentCharge))
	s.mux.HandleFunc("GET "+base+"/{id}", s.chargeAccess(recurrentKind.get(s)))
	s.mux.HandleFunc("PUT "+base+"/{id}/accept", s.chargeAccess(recurrentKind.answer(s, statusAccepted)))
	s.mux.HandleFunc("PUT "+base+"/{id}/decline", s.chargeAccess(recurrentKind.answer(s, statusDeclined)))
	s.mux.HandleFunc("PUT "+base+"/{id}/activate", s.chargeAccess(recurrentKind.transition(s, s.activateRecurrentLocked)))
	s.mux.HandleFunc("PUT "+base+"/{id}/cancel", s.chargeAccess(recurrentKind.transition(s, s.cancelRecurrentLocked)))
}

func (s *Server) createRecurrentCharge(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name       *string `json:"name"`
		Price      *int64  `json:"price"`
		ReturnURL  *string `json:"return_url"`
		ExternalID *string `json:"external_id"`
		Test       *bool   `json:"test"`
		TrialDays  *int64  `json:"trial_days"`
		Months     *int64  `json:"months"`
		PerAccount *bool   `json:"per_account"`
	}
	if err := decodeJSON(r, &in); err != nil {
		writeErr(w, famBilling, err)
		return
	}
	if err := firstError(validateName(in.Name), validatePrice(in.Price), validateReturnURL(in.ReturnURL)); err != nil {
		writeErr(w, famBilling, err)
		return
	}
	trialDays, months := int64(0), int64(1)
	if in.TrialDays != nil {
		trialDays = *in.TrialDays
		if trialDays < 0 || trialDays > maxTrialDays {
			writeErr(w, famBilling, errValidation("trial_days must be between 0 and %d, got %d", maxTrialDays, trialDays))
			return
		}
	}
	if in.Months != nil {
		months = *in.Months
		if months < 1 || months > 12 {
			writeErr(w, famBilling, errValidation("months must be between 1 and 12, got %d", months))
			return
		}
	}
	recurrentKind.create(s, w, r, func(now time.Time) recurrentCharge {
		return recurrentCharge{
			ID:                newUUID(),
			Product:           r.PathValue("product"),
			chargeParties:     s.parties(),
			ExternalID:        in.ExternalID,
			Name:              *in.Name,
			Price:             *in.Price,
			TrialDays:         trialDays,
			Months:            months,
			ReturnURL:         *in.ReturnURL,
			Test:              in.Test != nil && *in.Test,
			PerAccount:        in.PerAccount != nil && *in.PerAccount,
			Status:            statusPending,
			CommissionPercent: commissionPercent,
			UpdatedAt:         now,
			CreatedAt:         now,
		}
	})
}

// activateRecurrentLocked starts an accepted subscription or retries the
// unpaid invoice of a frozen one.
func (s *Server) activateRecurrentLocked(x *tx, c recurrentCharge) (recurrentCharge, error) {
	now := s.now()
	switch c.Status {
	case statusAccepted:
		if c.TrialDays > 0 {
			// The first period is free; the first invoice falls due
			// when the trial ends.
			c.TrialEndsAt = timePtr(now.AddDate(0, 0, int(c.TrialDays)))
			c.CurrentChargeAt = timePtr(now)
			c.NextChargeAt = c.TrialEndsAt
			c.Status = statusActive
			c.UpdatedAt = now
			s.st.recurrent.put(x, c.ID, c)
			return c, nil
		}
		return s.collectRecurrentLocked(x, c, now), nil
	case statusFrozen:
		return s.collectRecurrentLocked(x, c, now), nil
	}
	return c, errState("recurrent charge %s is %s; only an accepted or frozen charge can be activated", c.ID, c.Status)
}

// collectRecurrentLocked charges the buyer for the period starting at: on
// success the charge is active until the next period and the ledger gains a
// collection; on failure it is frozen. Either way the attempt is recorded as
// a direct charge tied to the subscription (recurrent_charge_id).
func (s *Server) collectRecurrentLocked(x *tx, c recurrentCharge, at time.Time) recurrentCharge {
	c.InvoicedAt = nil
	c.UpdatedAt = at
	outcome := statusSuccess
	if c.PaymentFails {
		c.Status = statusFrozen
		outcome = statusFailed
	} else {
		c.Status = statusActive
		c.CurrentChargeAt = timePtr(at)
		c.NextChargeAt = timePtr(at.AddDate(0, int(c.Months), 0))
		if !c.Test {
			s.addLedgerEntryAt(x, at, c.Name+": subscription", netCollection(c.amount(), c.CommissionPercent))
		}
	}
	s.st.recurrent.put(x, c.ID, c)
	s.recordRenewalLocked(x, c, at, outcome)
	return c
}

func (s *Server) cancelRecurrentLocked(x *tx, c recurrentCharge) (recurrentCharge, error) {
	switch c.Status {
	case statusDeclined, statusCancelled:
		return c, errState("recurrent charge %s is %s and cannot be cancelled", c.ID, c.Status)
	}
	now := s.now()
	c.Status = statusCancelled
	c.CancelledAt = timePtr(now)
	c.NextChargeAt = nil
	c.InvoicedAt = nil
	c.UpdatedAt = now
	s.st.recurrent.put(x, c.ID, c)
	return c, nil
}

// CancelRecurrentCharge cancels a charge as if the seller did it outside
// Terraform (for tests).
func (s *Server) CancelRecurrentCharge(id string) error {
	return s.update(func(x *tx) error {
		c, ok := s.st.recurrent.get(id)
		if !ok {
			return errNotFound("recurrent charge", id)
		}
		_, err := s.cancelRecurrentLocked(x, c)
		return err
	})
}
