package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// subscriptionsToList is an app's recurrent charges: one billed and
// renewed a month later (two payments name it), one billed after that
// renewal (the newest payment), one never billed, one billed and then
// cancelled, and a billed helpdesk one. It returns the ids by name.
func subscriptionsToList(t *testing.T, sbx *testSandbox) map[string]string {
	t.Helper()
	ids := map[string]string{
		"Chat Transcripts Pro": billedSubscription(t, sbx, "livechat", "Chat Transcripts Pro"),
		"Cancelled plan":       billedSubscription(t, sbx, "livechat", "Cancelled plan"),
		"Helpdesk plan":        billedSubscription(t, sbx, "helpdesk", "Helpdesk plan"),
	}
	if err := sbx.CancelRecurrentCharge(ids["Cancelled plan"]); err != nil {
		t.Fatal(err)
	}
	// A month, and the day after the invoice on which the renewal is collected.
	if _, err := sbx.AdvanceClock(33); err != nil {
		t.Fatal(err)
	}
	ids["Reports Add-on"] = billedSubscription(t, sbx, "livechat", "Reports Add-on")
	res, err := sandboxClient(t, sbx).CreateRecurrentCharge(context.Background(), "livechat", client.RecurrentChargeRequest{
		Name: "Never billed", Price: 900, ReturnURL: "https://example.com/billing/done"})
	if err != nil {
		t.Fatal(err)
	}
	ids["Never billed"] = res.Object.ID
	return ids
}

// The recurrent charges found through their payments: each billed one
// once, however many payments name it, the most recently billed first;
// not the one never billed nor the cancelled one; another product's with
// product.
func TestListRecurrentCharge(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ids := subscriptionsToList(t, sbx)
	s := newListServer(t, sbx)
	const typeName = "livechat_recurrent_charge"
	named := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, n+" ("+ids[n]+")")
		}
		return out
	}
	payments, err := sandboxClient(t, sbx).ListDirectCharges(context.Background(), "livechat",
		client.DirectChargeFilter{RecurrentChargeID: ids["Chat Transcripts Pro"]})
	if err != nil || len(payments) != 2 {
		t.Fatalf("the renewed subscription has %d payments (%v), want 2", len(payments), err)
	}

	all := s.list(typeName, nil, false, 0)
	expectOnlyResults(t, all)
	var got []string
	for _, r := range all {
		got = append(got, r.displayName)
		if r.identity["product"] != "livechat" || len(r.identity) != 2 {
			t.Errorf("%s: identity %v", r.displayName, r.identity)
		}
	}
	// Direct charges are listed newest first (platform-api.md §1.2): the
	// add-on's payment, then the renewal.
	if want := named("Reports Add-on", "Chat Transcripts Pro"); !slices.Equal(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
	if hd := s.list(typeName, tfStrings("product", "helpdesk"), false, 0); !slices.Equal(displayNames(hd), named("Helpdesk plan")) {
		t.Fatalf("helpdesk: %v", displayNames(hd))
	}
	if one := s.list(typeName, nil, false, 1); len(one) != 1 {
		t.Fatalf("limit 1: %d results", len(one))
	}
}

// include_resource fills each charge's state as an import of its identity
// reads it: auto_activate on, no deletion protection.
func TestListRecurrentCharge_includeResource(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	subscriptionsToList(t, sbx)
	s := newListServer(t, sbx)
	const typeName = "livechat_recurrent_charge"
	for _, product := range []string{"livechat", "helpdesk"} {
		results := s.list(typeName, tfStrings("product", product), true, 0)
		expectOnlyResults(t, results)
		s.expectImportMatches(typeName, results)
		for _, r := range results {
			if attrString(t, r.resource, "status") != "active" || !boolAttr(t, r.resource, "auto_activate") ||
				boolAttr(t, r.resource, "deletion_protection") {
				t.Errorf("%s: state %v", r.displayName, r.resource)
			}
		}
	}
}

func boolAttr(t *testing.T, v tftypes.Value, name string) bool {
	t.Helper()
	var b bool
	if err := attributesOf(t, v)[name].As(&b); err != nil {
		t.Fatal(err)
	}
	return b
}

// Bad filters are refused before any request.
func TestListRecurrentCharge_validation(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	s := newListServer(t, sbx)
	expectValidationError(t, s, sbx, "livechat_recurrent_charge", tfStrings("product", "chatbot"), "product", `"livechat"`, `"helpdesk"`)
}

// The same list through `terraform query` (Terraform 1.14 and later).
func TestAccListRecurrentCharge_query(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ids := subscriptionsToList(t, sbx)
	resource.ParallelTest(t, queryTestCase(sbx.providerConfig()+`data "livechat_ledger_balance" "this" {}`, `
list "livechat_recurrent_charge" "billed" {
  provider = livechat
}

list "livechat_recurrent_charge" "helpdesk" {
  provider         = livechat
  include_resource = true
  config {
    product = "helpdesk"
  }
}
`,
		querycheck.ExpectLength("livechat_recurrent_charge.billed", 2),
		querycheck.ExpectIdentity("livechat_recurrent_charge.billed", map[string]knownvalue.Check{
			"product": knownvalue.StringExact("livechat"), "id": knownvalue.StringExact(ids["Chat Transcripts Pro"])}),
		querycheck.ExpectLength("livechat_recurrent_charge.helpdesk", 1),
		querycheck.ExpectIdentity("livechat_recurrent_charge.helpdesk", map[string]knownvalue.Check{
			"product": knownvalue.StringExact("helpdesk"), "id": knownvalue.StringExact(ids["Helpdesk plan"])}),
	))
}
