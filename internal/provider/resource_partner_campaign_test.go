package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// campaignsAllDisabled is a CheckDestroy: every campaign the test made is
// disabled in the sandbox.
func campaignsAllDisabled(sbx *testSandbox) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, c := range sbx.PartnerCampaigns() {
			if c.Active {
				return fmt.Errorf("campaign %s (%q) is still active after destroy", c.Slug, c.Name)
			}
		}
		return nil
	}
}

// activeCampaign finds the active campaign with slug.
func activeCampaign(sbx *testSandbox, slug string) (sandbox.PartnerCampaign, bool) {
	for _, c := range sbx.PartnerCampaigns() {
		if c.Active && c.Slug == slug {
			return c, true
		}
	}
	return sandbox.PartnerCampaign{}, false
}

func campaignConfig(name string, trial int) string {
	return fmt.Sprintf(`
data "livechat_coupon" "thirty" {
  label = "30%% off first payment"
}

resource "livechat_partner_campaign" "summer" {
  name           = %q
  product        = "livechat"
  trial_duration = %d
  coupon_id      = data.livechat_coupon.thirty.id
  link           = "https://www.livechat.com/pricing/"
}
`, name, trial)
}

func TestAccPartnerCampaignResource_lifecycle(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	const addr = "livechat_partner_campaign.summer"
	rfc3339 := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	var firstID int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             campaignsAllDisabled(sbx),
		Steps: []resource.TestStep{
			{
				Config: sbx.providerConfig() + campaignConfig("Summer sale 2025", 30),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("pp_summer-sale-2025")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("slug"), knownvalue.StringExact("pp_summer-sale-2025")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("campaign_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("product"), knownvalue.StringExact("livechat")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("trial_duration"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("coupon_id"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("discount"), knownvalue.StringExact("30% off first payment")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("link"), knownvalue.StringExact("https://www.livechat.com/pricing/")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("url"), knownvalue.StringRegexp(
						regexp.MustCompile(`^https://www\.livechat\.com/pricing/\?a=\w+&utm_campaign=pp_summer-sale-2025&utm_source=PP$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("short_url"), knownvalue.StringRegexp(regexp.MustCompile(`^https://lc\.chat/\w+$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					expectIdentity(addr, map[string]knownvalue.Check{"slug": knownvalue.StringExact("pp_summer-sale-2025")}),
				},
				Check: func(s *terraform.State) error {
					c, ok := activeCampaign(sbx, "pp_summer-sale-2025")
					if !ok {
						return fmt.Errorf("the sandbox has no active campaign pp_summer-sale-2025")
					}
					if c.CouponID != 1 || c.TrialDuration != 30 || c.Link != "https://www.livechat.com/pricing/" {
						return fmt.Errorf("sandbox campaign %+v", c)
					}
					if got := s.RootModule().Resources[addr].Primary.Attributes["campaign_id"]; got != fmt.Sprint(c.ID) {
						return fmt.Errorf("campaign_id %s, sandbox id %d", got, c.ID)
					}
					firstID = c.ID
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "pp_summer-sale-2025",
				ImportStateVerify: true,
			},
			{
				Config:           sbx.providerConfig() + campaignConfig("Summer sale 2025", 30),
				ConfigPlanChecks: emptyPlan(),
			},
			{
				Config: sbx.providerConfig() + campaignConfig("Summer sale 2026", 30),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("slug"), knownvalue.StringExact("pp_summer-sale-2026")),
				},
				Check: func(*terraform.State) error {
					for _, c := range sbx.PartnerCampaigns() {
						if c.ID == firstID && c.Active {
							return fmt.Errorf("the replaced campaign %d is still active", firstID)
						}
					}
					return nil
				},
			},
			{
				Config: sbx.providerConfig() + campaignConfig("Summer sale 2026", 45),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("trial_duration"), knownvalue.Int64Exact(45)),
				},
			},
			{
				// Disabled in the dashboard: the refresh drops it and the plan
				// creates it again.
				PreConfig: func() {
					if err := sbx.DisablePartnerCampaign("pp_summer-sale-2026"); err != nil {
						t.Fatal(err)
					}
				},
				Config: sbx.providerConfig() + campaignConfig("Summer sale 2026", 45),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: func(*terraform.State) error {
					if _, ok := activeCampaign(sbx, "pp_summer-sale-2026"); !ok {
						return fmt.Errorf("the campaign was not created again")
					}
					return nil
				},
			},
		},
	})
}

