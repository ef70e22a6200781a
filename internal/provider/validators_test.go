package provider

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestIDSegmentRule(t *testing.T) {
	for _, ok := range []string{"stsmuqjb", "sandbox-app", "pp_summer-sale", "1c286f7a-aab8-4384-8e09-dc6749c550cd", "a.b"} {
		if p := idSegmentProblem(ok); p != "" {
			t.Errorf("%q refused: %s", ok, p)
		}
	}
	for bad, want := range map[string]string{
		"":        "a segment is empty",
		".":       `"." is not an ID`,
		"..":      `".." is not an ID`,
		" x":      `" x" contains whitespace`,
		"a b":     `"a b" contains whitespace`,
		"x\t":     `"x\t" contains whitespace`,
		"x\u00a0": `"x\u00a0" contains whitespace`,
		"x?y":     `"x?y" contains '/', '?' or '#'`,
		"x#y":     `"x#y" contains '/', '?' or '#'`,
	} {
		if got := idSegmentProblem(bad); got != want {
			t.Errorf("%q: %q, want %q", bad, got, want)
		}
	}
	if _, p := splitImportID("a/b/c", 2, 2); p != "it has 3 segments separated by '/', not 2" {
		t.Errorf("count: %q", p)
	}
	if _, p := splitImportID("a/b/c", 1, 2); p != "it has 3 segments separated by '/', not 1 or 2" {
		t.Errorf("count range: %q", p)
	}
	if parts, p := splitImportID("app/..", 2, 2); p != `".." is not an ID` || parts != nil {
		t.Errorf("dot segment: %v %q", parts, p)
	}
}

// Every import parser applies the shared rule and shows its expected form.
func TestImportParsersShareTheSegmentRule(t *testing.T) {
	parsers := map[string]func(string) error{
		"expected <id> or <product>/<id>": func(raw string) error { _, _, err := parseChargeImportID(raw, "livechat"); return err },
		"expected <app_id>/<id> such as sandbox-app/stsmuqjb": func(raw string) error {
			_, _, err := parseInAppUpgradeImportID(raw)
			return err
		},
		"expected <product>/<license_id> such as livechat/104130623": func(raw string) error {
			_, _, err := parseSubscriptionImportID(raw)
			return err
		},
	}
	bad := map[string][]string{
		"expected <id> or <product>/<id>":                            {"livechat/..", "..", ".", "livechat/a b", " abc", "abc ", "livechat//x"},
		"expected <app_id>/<id> such as sandbox-app/stsmuqjb":        {"../stsmuqjb", "sandbox-app/.", "sandbox-app/ab cd", " sandbox-app/x", "a//b"},
		"expected <product>/<license_id> such as livechat/104130623": {" livechat/123", "livechat/123 ", "livechat/..", "livechat//123"},
	}
	for form, parse := range parsers {
		for _, raw := range bad[form] {
			err := parse(raw)
			if err == nil || !strings.Contains(err.Error(), form) || !strings.Contains(err.Error(), "got ") {
				t.Errorf("%q: want an error with %q, got %v", raw, form, err)
			}
		}
	}
	for _, raw := range []string{" pp_x", "pp_x ", ".", "..", "pp/x", ""} {
		if _, problem := parseCampaignImportID(raw); problem == "" {
			t.Errorf("campaign slug %q accepted", raw)
		}
	}
	if slug, problem := parseCampaignImportID("pp_summer-sale"); slug != "pp_summer-sale" || problem != "" {
		t.Errorf("good slug: %q %q", slug, problem)
	}
}

func TestMoneyWords(t *testing.T) {
	for cents, want := range map[int64]string{
		1900: "$19.00", 1999: "$19.99", 5: "$0.05", 0: "$0.00", -250: "-$2.50",
		math.MaxInt64: "$92233720368547758.07", math.MinInt64: "-$92233720368547758.08",
	} {
		if got := dollars(cents); got != want {
			t.Errorf("dollars(%d) = %q, want %q", cents, got, want)
		}
	}
	if got := centsAndDollars(1900); got != "1900 cents ($19.00)" {
		t.Errorf("centsAndDollars: %q", got)
	}
	if got, ok := mulCents(1900, 10); !ok || got != 19000 {
		t.Errorf("1900 × 10 = %d %v", got, ok)
	}
	if _, ok := mulCents(math.MaxInt64, 1); !ok {
		t.Error("MaxInt64 × 1 fits")
	}
	for _, pair := range [][2]int64{{math.MaxInt64, 2}, {math.MaxInt64/3 + 1, 3}, {1 << 32, 1 << 31}} {
		if _, ok := mulCents(pair[0], pair[1]); ok {
			t.Errorf("%d × %d does not fit", pair[0], pair[1])
		}
	}
}

// return_url and link take the shared absolute-URL rule: a URL whose
// authority names no host ("https://:443/...") is refused at plan time,
// naming the attribute and the rule.
func TestAbsoluteHTTPURLValidator(t *testing.T) {
	v := absoluteHTTPURL{rule: "must be an absolute http or https URL"}
	for raw, ok := range map[string]bool{
		"https://example.com/done": true,
		"http://example.com/done":  true,
		"https://:443/done":        false,
		"ftp://example.com/done":   false,
		"/done":                    false,
	} {
		req := validator.StringRequest{Path: path.Root("return_url"), ConfigValue: types.StringValue(raw)}
		var resp validator.StringResponse
		v.ValidateString(context.Background(), req, &resp)
		if got := !resp.Diagnostics.HasError(); got != ok {
			t.Errorf("%q: accepted=%v, want %v", raw, got, ok)
		}
		if !ok && (len(resp.Diagnostics) == 0 ||
			!strings.Contains(resp.Diagnostics[0].Detail(), "return_url must be an absolute http or https URL, got "+strconv.Quote(raw))) {
			t.Errorf("%q: the error must name the attribute and the rule: %v", raw, resp.Diagnostics)
		}
	}
	// A return URL with credentials would keep them in plain state.
	req := validator.StringRequest{Path: path.Root("return_url"), ConfigValue: types.StringValue("https://u:pw-s3cret@example.com/done")}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), "return_url must not carry user info") ||
		strings.Contains(resp.Diagnostics[0].Detail(), "pw-s3cret") {
		t.Errorf("userinfo: %v", resp.Diagnostics)
	}
}
