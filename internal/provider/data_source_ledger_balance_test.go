package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func TestAccLedgerBalanceDataSource_basic(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:            sbx.providerConfig() + `data "livechat_ledger_balance" "this" {}`,
			ConfigStateChecks: seedBalanceIsRead(),
		}},
	})
}

// A pipeline without an access token exchanges a stored refresh token.
func TestAccLedgerBalanceDataSource_refreshToken(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.ledgerConfig(fmt.Sprintf(`
  oauth {
    client_id     = %q
    client_secret = %q
    refresh_token = %q
  }`, sandbox.DefaultClientID, sandbox.DefaultClientSecret, sandbox.DefaultRefreshToken)),
			ConfigStateChecks: seedBalanceIsRead(),
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
			Config: sbx.ledgerConfig(fmt.Sprintf(`
  oauth {
    client_id     = %q
    client_secret = %q
    refresh_token = "revoked-token"
  }`, sandbox.DefaultClientID, sandbox.DefaultClientSecret)),
			ExpectError: regexp.MustCompile(`(?s)Unable to exchange the OAuth refresh token.*invalid_grant`),
		}},
	})
}

func TestAccLedgerBalanceDataSource_missingCredentials(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:      sbx.ledgerConfig(`  partner_token = "only-partner"`),
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
