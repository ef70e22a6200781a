package provider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// emptyCreated answers the first creating POST under prefix with an empty
// 201 after the sandbox committed it: a success that does not describe the
// object.
func emptyCreated(prefix string, posts *atomic.Int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, prefix) && posts.Add(1) == 1 {
				next.ServeHTTP(httptest.NewRecorder(), r)
				w.WriteHeader(http.StatusCreated)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// A 201 with an empty body is not a charge with an empty id: the direct
// charge it made is found and adopted, and the next plan is empty.
func TestAccDirectChargeResource_emptyCreateAnswer(t *testing.T) {
	var posts atomic.Int64
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, emptyCreated("/v3/direct_charge/", &posts))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: dcConfig(sbx, dcBasic),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("quantity"), knownvalue.Int64Exact(10)),
				},
			},
			{Config: dcConfig(sbx, dcBasic), ConfigPlanChecks: emptyPlan()},
		},
	})
	if got := sbx.storedObjects(t, "direct_charges"); len(got) != 1 || posts.Load() != 1 {
		t.Fatalf("%d direct charges after %d creates, want 1 and 1", len(got), posts.Load())
	}
}

// rateLimitedAfterForwarding answers the first creating POST under prefix
// with a 429 without Retry-After after the sandbox committed it: a proxy
// that forwarded the request and rate limited the way back.
func rateLimitedAfterForwarding(prefix string, posts *atomic.Int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, prefix) && posts.Add(1) == 1 {
				next.ServeHTTP(httptest.NewRecorder(), r)
				http.Error(w, "rate limited", http.StatusTooManyRequests)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// A 429 without Retry-After does not prove that nothing was charged: the
// create is not sent again, the one charge the platform made is found and
// adopted, and the buyer is asked to pay once.
func TestAccDirectChargeResource_rateLimitedAfterForwarding(t *testing.T) {
	var posts atomic.Int64
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, rateLimitedAfterForwarding("/v3/direct_charge/", &posts))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: dcConfig(sbx, dcBasic),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
				},
			},
			{Config: dcConfig(sbx, dcBasic), ConfigPlanChecks: emptyPlan()},
		},
	})
	if got := sbx.storedObjects(t, "direct_charges"); len(got) != 1 || posts.Load() != 1 {
		t.Fatalf("%d direct charges after %d creates, want 1 and 1", len(got), posts.Load())
	}
}

// A recurrent charge cannot be looked for: an empty 201 fails the apply
// saying the charge may exist, and stores nothing: no charge with an
// empty id, which no refresh could ever find again.
func TestAccRecurrentChargeResource_emptyCreateAnswer(t *testing.T) {
	var posts atomic.Int64
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, emptyCreated("/v3/recurrent_charge/", &posts))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: rcConfig(sbx, rcBasic),
			ExpectError: errorWords("The", "recurrent", "charge", "may", "have", "been", "created", "success", "but", "did",
				"not", "describe", "the", "created", "object"),
		}, {
			// Nothing is in the state: the plan proposes the charge again
			// rather than reading an empty id.
			Config:             rcConfig(sbx, rcBasic),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if got := sbx.storedObjects(t, "recurrent_charges"); len(got) != 1 {
		t.Fatalf("%d recurrent charges stored, want 1", len(got))
	}
}

// An in-app upgrade whose create answer is lost after commit is found in
// the app's list and adopted, with the webhook secret the provider sent,
// which still signs the platform's webhooks.
func TestAccInAppUpgradeResource_dropAfterCommit(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	sbx.addFault(t, map[string]any{"route": "POST /v2/applications/", "drop_after_commit": true, "count": 1})
	rc := newUpgradeReceiver(t)
	cfg := upgradeHCL(sbx, map[string]any{"webhook_url": rc.URL + "/hook"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkUpgradesDestroyed(sbx),
		Steps: []resource.TestStep{
			{Config: cfg, Check: checkSecretSigns(sbx, rc, "100200300")},
			{Config: cfg, ConfigPlanChecks: emptyPlan()},
		},
	})
	if n := sbx.RequestCount("POST /v2/applications/{app_id}/in-app-upgrades"); n != 1 {
		t.Fatalf("the create was sent %d times, want 1", n)
	}
}

// normalizedAnswer rewrites the name in the answer to a creating POST under
// prefix, as a platform that normalises input would; the stored charge and
// later reads keep the name as sent.
func normalizedAnswer(prefix string) func(http.Handler) http.Handler {
	return normalizedAnswerIf(func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, prefix)
	})
}

// normalizedAnswerIf rewrites the name in the answers to the requests that
// match.
func normalizedAnswerIf(match func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !match(r) {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err == nil {
				if name, ok := body["name"].(string); ok {
					body["name"] = strings.ToUpper(name)
				}
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rec.Code)
			_ = json.NewEncoder(w).Encode(body)
		})
	}
}

