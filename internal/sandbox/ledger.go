package sandbox

import (
	"net/http"
	"time"
)

// ledgerPageSize is the Billing ledger's page size (platform-api.md §1.3).
const ledgerPageSize = 20

// ledgerEntry is one ledger movement; Value is signed cents (collections
// add, refunds and withdrawals subtract), so the balance is the sum.
type ledgerEntry struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Value     int64     `json:"value"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) ledgerRoutes() {
	s.mux.HandleFunc("GET /v2/ledger/livechat", s.requireAccess(famBilling, s.listLedger, "ledger_read"))
	s.mux.HandleFunc("GET /v2/ledger/livechat/balance", s.requireAccess(famBilling, s.ledgerBalance, "ledger_read"))
}

func (s *Server) listLedger(w http.ResponseWriter, r *http.Request) {
	page, ok := pageParam(w, r, famBilling)
	if !ok {
		return
	}
	var entries []ledgerEntry
	s.view(func() { entries = s.st.ledger.newestPage(page, ledgerPageSize) })
	writeJSON(w, http.StatusOK, map[string]any{"result": entries})
}

func (s *Server) ledgerBalance(w http.ResponseWriter, _ *http.Request) {
	var total int64
	s.view(func() { total = s.ledgerBalanceLocked() })
	writeJSON(w, http.StatusOK, map[string]int64{"balance": total})
}

// ledgerBalanceLocked sums the ledger; the caller holds the lock. The sum
// is kept until the ledger changes.
func (s *Server) ledgerBalanceLocked() int64 {
	total, _ := s.st.ledger.derived(func() any {
		var sum int64
		for _, e := range s.st.ledger.rows {
			sum += e.V.Value
		}
		return sum
	}).(int64)
	return total
}

// addLedgerEntry records a movement (inside update).
func (s *Server) addLedgerEntry(x *tx, name, typ string, value int64) ledgerEntry {
	e := ledgerEntry{ID: newUUID(), Name: name, Type: typ, Value: value, CreatedAt: s.now()}
	s.st.ledger.put(x, e.ID, e)
	return e
}

// LedgerEntry is a ledger movement as tests see it.
type LedgerEntry = ledgerEntry

// LedgerEntries returns the ledger, newest first (for tests).
func (s *Server) LedgerEntries() []LedgerEntry {
	var out []ledgerEntry
	s.view(func() { out = s.st.ledger.newestFirst() })
	return out
}

// AddLedgerEntry records a movement of value cents at the sandbox clock's
// now (for tests and benchmarks); refunds and withdrawals are negative.
func (s *Server) AddLedgerEntry(name, typ string, value int64) (LedgerEntry, error) {
	var e ledgerEntry
	err := s.update(func(x *tx) error {
		e = s.addLedgerEntry(x, name, typ, value)
		return nil
	})
	return e, err
}
