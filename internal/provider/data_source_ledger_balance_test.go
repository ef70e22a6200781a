package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func TestAccLedgerBalanceDataSource_basic(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	want := sbx.LedgerBalance()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.providerConfig() + `data "livechat_ledger_balance" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.livechat_ledger_balance.this", tfjsonpath.New("balance"), knownvalue.Int64Exact(want)),
			},
		}},
	})
}

// A pipeline without an access token exchanges a stored refresh token.
func TestAccLedgerBalanceDataSource_refreshToken(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	want := sbx.LedgerBalance()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "livechat" {
  oauth {
    client_id     = %q
    client_secret = %q
    refresh_token = %q
  }
%s
}
data "livechat_ledger_balance" "this" {}
`, sandbox.DefaultClientID, sandbox.DefaultClientSecret, sandbox.DefaultRefreshToken, sbx.endpointsBlock()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.livechat_ledger_balance.this", tfjsonpath.New("balance"), knownvalue.Int64Exact(want)),
			},
		}},
	})
	if n := sbx.RequestCount("POST /v2/token"); n < 1 {
		t.Fatalf("the refresh token was never exchanged (POST /v2/token count %d)", n)
	}
}

func TestAccLedgerBalanceDataSource_badRefreshToken(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "livechat" {
  oauth {
    client_id     = %q
    client_secret = %q
    refresh_token = "revoked-token"
  }
%s
}
data "livechat_ledger_balance" "this" {}
`, sandbox.DefaultClientID, sandbox.DefaultClientSecret, sbx.endpointsBlock()),
			ExpectError: regexp.MustCompile(`(?s)Unable to exchange the OAuth refresh token.*invalid_grant`),
		}},
	})
}

func TestAccLedgerBalanceDataSource_missingCredentials(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "livechat" {
  partner_token = "only-partner"
%s
}
data "livechat_ledger_balance" "this" {}
`, sbx.endpointsBlock()),
			ExpectError: regexp.MustCompile(`(?s)no credentials for the LiveChat\s+Billing API.*LIVECHAT_ACCESS_TOKEN`),
		}},
	})
}

func TestAccLedgerBalanceDataSource_missingScope(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{Scopes: []string{"billing_manage"}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:      sbx.providerConfig() + `data "livechat_ledger_balance" "this" {}`,
			ExpectError: regexp.MustCompile(`(?s)403 Forbidden.*ledger_read`),
		}},
	})
}

func TestRotatedRefreshTokenWarning(t *testing.T) {
	if d := rotatedRefreshTokenWarning("rt-1", "rt-1"); d != nil {
		t.Fatalf("same token: want no warning, got %v", d)
	}
	if d := rotatedRefreshTokenWarning("rt-1", ""); d != nil {
		t.Fatalf("no token returned: want no warning, got %v", d)
	}
	d := rotatedRefreshTokenWarning("rt-1", "rt-2-secret")
	if d == nil {
		t.Fatal("rotated token: want a warning")
	}
	if regexp.MustCompile("rt-2-secret|rt-1").MatchString(d.Detail() + d.Summary()) {
		t.Fatalf("the warning leaks a token: %s", d.Detail())
	}
}
