package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"unicode/utf8"
)

// fuzzRoute is a route whose request the sandbox decodes.
type fuzzRoute struct {
	method, path string
	// auth is the Authorization header; control routes have none.
	auth string
	// query names the parameter that carries the fuzzed text, if any.
	query string
}

// fuzzRoutes are the routes that read a body or a structured parameter.
var fuzzRoutes = []fuzzRoute{
	{method: http.MethodPost, path: "/v3/recurrent_charge/livechat", auth: "Bearer " + DefaultAccessToken},
	{method: http.MethodPost, path: "/v3/direct_charge/helpdesk", auth: "Bearer " + DefaultAccessToken},
	{method: http.MethodGet, path: "/v3/direct_charge/livechat", auth: "Bearer " + DefaultAccessToken, query: "page"},
	{method: http.MethodPost, path: "/v2/applications/" + SandboxAppID + "/in-app-upgrades", auth: "Bearer " + DefaultAccessToken},
	{method: http.MethodPost, path: "/v2/partners/affiliates/campaigns", auth: "Bearer " + DefaultPartnerToken, query: "product"},
	{method: http.MethodGet, path: "/v2/partners/affiliates/campaigns/search", auth: "Bearer " + DefaultPartnerToken, query: "filters"},
	{method: http.MethodPost, path: "/v2/partners/solutions/organizations", auth: "Bearer " + DefaultPartnerToken},
	{method: http.MethodPut, path: "/v2/partners/solutions/licenses/livechat/104130623/subscription", auth: "Bearer " + DefaultPartnerToken},
	{method: http.MethodDelete, path: "/v2/partners/solutions/licenses/livechat/104130623/subscription", auth: "Bearer " + DefaultPartnerToken},
	{method: http.MethodPost, path: "/v2/token"},
	{method: http.MethodPost, path: "/_sandbox/faults"},
	{method: http.MethodPost, path: "/_sandbox/clock/advance"},
	{method: http.MethodGet, path: "/v2/ledger/livechat", auth: "Bearer " + DefaultAccessToken, query: "page"},
}

// Whatever a client sends to a route that decodes a request, the sandbox
// answers with a JSON body in its API's error format or a success, never
// with a server error: malformed input is the client's fault (4xx), and
// a 5xx would read as a platform fault that the client retries.
func FuzzRequestDecoding(f *testing.F) {
	seeds := []struct {
		route       uint8
		contentType string
		body        string
		param       string
	}{
		{0, "application/json", `{"name":"Pro","price":1900,"return_url":"https://example.com/"}`, ""},
		{1, "application/json", `{"name":"Seats","price":100,"quantity":2,"return_url":"https://example.com/"}`, ""},
		{2, "", "", "2"},
		{3, "application/json", `{"name":"U","description":"D","webhook_url":"https://example.com/h","type":"once","price":0}`, ""},
		{4, "application/x-www-form-urlencoded", "name=Summer+sale&trial_duration=14", "livechat"},
		{5, "", "", `[{"field":"name","value":"x","operator":"equals"}]`},
		{6, "application/json", `{"organization_name":"Acme","client_name":"Joe","client_email":"joe@example.com"}`, ""},
		{7, "application/json", `{"plan":"team","billing_cycle":"monthly","seats":2}`, ""},
		{8, "application/json", `{"password":"x","expire":true}`, ""},
		{9, "application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=x&client_id=y&client_secret=z", ""},
		{10, "application/json", `{"route":"GET /v2/ledger","status":503,"count":1}`, ""},
		{11, "application/json", `{"days":1}`, ""},
		{12, "", "", "1000001"},
		{0, "application/json; charset=utf-8", `{"price":1.5}`, ""},
		{9, "application/x-www-form-urlencoded", "%zz", ""},
	}
	for _, s := range seeds {
		f.Add(s.route, s.contentType, []byte(s.body), s.param)
	}
	srv, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	f.Fuzz(func(t *testing.T, route uint8, contentType string, body []byte, param string) {
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		target := "http://127.0.0.1" + r.path
		if r.query != "" {
			target += "?" + r.query + "=" + url.QueryEscape(param)
		}
		req, err := http.NewRequest(r.method, target, bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.RemoteAddr = "127.0.0.1:40000"
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if r.auth != "" {
			req.Header.Set("Authorization", r.auth)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		// A fault rule the fuzzer added would fail (or slow down) the
		// requests after it on purpose.
		srv.faults.clear()
		checkDecodedAnswer(t, r, contentType, body, rec)
	})
}

// checkDecodedAnswer: no 5xx, and an answer with a body is valid JSON
// (and an error one says what was wrong).
func checkDecodedAnswer(t *testing.T, r fuzzRoute, contentType string, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s %s (%q, %q): %d %s", r.method, r.path, contentType, body, rec.Code, rec.Body)
	}
	if rec.Body.Len() == 0 {
		return
	}
	if !json.Valid(rec.Body.Bytes()) || !utf8.Valid(rec.Body.Bytes()) {
		t.Fatalf("%s %s (%q, %q): %d with a body that is not JSON: %q", r.method, r.path, contentType, body, rec.Code, rec.Body)
	}
	if rec.Code >= 400 && !bytes.ContainsAny(rec.Body.Bytes(), "abcdefghijklmnopqrstuvwxyz") {
		t.Fatalf("%s %s: %d without a message: %s", r.method, r.path, rec.Code, rec.Body)
	}
}
