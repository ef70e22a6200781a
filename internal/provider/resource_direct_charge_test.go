package provider

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

const dcAddr = "livechat_direct_charge.test"

func dcConfig(sbx *testSandbox, body string) string {
	return chargeConfig(sbx, "livechat_direct_charge", body)
}

const dcBasic = `
  name       = "10 extra seats"
  price      = 1900
  quantity   = 10
  return_url = "https://example.com/billing/done"
`

// checkDirectChargesKept is a CheckDestroy: destroy cannot undo a direct
// charge, so every charge the test saw must still be on the platform with
// the status it last had.
func checkDirectChargesKept(sbx *testSandbox, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if len(want) == 0 {
			return fmt.Errorf("no charge ids to check")
		}
		for id, status := range want {
			got, ok := sbx.ChargeStatus(id)
			if !ok {
				return fmt.Errorf("direct charge %s disappeared from the platform", id)
			}
			if got != status {
				return fmt.Errorf("direct charge %s is %s after destroy, want it left %s", id, got, status)
			}
		}
		return nil
	}
}

func TestAccDirectChargeResource_lifecycle(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var id1, id2 string
	kept := map[string]string{}
	balance := sbx.LedgerBalance()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkDirectChargesKept(sbx, kept),
		Steps: slices.Concat([]resource.TestStep{
			{
				Config: dcConfig(sbx, dcBasic),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dcAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(dcAddr, tfjsonpath.New("product"), knownvalue.StringExact("livechat")),
				}},
				ConfigStateChecks: append(chargeCreatedChecks(sbx, dcAddr, "direct_charge"),
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("price"), knownvalue.Int64Exact(1900)),
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("quantity"), knownvalue.Int64Exact(10)),
				),
				Check: captureID(dcAddr, &id1),
			},
		}, chargeImportSteps(dcAddr, &id1), []resource.TestStep{
			{Config: dcConfig(sbx, dcBasic), ConfigPlanChecks: emptyPlan()},
			{
				// The buyer accepts: activation shows as an in-place update.
				PreConfig: acceptCharge(t, sbx, &id1),
				Config:    dcConfig(sbx, dcBasic),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dcAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(dcAddr, tfjsonpath.New("status")),
					plancheck.ExpectUnknownValue(dcAddr, tfjsonpath.New("updated_at")),
					plancheck.ExpectKnownValue(dcAddr, tfjsonpath.New("created_at"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("status"), knownvalue.StringExact("processed")),
				},
				Check: resource.ComposeTestCheckFunc(expectSameID(dcAddr, &id1), expectSandboxStatus(sbx, &id1, "processed")),
			},
			{
				// The payment goes through: refreshed, never a diff.
				PreConfig:        advanceClock(t, sbx, 1),
				Config:           dcConfig(sbx, dcBasic),
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
				},
				Check: func(*terraform.State) error {
					if got := sbx.LedgerBalance() - balance; got != 15200 {
						return fmt.Errorf("the ledger grew by %d, want 15200 (10 × 1900 less 20%%)", got)
					}
					return nil
				},
			},
			{
				// A new quantity is a new charge; the old one stays as it was.
				Config: dcConfig(sbx, strings.Replace(dcBasic, "10\n", "20\n", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dcAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("quantity"), knownvalue.Int64Exact(20)),
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				},
				Check: resource.ComposeTestCheckFunc(captureID(dcAddr, &id2), func(*terraform.State) error {
					if id2 == id1 {
						return fmt.Errorf("not replaced")
					}
					kept[id1], kept[id2] = "success", "pending"
					return nil
				}, expectSandboxStatus(sbx, &id1, "success")),
			},
		}),
	})
}

