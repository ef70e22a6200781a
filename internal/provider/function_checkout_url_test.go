package provider

import (
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func TestAccCheckoutURLFunction(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
output "plain" {
  value = provider::livechat::checkout_url("1c286f7a-aab8-4384-8e09-dc6749c550cd", "recurrent_charge", "", "")
}
output "encoded" {
  value = provider::livechat::checkout_url("abc", "direct_charge", "https://cdn.example.com/icon 1.png?s=64", "Pro plan & 50% off")
}
output "description_only" {
  value = provider::livechat::checkout_url("abc", "direct_charge", "", "Extra seats")
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("plain", knownvalue.StringExact(
					"https://www.livechat.com/marketplace/checkout/charge/1c286f7a-aab8-4384-8e09-dc6749c550cd/recurrent_charge")),
				statecheck.ExpectKnownOutputValue("encoded", knownvalue.StringExact(
					"https://www.livechat.com/marketplace/checkout/charge/abc/direct_charge?icon=https%3A%2F%2Fcdn.example.com%2Ficon+1.png%3Fs%3D64&description=Pro+plan+%26+50%25+off")),
				statecheck.ExpectKnownOutputValue("description_only", knownvalue.StringExact(
					"https://www.livechat.com/marketplace/checkout/charge/abc/direct_charge?description=Extra+seats")),
			},
		}},
	})
}

// Terraform passes null arguments to the provider; OpenTofu 1.12 sends them
// without a value, which terraform-plugin-framework cannot decode, so there
// the documented way to leave a parameter out is "".
func TestAccCheckoutURLFunction_nullArguments(t *testing.T) {
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" {
		t.Skip("OpenTofu 1.12 sends null function arguments without a value; use \"\" there")
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
output "nulls" {
  value = provider::livechat::checkout_url("abc", "recurrent_charge", null, "Monthly plan")
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("nulls", knownvalue.StringExact(
					"https://www.livechat.com/marketplace/checkout/charge/abc/recurrent_charge?description=Monthly+plan")),
			},
		}},
	})
}

// The function and a charge's computed checkout_url agree.
func TestAccCheckoutURLFunction_matchesRecurrentCharge(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.providerConfig() + `
resource "livechat_recurrent_charge" "pro" {
  name       = "Pro plan"
  price      = 1900
  return_url = "https://example.com/thanks"
}
output "same" {
  value = provider::livechat::checkout_url(livechat_recurrent_charge.pro.id, "recurrent_charge", "", "") == livechat_recurrent_charge.pro.checkout_url
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("same", knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("livechat_recurrent_charge.pro", tfjsonpath.New("checkout_url"),
					knownvalue.StringRegexp(regexp.MustCompile(`^https://www\.livechat\.com/marketplace/checkout/charge/[0-9a-f-]{36}/recurrent_charge$`))),
			},
		}},
	})
}
