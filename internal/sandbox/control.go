package sandbox

import (
	"net"
	"net/http"
	"net/netip"
)

// controlRoutes registers the control API of API.md §5 (no auth, loopback
// only). Families add their own control endpoints in their files.
func (s *Server) controlRoutes() {
	s.mux.HandleFunc("GET /_sandbox/health", loopbackOnly(s.health))
	s.mux.HandleFunc("GET /_sandbox/stats", loopbackOnly(s.getStats))
	s.mux.HandleFunc("DELETE /_sandbox/stats", loopbackOnly(s.resetStats))
	s.mux.HandleFunc("GET /_sandbox/state", loopbackOnly(s.dumpState))
	s.mux.HandleFunc("POST /_sandbox/reset", loopbackOnly(s.reset))
	s.faultsRoutes()
}

// serveControl serves /_sandbox/: loopback clients only, whatever route a
// family registers there, never counted in the stats nor subject to faults.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		writeError(w, famControl, http.StatusForbidden, "forbidden", "the control API answers loopback clients only")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// fromLoopback reports whether the request came from this machine. A
// RemoteAddr without a port (a Unix socket, a pipe) counts as local; any
// other address must be a loopback one.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// health answers 200 while the sandbox serves, 500 once its data file
// failed (it then refuses every API request until restarted).
func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	if err := s.journal.failure(); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "failed", "error": err.Error()})
		return
	}
	var now any
	s.view(func() { now = s.now() })
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "time": now})
}

func (s *Server) getStats(w http.ResponseWriter, _ *http.Request) {
	s.statsMu.Lock()
	reqs := make(map[string]int64, len(s.stats))
	var total int64
	for k, v := range s.stats {
		reqs[k] = v
		total += v
	}
	s.statsMu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"requests": reqs, "total": total})
}

func (s *Server) resetStats(w http.ResponseWriter, _ *http.Request) {
	s.statsMu.Lock()
	s.stats = map[string]int64{}
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

// reset returns to the seed data. Stats and fault rules are kept: they
// have their own DELETE.
func (s *Server) reset(w http.ResponseWriter, _ *http.Request) {
	if err := s.resetState(); err != nil {
		writeError(w, famControl, http.StatusInternalServerError, "persist", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "reset"})
}

// resetState replaces every table with the seed and, with a data file,
// replaces the file with that state before anyone can see it.
func (s *Server) resetState() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tables {
		t.reset()
	}
	s.seed(nil)
	if s.journal == nil {
		return nil
	}
	if err := s.journal.rewrite(s.snapshot()); err != nil {
		// Memory holds the seed, the file the old state: nothing more may
		// be acknowledged.
		return s.journal.fail(err)
	}
	return nil
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
