package sandbox

import (
	"net/http"
	"time"
)

// maxAdvanceDays bounds one clock advance (ten years).
const maxAdvanceDays = 3650

// clockRoutes registers POST /_sandbox/clock/advance (platform-api.md §5.4).
func (s *Server) clockRoutes() {
	s.mux.HandleFunc("POST /_sandbox/clock/advance", loopbackOnly(s.advanceClock))
}

// advanceClock moves the sandbox clock forward {"days":N} and lets
// everything that falls due in between happen, in time order.
func (s *Server) advanceClock(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Days *int64 `json:"days"`
	}
	if err := decodeJSON(r, &in); err != nil {
		writeErr(w, famControl, err)
		return
	}
	if in.Days == nil {
		writeError(w, famControl, http.StatusBadRequest, "validation_error", "days is required (a whole number between 1 and 3650)")
		return
	}
	if *in.Days < 1 || *in.Days > maxAdvanceDays {
		writeErr(w, famControl, errValidation("days must be between 1 and %d, got %d", maxAdvanceDays, *in.Days))
		return
	}
	var now time.Time
	var events int
	err := s.update(func(x *tx) error {
		events = s.advanceLocked(x, time.Duration(*in.Days)*24*time.Hour)
		now = s.now()
		return nil
	})
	if err != nil {
		writeErr(w, famControl, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"clock": now, "events": events})
}

// AdvanceClock moves the sandbox clock forward by days (for tests) and
// returns how many charge events happened.
func (s *Server) AdvanceClock(days int) (int, error) {
	var events int
	err := s.update(func(x *tx) error {
		events = s.advanceLocked(x, time.Duration(days)*24*time.Hour)
		return nil
	})
	return events, err
}

// Now returns the sandbox clock.
func (s *Server) Now() time.Time {
	var now time.Time
	s.view(func() { now = s.now() })
	return now
}

// advanceLocked moves the clock by d and processes every charge event due
// up to the new time, earliest first, so ledger entries are created in time
// order. Events:
//   - an active subscription reaches next_charge_at (the end of a trial or
//     of a period): the renewal is invoiced and the charge is past_due;
//   - a day after the invoice the payment is collected (active again, ledger
//     collection) or fails (frozen);
//   - a day after activation a processed direct charge succeeds (ledger
//     collection) or fails.
func (s *Server) advanceLocked(x *tx, d time.Duration) int {
	m, _ := s.st.meta.get("meta")
	m.ClockOffsetSeconds += int64(d / time.Second)
	s.st.meta.put(x, "meta", m)
	s.publishClockLocked()
	target := s.now()

	events := 0
	for {
		ev, ok := s.nextChargeEventLocked(target)
		if !ok {
			return events
		}
		s.applyChargeEventLocked(x, ev)
		events++
	}
}

// chargeEvent is one charge's next event: a recurrent charge's invoice or
// collection, or a direct charge's settlement.
type chargeEvent struct {
	at        time.Time
	recurrent *recurrentCharge
	direct    *directCharge
}

// nextChargeEventLocked finds the earliest event due by target.
func (s *Server) nextChargeEventLocked(target time.Time) (chargeEvent, bool) {
	var ev chargeEvent
	found := false
	consider := func(t time.Time) bool {
		if t.After(target) || (found && !t.Before(ev.at)) {
			return false
		}
		ev.at, found = t, true
		return true
	}
	for c := range s.st.recurrent.newestFirstEach {
		switch {
		case c.Status == statusActive && c.NextChargeAt != nil:
			if consider(*c.NextChargeAt) {
				c := c
				ev.recurrent, ev.direct = &c, nil
			}
		case c.Status == statusPastDue && c.InvoicedAt != nil:
			if consider(c.InvoicedAt.Add(settleDelay)) {
				c := c
				ev.recurrent, ev.direct = &c, nil
			}
		}
	}
	for c := range s.st.direct.newestFirstEach {
		if c.Status == statusProcessed && c.ProcessedAt != nil && consider(c.ProcessedAt.Add(settleDelay)) {
			c := c
			ev.recurrent, ev.direct = nil, &c
		}
	}
	return ev, found
}

// applyChargeEventLocked invoices, collects or settles the event's charge.
func (s *Server) applyChargeEventLocked(x *tx, ev chargeEvent) {
	switch {
	case ev.recurrent != nil && ev.recurrent.Status == statusActive:
		c := *ev.recurrent
		c.Status = statusPastDue
		c.InvoicedAt = timePtr(ev.at)
		c.UpdatedAt = ev.at
		s.st.recurrent.put(x, c.ID, c)
	case ev.recurrent != nil:
		// The invoice was issued for the period starting at its due
		// date, so the next period counts from there, not from the
		// collection.
		c := *ev.recurrent
		due := *c.InvoicedAt
		c = s.collectRecurrentLocked(x, c, ev.at)
		if c.Status == statusActive {
			c.CurrentChargeAt = timePtr(due)
			c.NextChargeAt = timePtr(due.AddDate(0, int(c.Months), 0))
			s.st.recurrent.put(x, c.ID, c)
		}
	case ev.direct != nil:
		s.settleDirectLocked(x, *ev.direct, ev.at)
	}
}

// addLedgerEntryAt records a ledger movement that happened at a moment the
// clock passed over (inside update).
func (s *Server) addLedgerEntryAt(x *tx, at time.Time, name string, value int64) {
	e := s.addLedgerEntry(x, name, "collection", value)
	e.CreatedAt = at
	s.st.ledger.put(x, e.ID, e)
}
