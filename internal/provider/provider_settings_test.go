package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// seedBalanceIsRead checks that the ledger balance data source read a fresh
// sandbox's balance.
func seedBalanceIsRead() []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.livechat_ledger_balance.this", tfjsonpath.New("balance"), knownvalue.Int64Exact(seedLedgerBalance)),
	}
}

// Personal Access Token auth end to end: Basic base64(account_id:PAT).
func TestAccProviderConfig_personalAccessToken(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.ledgerConfig(fmt.Sprintf(`
  personal_access_token = %q
  account_id            = %q`, sandbox.DefaultPersonalAccessToken, sandbox.DefaultAccountID)),
			ConfigStateChecks: seedBalanceIsRead(),
		}},
	})
	if n := sbx.RequestCount("GET /v2/ledger/livechat/balance"); n < 1 {
		t.Fatalf("the balance was never read (count %d)", n)
	}
}

func TestAccProviderConfig_personalAccessTokenWrongAccount(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.ledgerConfig(fmt.Sprintf(`
  personal_access_token = %q
  account_id            = "someone-else"`, sandbox.DefaultPersonalAccessToken)),
			ExpectError: errorWords("Unable to read the ledger balance", "401", "Personal Access Token is wrong",
				"personal_access_token", "account_id"),
		}},
	})
}

// LIVECHAT_API_URL points all four APIs at the sandbox and the credentials
// come from the environment: an access token, or the OAuth client and
// refresh token (exchanged). Not parallel: it changes the environment.
func TestAccProviderConfig_environment(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   map[string]string
		route string // the request that proves the credentials were used
		fail  string
	}{
		{"access token", map[string]string{EnvAccessToken: sandbox.DefaultAccessToken},
			"GET /v2/ledger/livechat/balance", "LIVECHAT_API_URL did not reach the sandbox"},
		{"oauth", map[string]string{EnvClientID: sandbox.DefaultClientID, EnvClientSecret: sandbox.DefaultClientSecret,
			EnvRefreshToken: sandbox.DefaultRefreshToken},
			"POST /v2/token", "the refresh token from the environment was never exchanged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			sbx := newTestSandbox(t, sandbox.Options{})
			t.Setenv(EnvAPIURL, sbx.URL)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:            `data "livechat_ledger_balance" "this" {}`,
					ConfigStateChecks: seedBalanceIsRead(),
				}},
			})
			if n := sbx.RequestCount(tc.route); n < 1 {
				t.Fatalf("%s (%s count %d)", tc.fail, tc.route, n)
			}
		})
	}
}

// The Personal Access Token from the configuration, its account from the
// environment (and the other way round).
func TestAccProviderConfig_environmentPAT(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	t.Setenv(EnvAPIURL, sbx.URL)
	t.Setenv(EnvAccountID, sandbox.DefaultAccountID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "livechat" {
  personal_access_token = %q
}
data "livechat_ledger_balance" "this" {}
`, sandbox.DefaultPersonalAccessToken),
			ConfigStateChecks: seedBalanceIsRead(),
		}},
	})

	t.Setenv(EnvAccountID, "")
	t.Setenv(EnvPAT, sandbox.DefaultPersonalAccessToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "livechat" {
  account_id = %q
}
data "livechat_ledger_balance" "this" {}
`, sandbox.DefaultAccountID),
			ConfigStateChecks: seedBalanceIsRead(),
		}},
	})
}

func TestAccProviderConfig_environmentInvalid(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	t.Run("two auth modes", func(t *testing.T) {
		t.Setenv(EnvAPIURL, sbx.URL)
		t.Setenv(EnvAccessToken, sandbox.DefaultAccessToken)
		t.Setenv(EnvPAT, "p")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviderFactories,
			Steps: []resource.TestStep{{
				Config:      `data "livechat_ledger_balance" "this" {}`,
				ExpectError: errorWords("Two ways of authenticating are set", "LIVECHAT_ACCESS_TOKEN", "LIVECHAT_PAT"),
			}},
		})
	})
	t.Run("plain http LIVECHAT_API_URL", func(t *testing.T) {
		t.Setenv(EnvAPIURL, "http://example.com")
		t.Setenv(EnvAccessToken, sandbox.DefaultAccessToken)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviderFactories,
			Steps: []resource.TestStep{{
				Config:      `data "livechat_ledger_balance" "this" {}`,
				ExpectError: errorWords("Invalid LIVECHAT_API_URL", "http://example.com", "plain http"),
			}},
		})
	})
	t.Run("unknown LIVECHAT_PRODUCT", func(t *testing.T) {
		t.Setenv(EnvAPIURL, sbx.URL)
		t.Setenv(EnvAccessToken, sandbox.DefaultAccessToken)
		t.Setenv(EnvProduct, "foo")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviderFactories,
			Steps: []resource.TestStep{{
				Config:      `data "livechat_ledger_balance" "this" {}`,
				ExpectError: errorWords("Invalid product", "LIVECHAT_PRODUCT", "livechat", "helpdesk", "foo"),
			}},
		})
	})
	if n := sbx.RequestCount("GET /v2/ledger/livechat/balance"); n != 0 {
		t.Fatalf("a bad environment reached the platform: %d requests", n)
	}
}

// The configuration wins over the environment, attribute by attribute.
func TestAccProviderConfig_configurationWinsOverEnvironment(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	t.Setenv(EnvAPIURL, "https://unreachable.invalid")
	t.Setenv(EnvAccessToken, "wrong-token")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:            sbx.ledgerConfig(fmt.Sprintf(`access_token = %q`, sandbox.DefaultAccessToken)),
			ConfigStateChecks: seedBalanceIsRead(),
		}},
	})
}
