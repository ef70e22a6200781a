package provider

import (
	"context"
	"fmt"
	"regexp"
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

const campaignSearchRoute = "GET /v2/partners/affiliates/campaigns/search"

// campaignsToList is a partner's campaigns: 16 livechat ones (more than a
// search page of 15), a chatbot one with a coupon and its own landing
// page, and a helpdesk name that was disabled and then used again.
func campaignsToList(t *testing.T, sbx *testSandbox) {
	t.Helper()
	for i := 1; i <= 16; i++ {
		if _, err := sbx.CreatePartnerCampaign("livechat", fmt.Sprintf("Listed campaign %02d", i), 14); err != nil {
			t.Fatal(err)
		}
	}
	_, err := partnerClient(t, sbx).CreateCampaign(context.Background(), client.CampaignCreate{Product: "chatbot",
		Name: "Bot campaign", TrialDuration: 30, CouponID: 1, Link: "https://www.chatbot.com/pricing/"})
	if err != nil {
		t.Fatal(err)
	}
	old, _ := sbx.CreatePartnerCampaign("helpdesk", "Reused name", 14)
	if err := sbx.DisablePartnerCampaign(old.Slug); err != nil {
		t.Fatal(err)
	}
	if _, err := sbx.CreatePartnerCampaign("helpdesk", "Reused name", 20); err != nil {
		t.Fatal(err)
	}
}

// The campaign list through the protocol: every active campaign across
// two search pages, each with its slug and name; the platform's filters;
// Terraform's limit reading one page only; and a plain list that reads no
// more than the search.
func TestListPartnerCampaign(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	campaignsToList(t, sbx)
	s := newListServer(t, sbx)
	const typeName = "livechat_partner_campaign"

	searches := sbx.RequestCount(campaignSearchRoute)
	all := s.list(typeName, nil, false, 0)
	expectOnlyResults(t, all)
	if pages := sbx.RequestCount(campaignSearchRoute) - searches; len(all) != 18 || pages != 2 {
		t.Fatalf("%d campaigns in %d search pages, want 18 in 2", len(all), pages)
	}
	names := displayNames(all)
	if names[0] != "Bot campaign" || names[1] != "Listed campaign 01" || names[17] != "Reused name" {
		t.Fatalf("display names %v", names)
	}
	for _, r := range all {
		if want := "pp_" + slugWords(r.displayName); r.identity["slug"] != want || len(r.identity) != 1 {
			t.Errorf("%s: identity %v, want slug %s", r.displayName, r.identity, want)
		}
	}
	if sbx.RequestCount("GET /v2/partners/affiliates/campaigns") != 0 {
		t.Error("a list without include_resource read the campaign list too")
	}

	for _, tc := range []struct {
		filter map[string]tftypes.Value
		want   []string
	}{
		{tfStrings("product", "chatbot"), []string{"Bot campaign"}},
		{tfStrings("name", "Listed campaign 03"), []string{"Listed campaign 03"}},
		{tfStrings("name_contains", "CAMPAIGN 1", "product", "livechat"), []string{"Listed campaign 10", "Listed campaign 11",
			"Listed campaign 12", "Listed campaign 13", "Listed campaign 14", "Listed campaign 15", "Listed campaign 16"}},
		{tfStrings("state", "disabled"), []string{"Reused name (disabled)"}},
		{tfStrings("state", "disabled", "product", "livechat"), nil},
	} {
		got := s.list(typeName, tc.filter, false, 0)
		expectOnlyResults(t, got)
		if names := displayNames(got); !slices.Equal(names, tc.want) {
			t.Errorf("filter %v: %v, want %v", tc.filter, names, tc.want)
		}
	}

	before := sbx.RequestCount(campaignSearchRoute)
	if got := s.list(typeName, nil, false, 5); len(got) != 5 || sbx.RequestCount(campaignSearchRoute)-before != 1 {
		t.Fatalf("limit 5: %d results from %d search pages, want 5 from 1", len(got), sbx.RequestCount(campaignSearchRoute)-before)
	}
}

// slugWords is a name as a slug makes it (platform-api.md §2.1: "Summer
// campaign" is pp_summer-campaign): lower case, words joined by dashes.
func slugWords(name string) string {
	return strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(name), "-"), "-")
}

