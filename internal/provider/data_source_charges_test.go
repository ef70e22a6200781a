package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// sameAs checks that a data source attribute equals the resource's.
func sameAs(dataAddr, resAddr, attr string) statecheck.StateCheck {
	return statecheck.CompareValuePairs(dataAddr, tfjsonpath.New(attr), resAddr, tfjsonpath.New(attr), compare.ValuesSame())
}

func TestAccRecurrentChargeDataSource_basic(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	const data = "data.livechat_recurrent_charge.test"
	cfg := rcConfig(sbx, rcBasic) + `
data "livechat_recurrent_charge" "test" {
  id = livechat_recurrent_charge.test.id
}
data "livechat_recurrent_charge" "hd" {
  product = "helpdesk"
  id      = livechat_recurrent_charge.hd.id
}
resource "livechat_recurrent_charge" "hd" {
  product    = "helpdesk"
  name       = "hd"
  price      = 1
  months     = 12
  return_url = "https://example.com/"
}
`
	var checks []statecheck.StateCheck
	for _, attr := range []string{"id", "product", "name", "price", "return_url", "external_id", "test", "trial_days", "months",
		"per_account", "status", "confirmation_url", "checkout_url", "commission_percent", "buyer_organization_id",
		"buyer_license_id", "buyer_account_id", "buyer_entity_id", "seller_client_id", "order_client_id",
		"order_organization_id", "trial_ends_at", "current_charge_at", "next_charge_at", "cancelled_at", "created_at", "updated_at"} {
		checks = append(checks, sameAs(data, rcAddr, attr))
	}
	checks = append(checks,
		statecheck.ExpectKnownValue(data, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
		statecheck.ExpectKnownValue(data, tfjsonpath.New("product"), knownvalue.StringExact("livechat")),
		statecheck.ExpectKnownValue(data, tfjsonpath.New("price"), knownvalue.Int64Exact(1900)),
		statecheck.ExpectKnownValue("data.livechat_recurrent_charge.hd", tfjsonpath.New("months"), knownvalue.Int64Exact(12)),
		statecheck.ExpectKnownValue("data.livechat_recurrent_charge.hd", tfjsonpath.New("product"), knownvalue.StringExact("helpdesk")),
	)
	var seen []string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: []resource.TestStep{
			{
				Config:      chargeProviderConfig(sbx, "") + `data "livechat_recurrent_charge" "x" { id = "no-such-charge" }`,
				ExpectError: regexp.MustCompile(`(?s)Unable to read livechat recurrent charge no-such-charge.*404`),
			},
			{Config: cfg, ConfigStateChecks: checks},
		},
	})
}

func TestAccDirectChargeDataSource_basic(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	const data = "data.livechat_direct_charge.test"
	cfg := dcConfig(sbx, dcBasic) + `
data "livechat_direct_charge" "test" {
  id = livechat_direct_charge.test.id
}
`
	var checks []statecheck.StateCheck
	for _, attr := range []string{"id", "product", "name", "price", "quantity", "return_url", "test", "per_account", "status",
		"confirmation_url", "checkout_url", "commission_percent", "buyer_organization_id", "buyer_license_id",
		"buyer_account_id", "buyer_entity_id", "seller_client_id", "order_client_id", "order_organization_id",
		"created_at", "updated_at"} {
		checks = append(checks, sameAs(data, dcAddr, attr))
	}
	checks = append(checks,
		statecheck.ExpectKnownValue(data, tfjsonpath.New("quantity"), knownvalue.Int64Exact(10)),
		statecheck.ExpectKnownValue(data, tfjsonpath.New("recurrent_charge_id"), knownvalue.Null()),
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      chargeProviderConfig(sbx, "") + `data "livechat_direct_charge" "x" {` + "\n  product = \"helpdesk\"\n  id = \"nope\"\n}",
				ExpectError: regexp.MustCompile(`(?s)Unable to read helpdesk direct charge nope.*404`),
			},
			{Config: cfg, ConfigStateChecks: checks},
		},
	})
}

