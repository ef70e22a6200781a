package provider

import (
	"strings"
	"testing"
)

// Every import ID parser, fuzzed: an ID it accepts splits into segments
// that the provider can put in a URL path (idSegmentProblem accepts each)
// and that join back into the ID, and an ID it refuses gets an error that
// shows the expected form and the ID as given.
func FuzzImportIDParsers(f *testing.F) {
	for _, seed := range []string{
		"1c286f7a-aab8-4384-8e09-dc6749c550cd", "helpdesk/abc", "LiveChat/abc", "livechat/..", "a/b/c", " x",
		"sandbox-app/stsmuqjb", "sandbox-app/", "pp_summer-sale", "pp/x", "livechat/104130623", "chatbot/0",
		"livechat/12a", "x\u00a0y", "a?b", "a#b", "%2e%2e", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		product, id, err := parseChargeImportID(raw, "livechat")
		checkImport(t, "charge", raw, err, "expected <id> or <product>/<id>", product, id)
		if err == nil && raw != id && raw != product+"/"+id {
			t.Errorf("charge %q parsed as %q / %q", raw, product, id)
		}

		app, upgrade, err := parseInAppUpgradeImportID(raw)
		checkImport(t, "in-app upgrade", raw, err, "expected <app_id>/<id> such as sandbox-app/stsmuqjb", app, upgrade)
		if err == nil && raw != app+"/"+upgrade {
			t.Errorf("upgrade %q parsed as %q / %q", raw, app, upgrade)
		}

		product, lic, err := parseSubscriptionImportID(raw)
		checkImport(t, "subscription", raw, err, "expected <product>/<license_id>", product, lic)
		if err == nil && (raw != product+"/"+lic || !licenseIDRE.MatchString(lic)) {
			t.Errorf("subscription %q parsed as %q / %q", raw, product, lic)
		}

		slug, problem := parseCampaignImportID(raw)
		if problem == "" && (slug != raw || !campaignSlugRE.MatchString(slug)) {
			t.Errorf("campaign %q parsed as slug %q", raw, slug)
		}
		if problem == "" {
			checkImport(t, "campaign", raw, nil, "", slug)
		}
	})
}

// checkImport checks one parser's answer for raw: its segments when it
// accepted raw, its error's words when it refused it.
func checkImport(t *testing.T, what, raw string, err error, form string, segments ...string) {
	t.Helper()
	if err != nil {
		if msg := err.Error(); !strings.Contains(msg, form) || !strings.Contains(msg, `"`) {
			t.Errorf("%s %q: the error does not show the form %q and the ID: %s", what, raw, form, msg)
		}
		return
	}
	for _, s := range segments {
		if problem := idSegmentProblem(s); problem != "" {
			t.Errorf("%s %q accepted with the segment %q: %s", what, raw, s, problem)
		}
	}
}