// Without the optional arguments the platform's defaults show in state, and
// an import of such a campaign plans no change.
func TestAccPartnerCampaignResource_defaults(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	const addr = "livechat_partner_campaign.plain"
	cfg := sbx.providerConfig() + `
resource "livechat_partner_campaign" "plain" {
  name    = "Plain chatbot campaign"
  product = "chatbot"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             campaignsAllDisabled(sbx),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("trial_duration"), knownvalue.Int64Exact(14)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("discount"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("coupon_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("link"), knownvalue.StringExact("https://www.chatbot.com/")),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			{
				// Forget the resource and import it through an import block:
				// the next plan is empty.
				Config: cfg + `
import {
  to = livechat_partner_campaign.again
  id = "pp_plain-chatbot-campaign"
}
resource "livechat_partner_campaign" "again" {
  name    = "Plain chatbot campaign"
  product = "chatbot"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("livechat_partner_campaign.again", plancheck.ResourceActionNoop),
					},
				},
			},
		},
	})
}

// A well-formed slug of no campaign cannot be imported; malformed import IDs
// are in TestAccBadInputCatalog.
func TestAccPartnerCampaignResource_importMissing(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:        sbx.providerConfig() + "resource \"livechat_partner_campaign\" \"bad\" {\n  name = \"Import target\"\n}\n",
			ResourceName:  "livechat_partner_campaign.bad",
			ImportState:   true,
			ImportStateId: "pp_no-such-campaign",
			ExpectError:   regexp.MustCompile(`(?s)Cannot import non-existent remote object`),
		}},
	})
}

// Identities that are not a slug fail at plan time; the identity a create
// stores imports the campaign again, its link and coupon recovered.
func TestAccPartnerCampaignResource_importByIdentity(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	const addr = "livechat_partner_campaign.summer"
	cfg := sbx.providerConfig() + campaignConfig("Identity sale", 30)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   identityVersions,
		CheckDestroy:             campaignsAllDisabled(sbx),
		Steps: []resource.TestStep{
			{
				Config:      cfg + importBlock(addr, `    slug = "pp_sale!"`),
				ExpectError: errorWords("Invalid import identity", `Expected a campaign slug such as pp_summer-sale`, `got "pp_sale!": a slug has only letters, digits, - and _`),
			},
			{
				Config:      cfg + importBlock(addr, `    slug = "pp_a/b"`),
				ExpectError: errorWords("Invalid import identity", `identity.slug is not one ID: "pp_a/b" contains '/', '?' or '#'`),
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					expectIdentity(addr, map[string]knownvalue.Check{"slug": knownvalue.StringExact("pp_identity-sale")}),
				},
			},
			importByIdentityStep(addr, ""),
		},
	})
}

func TestAccPartnerCampaignResource_conflict(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	if _, err := sbx.CreatePartnerCampaign("livechat", "Taken campaign name", 14); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.providerConfig() + `
resource "livechat_partner_campaign" "dup" {
  name = "Taken campaign name"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Partner campaign already exists.*slug\s+pp_taken-campaign-name.*terraform\s+import\s+livechat_partner_campaign\.<name>\s+pp_taken-campaign-name`),
		}},
	})
}

