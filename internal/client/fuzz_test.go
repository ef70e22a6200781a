package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Fuzz targets of the parsers that read what a server sends and of the
// redaction that stands between secrets and the logs. `make fuzz-short`
// runs each for a few seconds; the seeds are beside in testdata/fuzz.

// An error body, whatever it holds, gives a code, message and request id
// that are valid UTF-8 when the body is: they end up in diagnostics, which
// travel to Terraform as protocol buffer strings, and an invalid one makes
// the whole answer fail to marshal.
func FuzzParseErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{"error":"invalid_grant","error_description":"refresh token revoked"}`,
		`{"error":{"type":"validation","message":"price must be at least 1","request_id":"r-1"}}`,
		`{"errors":[{"field":"name","message":"is required"},"second"]}`,
		`{"errors":{"name":["too short","taken"]}}`,
		`{"message":"Not found","code":404}`,
		"Service Unavailable\nretry later",
		"<html><body>502 Bad Gateway</body></html>",
		strings.Repeat("ż", 300),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg, reqID := parseErrorBody(body)
		e := newAPIError(APIBilling, http.MethodGet, "/v3/x", &http.Response{StatusCode: http.StatusTeapot, Header: http.Header{}}, body)
		if !utf8.Valid(body) {
			return
		}
		for name, s := range map[string]string{"code": code, "message": msg, "request id": reqID,
			"Error()": e.Error(), "Body": e.Body} {
			if !utf8.ValidString(s) {
				t.Errorf("%s is not valid UTF-8: %q", name, s)
			}
		}
		if e.Message == "" {
			t.Error("an API error without a message")
		}
	})
}

// Each documented envelope (platform-api.md §0.4) gives back the code and
// message it was written with.
func FuzzErrorEnvelopes(f *testing.F) {
	f.Add("invalid_grant", "the refresh token is invalid")
	f.Add("validation_error", "price: must be at least 1")
	f.Add("Ω", "ünïcödé <&> \"quoted\"")
	f.Fuzz(func(t *testing.T, code, msg string) {
		if code == "" || msg == "" || !utf8.ValidString(code) || !utf8.ValidString(msg) ||
			strings.IndexFunc(code, unicode.IsSpace) >= 0 || strings.TrimSpace(msg) != msg {
			return
		}
		envelope := func(v any) []byte {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		for name, body := range map[string][]byte{
			"oauth":  envelope(map[string]any{"error": code, "error_description": msg}),
			"nested": envelope(map[string]any{"error": map[string]any{"type": code, "message": msg}}),
			"flat":   envelope(map[string]any{"code": code, "message": msg}),
		} {
			if gotCode, gotMsg, _ := parseErrorBody(body); gotCode != code || gotMsg != msg {
				t.Errorf("%s envelope %s: got code %q, message %q", name, body, gotCode, gotMsg)
			}
		}
	})
}

// The page walker reads exactly the pages a list has: every page until the
// first short or empty one, or an error at the first full page that
// repeats an earlier one. pages encodes a server: each byte is a page,
// its low bits the number of items (at most pageSize) and its high bit a
// page that repeats the previous full one.
func FuzzWalkPages(f *testing.F) {
	f.Add(uint8(3), []byte{3, 3, 1})
	f.Add(uint8(2), []byte{2, 0x82, 2})
	f.Add(uint8(20), []byte{20, 20, 0})
	f.Add(uint8(1), []byte{1, 1, 1, 1, 1, 1, 0x81})
	f.Fuzz(func(t *testing.T, size uint8, pages []byte) {
		pageSize := int(size%32) + 1
		server := fuzzServerPages(pageSize, pages)
		fetched := 0
		got, err := WalkPages(context.Background(), pageSize, func(_ context.Context, page int) ([]int, error) {
			fetched++
			if page < 1 || page > len(server)+1 {
				t.Fatalf("fetched page %d of a list of %d", page, len(server))
			}
			if page > len(server) {
				return nil, nil
			}
			return server[page-1], nil
		})
		want, wantErr := walkModel(pageSize, server)
		if (err != nil) != wantErr {
			t.Fatalf("pages %v (size %d): error %v, want error %v", server, pageSize, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) && (len(got) != 0 || len(want) != 0) {
			t.Fatalf("pages %v (size %d): got %v, want %v", server, pageSize, got, want)
		}
		if fetched > len(server)+1 {
			t.Fatalf("%d fetches for %d pages", fetched, len(server))
		}
	})
}

// fuzzServerPages builds the pages the bytes describe; items are unique
// unless a page repeats the one before it.
func fuzzServerPages(pageSize int, spec []byte) [][]int {
	var pages [][]int
	next := 0
	for _, b := range spec {
		if b&0x80 != 0 && len(pages) > 0 {
			pages = append(pages, append([]int(nil), pages[len(pages)-1]...))
			continue
		}
		n := int(b&0x7f) % (pageSize + 1)
		page := make([]int, n)
		for i := range page {
			page[i] = next
			next++
		}
		pages = append(pages, page)
	}
	return pages
}

// walkModel is what the walk must return, as the doc comment of WalkPages
// states it.
func walkModel(pageSize int, pages [][]int) ([]int, bool) {
	var all []int
	var full [][]int
	for _, p := range pages {
		if len(p) == 0 {
			return all, false
		}
		for _, earlier := range full {
			if reflect.DeepEqual(p, earlier) {
				return nil, true
			}
		}
		all = append(all, p...)
		if len(p) < pageSize {
			return all, false
		}
		full = append(full, p)
	}
	return all, false
}

// Masked text never shows a secret, in any of the forms it is written in
// (plain, percent-encoded, JSON-escaped); text without one is unchanged.
func FuzzSecretSetMask(f *testing.F) {
	f.Add("sandbox-access-token", "partner-secret-1", "Bearer ", " and more")
	f.Add("p@ss w/rd+ü", "abcdef", `{"password":"`, `"}`)
	f.Add("abcdefgh", "cdefghij", "xx", "yy")
	f.Add("REDACTED", "[REDACTED]x", "[", "]")
	f.Fuzz(func(t *testing.T, secret, other, before, after string) {
		var set SecretSet
		set.Add(secret, other)
		var forms []string
		for _, s := range []string{secret, other} {
			if len(s) >= MinSecretLength {
				forms = append(forms, encodedForms(s)...)
			}
		}
		for _, text := range []string{before + secret + after, before + url.QueryEscape(other) + after,
			before + jsonEscaped(secret) + other + after} {
			out := set.Mask(text)
			for _, piece := range strings.Split(out, Redacted) {
				for _, form := range forms {
					if form != "" && strings.Contains(piece, form) {
						t.Fatalf("Mask(%q) = %q shows the secret form %q", text, out, form)
					}
				}
			}
		}
		plain := before + after
		if !containsAny(plain, forms) && set.Mask(plain) != plain {
			t.Fatalf("Mask(%q) = %q changed text without a secret", plain, set.Mask(plain))
		}
	})
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// secretFields are field names the redaction must recognise.
var secretFields = []string{"access_token", "refresh_token", "client_secret", "password", "token", "webhook_secret", "X-Api-Key"}

// A secret under a secret field name, in a JSON body, a form body or the
// query of a URL inside a JSON string, never reaches the logged text; and
// no body, header or URL makes redaction fail.
func FuzzRedaction(f *testing.F) {
	f.Add(uint8(0), "sbx-at-0123456789abcdef", "hello", []byte(`{"a":1}`))
	f.Add(uint8(3), "p@ss w/rd+ü=&", "x=y&z", []byte("client_secret=abc&x=1"))
	f.Add(uint8(5), "whsec_0123456789", `{"inner":"json"}`, []byte(`[{"name":"token","value":"v"}]`))
	f.Fuzz(func(t *testing.T, field uint8, secret, note string, raw []byte) {
		// Any input: no panic, in every redactor.
		_ = RedactBody("application/json", raw)
		_ = RedactBody("application/x-www-form-urlencoded", raw)
		_ = RedactBody("text/plain", raw)
		_ = RedactHeaders(http.Header{"Location": {string(raw)}, "Link": {"<" + string(raw) + ">"}, "Refresh": {"1; url=" + string(raw)}})
		if u, err := url.Parse(string(raw)); err == nil {
			_ = RedactURL(u)
		}
		if len(secret) < MinSecretLength || !utf8.ValidString(secret) || !utf8.ValidString(note) {
			return
		}
		key := secretFields[int(field)%len(secretFields)]
		jsonBody, _ := json.Marshal(map[string]any{key: secret, "note": note,
			"next": "https://example.com/list?page=2&" + url.QueryEscape(key) + "=" + url.QueryEscape(secret)})
		formBody := url.QueryEscape(key) + "=" + url.QueryEscape(secret) + "&note=" + url.QueryEscape(note)
		for ct, body := range map[string]string{"application/json": string(jsonBody), "application/x-www-form-urlencoded": formBody} {
			out := RedactBody(ct, []byte(body))
			for _, form := range encodedForms(secret) {
				// The note and the field names are logged as they are; a
				// secret that is part of them is not a leak.
				if strings.Contains(out, form) && !strings.Contains(note+key+Redacted+"notenextpage=2https://example.com/list", form) &&
					!strings.Contains(fmt.Sprint(jsonEscaped(note), url.QueryEscape(note)), form) {
					t.Fatalf("RedactBody(%s, %q) = %q shows the secret", ct, body, out)
				}
			}
		}
	})
}
