package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every paged list answers a page it cannot serve with a 400 in its
// family's envelope, never a panic; a page past the last one is empty.
func TestPaging_outOfRangePages(t *testing.T) {
	h := newHarness(t, Options{})
	bad := []string{"9223372036854775807", "9223372036854775808", "1000001", "0", "-1", "-9223372036854775808", "abc", "1.5", " 1"}
	for _, raw := range bad {
		q := "?page=" + url.QueryEscape(raw)
		for _, path := range []string{"/v2/ledger/livechat", directPath} {
			msg := billingError(t, h.call("GET", path+q, nil, ""), http.StatusBadRequest, "validation_error")
			if !strings.Contains(msg, "page must be") {
				t.Errorf("GET %s%s: message %q does not explain page", path, q, msg)
			}
		}
		r := sendJSON(t, "GET", h.url+campaignsPath+"/search"+q+"&state=active", nil, "Bearer "+DefaultPartnerToken)
		if errs, _ := r.obj["errors"].([]any); r.status != http.StatusBadRequest || len(errs) != 1 || !strings.Contains(str(errs[0]), "page must be") {
			t.Errorf("campaign search page=%q = %d %s, want 400 {\"errors\":[\"page must be …\"]}", raw, r.status, r.raw)
		}
	}
	for _, path := range []string{"/v2/ledger/livechat?page=1000000", directPath + "?page=1000000"} {
		if r := h.must(http.StatusOK, "GET", path, nil); len(r["result"].([]any)) != 0 {
			t.Errorf("GET %s: %v, want an empty page", path, r["result"])
		}
	}
}