// A plan of several campaigns reads the campaign list once, not once per
// campaign.
func TestAccPartnerCampaignResource_sharedListRead(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	const n = 4
	var cfg strings.Builder
	cfg.WriteString(sbx.providerConfig())
	for i := 0; i < n; i++ {
		fmt.Fprintf(&cfg, "resource \"livechat_partner_campaign\" \"c%d\" {\n  name = \"Shared read campaign %d\"\n}\n", i, i)
	}
	const route = "GET /v2/partners/affiliates/campaigns"
	var before int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             campaignsAllDisabled(sbx),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				// A plan-only step refreshes exactly once.
				PreConfig: func() { before = sbx.RequestCount(route) },
				Config:    cfg.String(),
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					if got := sbx.RequestCount(route) - before; got != 1 {
						t.Errorf("refreshing %d campaigns listed the campaigns %d times, want 1", n, got)
					}
				},
				Config: cfg.String(),
			},
		},
	})
}

// A create whose answer is lost is reconciled by name: if the platform
// acted, Terraform adopts the campaign; if not, it says nothing was made.
func TestAccPartnerCampaignResource_ambiguousCreate(t *testing.T) {
	var posts atomic.Int64
	var act atomic.Bool
	act.Store(true)
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/v2/partners/affiliates/campaigns" && posts.Add(1) == 1 {
				if act.Load() {
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, r)
				}
				http.Error(w, "upstream timed out", http.StatusGatewayTimeout)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	const addr = "livechat_partner_campaign.lost"
	cfg := sbx.providerConfig() + `
resource "livechat_partner_campaign" "lost" {
  name           = "Lost answer campaign"
  trial_duration = 21
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             campaignsAllDisabled(sbx),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("slug"), knownvalue.StringExact("pp_lost-answer-campaign")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("campaign_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("url"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error {
					if len(sbx.PartnerCampaigns()) != 1 || posts.Load() != 1 {
						return fmt.Errorf("%d campaigns after %d creates, want 1 and 1", len(sbx.PartnerCampaigns()), posts.Load())
					}
					return nil
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: emptyPlan(),
			},
		},
	})
}

func TestAccPartnerCampaignResource_ambiguousCreateNotActed(t *testing.T) {
	var posts atomic.Int64
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/v2/partners/affiliates/campaigns" && posts.Add(1) == 1 {
				http.Error(w, "upstream timed out", http.StatusGatewayTimeout)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.providerConfig() + `
