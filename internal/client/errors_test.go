package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAPIErrorEnvelopes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		header      map[string]string
		body        string
		wantCode    string
		wantMsg     string
		wantReqID   string
	}{
		{
			name: "oauth", status: 400,
			body:     `{"error":"invalid_grant","error_description":"the refresh token is revoked"}`,
			wantCode: "invalid_grant", wantMsg: "the refresh token is revoked",
		},
		{
			name: "oauth with sub_error and body request_id", status: 401,
			body:     `{"error":"invalid_request","error_description":"token expired","sub_error":"expired","request_id":"body-rid-1"}`,
			wantCode: "invalid_request", wantMsg: "token expired (expired)", wantReqID: "body-rid-1",
		},
		{
			name: "X-Request-Id header wins over body request_id", status: 401,
			header:   map[string]string{"X-Request-Id": "hdr-rid-2"},
			body:     `{"error":"invalid_token","error_description":"bad","request_id":"body-rid-2"}`,
			wantCode: "invalid_token", wantMsg: "bad", wantReqID: "hdr-rid-2",
		},
		{
			name: "oauth code only", status: 401,
			body:     `{"error":"invalid_token"}`,
			wantCode: "invalid_token", wantMsg: "Unauthorized",
		},
		{
			name: "error sentence instead of a code", status: 400,
			body:    `{"error":"the charge is already cancelled"}`,
			wantMsg: "the charge is already cancelled",
		},
		{
			name: "nested error object", status: 422,
			body:     `{"error":{"type":"state_not_allowed","message":"cannot cancel a pending charge"}}`,
			wantCode: "state_not_allowed", wantMsg: "cannot cancel a pending charge",
		},
		{
			name: "nested error with numeric code and request id", status: 400,
			body:     `{"error":{"code":4001,"message":"price must be at least 1","request_id":"nested-rid"}}`,
			wantCode: "4001", wantMsg: "price must be at least 1", wantReqID: "nested-rid",
		},
		{
			name: "errors list of strings", status: 400,
			body:    `{"errors":["name is too short","trial_duration must be between 14 and 30"]}`,
			wantMsg: "name is too short; trial_duration must be between 14 and 30",
		},
		{
			name: "errors list of objects", status: 400,
			body:    `{"errors":[{"field":"name","message":"is too short"},{"param":"price","detail":"price must be positive"},{"code":1}]}`,
			wantMsg: "name: is too short; price must be positive",
		},
		{
			name: "errors by field", status: 400,
			body:    `{"errors":{"price":"must be positive","name":["is required","is too short"]}}`,
			wantMsg: "name: is required, is too short; price: must be positive",
		},
		{
			name: "message", status: 409,
			body:     `{"message":"Campaign with this name already exists","code":"conflict"}`,
			wantCode: "conflict", wantMsg: "Campaign with this name already exists",
		},
		{
			name: "plain text", status: 429, contentType: "text/plain",
			header:  map[string]string{"X-Request-Id": "txt-rid"},
			body:    "Too many requests, slow down\nsecond line",
			wantMsg: "Too many requests, slow down", wantReqID: "txt-rid",
		},
		{
			name: "HTML page", status: 502, contentType: "text/html",
			body:    "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
			wantMsg: "Bad Gateway",
		},
		{
			name: "empty body", status: 404,
			wantMsg: "Not Found",
		},
		{
			name: "unknown JSON shape", status: 500,
			body:    `{"foo":{"bar":1}}`,
			wantMsg: "Internal Server Error",
		},
		{
			name: "JSON array", status: 400,
			body:    `["odd"]`,
			wantMsg: `["odd"]`,
		},
		{
			name: "wrong types are skipped, not fatal", status: 400,
			body:    `{"error":null,"errors":42,"message":"still readable"}`,
			wantMsg: "still readable",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				ct := tc.contentType
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			cfg := testConfig(srv.URL)
			cfg.MaxRetries = 0
			c := newTestClient(t, cfg)
			_, err := c.GetLedgerBalance(context.Background())
			apiErr, ok := AsAPIError(err)
			if !ok {
				t.Fatalf("want *APIError, got %T %v", err, err)
			}
			if apiErr.Status != tc.status || apiErr.Code != tc.wantCode || apiErr.Message != tc.wantMsg || apiErr.RequestID != tc.wantReqID {
				t.Errorf("got status %d code %q message %q request id %q; want %d %q %q %q",
					apiErr.Status, apiErr.Code, apiErr.Message, apiErr.RequestID, tc.status, tc.wantCode, tc.wantMsg, tc.wantReqID)
			}
			if apiErr.Body != strings.TrimSpace(tc.body) {
				t.Errorf("Body = %q, want the raw body", apiErr.Body)
			}
			if apiErr.API != APIBilling || apiErr.Method != http.MethodGet || apiErr.Path != "/v2/ledger/livechat/balance" {
				t.Errorf("API/Method/Path = %s %s %s", apiErr.API, apiErr.Method, apiErr.Path)
			}
			msg := err.Error()
			for _, want := range []string{fmt.Sprintf("HTTP %d", tc.status), tc.wantMsg, tc.wantCode, tc.wantReqID} {
				if !strings.Contains(msg, want) {
					t.Errorf("Error() %q does not contain %q", msg, want)
				}
			}
		})
	}
}

func TestAPIErrorBodyIsTruncated(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 10000)
	resp := &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{}}
	e := newAPIError(APIBilling, "GET", "/p", resp, []byte(long))
	if len(e.Body) > 4100 || !strings.HasSuffix(e.Body, "…") {
		t.Errorf("Body of %d bytes was kept at %d", len(long), len(e.Body))
	}
	if len(e.Message) > 510 {
		t.Errorf("a plain-text message of %d bytes was kept at %d", len(long), len(e.Message))
	}
}

func TestIsHelpers(t *testing.T) {
	t.Parallel()
	helpers := map[string]func(error) bool{
		"IsNotFound":      IsNotFound,
		"IsConflict":      IsConflict,
		"IsUnprocessable": IsUnprocessable,
		"IsRateLimited":   IsRateLimited,
		"IsUnauthorized":  IsUnauthorized,
		"IsForbidden":     IsForbidden,
	}
	want := map[int]string{404: "IsNotFound", 409: "IsConflict", 422: "IsUnprocessable", 429: "IsRateLimited", 401: "IsUnauthorized", 403: "IsForbidden"}
	for _, status := range []int{400, 401, 403, 404, 409, 422, 429, 500} {
		apiErr := &APIError{Status: status}
		wrapped := fmt.Errorf("reading charge: %w", apiErr)
		for name, is := range helpers {
			expect := want[status] == name
			if got := is(apiErr); got != expect {
				t.Errorf("%s(status %d) = %v, want %v", name, status, got, expect)
			}
			if got := is(wrapped); got != expect {
				t.Errorf("%s(wrapped status %d) = %v, want %v", name, status, got, expect)
			}
		}
	}
	plain := errors.New("404 not found")
	for name, is := range helpers {
		if is(plain) || is(nil) {
			t.Errorf("%s is true for a non-API error", name)
		}
	}
	if _, ok := AsAPIError(plain); ok {
		t.Error("AsAPIError found an APIError in a plain error")
	}
	if got, ok := AsAPIError(fmt.Errorf("x: %w", &APIError{Status: 418})); !ok || got.Status != 418 {
		t.Error("AsAPIError did not unwrap")
	}
	if !IsMissingCredentials(fmt.Errorf("x: %w", &MissingCredentialsError{API: APIBilling})) || IsMissingCredentials(plain) {
		t.Error("IsMissingCredentials is wrong")
	}
}
