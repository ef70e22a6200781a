package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// endpointPassword is the password of the endpoint URLs below; no error may
// show it, nor the user name.
const endpointPassword = "ep-pw-5f3a-secret"

// expectPlanErrorWithout runs a plan that must fail with an error that
// contains want, in order, and none of the words in absent after the first
// occurrence of from ("" for the whole error).
func expectPlanErrorWithout(t *testing.T, config string, want []string, from string, absent ...string) {
	t.Helper()
	failed := false
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		// ErrorCheck sees the whole error text, so it can say what is NOT
		// in it, which ExpectError cannot.
		ErrorCheck: func(err error) error {
			failed = true
			msg := err.Error()
			tail := msg
			if i := strings.Index(msg, from); i >= 0 {
				tail = msg[i:]
			}
			for _, a := range absent {
				if strings.Contains(tail, a) {
					return fmt.Errorf("the error shows %q: %w", a, err)
				}
			}
			if !errorWords(want...).MatchString(msg) {
				return fmt.Errorf("the error does not say %q: %w", want, err)
			}
			return nil
		},
		Steps: []resource.TestStep{{Config: config, PlanOnly: true}},
	})
	if !failed {
		t.Fatal("the plan succeeded")
	}
}

// An endpoint with user info fails at plan time, naming the attribute and
// that no user info is allowed, without showing the password.
func TestAccProviderEndpoints_userinfoRefused(t *testing.T) {
	clearEnv(t)
	sbx := newTestSandbox(t, sandbox.Options{})
	host := strings.TrimPrefix(sbx.URL, "http://")
	expectPlanErrorWithout(t, fmt.Sprintf(`
variable "billing" {
  type      = string
  sensitive = true
  default   = "http://ci-user:%s@%s"
}
provider "livechat" {
  access_token = %q
  endpoints {
    billing = var.billing
  }
}
data "livechat_ledger_balance" "this" {}
`, endpointPassword, host, sandbox.DefaultAccessToken),
		[]string{"Invalid endpoint URL", "endpoints.billing", sbx.URL, "no user info is allowed"},
		"", endpointPassword, "ci-user")

	// Written literally, the URL is quoted by Terraform itself in the
	// snippet of the configuration line; the provider's text after it
	// does not show it.
	expectPlanErrorWithout(t, fmt.Sprintf(`
provider "livechat" {
  access_token = %q
  endpoints {
    billing = "https://ci-user:%s@billing.example.com"
  }
}
data "livechat_ledger_balance" "this" {}
`, sandbox.DefaultAccessToken, endpointPassword),
		[]string{"Invalid endpoint URL", "endpoints.billing:", `"https://billing.example.com"`, "no user info is allowed"},
		"endpoints.billing:", endpointPassword, "ci-user")
	if n := sbx.RequestCount("GET /v2/ledger/livechat/balance"); n != 0 {
		t.Fatalf("a refused endpoint reached the platform: %d requests", n)
	}
}

// The same through LIVECHAT_API_URL, which no attribute holds: the error
// names the variable.
func TestAccProviderEndpoints_userinfoInEnvironmentRefused(t *testing.T) {
	clearEnv(t)
	sbx := newTestSandbox(t, sandbox.Options{})
	t.Setenv(EnvAPIURL, strings.Replace(sbx.URL, "http://", "http://ci-user:"+endpointPassword+"@", 1))
	t.Setenv(EnvAccessToken, sandbox.DefaultAccessToken)
	expectPlanErrorWithout(t, `data "livechat_ledger_balance" "this" {}`,
		[]string{"Invalid LIVECHAT_API_URL", "LIVECHAT_API_URL", sbx.URL, "no user info is allowed"},
		"", endpointPassword, "ci-user")
	if n := sbx.RequestCount("GET /v2/ledger/livechat/balance"); n != 0 {
		t.Fatalf("a refused endpoint reached the platform: %d requests", n)
	}
}

// The validator's own diagnostic, as the provider returns it: the attribute
// is named and the password is absent even where Terraform would show the
// configured value.
func TestProviderEndpointValidator_userinfo(t *testing.T) {
	for _, raw := range []string{
		"https://ci-user:" + endpointPassword + "@billing.example.com",
		"https://ci-user:" + endpointPassword + "@bad host.example.com",
	} {
		var resp validator.StringResponse
		endpointValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("endpoints").AtName("billing"), ConfigValue: types.StringValue(raw),
		}, &resp)
		if !resp.Diagnostics.HasError() {
			t.Fatalf("%s was accepted", raw)
		}
		for _, d := range resp.Diagnostics {
			text := d.Summary() + " " + d.Detail()
			if strings.Contains(text, endpointPassword) || strings.Contains(text, "ci-user") {
				t.Errorf("the diagnostic shows the user info: %s", text)
			}
			if !strings.Contains(d.Detail(), "endpoints.billing") || !strings.Contains(d.Detail(), "no user info is allowed") {
				t.Errorf("the diagnostic does not name the attribute and the rule: %s", text)
			}
		}
	}
}
