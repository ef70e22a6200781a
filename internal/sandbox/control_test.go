package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestControl_Health(t *testing.T) {
	hs := serveLoopback(t, startServer(t, "", Options{}))
	st, hdr, body := infraCall(t, "GET", hs.URL+"/_sandbox/health", "", "", "")
	if st != http.StatusOK || !strings.Contains(body, `"status":"ok"`) || hdr.Get("Content-Type") != "application/json" {
		t.Errorf("health = %d %s %s", st, hdr.Get("Content-Type"), body)
	}
	if st, _, _ := infraCall(t, "POST", hs.URL+"/_sandbox/health", "", "", ""); st != http.StatusMethodNotAllowed {
		t.Errorf("POST health = %d, want 405", st)
	}
}

func TestControl_LoopbackOnly(t *testing.T) {
	s := startServer(t, "", Options{})
	for _, tc := range []struct {
		remote string
		want   int
	}{
		{"127.0.0.1:5000", http.StatusOK},
		{"127.8.9.10:5000", http.StatusOK},
		{"[::1]:5000", http.StatusOK},
		{"[::ffff:127.0.0.1]:5000", http.StatusOK},
		{"192.0.2.1:5000", http.StatusForbidden},
		{"10.0.0.7:5000", http.StatusForbidden},
		{"[2001:db8::1]:5000", http.StatusForbidden},
		{"[fe80::1%eth0]:5000", http.StatusForbidden},
	} {
		for _, target := range []string{"GET /_sandbox/health", "GET /_sandbox/state", "GET /_sandbox/stats", "GET /_sandbox/faults"} {
			method, path, _ := strings.Cut(target, " ")
			req := httptest.NewRequest(method, path, nil)
			req.RemoteAddr = tc.remote
			req.Host = "127.0.0.1:8787" // as a loopback client addresses it
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Errorf("%s from %s = %d %s, want %d", target, tc.remote, rec.Code, rec.Body, tc.want)
			}
			if tc.want == http.StatusForbidden && !strings.Contains(rec.Body.String(), "loopback clients only") {
				t.Errorf("%s from %s: body %s does not say why", target, tc.remote, rec.Body)
			}
		}
	}
	// Any path under /_sandbox/, including ones no family serves yet, and
	// every method: nothing is revealed or changed from outside.
	for _, target := range []string{"POST /_sandbox/reset", "POST /_sandbox/faults", "POST /_sandbox/charges/x/accept", "DELETE /_sandbox/stats"} {
		method, path, _ := strings.Cut(target, " ")
		req := httptest.NewRequest(method, path, strings.NewReader(`{"route":"*","status":500}`))
		req.RemoteAddr = "192.0.2.1:5000"
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s from outside = %d, want 403", target, rec.Code)
		}
	}
	if n := len(s.faults.list()); n != 0 {
		t.Errorf("a remote client added %d fault rules", n)
	}
	// The platform APIs themselves answer anyone.
	req := httptest.NewRequest(http.MethodGet, "/v2/ledger/livechat/balance", nil)
	req.RemoteAddr = "192.0.2.1:5000"
	req.Header.Set("Authorization", "Bearer "+DefaultAccessToken)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("balance from outside = %d %s, want 200", rec.Code, rec.Body)
	}
}

type infraStatsBody struct {
	Requests map[string]int64 `json:"requests"`
	Total    int64            `json:"total"`
}

func infraStats(t *testing.T, base string) infraStatsBody {
	t.Helper()
	st, _, body := infraCall(t, "GET", base+"/_sandbox/stats", "", "", "")
	if st != http.StatusOK {
		t.Fatalf("stats = %d %s", st, body)
	}
	var out infraStatsBody
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("stats body %s: %v", body, err)
	}
	if out.Requests == nil {
		t.Fatalf("stats body %s has no requests object", body)
	}
	return out
}

