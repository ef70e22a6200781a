package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// harness is a sandbox served over real HTTP for raw wire tests.
type harness struct {
	t   *testing.T
	srv *Server
	url string
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	srv := startServer(t, opts.DataFile, opts)
	return &harness{t: t, srv: srv, url: serveLoopback(t, srv).URL}
}

// startServer starts a sandbox (with a data file when path is not empty)
// and closes it when the test ends.
func startServer(t testing.TB, path string, opts Options) *Server {
	t.Helper()
	opts.DataFile = path
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// serveLoopback serves s on a loopback listener until the test ends.
func serveLoopback(t testing.TB, s *Server) *httptest.Server {
	t.Helper()
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return hs
}

// send sends one request through c: body (nil for none) with contentType
// and authorization as headers ("" leaves one out). It returns the status,
// the header and the body, and fails the test when no answer comes.
func send(t testing.TB, c *http.Client, method, u string, body io.Reader, contentType, authorization string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	raw    []byte
	obj    map[string]any
}

// sendJSON sends body as JSON (nil: no body; a string is sent verbatim)
// with authorization ("" for none) and decodes the answer's JSON object,
// if any, into obj.
func sendJSON(t testing.TB, method, u string, body any, authorization string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	contentType := ""
	if rd != nil {
		contentType = "application/json"
	}
	status, header, raw := send(t, http.DefaultClient, method, u, rd, contentType, authorization)
	out := response{status: status, header: header, raw: raw}
	_ = json.Unmarshal(raw, &out.obj)
	return out
}

// call sends method path with a JSON body (a string is sent verbatim) and
// the sandbox access token unless token is "-" (none) or another value.
func (h *harness) call(method, path string, body any, token string) response {
	h.t.Helper()
	authorization := "Bearer " + DefaultAccessToken
	switch token {
	case "-":
		authorization = ""
	case "":
	default:
		authorization = "Bearer " + token
	}
	return sendJSON(h.t, method, h.url+path, body, authorization)
}

// must calls and fails the test unless the status is want.
func (h *harness) must(want int, method, path string, body any) map[string]any {
	h.t.Helper()
	r := h.call(method, path, body, "")
	if r.status != want {
		h.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.status, want, r.raw)
	}
	return r.obj
}

// withField sets k to v in body, or removes k when v is nil, and returns
// body.
func withField(body map[string]any, k string, v any) map[string]any {
	if v == nil {
		delete(body, k)
	} else {
		body[k] = v
	}
	return body
}

// billingError checks the Billing error envelope and returns its message.
func billingError(t *testing.T, r response, status int, code string) string {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	e, ok := r.obj["error"].(map[string]any)
	if !ok {
		t.Fatalf("want {\"error\":{\"type\",\"message\"}}, got %s", r.raw)
	}
	if e["type"] != code {
		t.Fatalf("error type %v, want %s (body %s)", e["type"], code, r.raw)
	}
	msg, _ := e["message"].(string)
	if msg == "" {
		t.Fatalf("empty error message: %s", r.raw)
	}
	return msg
}

// checkShape checks that obj has exactly the keys of a platform-api.md example
// with the JSON types given: "string", "number", "bool", "time" (RFC 3339
// string), "time?" (null or RFC 3339), "string?" (null or string).
func checkShape(t *testing.T, obj map[string]any, shape map[string]string) {
	t.Helper()
	for k := range obj {
		if _, ok := shape[k]; !ok {
			t.Errorf("unexpected field %q", k)
		}
	}
	for k, typ := range shape {
		v, ok := obj[k]
		if !ok {
			t.Errorf("missing field %q", k)
			continue
		}
		nullable := strings.HasSuffix(typ, "?")
		typ = strings.TrimSuffix(typ, "?")
		if v == nil {
			if !nullable {
				t.Errorf("%s is null, want %s", k, typ)
			}
			continue
		}
		switch typ {
		case "string":
			if _, ok := v.(string); !ok {
				t.Errorf("%s = %v (%T), want a string", k, v, v)
			}
		case "number":
			if _, ok := v.(float64); !ok {
				t.Errorf("%s = %v (%T), want a number", k, v, v)
			}
		case "bool":
			if _, ok := v.(bool); !ok {
				t.Errorf("%s = %v (%T), want a bool", k, v, v)
			}
		case "time":
			s, _ := v.(string)
			if _, err := time.Parse(time.RFC3339, s); err != nil || !strings.HasSuffix(s, "Z") {
				t.Errorf("%s = %v, want an RFC 3339 UTC timestamp", k, v)
			}
		}
	}
}

// recurrentShape is the example object of platform-api.md §1.1.
var recurrentShape = map[string]string{
	"id": "string", "buyer_organization_id": "string", "buyer_license_id": "number", "buyer_account_id": "string",
	"buyer_entity_id": "string", "seller_client_id": "string", "order_client_id": "string",
	"order_organization_id": "string", "external_id": "string?", "name": "string", "price": "number",
	"trial_days": "number", "months": "number", "return_url": "string", "test": "bool", "per_account": "bool",
	"status": "string", "confirmation_url": "string", "commission_percent": "number", "trial_ends_at": "time?",
	"cancelled_at": "time?", "current_charge_at": "time?", "next_charge_at": "time?", "updated_at": "time",
	"created_at": "time",
}

// directShape is the object of platform-api.md §1.2.
var directShape = map[string]string{
	"id": "string", "buyer_organization_id": "string", "buyer_license_id": "number", "buyer_account_id": "string",
	"buyer_entity_id": "string", "seller_client_id": "string", "order_client_id": "string",
	"order_organization_id": "string", "name": "string", "price": "number", "quantity": "number",
	"return_url": "string", "test": "bool", "per_account": "bool", "status": "string", "confirmation_url": "string",
	"commission_percent": "number", "created_at": "time", "updated_at": "time",
}

func num(v any) int64 { f, _ := v.(float64); return int64(f) }

func str(v any) string { s, _ := v.(string); return s }