// include_resource fills every campaign's whole state, the one an import
// of its identity reads: the coupon recovered from its label, the landing
// page, the links.
func TestListPartnerCampaign_includeResource(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	campaignsToList(t, sbx)
	s := newListServer(t, sbx)
	const typeName = "livechat_partner_campaign"
	results := s.list(typeName, nil, true, 0)
	expectOnlyResults(t, results)
	s.expectImportMatches(typeName, results)
	i := slices.IndexFunc(results, func(r listedResult) bool { return r.displayName == "Bot campaign" })
	if i < 0 {
		t.Fatal("the chatbot campaign is not listed")
	}
	bot := results[i].resource
	if attrNumber(t, bot, "coupon_id") != 1 || attrString(t, bot, "link") != "https://www.chatbot.com/pricing/" ||
		attrNumber(t, bot, "trial_duration") != 30 || attrString(t, bot, "discount") != "30% off first payment" ||
		attrString(t, bot, "product") != "chatbot" || attrNumber(t, bot, "campaign_id") < 1 {
		t.Fatalf("the chatbot campaign's state %v", bot)
	}
}

// Bad filters are refused before any request, naming the attribute and
// the values it takes.
func TestListPartnerCampaign_validation(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	s := newListServer(t, sbx)
	const typeName = "livechat_partner_campaign"
	expectValidationError(t, s, sbx, typeName, tfStrings("state", "archived"), "state", `"active"`, `"disabled"`)
	expectValidationError(t, s, sbx, typeName, tfStrings("product", "slack"), "product", `"partner_program"`)
	expectValidationError(t, s, sbx, typeName, tfStrings("name", ""), "name", "at least 1")
	expectValidationError(t, s, sbx, typeName, tfStrings("name_contains", ""), "name_contains", "at least 1")
}

// The same list through `terraform query` (Terraform 1.14 and later): a
// campaign made in the first step is found by its name, with its identity,
// display name and, with include_resource, its state.
func TestAccListPartnerCampaign_query(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	campaignsToList(t, sbx)
	resource.ParallelTest(t, queryTestCase(sbx.providerConfig()+`
resource "livechat_partner_campaign" "summer" {
  name           = "Summer sale 2026"
  trial_duration = 30
}
`, `
list "livechat_partner_campaign" "all" {
  provider = livechat
}

list "livechat_partner_campaign" "summer" {
  provider         = livechat
  include_resource = true
  config {
    name = "Summer sale 2026"
  }
}

list "livechat_partner_campaign" "disabled" {
  provider = livechat
  config {
    state = "disabled"
  }
}
`,
		querycheck.ExpectLength("livechat_partner_campaign.all", 19),
		querycheck.ExpectLength("livechat_partner_campaign.summer", 1),
		querycheck.ExpectIdentity("livechat_partner_campaign.summer", map[string]knownvalue.Check{
			"slug": knownvalue.StringExact("pp_summer-sale-2026")}),
		querycheck.ExpectResourceDisplayName("livechat_partner_campaign.summer",
			queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"slug": knownvalue.StringExact("pp_summer-sale-2026")}),
			knownvalue.StringExact("Summer sale 2026")),
		querycheck.ExpectResourceKnownValues("livechat_partner_campaign.summer",
			queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"slug": knownvalue.StringExact("pp_summer-sale-2026")}),
			[]querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("trial_duration"), KnownValue: knownvalue.Int64Exact(30)},
				{Path: tfjsonpath.New("active"), KnownValue: knownvalue.Bool(true)},
			}),
		querycheck.ExpectLength("livechat_partner_campaign.disabled", 1),
		querycheck.ExpectIdentity("livechat_partner_campaign.disabled", map[string]knownvalue.Check{
			"slug": knownvalue.StringExact("pp_reused-name")}),
	))
}
