package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
	if got, want := s.LedgerBalance(), infraSeedBalance(); got != want {
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