// A create whose answer repeats an argument differently keeps the planned
// value: a state that contradicts the plan would taint the object, and the
// next apply would replace it, which for a direct charge is a second charge.
func TestAccCreate_answerDiffersFromPlan(t *testing.T) {
	for _, tc := range []struct {
		resource, prefix, createRoute, name string
		config                              func(sbx *testSandbox) string
	}{
		{"livechat_direct_charge", "/v3/direct_charge/", "POST /v3/direct_charge/{product}", "10 extra seats",
			func(sbx *testSandbox) string { return dcConfig(sbx, dcBasic) }},
		{"livechat_recurrent_charge", "/v3/recurrent_charge/", "POST /v3/recurrent_charge/{product}", "Chat Transcripts Pro",
			func(sbx *testSandbox) string { return rcConfig(sbx, rcBasic) }},
		{"livechat_in_app_upgrade", "/v2/applications/", "POST /v2/applications/{app_id}/in-app-upgrades", "Extra Accounts",
			func(sbx *testSandbox) string { return upgradeHCL(sbx, nil) }},
	} {
		t.Run(tc.resource, func(t *testing.T) {
			sbx := newWrappedTestSandbox(t, sandbox.Options{}, normalizedAnswer(tc.prefix))
			cfg := tc.config(sbx)
			addr := tc.resource + ".test"
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(tc.name)),
						},
					},
					{Config: cfg, ConfigPlanChecks: emptyPlan()},
				},
			})
			if n := sbx.RequestCount(tc.createRoute); n != 1 {
				t.Fatalf("%d creates sent, want 1: the object was replaced", n)
			}
		})
	}
}

// An activation whose answer repeats an argument differently keeps the
// planned value too: otherwise apply fails with "inconsistent result" after
// the buyer's payment started.
func TestAccCharge_activationAnswerDiffersFromPlan(t *testing.T) {
	for _, tc := range []struct {
		resource, name, activated string
		config                    func(sbx *testSandbox) string
	}{
		{"livechat_direct_charge", "10 extra seats", "processed", func(sbx *testSandbox) string { return dcConfig(sbx, dcBasic) }},
		{"livechat_recurrent_charge", "Chat Transcripts Pro", "active", func(sbx *testSandbox) string { return rcConfig(sbx, rcBasic) }},
	} {
		t.Run(tc.resource, func(t *testing.T) {
			sbx := newWrappedTestSandbox(t, sandbox.Options{}, normalizedAnswerIf(func(r *http.Request) bool {
				return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/activate")
			}))
			cfg := tc.config(sbx)
			addr := tc.resource + ".test"
			var id string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{Config: cfg, Check: captureID(addr, &id)},
					{
						PreConfig: acceptCharge(t, sbx, &id),
						Config:    cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(tc.name)),
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact(tc.activated)),
						},
					},
					{Config: cfg, ConfigPlanChecks: emptyPlan()},
				},
			})
		})
	}
}

// The warning names each argument whose answer differed.
func TestAddAnswerDiffersWarning(t *testing.T) {
	plan := chargeModel{Name: types.StringValue("Pro"), Price: centsValue(1900)}
	state := chargeModel{Name: types.StringValue("PRO"), Price: centsValue(1900)}
	var diffs []string
	keepPlannedCharge(&diffs, plan, &state)
	if state.Name.ValueString() != "Pro" || len(diffs) != 1 || !strings.Contains(diffs[0], `name: planned "Pro", the platform answered "PRO"`) {
		t.Fatalf("state %v, diffs %q", state.Name, diffs)
	}
	var diags diag.Diagnostics
	addAnswerDiffersWarning(&diags, "direct charge", "c1", diffs)
	if len(diags) != 1 || diags.HasError() || !strings.Contains(diags[0].Detail(), "about direct charge c1 differs from the plan") {
		t.Fatalf("diagnostics %v", diags)
	}
}

// A price the platform answered differently is shown in cents and dollars
// under its own summary, since the buyer pays it; an answer that quotes a
// secret is masked like any of the platform's words.
func TestAddAnswerDiffersWarning_priceAndSecret(t *testing.T) {
	set := &client.SecretSet{}
	set.Add("answer-secret-42")
	diagnosticSecrets.register(set)
	plan := chargeModel{Name: types.StringValue("Pro"), Price: centsValue(1900)}
	state := chargeModel{Name: types.StringValue("Pro answer-secret-42"), Price: centsValue(2900)}
	var diffs []string
	keepPlannedCharge(&diffs, plan, &state)
	var diags diag.Diagnostics
	addAnswerDiffersWarning(&diags, "direct charge", "c1", diffs)
	if len(diags) != 1 {
		t.Fatalf("diagnostics %v", diags)
	}
	d := diags[0]
	if strings.Contains(d.Detail(), "answer-secret-42") {
		t.Errorf("the warning shows a secret:\n%s", d.Detail())
	}
	if !strings.Contains(d.Summary(), "payment terms") ||
		!strings.Contains(d.Detail(), "price: planned 1900 cents ($19.00), the platform answered 2900 cents ($29.00)") {
		t.Errorf("the price difference is not loud enough:\n%s\n%s", d.Summary(), d.Detail())
	}
}
