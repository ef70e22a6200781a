package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// upgradesToList makes three upgrades of the seeded app and one of another
// app, and returns the ids by name.
func upgradesToList(t *testing.T, sbx *testSandbox) map[string]string {
	t.Helper()
	if err := sbx.AddApp("other-app", "Another app"); err != nil {
		t.Fatal(err)
	}
	c := sandboxClient(t, sbx)
	ids := map[string]string{}
	for _, u := range []struct{ app, name, typ string }{
		{"sandbox-app", "Extra Seats", client.UpgradeTypeQuantity},
		{"sandbox-app", "Beta Features", client.UpgradeTypeOnce},
		{"sandbox-app", "Priority Support", client.UpgradeTypeOnce},
		{"other-app", "Other Upgrade", client.UpgradeTypeOnce},
	} {
		res, _, err := c.CreateInAppUpgrade(context.Background(), u.app, client.InAppUpgradeCreate{Name: u.name,
			Description: "What " + u.name + " gives.", WebhookURL: "https://hooks.example.com/livechat/upgrades",
			Type: u.typ, Price: 1500, PaymentType: client.UpgradePaymentOrganization})
		if err != nil {
			t.Fatal(err)
		}
		ids[u.name] = res.Object.ID
	}
	return ids
}

// The upgrades of one app through the protocol, with their identities;
// another app's are not among them; include_resource gives each the state
// an import reads, without the webhook secret the platform never returns.
func TestListInAppUpgrade(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ids := upgradesToList(t, sbx)
	s := newListServer(t, sbx)
	const typeName = "livechat_in_app_upgrade"

	results := s.list(typeName, tfStrings("app_id", "sandbox-app"), true, 0)
	expectOnlyResults(t, results)
	want := []string{"Beta Features (" + ids["Beta Features"] + ")", "Extra Seats (" + ids["Extra Seats"] + ")",
		"Priority Support (" + ids["Priority Support"] + ")"}
	if got := displayNames(results); !slices.Equal(got, want) {
		t.Fatalf("listed %v, want %v", got, want)
	}
	for _, r := range results {
		if r.identity["app_id"] != "sandbox-app" || len(r.identity) != 2 || !strings.Contains(r.displayName, r.identity["id"]) {
			t.Errorf("%s: identity %v", r.displayName, r.identity)
		}
		if !attributesOf(t, r.resource)["webhook_secret"].IsNull() {
			t.Errorf("%s: a webhook secret in the listed state", r.displayName)
		}
	}
	s.expectImportMatches(typeName, results)
	if other := s.list(typeName, tfStrings("app_id", "other-app"), false, 0); !slices.Equal(displayNames(other),
		[]string{"Other Upgrade (" + ids["Other Upgrade"] + ")"}) {
		t.Fatalf("the other app: %v", displayNames(other))
	}
	if two := s.list(typeName, tfStrings("app_id", "sandbox-app"), false, 2); len(two) != 2 {
		t.Fatalf("limit 2: %d results", len(two))
	}
}

// An app the platform does not know ends the list with an error that
// names it; a missing or malformed app_id is refused before any request.
func TestListInAppUpgrade_errors(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	s := newListServer(t, sbx)
	const typeName = "livechat_in_app_upgrade"
	got := s.list(typeName, tfStrings("app_id", "no-such-app"), false, 0)
	if len(got) != 1 || got[0].identity != nil || len(got[0].diags) != 1 ||
		got[0].diags[0].Summary != "Unable to list in-app upgrades of app no-such-app" || !strings.Contains(got[0].diags[0].Detail, "404") {
		t.Fatalf("an unknown app: %+v", got)
	}
	expectValidationError(t, s, sbx, typeName, tfStrings("app_id", "sandbox-app/x"), "app_id", "contains '/', '?' or '#'")
	expectValidationError(t, s, sbx, typeName, map[string]tftypes.Value{}, "app_id", "required")
}

// The same list through `terraform query` (Terraform 1.14 and later).
func TestAccListInAppUpgrade_query(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ids := upgradesToList(t, sbx)
	seats := queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
		"app_id": knownvalue.StringExact("sandbox-app"), "id": knownvalue.StringExact(ids["Extra Seats"])})
	resource.ParallelTest(t, queryTestCase(sbx.providerConfig()+`data "livechat_ledger_balance" "this" {}`, `
list "livechat_in_app_upgrade" "app" {
  provider         = livechat
  include_resource = true
  config {
    app_id = "sandbox-app"
  }
}
`,
		querycheck.ExpectLength("livechat_in_app_upgrade.app", 3),
		querycheck.ExpectResourceDisplayName("livechat_in_app_upgrade.app", seats,
			knownvalue.StringExact("Extra Seats ("+ids["Extra Seats"]+")")),
		querycheck.ExpectResourceKnownValues("livechat_in_app_upgrade.app", seats, []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("type"), KnownValue: knownvalue.StringExact("quantity")},
			{Path: tfjsonpath.New("webhook_secret"), KnownValue: knownvalue.Null()},
		}),
	))
}
