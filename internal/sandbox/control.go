package sandbox

import (
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// controlRoutes registers the control API of platform-api.md §5.4 (no auth, loopback
// only). Families add their own control endpoints in their files.
func (s *Server) controlRoutes() {
	s.mux.HandleFunc("GET /_sandbox/health", loopbackOnly(s.health))
	s.mux.HandleFunc("GET /_sandbox/stats", loopbackOnly(s.getStats))
	s.mux.HandleFunc("DELETE /_sandbox/stats", loopbackOnly(s.resetStats))
	s.mux.HandleFunc("GET /_sandbox/state", loopbackOnly(s.dumpState))
	s.mux.HandleFunc("POST /_sandbox/reset", loopbackOnly(s.reset))
	s.faultsRoutes()
}

// serveControl serves /_sandbox/: loopback clients only, never a web page
// in the user's browser, whatever route a family registers there, never
// counted in the stats nor subject to faults.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		writeError(w, famControl, http.StatusForbidden, "forbidden", "the control API answers loopback clients only")
		return
	}
	if msg := browserRefusal(r); msg != "" {
		writeError(w, famControl, http.StatusForbidden, "forbidden", msg)
		return
	}
	if !limitBody(w, r) {
		return
	}
	// After limitBody, whose read tells an empty chunked body from one.
	if msg := contentTypeRefusal(r); msg != "" {
		writeError(w, famControl, http.StatusUnsupportedMediaType, "unsupported_media_type", msg)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// browserRefusal says why r looks like it came from a web page, or "". A
// browser sends Origin with every cross-site call a page makes, and a page
// that rebound its own host name to 127.0.0.1 still sends that name as
// Host; tools (curl, tests, the provider) send neither.
func browserRefusal(r *http.Request) string {
	if origin, ok := r.Header["Origin"]; ok {
		return fmt.Sprintf("the control API refuses requests with an Origin header (got %q): a web page must not drive the sandbox; call it from curl, a script or a test", strings.Join(origin, ", "))
	}
	if !loopbackHost(r.Host) {
		return fmt.Sprintf("the control API answers requests addressed to a loopback Host only (127.0.0.1, [::1] or localhost, with any port), got Host %q", r.Host)
	}
	return ""
}

// loopbackHost reports whether a Host header names this machine:
// localhost or a loopback address, with or without a port.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// contentTypeRefusal says why a control call's body type is refused, or
// "". A browser form can post text/plain, urlencoded or multipart bodies
// to any address without asking first; application/json it cannot. A call
// without a body (curl -X POST …/accept) needs no Content-Type.
func contentTypeRefusal(r *http.Request) string {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return ""
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		if r.ContentLength == 0 {
			return ""
		}
		return "a control call with a body must send Content-Type: application/json"
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return fmt.Sprintf("Content-Type must be application/json, got %q", ct)
	}
	return ""
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
	s.publishClockLocked()
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