func TestAccDirectChargeResource_autoActivateAndHelpDesk(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var id string
	kept := map[string]string{}
	cfg := func(auto bool) string {
		return dcConfig(sbx, fmt.Sprintf(`
  product       = "helpdesk"
  name          = "Setup fee"
  price         = 5000
  quantity      = 1
  test          = true
  per_account   = true
  return_url    = "http://localhost/done"
  auto_activate = %t
`, auto))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkDirectChargesKept(sbx, kept),
		Steps: []resource.TestStep{
			{
				Config: cfg(false),
				Check: resource.ComposeTestCheckFunc(captureID(dcAddr, &id), func(*terraform.State) error {
					if p, _ := sbx.ChargeProduct(id); p != "helpdesk" {
						return fmt.Errorf("created for %q, want helpdesk", p)
					}
					return nil
				}),
			},
			{
				ResourceName:      dcAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return "helpdesk/" + id, nil },
				// An import starts from auto_activate's default.
				ImportStateVerifyIgnore: []string{"auto_activate"},
			},
			{
				PreConfig:        acceptCharge(t, sbx, &id),
				Config:           cfg(false),
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
			},
			{
				Config: cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dcAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(dcAddr, tfjsonpath.New("status")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("status"), knownvalue.StringExact("processed")),
				},
			},
			{
				// Turning auto_activate off changes only the state.
				Config: cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dcAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(dcAddr, tfjsonpath.New("status"), knownvalue.StringExact("processed")),
				}},
				Check: func(*terraform.State) error { kept[id] = "processed"; return nil },
			},
		},
	})
}

// A charge the platform no longer knows is removed at refresh and created again.
func TestAccDirectChargeResource_goneOutsideTerraform(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var gone atomic.Value
	gone.Store("")
	proxyURL := interceptor(t, sbx, func(r *http.Request) int {
		if id := gone.Load().(string); id != "" && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/"+id) {
			return http.StatusNotFound
		}
		return 0
	})
	var id1, id2 string
	cfg := billingOnlyProvider(proxyURL) + `
resource "livechat_direct_charge" "test" {
  name       = "x"
  price      = 100
  quantity   = 1
  return_url = "https://example.com/"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(dcAddr, &id1)},
			{
				PreConfig: func() { gone.Store(id1) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dcAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(captureID(dcAddr, &id2), func(*terraform.State) error {
					if id2 == id1 {
						return fmt.Errorf("not recreated")
					}
					return nil
				}),
			},
		},
	})
}

// Bad identities fail at plan time; the identity a create stores imports
// the charge again; a helpdesk charge made outside Terraform is adopted by
// an identity that names its product.
func TestAccDirectChargeResource_importByIdentity(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	adopted := newSandboxDirectCharge(t, sbx, "helpdesk")
	const helpdeskAddr = "livechat_direct_charge.helpdesk"
	adopt := dcConfig(sbx, dcBasic) + `
resource "livechat_direct_charge" "helpdesk" {
  product = "helpdesk"
` + dcBasic + `
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   identityVersions,
		Steps: append(badChargeIdentitySteps(dcConfig(sbx, dcBasic), dcAddr),
			resource.TestStep{
				Config:            dcConfig(sbx, dcBasic),
				ConfigStateChecks: chargeCreatedChecks(sbx, dcAddr, "direct_charge"),
			},
			importByIdentityStep(dcAddr, ""),
			resource.TestStep{
				Config: adopt + importBlock(helpdeskAddr, fmt.Sprintf("    product = \"helpdesk\"\n    id = %q", adopted)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(helpdeskAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(helpdeskAddr, tfjsonpath.New("product"), knownvalue.StringExact("helpdesk")),
					statecheck.ExpectIdentity(helpdeskAddr, map[string]knownvalue.Check{
						"product": knownvalue.StringExact("helpdesk"),
						"id":      knownvalue.StringExact(adopted),
					}),
				},
			},
		),
	})
}

func TestAccDirectChargeResource_badImportID(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	// Malformed import IDs are in TestAccBadInputCatalog.
	steps := append([]resource.TestStep{{Config: dcConfig(sbx, dcBasic)}}, resource.TestStep{
		ResourceName:  dcAddr,
		ImportState:   true,
		ImportStateId: "00000000-0000-4000-8000-000000000000",
		ExpectError:   errorWords("Cannot import non-existent remote object"),
	})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviderFactories, Steps: steps})
}

func TestAccDirectChargeResource_example(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	example, err := os.ReadFile("../../examples/resources/livechat_direct_charge/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../../examples/resources/livechat_direct_charge/import.sh")
	if err != nil || !strings.Contains(string(script), "terraform import livechat_direct_charge.seats ") {
		t.Fatalf("import.sh: %v", err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: chargeProviderConfig(sbx, "") + string(example),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("livechat_direct_charge.seats", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				},
			},
			{ResourceName: "livechat_direct_charge.seats", ImportState: true, ImportStateVerify: true},
		},
	})
}

