package provider

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// hostileDirectChargeList answers the direct charge list of livechat with
// fixed items, as a misbehaving platform would; every other call reaches
// the sandbox.
func hostileDirectChargeList(items ...map[string]any) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || r.URL.Path != "/v3/direct_charge/livechat" {
				next.ServeHTTP(w, r)
				return
			}
			page := items
			if r.URL.Query().Get("page") != "1" {
				page = nil
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"result": page})
		})
	}
}

// A listed id that the import parser would refuse (a '/' that would shift
// into another segment, whitespace, a control character, none at all) is
// left out with a warning instead of becoming an identity; a display name
// cannot carry a terminal escape sequence.
func TestListResource_unimportableIdentitiesLeftOut(t *testing.T) {
	charge := func(id, name string) map[string]any {
		return map[string]any{"id": id, "name": name, "price": 100, "quantity": 1, "status": "pending",
			"return_url": "https://example.com", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
	}
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, hostileDirectChargeList(
		charge("helpdesk/victim", "slash"), charge("a b", "space"), charge("x\x1b[2Jy", "escape"), charge("", "none"),
		charge("good-1", "\x1b]0;owned\x07Seats\x1b[31m"),
	))
	s := newListServer(t, sbx)
	results := s.list("livechat_direct_charge", nil, false, 0)
	var listed []listedResult
	warnings := 0
	for _, r := range results {
		if r.identity == nil {
			for _, d := range r.diags {
				if strings.Contains(d.Summary, "cannot be imported") {
					warnings++
				}
			}
			continue
		}
		listed = append(listed, r)
	}
	if warnings != 4 {
		t.Errorf("%d warnings of unimportable objects, want 4: %v", warnings, results)
	}
	if len(listed) != 1 || listed[0].identity["id"] != "good-1" {
		t.Fatalf("listed %v, want only good-1", listed)
	}
	if name := listed[0].displayName; strings.ContainsAny(name, "\x1b\x07") || !strings.Contains(name, "Seats") {
		t.Errorf("display name %q carries control characters", name)
	}
}
