package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func couponValue(id int64, label string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":    knownvalue.Int64Exact(id),
		"label": knownvalue.StringExact(label),
	})
}

func TestAccCouponsDataSource(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sbx.providerConfig() + `
data "livechat_coupons" "all" {}

data "livechat_coupons" "dollars" {
  label_regex = "^\\$"
}

data "livechat_coupons" "none" {
  label_regex = "free forever"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.livechat_coupons.all", tfjsonpath.New("coupons"), knownvalue.ListExact([]knownvalue.Check{
						couponValue(1, "30% off first payment"),
						couponValue(2, "$25 discount"),
					})),
					statecheck.ExpectKnownValue("data.livechat_coupons.dollars", tfjsonpath.New("coupons"), knownvalue.ListExact([]knownvalue.Check{
						couponValue(2, "$25 discount"),
					})),
					statecheck.ExpectKnownValue("data.livechat_coupons.none", tfjsonpath.New("coupons"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

func TestAccCouponDataSource(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	if err := sbx.AddPartnerCoupon(7, "Partner special"); err != nil {
		t.Fatal(err)
	}
	if err := sbx.AddPartnerCoupon(8, "Partner special"); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      sbx.providerConfig() + `data "livechat_coupon" "x" { label = "50% off" }`,
				ExpectError: regexp.MustCompile(`(?s)Coupon not found.*No coupon is labelled "50% off".*Available coupons:.*"30% off first payment"\s+\(id\s+1\).*"\$25 discount"\s+\(id\s+2\)`),
			},
			{
				Config:      sbx.providerConfig() + `data "livechat_coupon" "x" { label = "Partner special" }`,
				ExpectError: regexp.MustCompile(`(?s)2 coupons are labelled "Partner special"\s+\(ids\s+7,\s+8\).*livechat_coupons`),
			},
			{
				Config: sbx.providerConfig() + `
data "livechat_coupon" "x" {
  label = "$25 discount"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.livechat_coupon.x", tfjsonpath.New("id"), knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}

func TestCouponHelpers(t *testing.T) {
	coupons := []client.Coupon{{ID: 1, Label: "A"}, {ID: 2, Label: "B"}, {ID: 3, Label: "B"}}
	if id, ok := couponIDForLabel(coupons, "A"); !ok || id != 1 {
		t.Fatalf("A: %d %v", id, ok)
	}
	if _, ok := couponIDForLabel(coupons, "B"); ok {
		t.Fatal("B is ambiguous")
	}
	if got := couponModelsFrom(coupons, regexp.MustCompile("^B$")); len(got) != 2 || got[1].ID.ValueInt64() != 3 {
		t.Fatalf("filtered %v", got)
	}
	if got := couponModelsFrom(nil, nil); got == nil || len(got) != 0 {
		t.Fatal("an empty list must be known and empty, not null")
	}
	if _, msg := pickCoupon(nil, "A"); msg != `No coupon is labelled "A". You have no coupons.` {
		t.Fatalf("no coupons: %q", msg)
	}
	if id, msg := pickCoupon(coupons, "A"); id != 1 || msg != "" {
		t.Fatalf("A: %d %q", id, msg)
	}
	const ambiguous = `2 coupons are labelled "B" (ids 2, 3), so the label does not pick one. Use the livechat_coupons ` +
		`data source and choose by id. Available coupons: "A" (id 1), "B" (id 2), "B" (id 3).`
	if _, msg := pickCoupon(coupons, "B"); msg != ambiguous {
		t.Fatalf("B: %q", msg)
	}
}

// A configuration with only partner objects needs no billing credentials:
// partner_token alone, nothing in the environment. Not parallel:
// it clears the environment.
func TestAccCouponsDataSource_partnerTokenOnly(t *testing.T) {
	clearEnv(t)
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.providerBlock(`  partner_token = "`+sandbox.DefaultPartnerToken+`"`) + `
data "livechat_coupons" "all" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.livechat_coupons.all", tfjsonpath.New("coupons"), knownvalue.ListExact([]knownvalue.Check{
					couponValue(1, "30% off first payment"),
					couponValue(2, "$25 discount"),
				})),
			},
		}},
	})
	if n := sbx.RequestCount("GET /v2/partners/coupons"); n < 1 {
		t.Fatalf("the coupons were never read (count %d)", n)
	}
	if n := sbx.RequestCount("POST /v2/token"); n != 0 {
		t.Fatalf("a partner-only configuration exchanged a token %d times", n)
	}
}