resource "livechat_partner_campaign" "lost" {
  name = "Never made campaign"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unable to create partner campaign.*504.*looked\s+for\s+the\s+partner\s+campaign.*found\s+none:\s+nothing\s+was\s+created,\s+so\s+running\s+apply\s+again\s+is\s+safe`),
		}},
	})
	if n := len(sbx.PartnerCampaigns()); n != 0 {
		t.Fatalf("%d campaigns exist, want 0", n)
	}
}

func TestPartnerCampaignConverters(t *testing.T) {
	discount := "$25 discount"
	m := partnerCampaignModel{
		Name: types.StringValue("Summer sale"), Product: types.StringValue("chatbot"), TrialDuration: countValue(30),
		CouponID: countValue(2), Link: types.StringUnknown(), CampaignID: types.Int64Unknown(),
	}
	in := campaignRequestFrom(m)
	if in != (client.CampaignCreate{Product: "chatbot", Name: "Summer sale", TrialDuration: 30, CouponID: 2}) {
		t.Fatalf("request %+v", in)
	}
	created := &client.CreatedCampaign{Product: "chatbot", Name: "Summer sale", Slug: "pp_summer-sale", URL: "https://u", ShortURL: "https://s",
		TrialDuration: 30, Discount: &discount}
	created.CreatedAt.Time, _ = client.ParsePartnerTime("2018-03-06 11:30:40")
	applyCreatedCampaign(&m, created)
	if m.ID.ValueString() != "pp_summer-sale" || m.Discount.ValueString() != discount || !m.CampaignID.IsNull() ||
		!m.CreatedAt.Equal(timetypes.NewRFC3339ValueMust("2018-03-06T11:30:40Z")) || !m.Active.ValueBool() {
		t.Fatalf("after create %+v", m)
	}
	applySearchResult(&m, client.CampaignSearchResult{ID: 7, LandingPageURL: "https://www.chatbot.com/"})
	if m.CampaignID.ValueInt64() != 7 || m.Link.ValueString() != "https://www.chatbot.com/" {
		t.Fatalf("after search %+v", m)
	}
	// A configured link is never replaced by the platform's.
	m.Link = types.StringValue("https://mine.example/")
	applySearchResult(&m, client.CampaignSearchResult{ID: 7, LandingPageURL: "https://www.chatbot.com/"})
	if m.Link.ValueString() != "https://mine.example/" {
		t.Fatalf("link overwritten: %v", m.Link)
	}
	applyListedCampaign(&m, client.Campaign{Active: true, Product: "chatbot", Name: "Renamed?", Slug: "pp_summer-sale", TrialDuration: 31})
	if m.Name.ValueString() != "Renamed?" || m.TrialDuration.ValueInt64() != 31 || !m.Discount.IsNull() || !m.CreatedAt.IsNull() {
		t.Fatalf("after list %+v", m)
	}

	d := campaignConflictDetail("Summer sale", "pp_summer-sale", &client.APIError{Status: 409, Message: "exists"})
	if !strings.Contains(d, "terraform import livechat_partner_campaign.<name> pp_summer-sale") || !strings.Contains(d, "The platform said: exists.") {
		t.Fatalf("conflict detail: %s", d)
	}
}

// A destroy whose campaign was already disabled (403 from the platform)
// succeeds. Without a refresh the stale state reaches Delete.
func TestAccPartnerCampaignResource_destroyAlreadyDisabled(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	cfg := sbx.providerConfig() + `
resource "livechat_partner_campaign" "gone" {
  name = "Disabled before destroy"
}
`
	const route = "DELETE /v2/partners/affiliates/campaigns/{id}"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		CheckDestroy: func(*terraform.State) error {
			if n := sbx.RequestCount(route); n != 1 {
				return fmt.Errorf("disable requests %d, want 1 (answered 403)", n)
			}
			return campaignsAllDisabled(sbx)(nil)
		},
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if err := sbx.DisablePartnerCampaign("pp_disabled-before-destroy"); err != nil {
						t.Fatal(err)
					}
				},
				Config:  cfg,
				Destroy: true,
			},
		},
	})
}

// An active campaign with the configured name and exactly the configured
// arguments, such as one a killed run created, is taken over without a
// create; the next plan is empty and destroy disables it.
func TestAccPartnerCampaignResource_takesOverExactMatch(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	// The earlier run's provider, with the partner token.
	earlier, err := client.New(client.Config{Endpoints: client.Endpoints{Partners: sbx.URL}, PartnerToken: sandbox.DefaultPartnerToken})
	if err != nil {
		t.Fatal(err)
	}
	res, err := earlier.CreateCampaign(t.Context(), client.CampaignCreate{Product: "livechat",
		Name: "Orphaned campaign", TrialDuration: 21, CouponID: 1, Link: "https://www.livechat.com/pricing/"})
	if err != nil {
		t.Fatal(err)
	}
	before := sbx.RequestCount("POST /v2/partners/affiliates/campaigns")
	const addr = "livechat_partner_campaign.summer"
	cfg := sbx.providerConfig() + campaignConfig("Orphaned campaign", 21)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             campaignsAllDisabled(sbx),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(res.Object.Slug)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("url"), knownvalue.StringExact(res.Object.URL)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("campaign_id"), knownvalue.NotNull()),
				},
			},
			{Config: cfg, ConfigPlanChecks: emptyPlan()},
		},
	})
	if n := sbx.RequestCount("POST /v2/partners/affiliates/campaigns") - before; n != 0 {
		t.Fatalf("%d campaign creates sent, want none: the existing campaign matches exactly", n)
	}
}
