package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

const directChargeListRoute = "GET /v3/direct_charge/{product}"

// chargesToList is an app's billing: 22 one-time livechat charges (more
// than a page of 20), two of them accepted, a helpdesk charge, and a
// livechat subscription whose first payment the platform records as a
// direct charge naming it. It returns the ids by name and the
// subscription's id.
func chargesToList(t *testing.T, sbx *testSandbox) (map[string]string, string) {
	t.Helper()
	ctx := context.Background()
	c := sandboxClient(t, sbx)
	ids := map[string]string{}
	direct := func(product, name string) string {
		res, err := c.CreateDirectCharge(ctx, product, client.DirectChargeRequest{Name: name, Price: 4900, Quantity: 1,
			ReturnURL: "https://example.com/billing/done"})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = res.Object.ID
		return res.Object.ID
	}
	for i := 1; i <= 22; i++ {
		id := direct("livechat", fmt.Sprintf("Setup fee %02d", i))
		if i%10 == 3 {
			if err := sbx.AcceptCharge(id); err != nil {
				t.Fatal(err)
			}
		}
	}
	direct("helpdesk", "Helpdesk onboarding")
	sub := billedSubscription(t, sbx, "livechat", "Chat Transcripts Pro")
	return ids, sub
}

// billedSubscription creates a recurrent charge without a trial, which the
// buyer accepts and the seller activates: the platform collects the first
// payment at once.
func billedSubscription(t *testing.T, sbx *testSandbox, product, name string) string {
	t.Helper()
	ctx := context.Background()
	c := sandboxClient(t, sbx)
	res, err := c.CreateRecurrentCharge(ctx, product, client.RecurrentChargeRequest{Name: name, Price: 1900,
		ReturnURL: "https://example.com/billing/done"})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Object.ID
	if err := sbx.AcceptCharge(id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ActivateRecurrentCharge(ctx, product, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The direct charge list through the protocol: the one-time charges of the
// provider's product across two pages, newest first, without the
// subscription's payment; the platform's status and recurrent charge
// filters; another product; and the limit.
func TestListDirectCharge(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ids, sub := chargesToList(t, sbx)
	s := newListServer(t, sbx)
	const typeName = "livechat_direct_charge"
	named := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, n+" ("+ids[n]+")")
		}
		return out
	}

	pages := sbx.RequestCount(directChargeListRoute)
	all := s.list(typeName, nil, false, 0)
	expectOnlyResults(t, all)
	if read := sbx.RequestCount(directChargeListRoute) - pages; len(all) != 22 || read != 2 {
		t.Fatalf("%d charges from %d pages, want 22 from 2", len(all), read)
	}
	newest := all[0]
	if newest.displayName != named("Setup fee 22")[0] || newest.identity["product"] != "livechat" ||
		newest.identity["id"] != ids["Setup fee 22"] || len(newest.identity) != 2 {
		t.Fatalf("the newest charge: %q, identity %v", newest.displayName, newest.identity)
	}

	for _, tc := range []struct {
		filter map[string]string
		want   []string
	}{
		{map[string]string{"status": "accepted"}, named("Setup fee 03", "Setup fee 13")},
		{map[string]string{"product": "helpdesk"}, named("Helpdesk onboarding")},
		{map[string]string{"status": "declined"}, nil},
	} {
		var kv []string
		for k, v := range tc.filter {
			kv = append(kv, k, v)
		}
		got := s.list(typeName, tfStrings(kv...), false, 0)
		expectOnlyResults(t, got)
		if names := displayNames(got); !slices.Equal(names, tc.want) {
			t.Errorf("filter %v: %v, want %v", tc.filter, names, tc.want)
		}
	}
	payments := s.list(typeName, tfStrings("recurrent_charge_id", sub), false, 0)
	if len(payments) != 1 || !strings.HasPrefix(payments[0].displayName, "Chat Transcripts Pro (") {
		t.Fatalf("the subscription's payments: %v", displayNames(payments))
	}

	pages = sbx.RequestCount(directChargeListRoute)
	if got := s.list(typeName, nil, false, 5); len(got) != 5 || sbx.RequestCount(directChargeListRoute)-pages != 1 {
		t.Fatalf("limit 5: %d results from %d pages, want 5 from 1", len(got), sbx.RequestCount(directChargeListRoute)-pages)
	}
}