func TestControl_StatsPerRoutePattern(t *testing.T) {
	s := startServer(t, "", Options{})
	hs := serveLoopback(t, s)
	for i := 0; i < 3; i++ {
		infraCall(t, "GET", hs.URL+"/v2/ledger/livechat/balance", DefaultAccessToken, "", "")
	}
	infraCall(t, "GET", hs.URL+"/v2/ledger/livechat?page=2", DefaultAccessToken, "", "")
	infraCall(t, "GET", hs.URL+"/v2/ledger/livechat/balance", "wrong-token", "", "") // counted: it reached the route
	for i := 0; i < 2; i++ {
		if _, _, err := infraExchange(http.DefaultClient, hs.URL); err != nil {
			t.Fatal(err)
		}
	}
	infraCall(t, "GET", hs.URL+"/v2/nothing/here", "", "", "")
	infraCall(t, "GET", hs.URL+"/_sandbox/health", "", "", "") // control calls are not counted
	infraCall(t, "GET", hs.URL+"/_sandbox/state", "", "", "")

	got := infraStats(t, hs.URL)
	want := map[string]int64{
		"GET /v2/ledger/livechat/balance": 4,
		"GET /v2/ledger/livechat":         1,
		"POST /v2/token":                  2,
		"unmatched":                       1,
	}
	if len(got.Requests) != len(want) || got.Total != 8 {
		t.Errorf("stats = %+v, want requests %v and total 8", got, want)
	}
	for k, v := range want {
		if got.Requests[k] != v {
			t.Errorf("stats[%q] = %d, want %d", k, got.Requests[k], v)
		}
	}
	if n := s.RequestCount("POST /v2/token"); n != 2 {
		t.Errorf("RequestCount = %d, want 2", n)
	}

	if st, _, body := infraCall(t, "DELETE", hs.URL+"/_sandbox/stats", "", "", ""); st != http.StatusNoContent {
		t.Fatalf("DELETE stats = %d %s, want 204", st, body)
	}
	if got := infraStats(t, hs.URL); len(got.Requests) != 0 || got.Total != 0 {
		t.Errorf("stats after DELETE = %+v, want empty", got)
	}
	infraCall(t, "GET", hs.URL+"/v2/ledger/livechat/balance", DefaultAccessToken, "", "")
	if got := infraStats(t, hs.URL); got.Requests["GET /v2/ledger/livechat/balance"] != 1 || got.Total != 1 {
		t.Errorf("stats after one more request = %+v", got)
	}
}

func TestControl_StateDump(t *testing.T) {
	s := startServer(t, "", Options{})
	hs := serveLoopback(t, s)
	if err := infraAddEntry(s, "dumped entry", 123); err != nil {
		t.Fatal(err)
	}
	if _, _, err := infraExchange(http.DefaultClient, hs.URL); err != nil {
		t.Fatal(err)
	}
	st, _, body := infraCall(t, "GET", hs.URL+"/_sandbox/state", "", "", "")
	if st != http.StatusOK {
		t.Fatalf("state = %d %s", st, body)
	}
	var dump map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &dump); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"ledger", "coupons", "clock", "ledger_balance"} {
		if _, ok := dump[key]; !ok {
			t.Errorf("state has no %q: %s", key, body)
		}
	}
	for _, key := range []string{"tokens", "meta"} {
		if _, ok := dump[key]; ok {
			t.Errorf("state exposes %q", key)
		}
	}
	var ledger []ledgerEntry
	if err := json.Unmarshal(dump["ledger"], &ledger); err != nil {
		t.Fatal(err)
	}
	if len(ledger) != 6 || ledger[0].Name != "dumped entry" || ledger[0].Value != 123 {
		t.Errorf("ledger in state = %+v, want the 5 seed entries and the new one first", ledger)
	}
	if string(dump["ledger_balance"]) != itoa(s.LedgerBalance()) {
		t.Errorf("ledger_balance = %s, want %d", dump["ledger_balance"], s.LedgerBalance())
	}
	if strings.Contains(body, "sbx-at-") {
		t.Error("the state dump shows an issued access token")
	}
}

func TestControl_Reset(t *testing.T) {
	s := startServer(t, "", Options{})
	hs := serveLoopback(t, s)
	fresh := infraState(startServer(t, "", Options{}))
	if err := infraAddEntry(s, "to be reset", 999); err != nil {
		t.Fatal(err)
	}
	infraCall(t, "POST", hs.URL+"/_sandbox/faults", "", "application/json", `{"route":"GET /v2/nothing","status":503}`)
	infraCall(t, "GET", hs.URL+"/v2/ledger/livechat/balance", DefaultAccessToken, "", "")

	st, _, body := infraCall(t, "POST", hs.URL+"/_sandbox/reset", "", "", "")
	if st != http.StatusOK || !strings.Contains(body, `"status":"reset"`) {
		t.Fatalf("reset = %d %s", st, body)
	}
	if got, want := s.LedgerBalance(), seedLedgerBalance; got != want {
		t.Errorf("balance after reset = %d, want %d", got, want)
	}
	got := infraState(s)
	if len(got) != len(fresh) {
		t.Errorf("after reset %d rows, a fresh sandbox has %d", len(got), len(fresh))
	}
	// Stats and fault rules have their own DELETE and survive a reset.
	if n := len(s.faults.list()); n != 1 {
		t.Errorf("fault rules after reset = %d, want 1", n)
	}
	if n := s.RequestCount("GET /v2/ledger/livechat/balance"); n != 1 {
		t.Errorf("stats after reset = %d, want 1", n)
	}
}

// controlRequest is a control call from a loopback client with the given
// Host, extra headers and body.
func controlRequest(s *Server, method, path, host, body string, header map[string]string) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = "127.0.0.1:5000"
	req.Host = host
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// controlRefused checks a control API refusal: status and a JSON
// {"error":"…"} containing want.
func controlRefused(t *testing.T, what string, rec *httptest.ResponseRecorder, status int, want string) {
	t.Helper()
	var body struct {
		Error string `json:"error"`
	}
	err := json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != status || err != nil || !strings.Contains(body.Error, want) || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("%s = %d %s %s, want %d {\"error\":\"…%s…\"}", what, rec.Code, rec.Header().Get("Content-Type"), rec.Body, status, want)
	}
}

