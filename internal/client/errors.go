package client

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// APIError is a non-2xx answer of a LiveChat API, with the platform's own
// message extracted from whichever envelope it used.
type APIError struct {
	API       API
	Method    string
	Path      string
	Status    int
	Code      string
	Message   string
	RequestID string
	// Body is the raw response body (truncated), for debugging.
	Body string
	// RetryAfter is the raw Retry-After header, if any.
	RetryAfter string
	// Attempts is how many times the request was sent.
	Attempts int
	// GaveUp says why the client stopped retrying before max retries, if
	// it did (a Retry-After past the request timeout).
	GaveUp string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.GaveUp != "" {
		fmt.Fprintf(&b, "; not retried: %s", e.GaveUp)
	}
	return b.String()
}

// newAPIError builds an APIError from a response, reading the message from
// any of the envelopes the platform uses (platform-api.md §0.4):
//
//	{"error":"…","error_description":"…"}   OAuth
//	{"error":{"type":"…","message":"…"}}
//	{"errors":[…]}
//	{"message":"…"}
//	plain text
func newAPIError(api API, method, path string, resp *http.Response, body []byte) *APIError {
	e := &APIError{
		API:        api,
		Method:     method,
		Path:       path,
		Status:     resp.StatusCode,
		RetryAfter: resp.Header.Get("Retry-After"),
	}
	for _, h := range []string{"X-Request-Id", "X-Request-ID", "Request-Id", "X-Amzn-Trace-Id"} {
		if v := resp.Header.Get(h); v != "" {
			e.RequestID = v
			break
		}
	}
	const maxBody = 4096
	trimmed := strings.TrimSpace(string(body))
	e.Body = truncate(trimmed, maxBody)
	code, msg, reqID := parseErrorBody(body)
	e.Code, e.Message = code, msg
	if reqID != "" && e.RequestID == "" {
		e.RequestID = reqID
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

// parseErrorBody extracts (code, message, request id) from an error body.
// It is deliberately lenient: a field of an unexpected type is skipped, not
// an error, because an error body must never hide the status behind a
// decoding failure.
func parseErrorBody(body []byte) (code, msg, reqID string) {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return "", "", ""
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal([]byte(trimmed), &env); err != nil {
		// Plain text (or HTML): the first line is the message. HTML pages
		// (proxies, load balancers) say nothing a person can act on.
		line := strings.TrimSpace(strings.SplitN(trimmed, "\n", 2)[0])
		if strings.HasPrefix(line, "<") {
			return "", "", ""
		}
		return "", truncate(line, 500), ""
	}
	reqID = looseString(env["request_id"])
	if raw, ok := env["error"]; ok {
		var nested map[string]json.RawMessage
		if s := looseString(raw); s != "" {
			// OAuth: "error" is a code such as invalid_grant; some servers
			// put a sentence there instead.
			if strings.ContainsAny(s, " \t") {
				msg = s
			} else {
				code = s
			}
			if desc := looseString(env["error_description"]); desc != "" {
				msg = desc
			}
			if sub := looseString(env["sub_error"]); sub != "" && msg != "" {
				msg = msg + " (" + sub + ")"
			}
		} else if json.Unmarshal(raw, &nested) == nil {
			code = cmp.Or(looseString(nested["type"]), looseString(nested["code"]))
			msg = cmp.Or(looseString(nested["message"]), looseString(nested["description"]), looseString(nested["detail"]))
			if reqID == "" {
				reqID = looseString(nested["request_id"])
			}
		}
	}
	if msg == "" {
		if raw, ok := env["errors"]; ok {
			msg = joinErrors(raw)
		}
	}
	if msg == "" {
		msg = cmp.Or(looseString(env["message"]), looseString(env["error_description"]), looseString(env["detail"]))
	}
	if code == "" {
		code = looseString(env["code"])
	}
	return code, msg, reqID
}

// truncate cuts s to at most n bytes, marking the cut with "…". It cuts
// between characters: half a character is invalid UTF-8, which the
// protocol buffers that carry diagnostics to Terraform refuse.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// looseString returns a JSON string's value, or a number's text; anything
// else (absent, null, objects) is empty.
func looseString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// joinErrors flattens an "errors" value: a list of strings, a list of
// objects with message/field, or an object of field → messages.
func joinErrors(raw json.RawMessage) string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		var parts []string
		for _, item := range list {
			var s string
			if json.Unmarshal(item, &s) == nil {
				parts = append(parts, s)
				continue
			}
			var obj map[string]json.RawMessage
			if json.Unmarshal(item, &obj) != nil {
				continue
			}
			m := cmp.Or(looseString(obj["message"]), looseString(obj["detail"]),
				looseString(obj["description"]), looseString(obj["error"]))
			if m == "" {
				continue
			}
			field := cmp.Or(looseString(obj["field"]), looseString(obj["param"]))
			if field != "" && !strings.Contains(m, field) {
				m = field + ": " + m
			}
			parts = append(parts, m)
		}
		return strings.Join(parts, "; ")
	}
	var byField map[string]json.RawMessage
	if json.Unmarshal(raw, &byField) == nil {
		var parts []string
		// Sorted, so the same answer always reads the same.
		for _, field := range slices.Sorted(maps.Keys(byField)) {
			v := byField[field]
			var s string
			var ss []string
			switch {
			case json.Unmarshal(v, &s) == nil:
				parts = append(parts, field+": "+s)
			case json.Unmarshal(v, &ss) == nil:
				parts = append(parts, field+": "+strings.Join(ss, ", "))
			}
		}
		return strings.Join(parts, "; ")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

func statusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Status
	}
	return 0
}

// IsNotFound reports a 404 answer.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsConflict reports a 409 answer (the object already exists).
func IsConflict(err error) bool { return statusOf(err) == http.StatusConflict }

// IsUnprocessable reports a 422 answer (a state change the platform refuses).
func IsUnprocessable(err error) bool { return statusOf(err) == http.StatusUnprocessableEntity }

// IsForbidden reports a 403 answer.
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

// AsAPIError returns the APIError inside err, if any.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}
