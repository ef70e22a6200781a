package provider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// licensesToList is a solution partner's clients: two licenses with an
// open subscription (livechat, chatbot), a livechat trial without one, and
// a helpdesk license whose subscription was closed and expired. It returns
// the license numbers by client name.
func licensesToList(t *testing.T, sbx *testSandbox) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, l := range []struct{ product, org, client, email, plan, cycle string }{
		{"livechat", "Acme", "Jane Client", "jane@acme.example", "team", "annual"},
		{"chatbot", "Bots", "John Client", "john@bots.example", "business", "monthly"},
		{"livechat", "Trials", "Trial Client", "trial@trials.example", "", ""},
		{"helpdesk", "Gone", "Gone Client", "gone@gone.example", "starter", "monthly"},
	} {
		id, err := sbx.NewClientLicense(l.product, l.org, l.client, l.email)
		if err != nil {
			t.Fatal(err)
		}
		ids[l.client] = id
		if l.plan != "" {
			if err := sbx.OpenClientSubscription(l.product, id, l.plan, l.cycle, 5); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := sbx.CloseClientSubscription("helpdesk", ids["Gone Client"], true); err != nil {
		t.Fatal(err)
	}
	return ids
}

// The open subscriptions through the protocol, each read from its license;
// the platform's product and status filters; include_resource gives each
// the state an import reads.
func TestListPartnerSubscription(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ids := licensesToList(t, sbx)
	s := newListServer(t, sbx)
	const typeName = "livechat_partner_subscription"
	jane := "Jane Client: livechat license " + ids["Jane Client"] + ", team annual, 5 seats"
	john := "John Client: chatbot license " + ids["John Client"] + ", business monthly, 5 seats"

	all := s.list(typeName, nil, true, 0)
	expectOnlyResults(t, all)
	if got := displayNames(all); !slices.Equal(got, []string{jane, john}) {
		t.Fatalf("listed %v", got)
	}
	for _, r := range all {
		if len(r.identity) != 2 || !strings.Contains(r.displayName, r.identity["product"]+" license "+r.identity["license_id"]) {
			t.Errorf("%s: identity %v", r.displayName, r.identity)
		}
	}
	s.expectImportMatches(typeName, all)
	for _, tc := range []struct {
		filter map[string]string
		want   []string
	}{
		{map[string]string{"product": "chatbot"}, []string{john}},
		{map[string]string{"status": "paid", "product": "livechat"}, []string{jane}},
		{map[string]string{"status": "trial"}, nil},
		{map[string]string{"product": "helpdesk"}, nil},
	} {
		var kv []string
		for k, v := range tc.filter {
			kv = append(kv, k, v)
		}
		if got := displayNames(s.list(typeName, tfStrings(kv...), false, 0)); !slices.Equal(got, tc.want) {
			t.Errorf("filter %v: %v, want %v", tc.filter, got, tc.want)
		}
	}
	if one := s.list(typeName, nil, false, 1); len(one) != 1 {
		t.Fatalf("limit 1: %d results", len(one))
	}
}

// A license that does not say clearly whether its subscription is open
// (a plan but no seats, and no recurrent flag) is left out with a warning
// that names it, and the list goes on.
func TestListPartnerSubscription_unclearLicense(t *testing.T) {
	licenses := map[string]any{
		"/v2/partners/solutions/licenses": map[string]any{"result": []map[string]any{
			{"license": "104130601", "product": "livechat", "status": "paid"},
			{"license": "104130602", "product": "livechat", "status": "paid"},
		}},
		"/v2/partners/solutions/licenses/livechat/104130601": map[string]any{"license": "104130601", "product": "livechat",
			"status": "paid", "plan": "team"},
		"/v2/partners/solutions/licenses/livechat/104130602": map[string]any{"license": "104130602", "product": "livechat",
			"status": "paid", "recurrent": true, "plan": "team", "billing_cycle": "monthly", "seats": 2},
	}
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := licenses[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(fake.Close)
	s := newListServer(t, &testSandbox{URL: fake.URL})
	got := s.list("livechat_partner_subscription", nil, false, 0)
	if len(got) != 2 || got[0].identity != nil || len(got[0].diags) != 1 ||
		got[0].diags[0].Severity.String() != "WARNING" || !strings.Contains(got[0].diags[0].Detail, "license 104130601") ||
		got[1].identity["license_id"] != "104130602" {
		t.Fatalf("results %+v", got)
	}
}

// Bad filters are refused before any request.
func TestListPartnerSubscription_validation(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	s := newListServer(t, sbx)
	const typeName = "livechat_partner_subscription"
	expectValidationError(t, s, sbx, typeName, tfStrings("product", "partner_program"), "product", `"chatbot"`)
	expectValidationError(t, s, sbx, typeName, tfStrings("status", "active"), "status", `"trial"`, `"paid"`, `"expired"`)
}

// The same list through `terraform query` (Terraform 1.14 and later).
func TestAccListPartnerSubscription_query(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ids := licensesToList(t, sbx)
	jane := queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
		"product": knownvalue.StringExact("livechat"), "license_id": knownvalue.StringExact(ids["Jane Client"])})
	resource.ParallelTest(t, queryTestCase(sbx.providerConfig()+`data "livechat_partner_balance" "this" {}`, `
list "livechat_partner_subscription" "open" {
  provider         = livechat
  include_resource = true
}

list "livechat_partner_subscription" "bots" {
  provider = livechat
  config {
    product = "chatbot"
  }
}
`,
		querycheck.ExpectLength("livechat_partner_subscription.open", 2),
		querycheck.ExpectResourceDisplayName("livechat_partner_subscription.open", jane,
			knownvalue.StringExact("Jane Client: livechat license "+ids["Jane Client"]+", team annual, 5 seats")),
		querycheck.ExpectResourceKnownValues("livechat_partner_subscription.open", jane, []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("plan"), KnownValue: knownvalue.StringExact("team")},
			{Path: tfjsonpath.New("seats"), KnownValue: knownvalue.Int64Exact(5)},
		}),
		querycheck.ExpectLength("livechat_partner_subscription.bots", 1),
		querycheck.ExpectIdentity("livechat_partner_subscription.bots", map[string]knownvalue.Check{
			"product": knownvalue.StringExact("chatbot"), "license_id": knownvalue.StringExact(ids["John Client"])}),
	))
}