// include_resource fills each charge's state as an import of its identity
// reads it, in the provider's product and another.
func TestListDirectCharge_includeResource(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ids, _ := chargesToList(t, sbx)
	s := newListServer(t, sbx)
	const typeName = "livechat_direct_charge"
	for _, filter := range []map[string]string{{"status": "accepted"}, {"product": "helpdesk"}} {
		var kv []string
		for k, v := range filter {
			kv = append(kv, k, v)
		}
		results := s.list(typeName, tfStrings(kv...), true, 0)
		expectOnlyResults(t, results)
		s.expectImportMatches(typeName, results)
	}
	hd := s.list(typeName, tfStrings("product", "helpdesk"), true, 0)[0].resource
	if attrString(t, hd, "id") != ids["Helpdesk onboarding"] || attrString(t, hd, "product") != "helpdesk" ||
		attrNumber(t, hd, "price") != 4900 || attrNumber(t, hd, "quantity") != 1 || attrString(t, hd, "status") != "pending" {
		t.Fatalf("the helpdesk charge's state %v", hd)
	}
}

// Bad filters are refused before any request, naming the attribute and
// the values it takes.
func TestListDirectCharge_validation(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	s := newListServer(t, sbx)
	const typeName = "livechat_direct_charge"
	expectValidationError(t, s, sbx, typeName, tfStrings("product", "chatbot"), "product", `"livechat"`, `"helpdesk"`)
	expectValidationError(t, s, sbx, typeName, tfStrings("status", "cancelled"), "status", `"pending"`, `"success"`)
	expectValidationError(t, s, sbx, typeName, tfStrings("recurrent_charge_id", ""), "recurrent_charge_id", "at least 1")
}

// The same list through `terraform query` (Terraform 1.14 and later).
func TestAccListDirectCharge_query(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ids, sub := chargesToList(t, sbx)
	byID := func(id string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
			"product": knownvalue.StringExact("livechat"), "id": knownvalue.StringExact(id)})
	}
	resource.ParallelTest(t, queryTestCase(sbx.providerConfig()+`data "livechat_ledger_balance" "this" {}`, fmt.Sprintf(`
list "livechat_direct_charge" "all" {
  provider = livechat
}

list "livechat_direct_charge" "accepted" {
  provider         = livechat
  include_resource = true
  config {
    status = "accepted"
  }
}

list "livechat_direct_charge" "payments" {
  provider = livechat
  config {
    recurrent_charge_id = %q
  }
}
`, sub),
		querycheck.ExpectLength("livechat_direct_charge.all", 22),
		querycheck.ExpectLength("livechat_direct_charge.accepted", 2),
		querycheck.ExpectIdentity("livechat_direct_charge.accepted", map[string]knownvalue.Check{
			"product": knownvalue.StringExact("livechat"), "id": knownvalue.StringExact(ids["Setup fee 13"])}),
		querycheck.ExpectResourceDisplayName("livechat_direct_charge.accepted", byID(ids["Setup fee 03"]),
			knownvalue.StringExact("Setup fee 03 ("+ids["Setup fee 03"]+")")),
		querycheck.ExpectResourceKnownValues("livechat_direct_charge.accepted", byID(ids["Setup fee 03"]),
			[]querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("accepted")},
				{Path: tfjsonpath.New("price"), KnownValue: knownvalue.Int64Exact(4900)},
			}),
		querycheck.ExpectLength("livechat_direct_charge.payments", 1),
	))
}
