package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// Partial failure: a create that succeeded followed by a step that failed
// (a follow-up lookup that times out, an activation the platform refuses
// or does not answer) leaves the object in the state, and nothing is ever
// created twice because the later step failed.

// stepFault is what happens to the step after a create.
type stepFault int

const (
	// stepHangs: the request is not answered before the client gives up,
	// and nothing is processed.
	stepHangs stepFault = iota
	// stepRefused: the platform answers 422, the object's state forbids it.
	stepRefused
	// stepActsThenHangs: the platform acts, and the answer never comes.
	stepActsThenHangs
)

// afterCreate fails the first request that matches step, once a creating
// POST under createPrefix has been answered with success.
type afterCreate struct {
	createPrefix string
	step         func(r *http.Request) bool
	fault        stepFault
	created      atomic.Bool
	failed       atomic.Int64
}

func (a *afterCreate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.created.Load() && a.step(r) && a.failed.Add(1) == 1 {
			a.fail(w, r, next)
			return
		}
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, a.createPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		a.created.Store(a.created.Load() || rec.Code/100 == 2)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

func (a *afterCreate) fail(w http.ResponseWriter, r *http.Request, next http.Handler) {
	switch a.fault {
	case stepRefused:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte(`{"error":{"type":"unprocessable","message":"the charge cannot be activated now"}}`))
		return
	case stepActsThenHangs:
		next.ServeHTTP(httptest.NewRecorder(), r)
	}
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

// partialProvider is a provider block whose calls give up after a second.
func partialProvider(sbx *testSandbox) string {
	return sbx.providerWith("  max_retries      = 1\n  request_timeout  = \"1s\"\n")
}

// The campaign's id lookup after the create times out: the campaign is in
// the state without campaign_id, the next refresh finds it, and no second
// campaign is asked for.
func TestAccPartialFailure_campaignIDLookupTimesOut(t *testing.T) {
	step := &afterCreate{createPrefix: "/v2/partners/affiliates/campaigns", fault: stepHangs,
		step: func(r *http.Request) bool { return r.URL.Path == "/v2/partners/affiliates/campaigns/search" }}
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, step.wrap)
	const addr = "livechat_partner_campaign.half"
	cfg := partialProvider(sbx) + `
resource "livechat_partner_campaign" "half" {
  name = "Half made campaign"
  link = "https://www.livechat.com/pricing/"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             campaignsAllDisabled(sbx),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("slug"), knownvalue.StringExact("pp_half-made-campaign")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("campaign_id"), knownvalue.Null()),
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("campaign_id"), knownvalue.NotNull()),
				},
			},
		},
	})
	expectOneCreate(t, sbx, step, "POST /v2/partners/affiliates/campaigns")
}

// The license read after a subscription was created times out: the
// subscription is in the state, the next refresh reads the license, and
// the card is not charged again.
func TestAccPartialFailure_subscriptionReadTimesOut(t *testing.T) {
	step := &afterCreate{createPrefix: "/v2/partners/solutions/licenses/", fault: stepHangs,
		step: func(r *http.Request) bool {
			return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v2/partners/solutions/licenses/")
		}}
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, step.wrap)
	lic := newClientLicense(t, sbx, "livechat")
	const addr = "livechat_partner_subscription.acme"
	cfg := partialProvider(sbx) + subscriptionConfig("livechat", lic, "team", "monthly", 3, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   writeOnlyVersions,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("livechat/"+lic)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.Null()),
				},
				Check: subscriptionIs(sbx, "livechat", lic, "team", "monthly", 3),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.NotNull()),
				},
			},
		},
	})
	expectOneCreate(t, sbx, step, "POST /v2/partners/solutions/licenses/{product}/{license}/subscription")
}

// An activation the platform refuses (422) or does not answer after the
// buyer accepted: the charge stays in the state with its id, the next plan
// activates it in place (or, when the platform had acted, finds it
// activated) and never proposes a second charge.
func TestAccPartialFailure_activationFails(t *testing.T) {
	for _, tc := range []struct {
		name, resource, prefix, createRoute, body string
		fault                                     stepFault
	}{
		{"direct refused", "livechat_direct_charge", "/v3/direct_charge/", "POST /v3/direct_charge/{product}", dcBasic, stepRefused},
		{"direct acted, answer lost", "livechat_direct_charge", "/v3/direct_charge/", "POST /v3/direct_charge/{product}", dcBasic, stepActsThenHangs},
		{"recurrent refused", "livechat_recurrent_charge", "/v3/recurrent_charge/", "POST /v3/recurrent_charge/{product}", rcBasic, stepRefused},
		{"recurrent not answered", "livechat_recurrent_charge", "/v3/recurrent_charge/", "POST /v3/recurrent_charge/{product}", rcBasic, stepHangs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			step := &afterCreate{createPrefix: tc.prefix, fault: tc.fault,
				step: func(r *http.Request) bool {
					return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/activate")
				}}
			sbx := newWrappedTestSandbox(t, sandbox.Options{}, step.wrap)
			addr := tc.resource + ".test"
			cfg := partialProvider(sbx) + fmt.Sprintf("resource %q \"test\" {\n%s\n}\n", tc.resource, tc.body)
			var id string
			retry := plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)
			if tc.fault == stepActsThenHangs {
				// The refresh reads the charge activated: nothing is left to do.
				retry = plancheck.ExpectEmptyPlan()
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{Config: cfg, Check: captureID(addr, &id)},
					{
						PreConfig:   acceptCharge(t, sbx, &id),
						Config:      cfg,
						ExpectError: errorWords("Unable to activate"),
					},
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{retry}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringFunc(func(got string) error {
								if got != id {
									return fmt.Errorf("the charge in the state is %s, want %s: it was replaced", got, id)
								}
								return nil
							})),
						},
						Check: expectSandboxStatusIn(sbx, &id, "processed", "active", "success"),
					},
					{Config: cfg, ConfigPlanChecks: emptyPlan()},
				},
			})
			expectOneCreate(t, sbx, step, tc.createRoute)
		})
	}
}

// expectOneCreate checks that the step after the create was failed and
// that the create was sent once.
func expectOneCreate(t *testing.T, sbx *testSandbox, step *afterCreate, createRoute string) {
	t.Helper()
	if step.failed.Load() == 0 {
		t.Fatal("the step after the create was never reached, so it never failed")
	}
	if n := sbx.RequestCount(createRoute); n != 1 {
		t.Fatalf("the create was sent %d times, want once: a failed later step made a second object", n)
	}
}

// expectSandboxStatusIn asks the sandbox for the status of the charge *id,
// which must be one of want.
func expectSandboxStatusIn(sbx *testSandbox, id *string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, ok := sbx.ChargeStatus(*id)
		if !ok {
			return fmt.Errorf("charge %s is not in the sandbox", *id)
		}
		if !slices.Contains(want, got) {
			return fmt.Errorf("charge %s is %s in the sandbox, want one of %v", *id, got, want)
		}
		return nil
	}
}
