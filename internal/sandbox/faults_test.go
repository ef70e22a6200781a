package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

func infraAddRule(t *testing.T, base, body string) faultRule {
	t.Helper()
	st, _, resp := infraCall(t, "POST", base+"/_sandbox/faults", "", "application/json", body)
	if st != http.StatusCreated {
		t.Fatalf("POST /_sandbox/faults %s = %d %s, want 201", body, st, resp)
	}
	var r faultRule
	if err := json.Unmarshal([]byte(resp), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func infraListRules(t *testing.T, base string) []faultRule {
	t.Helper()
	st, _, body := infraCall(t, "GET", base+"/_sandbox/faults", "", "", "")
	if st != http.StatusOK {
		t.Fatalf("GET faults = %d %s", st, body)
	}
	var out struct {
		Rules []faultRule `json:"rules"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Rules == nil {
		t.Fatalf("GET faults body %s: %v", body, err)
	}
	return out.Rules
}

func infraBalance(t *testing.T, base string) (int, http.Header, string) {
	t.Helper()
	return infraCall(t, "GET", base+"/v2/ledger/livechat/balance", DefaultAccessToken, "", "")
}

func TestFaults_Validation(t *testing.T) {
	hs := serveLoopback(t, startServer(t, "", Options{}))
	for _, tc := range []struct{ body, want string }{
		{``, "body is empty"},
		{`{"route":`, "invalid JSON"},
		{`[]`, "the body must be a JSON object, got array"},
		{`{"status":503}`, "route is required"},
		{`{"route":"  ","status":503}`, "route is required"},
		{`{"route":"FETCH /v3","status":503}`, "route must be \"*\" or start with a method"},
		{`{"route":"/v3/recurrent_charge","status":503}`, "route must be \"*\" or start with a method"},
		{`{"route":"GET v3","status":503}`, "route's path prefix must start with \"/\""},
		{`{"route":"POST /_sandbox/reset","status":503}`, "route must not target the control API"},
		{`{"route":"*","latency_ms":-1}`, "latency_ms must be between 0 and 60000, got -1"},
		{`{"route":"*","latency_ms":60001}`, "latency_ms must be between 0 and 60000, got 60001"},
		{`{"route":"*","latency_ms":"10"}`, "latency_ms must be a whole number, got string"},
		{`{"route":"*","status":503,"error_rate":1.5}`, "error_rate must be between 0 and 1, got 1.5"},
		{`{"route":"*","status":503,"error_rate":-0.1}`, "error_rate must be between 0 and 1, got -0.1"},
		{`{"route":"*","status":200}`, "status must be between 400 and 599, got 200"},
		{`{"route":"*","status":600}`, "status must be between 400 and 599, got 600"},
		{`{"route":"*","status":503.5}`, "status must be a whole number"},
		{`{"route":"*","latency_ms":5,"retry_after_s":1}`, "retry_after_s needs status"},
		{`{"route":"*","status":503,"retry_after_s":-1}`, "retry_after_s must be between 0 and 86400, got -1"},
		{`{"route":"*","status":503,"drop_after_commit":true}`, "drop_after_commit cannot be combined with status"},
		{`{"route":"*","drop_after_commit":"yes"}`, "drop_after_commit must be a boolean"},
		{`{"route":"*","status":503,"count":0}`, "count must be at least 1 (omit it for no limit), got 0"},
		{`{"route":"*"}`, "the rule does nothing: set latency_ms, status, drop_after_commit or reset"},
		{`{"route":"*","reset":"yes"}`, "reset must be a boolean"},
		{`{"route":"*","error_rate":0.5}`, "the rule does nothing"},
		{`{"route":"*","status":503,"errorrate":0.5}`, `unknown field "errorrate"`},
		{`{"route":"*","status":503} {}`, "one JSON object is expected"},
	} {
		st, _, body := infraCall(t, "POST", hs.URL+"/_sandbox/faults", "", "application/json", tc.body)
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal([]byte(body), &e)
		if st != http.StatusBadRequest || !strings.Contains(e.Error, tc.want) {
			t.Errorf("POST faults %s = %d %s, want 400 containing %q", tc.body, st, body, tc.want)
		}
	}
	if rules := infraListRules(t, hs.URL); len(rules) != 0 {
		t.Errorf("invalid bodies added rules: %+v", rules)
	}
}

func TestFaults_StatusBeforeProcessing(t *testing.T) {
	s := startServer(t, "", Options{})
	hs := serveLoopback(t, s)
	r := infraAddRule(t, hs.URL, `{"route":"post /v2/token","status":503,"retry_after_s":2,"count":2}`)
	if r.ID == 0 || r.Route != "POST /v2/token" || r.ErrorRate != 1 || r.Status == nil || *r.Status != 503 ||
		r.Remaining == nil || *r.Remaining != 2 || r.Count == nil || *r.Count != 2 || r.DropAfterCommit {
		t.Errorf("created rule = %+v, want the route normalised, error_rate 1 by default and 2 firings left", r)
	}
	var before int
	s.view(func() { before = s.st.tokens.len() })

	for i := 0; i < 2; i++ {
		st, hdr, body := infraCall(t, "POST", hs.URL+"/v2/token", "", "application/x-www-form-urlencoded", infraTokenForm())
		if st != http.StatusServiceUnavailable || hdr.Get("Retry-After") != "2" {
			t.Errorf("exchange %d = %d Retry-After %q %s, want 503 with Retry-After 2", i, st, hdr.Get("Retry-After"), body)
		}
		// The accounts family answers in the OAuth envelope.
		if !strings.Contains(body, `"error":"temporarily_unavailable"`) || !strings.Contains(body, `"error_description":"injected fault`) {
			t.Errorf("exchange %d body = %s, want the OAuth envelope", i, body)
		}
	}
	var after int
	s.view(func() { after = s.st.tokens.len() })
	if after != before {
		t.Errorf("the refused exchanges stored %d tokens; an injected status must come before processing", after-before)
	}
	if st, tok, err := infraExchange(http.DefaultClient, hs.URL); st != http.StatusOK || tok == "" || err != nil {
		t.Errorf("exchange after the rule's count = %d %v, want 200: the rule should have expired", st, err)
	}
	if rules := infraListRules(t, hs.URL); len(rules) != 0 {
		t.Errorf("expired rule still listed: %+v", rules)
	}
}

func TestFaults_FamilyEnvelopes(t *testing.T) {
	hs := serveLoopback(t, startServer(t, "", Options{}))
	infraAddRule(t, hs.URL, `{"route":"*","status":429,"retry_after_s":0}`)
	for _, tc := range []struct{ method, path, token, ct, body, want string }{
		{"GET", "/v2/ledger/livechat/balance", DefaultAccessToken, "", "", `{"error":{"message":"injected fault (sandbox fault rule 1): 429 Too Many Requests","type":"too_many_requests"}}`},
		{"GET", "/v2/partners/coupons", DefaultPartnerToken, "", "", `{"errors":["injected fault (sandbox fault rule 1): 429 Too Many Requests"]}`},
		{"POST", "/v2/token", "", "application/x-www-form-urlencoded", infraTokenForm(), `"error":"too_many_requests"`},
		{"GET", "/v2/applications/sandbox-app/in-app-upgrades", DefaultAccessToken, "", "", `{"error":{"message":"injected fault (sandbox fault rule 1): 429 Too Many Requests","type":"too_many_requests"}}`},
		{"GET", "/v2/nothing/here", "", "", "", `"type":"too_many_requests"`},
	} {
		st, hdr, body := infraCall(t, tc.method, hs.URL+tc.path, tc.token, tc.ct, tc.body)
		if st != http.StatusTooManyRequests || hdr.Get("Retry-After") != "0" || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s = %d Retry-After %q %s, want 429 Retry-After 0 and %s", tc.method, tc.path, st, hdr.Get("Retry-After"), body, tc.want)
		}
	}
	// "*" never covers the control API, so the rules can always be cleared.
	if st, _, _ := infraCall(t, "GET", hs.URL+"/_sandbox/health", "", "", ""); st != http.StatusOK {
		t.Errorf("health under a * rule = %d, want 200", st)
	}
}

func TestFaults_RouteMatching(t *testing.T) {
	hs := serveLoopback(t, startServer(t, "", Options{}))
	infraAddRule(t, hs.URL, `{"route":"GET /v2/ledger/livechat/bal","status":500}`)
	infraAddRule(t, hs.URL, `{"route":"POST /v2/ledger","status":502}`)
	if st, _, _ := infraBalance(t, hs.URL); st != http.StatusInternalServerError {
		t.Errorf("balance (prefix match) = %d, want 500", st)
	}
	if st, _, _ := infraCall(t, "GET", hs.URL+"/v2/ledger/livechat", DefaultAccessToken, "", ""); st != http.StatusOK {
		t.Errorf("ledger list (no match) = %d, want 200", st)
	}
	// The method is part of the match: a POST rule leaves GETs alone.
	if st, _, _ := infraCall(t, "GET", hs.URL+"/v2/ledger/livechat?page=1", DefaultAccessToken, "", ""); st != http.StatusOK {
		t.Errorf("GET under a POST rule = %d, want 200", st)
	}
	if st, _, _ := infraCall(t, "POST", hs.URL+"/v2/ledger/livechat", DefaultAccessToken, "application/json", "{}"); st != http.StatusBadGateway {
		t.Errorf("POST /v2/ledger/livechat = %d, want the injected 502", st)
	}
}

func TestFaults_AccumulateAndClear(t *testing.T) {
	hs := serveLoopback(t, startServer(t, "", Options{}))
	a := infraAddRule(t, hs.URL, `{"route":"GET /v2/ledger","latency_ms":1}`)
	b := infraAddRule(t, hs.URL, `{"route":"GET /v2/ledger","status":503}`)
	if a.ID == b.ID {
		t.Errorf("rules share id %d", a.ID)
	}
	rules := infraListRules(t, hs.URL)
	if len(rules) != 2 || rules[0].ID != a.ID || rules[1].ID != b.ID {
		t.Fatalf("rules = %+v, want both in the order added", rules)
	}
	// The latency rule fires and lets the request on to the status rule.
	if st, _, _ := infraBalance(t, hs.URL); st != http.StatusServiceUnavailable {
		t.Errorf("balance = %d, want 503 from the second rule", st)
	}
	rules = infraListRules(t, hs.URL)
	if rules[0].Fired != 1 || rules[1].Fired != 1 || rules[0].Remaining != nil {
		t.Errorf("after one request rules = %+v, want each fired once and no limit", rules)
	}
	st, _, body := infraCall(t, "DELETE", hs.URL+"/_sandbox/faults", "", "", "")
	if st != http.StatusOK || strings.TrimSpace(body) != `{"cleared":2}` {
		t.Errorf("DELETE faults = %d %s, want 200 {\"cleared\":2}", st, body)
	}
	if rules := infraListRules(t, hs.URL); len(rules) != 0 {
		t.Errorf("rules after DELETE = %+v", rules)
	}
	if st, _, _ := infraBalance(t, hs.URL); st != http.StatusOK {
		t.Errorf("balance after DELETE = %d, want 200", st)
	}
}

func TestFaults_FirstFailingRuleDecides(t *testing.T) {
	hs := serveLoopback(t, startServer(t, "", Options{}))
	infraAddRule(t, hs.URL, `{"route":"GET /v2/ledger","status":503,"count":1}`)
	infraAddRule(t, hs.URL, `{"route":"*","status":500,"count":5}`)
	if st, _, _ := infraBalance(t, hs.URL); st != http.StatusServiceUnavailable {
		t.Errorf("first request = %d, want 503 from the first rule", st)
	}
	rules := infraListRules(t, hs.URL)
	if len(rules) != 1 || *rules[0].Remaining != 5 {
		t.Errorf("rules = %+v, want the second untouched with 5 left", rules)
	}
	if st, _, _ := infraBalance(t, hs.URL); st != http.StatusInternalServerError {
		t.Errorf("second request = %d, want 500 from the second rule", st)
	}
}

func TestFaults_Latency(t *testing.T) {
	hs := serveLoopback(t, startServer(t, "", Options{}))
	infraAddRule(t, hs.URL, `{"route":"GET /v2/ledger/livechat/balance","latency_ms":300,"count":1}`)
	start := time.Now()
	st, _, body := infraBalance(t, hs.URL)
	// A timer never fires early, so this lower bound cannot flake.
	if elapsed := time.Since(start); elapsed < 300*time.Millisecond {
		t.Errorf("delayed request took %v, want at least 300ms", elapsed)
	}
	if st != http.StatusOK || !strings.Contains(body, "balance") {
		t.Errorf("delayed request = %d %s, want it processed", st, body)
	}
	if rules := infraListRules(t, hs.URL); len(rules) != 0 {
		t.Errorf("latency rule with count 1 still listed: %+v", rules)
	}
}

// An injected delay longer than the server's ReadTimeout does not make the
// request's body unreadable: the body is read before the delay, so a server
// can bound slow clients without cutting short the faults it injects.
func TestFaults_LatencyLongerThanReadTimeout(t *testing.T) {
	s := startServer(t, "", Options{})
	hs := httptest.NewUnstartedServer(s)
	hs.Config.ReadTimeout = 200 * time.Millisecond
	hs.Start()
	t.Cleanup(hs.Close)
	infraAddRule(t, hs.URL, `{"route":"POST /v3/recurrent_charge","latency_ms":600}`)
	// Larger than what the server reads along with the header.
	body := validRecurrent()
	body["name"] = strings.Repeat("n", 64<<10)
	r := sendJSON(t, "POST", hs.URL+recurrentPath, body, "Bearer "+DefaultAccessToken)
	if r.status != http.StatusCreated || str(r.obj["name"]) != body["name"] {
		t.Errorf("delayed create with a 64 KiB body = %d %.300s, want 201 with the whole name", r.status, r.raw)
	}
}

// With a seed the draws of error_rate repeat exactly.
func TestFaults_ErrorRateIsSeeded(t *testing.T) {
	run := func(seed uint64, rate string) string {
		hs := serveLoopback(t, startServer(t, "", Options{FaultSeed: seed}))
		infraAddRule(t, hs.URL, `{"route":"GET /v2/ledger/livechat/balance","status":503,"error_rate":`+rate+`}`)
		var out strings.Builder
		for i := 0; i < 200; i++ {
			st, _, _ := infraBalance(t, hs.URL)
			switch st {
			case http.StatusOK:
				out.WriteByte('.')
			case http.StatusServiceUnavailable:
				out.WriteByte('x')
			default:
				t.Fatalf("status %d", st)
			}
		}
		return out.String()
	}
	a, b, c := run(42, "0.3"), run(42, "0.3"), run(7, "0.3")
	if a != b {
		t.Errorf("same seed, different outcomes:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 42 and 7 gave the same 200 outcomes")
	}
	if n := strings.Count(a, "x"); n < 30 || n > 90 {
		t.Errorf("error_rate 0.3 failed %d of 200 requests", n)
	}
	if n := strings.Count(run(42, "0"), "x"); n != 0 {
		t.Errorf("error_rate 0 failed %d requests", n)
	}
}

// drop_after_commit processes the request, keeps its change (on disk, too)
// and closes the connection without an answer.
func TestFaults_DropAfterCommit(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	hs := serveLoopback(t, s)
	infraAddRule(t, hs.URL, `{"route":"POST /v2/token","drop_after_commit":true,"count":1}`)
	var before int
	s.view(func() { before = s.st.tokens.len() })

	client := &http.Client{Timeout: 10 * time.Second}
	st, tok, err := infraExchange(client, hs.URL)
	if err == nil {
		t.Fatalf("dropped exchange answered %d %q; want the connection closed without a response", st, tok)
	}
	var after int
	s.view(func() { after = s.st.tokens.len() })
	if after != before+1 {
		t.Errorf("tokens stored: %d → %d, want the dropped request committed", before, after)
	}
	// The rule expired; the next exchange is answered.
	if st, tok, err := infraExchange(client, hs.URL); st != http.StatusOK || tok == "" || err != nil {
		t.Errorf("exchange after the drop = %d %v", st, err)
	}
	hs.Close()
	s.Close()
	s2 := startServer(t, path, Options{})
	s2.view(func() { after = s2.st.tokens.len() })
	if after != before+2 {
		t.Errorf("tokens after restart = %d, want %d: the dropped change must be durable", after, before+2)
	}
}

// reset answers nothing: the connection is reset after the request was
// read. Alone, the request is not processed; with drop_after_commit, it
// is, and its change is kept.
func TestFaults_Reset(t *testing.T) {
	for _, tc := range []struct {
		rule   string
		stored int
	}{
		{`{"route":"POST /v3/recurrent_charge","reset":true,"count":1}`, 0},
		{`{"route":"POST /v3/recurrent_charge","reset":true,"drop_after_commit":true,"count":1}`, 1},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			s := startServer(t, "", Options{})
			hs := serveLoopback(t, s)
			infraAddRule(t, hs.URL, tc.rule)
			body, _ := json.Marshal(validRecurrent())
			req, _ := http.NewRequest(http.MethodPost, hs.URL+recurrentPath, strings.NewReader(string(body)))
			req.Header.Set("Authorization", "Bearer "+DefaultAccessToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
			if err == nil {
				_ = resp.Body.Close()
				t.Fatalf("answered %s; want the connection reset", resp.Status)
			}
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("got %v, want connection reset by peer", err)
			}
			var stored int
			s.view(func() { stored = s.st.recurrent.len() })
			if stored != tc.stored {
				t.Errorf("%d recurrent charges stored, want %d", stored, tc.stored)
			}
			rules := infraListRules(t, hs.URL)
			if len(rules) != 0 {
				t.Errorf("the rule with count 1 is still listed: %+v", rules)
			}
		})
	}
	hs := serveLoopback(t, startServer(t, "", Options{}))
	st, _, body := infraCall(t, "POST", hs.URL+"/_sandbox/faults", "", "application/json", `{"route":"*","status":503,"reset":true}`)
	if st != http.StatusBadRequest || !strings.Contains(body, "reset cannot be combined with status") {
		t.Errorf("reset with status = %d %s, want 400", st, body)
	}
	if r := infraAddRule(t, hs.URL, `{"route":"*","reset":true,"error_rate":0}`); !r.Reset {
		t.Errorf("listed rule %+v, want reset true", r)
	}
}