func TestAccDirectChargesDataSource_filters(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ctx := context.Background()
	c := sandboxClient(t, sbx)
	var ids []string
	for i := 0; i < 23; i++ {
		dRes, err := c.CreateDirectCharge(ctx, client.ProductLiveChat, client.DirectChargeRequest{
			Name: fmt.Sprintf("charge %d", i), Price: int64(100 + i), Quantity: 1, ReturnURL: "https://example.com/",
		})
		d := dRes.Object
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	for _, id := range ids[:2] {
		if err := sbx.DeclineCharge(id); err != nil {
			t.Fatal(err)
		}
	}
	rcRes, err := c.CreateRecurrentCharge(ctx, client.ProductLiveChat, client.RecurrentChargeRequest{Name: "sub", Price: 2500, ReturnURL: "https://example.com/"})
	rc := rcRes.Object
	if err != nil {
		t.Fatal(err)
	}
	if err := sbx.AcceptCharge(rc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ActivateRecurrentCharge(ctx, client.ProductLiveChat, rc.ID); err != nil {
		t.Fatal(err)
	}
	cfg := chargeProviderConfig(sbx, "") + fmt.Sprintf(`
data "livechat_direct_charges" "all" {}
data "livechat_direct_charges" "declined" {
  status = "declined"
}
data "livechat_direct_charges" "payments" {
  recurrent_charge_id = %q
}
data "livechat_direct_charges" "helpdesk" {
  product = "helpdesk"
}
`, rc.ID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					// 23 one-time charges and the subscription's first payment, across two pages.
					statecheck.ExpectKnownValue("data.livechat_direct_charges.all", tfjsonpath.New("charges"), knownvalue.ListSizeExact(24)),
					statecheck.ExpectKnownValue("data.livechat_direct_charges.all", tfjsonpath.New("product"), knownvalue.StringExact("livechat")),
					statecheck.ExpectKnownValue("data.livechat_direct_charges.all", tfjsonpath.New("charges").AtSliceIndex(1).AtMapKey("id"), knownvalue.StringExact(ids[22])),
					statecheck.ExpectKnownValue("data.livechat_direct_charges.all", tfjsonpath.New("charges").AtSliceIndex(23).AtMapKey("id"), knownvalue.StringExact(ids[0])),
					statecheck.ExpectKnownValue("data.livechat_direct_charges.declined", tfjsonpath.New("charges"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(ids[1]), "status": knownvalue.StringExact("declined")}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(ids[0]), "status": knownvalue.StringExact("declined")}),
					})),
					statecheck.ExpectKnownValue("data.livechat_direct_charges.payments", tfjsonpath.New("charges"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"recurrent_charge_id": knownvalue.StringExact(rc.ID),
							"status":              knownvalue.StringExact("success"),
							"price":               knownvalue.Int64Exact(2500),
							"quantity":            knownvalue.Int64Exact(1),
							"checkout_url":        knownvalue.StringRegexp(regexp.MustCompile(`/direct_charge$`)),
						}),
					})),
					statecheck.ExpectKnownValue("data.livechat_direct_charges.helpdesk", tfjsonpath.New("charges"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// The data source examples run against the sandbox.
func TestAccChargeDataSources_examples(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	ctx := context.Background()
	c := sandboxClient(t, sbx)
	rcRes, err := c.CreateRecurrentCharge(ctx, client.ProductLiveChat, client.RecurrentChargeRequest{Name: "sub", Price: 1000, ReturnURL: "https://example.com/"})
	rc := rcRes.Object
	if err != nil {
		t.Fatal(err)
	}
	if err := sbx.AcceptCharge(rc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ActivateRecurrentCharge(ctx, client.ProductLiveChat, rc.ID); err != nil {
		t.Fatal(err)
	}
	dcRes, err := c.CreateDirectCharge(ctx, client.ProductLiveChat, client.DirectChargeRequest{Name: "seats", Price: 300, Quantity: 4, ReturnURL: "https://example.com/"})
	dc := dcRes.Object
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile("../../examples/data-sources/" + name + "/data-source.tf")
		if err != nil {
			t.Fatal(err)
		}
		return chargeProviderConfig(sbx, "") + string(b)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          read("livechat_recurrent_charge"),
				ConfigVariables: config.Variables{"subscription_id": config.StringVariable(rc.ID)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("subscription_status", knownvalue.StringExact("active")),
					statecheck.ExpectKnownOutputValue("next_payment_at", knownvalue.NotNull()),
				},
			},
			{
				Config:          read("livechat_direct_charge"),
				ConfigVariables: config.Variables{"charge_id": config.StringVariable(dc.ID)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("charge_total_cents", knownvalue.Int64Exact(1200)),
				},
			},
			{
				Config:          read("livechat_direct_charges"),
				ConfigVariables: config.Variables{"subscription_id": config.StringVariable(rc.ID)},
				ConfigStateChecks: []statecheck.StateCheck{
					// The subscription's first payment is the only paid charge.
					statecheck.ExpectKnownOutputValue("paid_total_cents", knownvalue.Int64Exact(1000)),
					statecheck.ExpectKnownOutputValue("subscription_payment_count", knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}

func TestDirectChargeDataModelFrom(t *testing.T) {
	m, diags := directChargeDataModelFrom("helpdesk", &client.DirectCharge{ChargeCommon: client.ChargeCommon{ID: "d1", Name: "n", Price: 5}, Quantity: 3})
	if diags.HasError() || m.Product.ValueString() != "helpdesk" || !m.RecurrentChargeID.IsNull() || m.Quantity.ValueInt64() != 3 ||
		m.CheckoutURL.ValueString() != "https://www.livechat.com/marketplace/checkout/charge/d1/direct_charge" {
		t.Fatalf("%+v %v", m, diags)
	}
	m, _ = directChargeDataModelFrom("livechat", &client.DirectCharge{ChargeCommon: client.ChargeCommon{ID: "d2"}, RecurrentChargeID: "r1"})
	if m.RecurrentChargeID.ValueString() != "r1" {
		t.Fatalf("recurrent_charge_id %v", m.RecurrentChargeID)
	}
}
