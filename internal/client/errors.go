package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
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
	return b.String()
}

// newAPIError builds an APIError from a response, reading the message from
// any of the envelopes the platform uses (API.md §0):
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
	if len(trimmed) > maxBody {
		e.Body = trimmed[:maxBody] + "…"
	} else {
		e.Body = trimmed
	}
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
func parseErrorBody(body []byte) (code, msg, reqID string) {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return "", "", ""
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal([]byte(trimmed), &env); err != nil {
		// Plain text (or HTML): the first line is the message.
		line := strings.SplitN(trimmed, "\n", 2)[0]
		if strings.HasPrefix(line, "<") {
			return "", "", ""
		}
		if len(line) > 500 {
			line = line[:500] + "…"
		}
		return "", line, ""
	}
	str := func(key string) string {
		raw, ok := env[key]
		if !ok {
			return ""
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	reqID = str("request_id")
	if raw, ok := env["error"]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			code = s
			msg = str("error_description")
			if sub := str("sub_error"); sub != "" && msg != "" {
				msg = msg + " (" + sub + ")"
			}
			if msg == "" {
				msg = str("message")
			}
		} else {
			var obj struct {
				Type    string `json:"type"`
				Code    string `json:"code"`
				Message string `json:"message"`
			}
			if json.Unmarshal(raw, &obj) == nil {
				code = obj.Type
				if code == "" {
					code = obj.Code
				}
				msg = obj.Message
			}
		}
	}
	if msg == "" {
		if raw, ok := env["errors"]; ok {
			msg = joinErrors(raw)
		}
	}
	if msg == "" {
		msg = str("message")
	}
	if code == "" {
		code = str("code")
	}
	return code, msg, reqID
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
			var obj struct {
				Field   string `json:"field"`
				Message string `json:"message"`
			}
			if json.Unmarshal(item, &obj) == nil && obj.Message != "" {
				if obj.Field != "" && !strings.Contains(obj.Message, obj.Field) {
					parts = append(parts, obj.Field+": "+obj.Message)
				} else {
					parts = append(parts, obj.Message)
				}
			}
		}
		return strings.Join(parts, "; ")
	}
	var byField map[string]json.RawMessage
	if json.Unmarshal(raw, &byField) == nil {
		var parts []string
		for field, v := range byField {
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

// IsRateLimited reports a 429 answer.
func IsRateLimited(err error) bool { return statusOf(err) == http.StatusTooManyRequests }

// IsUnauthorized reports a 401 answer.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsForbidden reports a 403 answer.
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

// AsAPIError returns the APIError inside err, if any.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}
