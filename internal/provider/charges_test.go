package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// Test helpers shared by the charge resources' and data sources' tests.

// chargeProviderConfig is the sandbox provider block with a default product
// ("" leaves it unset).
func chargeProviderConfig(sbx *testSandbox, product string) string {
	p := ""
	if product != "" {
		p = fmt.Sprintf("\n  product = %q", product)
	}
	return sbx.providerBlock(fmt.Sprintf("  access_token = %q\n  max_retries  = 1%s", sandbox.DefaultAccessToken, p))
}

// chargeConfig is chargeProviderConfig without a default product and one
// resource of type typ named test, with body.
func chargeConfig(sbx *testSandbox, typ, body string) string {
	return chargeProviderConfig(sbx, "") + `
resource "` + typ + `" "test" {
` + body + `
}
`
}

// captureID stores the resource's id after a step.
func captureID(addr string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		*dst = rs.Primary.ID
		return nil
	}
}

// expectSandboxStatus asks the sandbox for the status of the charge *id.
func expectSandboxStatus(sbx *testSandbox, id *string, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, ok := sbx.ChargeStatus(*id)
		if !ok {
			return fmt.Errorf("charge %s is not in the sandbox", *id)
		}
		if got != want {
			return fmt.Errorf("charge %s is %s in the sandbox, want %s", *id, got, want)
		}
		return nil
	}
}

// checkoutURLMatchesID compares id and checkout_url.
type checkoutURLMatchesID struct{ chargeType string }

func (c checkoutURLMatchesID) CompareValues(values ...any) error {
	if len(values) != 2 {
		return fmt.Errorf("want 2 values, got %d", len(values))
	}
	id, _ := values[0].(string)
	link, _ := values[1].(string)
	want := "https://www.livechat.com/marketplace/checkout/charge/" + id + "/" + c.chargeType
	if link != want {
		return fmt.Errorf("checkout_url %q, want %q", link, want)
	}
	return nil
}

// interceptor forwards everything to the sandbox except the requests for
// which answer returns a status, which it answers itself in the Billing
// error envelope.
func interceptor(t *testing.T, sbx *testSandbox, answer func(*http.Request) int) string {
	t.Helper()
	target, err := url.Parse(sbx.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status := answer(r); status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"type":"intercepted","message":"intercepted by the test (%d)"}}`, status)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

// billingOnlyProvider points only the Billing API at url.
func billingOnlyProvider(url string) string {
	return fmt.Sprintf(`
provider "livechat" {
  access_token = %q
  max_retries  = 1
  endpoints {
    billing = %q
  }
}
`, sandbox.DefaultAccessToken, url)
}

// chargeCreatedChecks are the state checks every charge passes right after
// its creation with the default product, test and per_account unset; kind
// is the charge type of its checkout link.
func chargeCreatedChecks(sbx *testSandbox, addr, kind string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("product"), knownvalue.StringExact("livechat")),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("test"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("per_account"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("auto_activate"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("commission_percent"), knownvalue.Int64Exact(20)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("buyer_license_id"), knownvalue.Int64Exact(100006625)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("buyer_entity_id"), knownvalue.StringExact("buyer@example.com")),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("seller_client_id"), knownvalue.StringExact(sandbox.DefaultClientID)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("confirmation_url"),
			knownvalue.StringRegexp(regexp.MustCompile(`^`+regexp.QuoteMeta(sbx.URL)+`/billing/confirm/[0-9a-f-]{36}$`))),
		statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), addr, tfjsonpath.New("checkout_url"),
			checkoutURLMatchesID{chargeType: kind}),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.NotNull()),
		expectIdentity(addr, map[string]knownvalue.Check{
			"product": knownvalue.StringExact("livechat"),
			"id":      knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`)),
		}),
	}
}

// chargeImportSteps import the charge *id by its id alone (the default
// product) and as livechat/<id>.
func chargeImportSteps(addr string, id *string) []resource.TestStep {
	return []resource.TestStep{
		{ResourceName: addr, ImportState: true, ImportStateVerify: true},
		{
			ResourceName:      addr,
			ImportState:       true,
			ImportStateVerify: true,
			ImportStateIdFunc: func(*terraform.State) (string, error) { return "livechat/" + *id, nil },
		},
	}
}

// acceptCharge is a PreConfig: the buyer accepts the charge *id.
func acceptCharge(t *testing.T, sbx *testSandbox, id *string) func() {
	return func() {
		if err := sbx.AcceptCharge(*id); err != nil {
			t.Fatal(err)
		}
	}
}

// advanceClock is a PreConfig: days pass in the sandbox.
func advanceClock(t *testing.T, sbx *testSandbox, days int) func() {
	return func() {
		if _, err := sbx.AdvanceClock(days); err != nil {
			t.Fatal(err)
		}
	}
}

// expectSameID fails when the resource at addr no longer has the id *want:
// the step replaced it instead of updating it.
func expectSameID(addr string, want *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var got string
		if err := captureID(addr, &got)(s); err != nil {
			return err
		}
		if got != *want {
			return fmt.Errorf("%s was replaced: %s → %s", addr, *want, got)
		}
		return nil
	}
}

// badChargeIdentitySteps import into addr, which must not be in the state
// yet, with config, by identities that must be refused at plan time, each
// naming what is wrong.
func badChargeIdentitySteps(config, addr string) []resource.TestStep {
	var steps []resource.TestStep
	for _, tc := range []struct{ identity, msg string }{
		{`    id = "a b"`, `identity.id is not one ID: "a b" contains whitespace`},
		{"    product = \"livechat\"\n    id = \"..\"", `identity.id is not one ID: ".." is not an ID`},
		// A '/' would move the rest of the value into the next segment.
		{"    product = \"livechat/x\"\n    id = \"y\"", `identity.product is not one ID: "livechat/x" contains '/', '?' or '#'`},
		{"    product = \"nope\"\n    id = \"x\"", `got "nope/x" (product is livechat or helpdesk): "nope" is not a product`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      config + importBlock(addr, tc.identity),
			ExpectError: errorWords("Invalid import identity", tc.msg),
		})
	}
	return steps
}

// newSandboxRecurrentCharge creates a recurrent charge outside Terraform.
func newSandboxRecurrentCharge(t *testing.T, sbx *testSandbox, product string) string {
	t.Helper()
	res, err := sandboxClient(t, sbx).CreateRecurrentCharge(context.Background(), product, client.RecurrentChargeRequest{
		Name: "Chat Transcripts Pro", Price: 1900, ReturnURL: "https://example.com/billing/done", Months: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.Object.ID
}

// newSandboxDirectCharge creates a direct charge outside Terraform.
func newSandboxDirectCharge(t *testing.T, sbx *testSandbox, product string) string {
	t.Helper()
	res, err := sandboxClient(t, sbx).CreateDirectCharge(context.Background(), product, client.DirectChargeRequest{
		Name: "10 extra seats", Price: 1900, Quantity: 10, ReturnURL: "https://example.com/billing/done",
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.Object.ID
}
