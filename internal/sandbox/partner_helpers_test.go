package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// partnerSandbox starts a sandbox for raw HTTP tests of the Partner Program.
func partnerSandbox(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s := startServer(t, opts.DataFile, opts)
	return s, serveLoopback(t, s)
}

// partnerResp is a raw answer.
type partnerResp struct {
	status int
	body   string
	header http.Header
}

// json decodes the body into a generic value, failing the test on bad JSON.
func (r partnerResp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// partnerCall sends one request with the sandbox partner token. body is a
// url.Values (form), a string (sent as JSON) or nil.
func partnerCall(t *testing.T, ts *httptest.Server, method, path string, body any) partnerResp {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	case nil:
	default:
		t.Fatalf("unsupported body %T", body)
	}
	status, header, data := send(t, ts.Client(), method, ts.URL+path, rd, ct, "Bearer "+DefaultPartnerToken)
	return partnerResp{status: status, body: string(data), header: header}
}

// expectPartnerError checks the status and the partner envelope
// {"errors":["…"]} with a message containing want.
func expectPartnerError(t *testing.T, r partnerResp, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	var env struct {
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.body), &env); err != nil || len(env.Errors) != 1 {
		t.Fatalf("not the partner error envelope {\"errors\":[…]}: %s", r.body)
	}
	if !strings.Contains(env.Errors[0], want) {
		t.Fatalf("error %q does not contain %q", env.Errors[0], want)
	}
}

// keysOf returns the sorted keys of m.
func keysOf(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}
