package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// unsizedReader hides the length of a body, so the client sends it chunked.
type unsizedReader struct{ io.Reader }

// A body over the limit is refused with 413 in its family's envelope,
// whether its length is declared or it is sent chunked; it is never cut to
// the limit and processed.
func TestBody_overLimitIs413(t *testing.T) {
	h := newHarness(t, Options{})
	jsonBody := func() []byte {
		// Valid JSON whatever its size: a long name.
		return []byte(`{"name":"` + strings.Repeat("a", maxBody) + `","price":100}`)
	}
	formBody := func() []byte {
		return []byte(infraTokenForm() + "&pad=" + strings.Repeat("a", maxBody))
	}
	for _, tc := range []struct {
		name, path, contentType, authorization string
		body                                   func() []byte
		envelope                               func(map[string]any) bool
	}{
		{"billing", recurrentPath, "application/json", "Bearer " + DefaultAccessToken, jsonBody, billingEnvelope},
		{"developer console", upgBase, "application/json", "Bearer " + DefaultAccessToken, jsonBody, billingEnvelope},
		{"partner json", "/v2/partners/solutions/organizations", "application/json", "Bearer " + DefaultPartnerToken, jsonBody, partnerEnvelope},
		{"partner form", campaignsPath + "?product=livechat", "application/x-www-form-urlencoded", "Bearer " + DefaultPartnerToken, formBody, partnerEnvelope},
		{"accounts", "/v2/token", "application/x-www-form-urlencoded", "", formBody, oauthEnvelope},
		{"control", "/_sandbox/faults", "application/json", "", jsonBody, controlEnvelope},
	} {
		for _, chunked := range []bool{false, true} {
			var rd io.Reader = bytes.NewReader(tc.body())
			if chunked {
				rd = unsizedReader{rd}
			}
			st, _, raw := send(t, http.DefaultClient, "POST", h.url+tc.path, rd, tc.contentType, tc.authorization)
			var obj map[string]any
			_ = json.Unmarshal(raw, &obj)
			if st != http.StatusRequestEntityTooLarge || !tc.envelope(obj) || !strings.Contains(string(raw), "1048576") {
				t.Errorf("%s (chunked %v): %d %s, want 413 in the family's envelope naming the limit", tc.name, chunked, st, raw)
			}
		}
	}
	// Within the limit the same body is read whole.
	body := []byte(infraTokenForm() + "&pad=" + strings.Repeat("a", maxBody-len(infraTokenForm())-len("&pad=")))
	if st, _, raw := send(t, http.DefaultClient, "POST", h.url+"/v2/token", unsizedReader{bytes.NewReader(body)}, "application/x-www-form-urlencoded", ""); st != http.StatusOK {
		t.Errorf("a chunked body of exactly the limit = %d %s, want 200", st, raw)
	}
}

func billingEnvelope(obj map[string]any) bool {
	e, ok := obj["error"].(map[string]any)
	return ok && e["type"] == "request_too_large" && str(e["message"]) != ""
}

func partnerEnvelope(obj map[string]any) bool {
	errs, ok := obj["errors"].([]any)
	return ok && len(errs) == 1 && str(errs[0]) != ""
}

func oauthEnvelope(obj map[string]any) bool {
	return obj["error"] == "invalid_request" && str(obj["error_description"]) != ""
}

func controlEnvelope(obj map[string]any) bool {
	return str(obj["error"]) != ""
}
