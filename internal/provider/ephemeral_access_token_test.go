package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func echoFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	f := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for k, v := range testProviderFactories {
		f[k] = v
	}
	return f
}

// The ephemeral token is usable as another provider's credential and is
// captured here only through the echo provider, which exists for tests.
func TestAccAccessTokenEphemeral_basic(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	balance := seedLedgerBalance
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: echoFactories(),
		Steps: []resource.TestStep{{
			Config: ephemeralTokenConfig(sbx),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("access_token"), knownvalue.StringRegexp(regexp.MustCompile(`^sbx-at-[0-9a-f]{32}$`))),
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("token_type"), knownvalue.StringExact("Bearer")),
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("expires_in"), knownvalue.Int64Exact(28800)),
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("new_refresh_token"), knownvalue.StringExact(sandbox.DefaultRefreshToken)),
				statecheck.ExpectKnownValue("data.livechat_ledger_balance.by_token", tfjsonpath.New("balance"), knownvalue.Int64Exact(balance)),
			},
		}},
	})
}

func TestAccAccessTokenEphemeral_missingRefreshToken(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: echoFactories(),
		Steps: []resource.TestStep{{
			Config: sbx.providerConfig() + `
ephemeral "livechat_access_token" "this" {
  client_id = "sandbox-client-id"
}
provider "echo" {
  data = ephemeral.livechat_access_token.this
}
resource "echo" "token" {}
`,
			ExpectError: regexp.MustCompile(`(?s)Missing client_secret.*oauth`),
		}},
	})
}

// ephemeralTokenConfig exchanges the sandbox's refresh token through an
// oauth provider, feeds the ephemeral access token to a second provider
// instance that reads the ledger balance with it alone, and echoes the
// ephemeral result into state so that tests can check it.
func ephemeralTokenConfig(sbx *testSandbox) string {
	return fmt.Sprintf(`
provider "livechat" {
  oauth {
    client_id     = %[1]q
    client_secret = %[2]q
    refresh_token = %[3]q
  }
%[4]s
}

ephemeral "livechat_access_token" "this" {}

provider "livechat" {
  alias        = "by_token"
  access_token = ephemeral.livechat_access_token.this.access_token
%[4]s
}

data "livechat_ledger_balance" "by_token" {
  provider = livechat.by_token
}

provider "echo" {
  data = ephemeral.livechat_access_token.this
}

resource "echo" "token" {}
`, sandbox.DefaultClientID, sandbox.DefaultClientSecret, sandbox.DefaultRefreshToken, sbx.endpointsBlock())
}
