package sandbox

import (
	"net/http"
)

// controlRoutes registers the control API of API.md §5 (no auth, loopback
// only). Families add their own control endpoints in their files.
func (s *Server) controlRoutes() {
	s.mux.HandleFunc("GET /_sandbox/health", loopbackOnly(s.health))
	s.mux.HandleFunc("GET /_sandbox/stats", loopbackOnly(s.getStats))
	s.mux.HandleFunc("DELETE /_sandbox/stats", loopbackOnly(s.resetStats))
	s.mux.HandleFunc("GET /_sandbox/state", loopbackOnly(s.dumpState))
	s.mux.HandleFunc("POST /_sandbox/reset", loopbackOnly(s.reset))
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "time": s.now()})
}

func (s *Server) getStats(w http.ResponseWriter, _ *http.Request) {
	s.statsMu.Lock()
	reqs := make(map[string]int64, len(s.stats))
	for k, v := range s.stats {
		reqs[k] = v
	}
	total := s.total
	s.statsMu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"requests": reqs, "total": total})
}

func (s *Server) resetStats(w http.ResponseWriter, _ *http.Request) {
	s.statsMu.Lock()
	s.stats = map[string]int64{}
	s.total = 0
	s.statsMu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// dumpState returns every stored object, table by table.
func (s *Server) dumpState(w http.ResponseWriter, _ *http.Request) {
	out := map[string]any{}
	s.view(func() {
		for name, t := range s.tables {
			if name == "meta" || name == "tokens" || name == "upgrade_secrets" {
				// Bookkeeping and secrets, not platform objects.
				continue
			}
			out[name] = t.objects()
		}
		out["clock"] = s.now()
		out["ledger_balance"] = s.ledgerBalanceLocked()
	})
	writeJSON(w, http.StatusOK, out)
}

// reset returns to the seed data.
func (s *Server) reset(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	for _, t := range s.tables {
		t.reset()
	}
	s.seed(nil)
	var err error
	if s.journal != nil {
		err = s.journal.rewrite(s.snapshot())
	}
	s.mu.Unlock()
	if err != nil {
		writeError(w, famControl, http.StatusInternalServerError, "persist", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "reset"})
}

// LedgerBalance returns the ledger balance in cents (for tests).
func (s *Server) LedgerBalance() int64 {
	var total int64
	s.view(func() { total = s.ledgerBalanceLocked() })
	return total
}

// RequestCount returns how many requests matched the route pattern
// (such as "GET /v2/ledger/livechat/balance") since the last reset.
func (s *Server) RequestCount(pattern string) int64 {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.stats[pattern]
}