func TestDirectChargeConverters(t *testing.T) {
	created := time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)
	c := &client.DirectCharge{Quantity: 2, ChargeCommon: client.ChargeCommon{
		ID: "d1", Name: "n", Price: 100, ReturnURL: "https://e.com", Status: "processed",
		ConfirmationURL: "https://c", CommissionPercent: 20, BuyerLicenseID: 7, CreatedAt: created, UpdatedAt: created.Add(time.Hour),
	}}
	m, diags := directChargeResourceModelFrom("livechat", types.BoolUnknown(), c)
	if diags.HasError() || !m.AutoActivate.ValueBool() || m.Quantity.ValueInt64() != 2 || m.Status.ValueString() != "processed" ||
		m.CheckoutURL.ValueString() != "https://www.livechat.com/marketplace/checkout/charge/d1/direct_charge" ||
		m.UpdatedAt.ValueString() != "2026-11-17T11:00:00Z" || m.BuyerLicenseID.ValueInt64() != 7 {
		t.Fatalf("model %+v %v", m, diags)
	}
	req := directChargeRequestFrom(m)
	if req != (client.DirectChargeRequest{Name: "n", Price: 100, Quantity: 2, ReturnURL: "https://e.com"}) {
		t.Fatalf("request %+v", req)
	}
	for status, want := range map[string]bool{"accepted": true, "pending": false, "processed": false, "frozen": false} {
		if got := directActivationDue(types.StringValue(status), types.BoolValue(true)); got != want {
			t.Errorf("directActivationDue(%s) = %v", status, got)
		}
	}
	if directActivationDue(types.StringValue("accepted"), types.BoolValue(false)) {
		t.Error("activation due with auto_activate false")
	}
	d := directChargeDestroyWarning("d1", "success")
	if !strings.Contains(d.Detail(), "d1") || !strings.Contains(d.Detail(), "cannot cancel or delete") {
		t.Errorf("warning %q", d.Detail())
	}
}

// A create whose answer is lost after the platform acted (platform-api.md §6.1) is
// reconciled by listing: the charge it made is adopted, not made twice.
func TestAccDirectChargeResource_dropAfterCommitAdopted(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	// An older charge with other arguments must not be taken for it.
	if _, err := sandboxClient(t, sbx).CreateDirectCharge(t.Context(), client.ProductLiveChat, client.DirectChargeRequest{
		Name: "10 extra seats", Price: 1900, Quantity: 9, ReturnURL: "https://example.com/billing/done",
	}); err != nil {
		t.Fatal(err)
	}
	sbx.addFault(t, map[string]any{"route": "POST /v3/direct_charge/", "drop_after_commit": true, "count": 1})
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: dcConfig(sbx, dcBasic),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("quantity"), knownvalue.Int64Exact(10)),
				statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
			},
			Check: captureID(dcAddr, &id),
		}},
	})
	stored := sbx.storedObjects(t, "direct_charges")
	if len(stored) != 2 {
		t.Fatalf("%d direct charges stored, want 2 (the older one and the one the dropped create made)", len(stored))
	}
	if n := sbx.RequestCount("POST /v3/direct_charge/{product}"); n != 2 {
		t.Fatalf("creates sent: %d, want 2 (the test's own and the provider's single one)", n)
	}
	if got, ok := sbx.ChargeStatus(id); !ok || got != "pending" {
		t.Fatalf("the adopted id %q is not a pending charge on the platform (status %q, found %v)", id, got, ok)
	}
}

// An identical charge that existed before the request was sent is never
// taken for the one a lost create made: with count or for_each, two
// resources would own one charge. The new one is adopted.
func TestAccDirectChargeResource_dropAfterCommitTwinExists(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	twin, err := sandboxClient(t, sbx).CreateDirectCharge(t.Context(), client.ProductLiveChat, client.DirectChargeRequest{
		Name: "10 extra seats", Price: 1900, Quantity: 10, ReturnURL: "https://example.com/billing/done",
	})
	if err != nil {
		t.Fatal(err)
	}
	sbx.addFault(t, map[string]any{"route": "POST /v3/direct_charge/", "drop_after_commit": true, "count": 1})
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: dcConfig(sbx, dcBasic),
			Check:  captureID(dcAddr, &id),
		}},
	})
	if id == twin.Object.ID {
		t.Fatalf("the lost create adopted %s, the charge that existed before it", id)
	}
	if got := sbx.storedObjects(t, "direct_charges"); len(got) != 2 {
		t.Fatalf("%d direct charges stored, want 2 (the twin and the one the lost create made)", len(got))
	}
}