// A web page open in the user's browser must not drive the control API:
// browsers send Origin on cross-site requests (CSRF), and a DNS-rebound
// page reaches the sandbox under its own host name.
func TestControl_BrowserRequestsRefused(t *testing.T) {
	s := startServer(t, "", Options{})
	calls := []struct{ method, path, body string }{
		{"POST", "/_sandbox/reset", ""},
		{"POST", "/_sandbox/faults", `{"route":"*","status":500}`},
		{"POST", "/_sandbox/clock/advance", `{"days":30}`},
		{"DELETE", "/_sandbox/faults", ""},
		{"GET", "/_sandbox/state", ""},
	}
	jsonType := map[string]string{"Content-Type": "application/json"}
	for _, c := range calls {
		target := c.method + " " + c.path
		for _, origin := range []string{"https://evil.example", "null", "http://127.0.0.1:8787"} {
			h := map[string]string{"Content-Type": "application/json", "Origin": origin}
			controlRefused(t, target+" with Origin "+origin, controlRequest(s, c.method, c.path, "127.0.0.1:8787", c.body, h),
				http.StatusForbidden, "Origin")
		}
		for _, host := range []string{"evil.example", "evil.example:8787", "localhost.evil.example", "127.0.0.1.evil.example:8787", "192.0.2.1:8787", "[2001:db8::1]:8787", ""} {
			controlRefused(t, target+" with Host "+host, controlRequest(s, c.method, c.path, host, c.body, jsonType),
				http.StatusForbidden, "Host")
		}
	}
	if n := len(s.faults.list()); n != 0 {
		t.Errorf("refused requests added %d fault rules", n)
	}
	if got := s.Now(); got.After(time.Now().Add(time.Hour)) {
		t.Errorf("a refused request advanced the clock to %s", got)
	}
	for _, host := range []string{"127.0.0.1", "127.0.0.1:8787", "127.9.8.7:1", "localhost", "LOCALHOST:8787", "[::1]:8787", "[::1]", "::1"} {
		if rec := controlRequest(s, "GET", "/_sandbox/health", host, "", nil); rec.Code != http.StatusOK {
			t.Errorf("health with Host %q = %d %s, want 200", host, rec.Code, rec.Body)
		}
	}
}

// Control calls that carry a body take JSON only, so that a browser form
// (text/plain, urlencoded, multipart: no CORS preflight) cannot send one;
// bodiless calls work from curl with no Content-Type at all.
func TestControl_ContentType(t *testing.T) {
	s := startServer(t, "", Options{})
	for _, tc := range []struct {
		path, body, contentType string
	}{
		{"/_sandbox/faults", `{"route":"*","status":500}`, "text/plain"},
		{"/_sandbox/faults", `{"route":"*","status":500}`, "application/x-www-form-urlencoded"},
		{"/_sandbox/faults", `{"route":"*","status":500}`, "multipart/form-data; boundary=x"},
		{"/_sandbox/faults", `{"route":"*","status":500}`, ""},
		{"/_sandbox/clock/advance", `{"days":30}`, ""},
		{"/_sandbox/reset", "", "text/plain"},
		{"/_sandbox/reset", "", "application/x-www-form-urlencoded"},
	} {
		h := map[string]string{}
		if tc.contentType != "" {
			h["Content-Type"] = tc.contentType
		}
		controlRefused(t, fmt.Sprintf("POST %s with Content-Type %q and body %q", tc.path, tc.contentType, tc.body),
			controlRequest(s, "POST", tc.path, "127.0.0.1:8787", tc.body, h), http.StatusUnsupportedMediaType, "application/json")
	}
	if n := len(s.faults.list()); n != 0 {
		t.Errorf("refused requests added %d fault rules", n)
	}

	if rec := controlRequest(s, "POST", "/_sandbox/reset", "127.0.0.1:8787", "", nil); rec.Code != http.StatusOK {
		t.Errorf("bodiless POST reset without Content-Type = %d %s, want 200", rec.Code, rec.Body)
	}
	jsonType := map[string]string{"Content-Type": "application/json; charset=utf-8"}
	if rec := controlRequest(s, "POST", "/_sandbox/reset", "127.0.0.1:8787", "", jsonType); rec.Code != http.StatusOK {
		t.Errorf("bodiless POST reset with application/json = %d %s, want 200", rec.Code, rec.Body)
	}
	if rec := controlRequest(s, "POST", "/_sandbox/faults", "localhost:8787", `{"route":"*","status":500}`, jsonType); rec.Code != http.StatusCreated {
		t.Errorf("POST faults with application/json = %d %s, want 201", rec.Code, rec.Body)
	}
}
