package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// sandboxStat reads one route's count from the sandbox's stats endpoint
// (platform-api.md §5.4), the way an outside observer would.
func (s *testSandbox) sandboxStat(t *testing.T, route string) int64 {
	t.Helper()
	resp, err := http.Get(s.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Requests map[string]int64 `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GET /_sandbox/stats: %v", err)
	}
	return out.Requests[route]
}

// Against a platform that rotates refresh tokens, the ephemeral access
// token reuses the exchange the provider made: opening it exchanges nothing
// (the configured refresh token was spent by that exchange), its
// new_refresh_token is the rotated one, and the whole run, every plan and
// apply included, costs one exchange.
func TestAccAccessTokenEphemeral_rotatingRefreshToken(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{RotateRefreshTokens: true})
	balance := seedLedgerBalance
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: echoFactories(),
		Steps: []resource.TestStep{{
			Config: ephemeralTokenConfig(sbx),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("access_token"),
					knownvalue.StringRegexp(regexp.MustCompile(`^sbx-at-[0-9a-f]{32}$`))),
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("new_refresh_token"),
					knownvalue.StringRegexp(regexp.MustCompile(`^sbx-rt-[0-9a-f]{32}$`))),
				statecheck.ExpectKnownValue("data.livechat_ledger_balance.by_token", tfjsonpath.New("balance"), knownvalue.Int64Exact(balance)),
			},
		}},
	})
	if n := sbx.sandboxStat(t, "POST /v2/token"); n != 1 {
		t.Fatalf("the sandbox saw %d refresh-token exchanges, want exactly 1", n)
	}
}

// configureRequest is the Configure request Terraform sends p for the
// provider block model.
func configureRequest(t *testing.T, p provider.Provider, model providerModel) provider.ConfigureRequest {
	t.Helper()
	ctx := context.Background()
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	st := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)}
	if d := st.Set(ctx, &model); d.HasError() {
		t.Fatal(d)
	}
	return provider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: st.Raw}}
}

// One provider process configured again and again (the walks of a test
// run, several at once) exchanges the rotating refresh token once: every
// Configure gets a working client and its own warning that the token was
// rotated, which names neither token.
func TestProviderConfigure_oneExchangePerProcess(t *testing.T) {
	clearEnv(t)
	hs := newTestSandbox(t, sandbox.Options{RotateRefreshTokens: true})
	process := New("test")
	req := configureRequest(t, process(), oauthModelAt(hs.URL, sandbox.DefaultRefreshToken))

	const configures = 5
	resps := make([]*provider.ConfigureResponse, configures)
	var wg sync.WaitGroup
	for i := range configures {
		resps[i] = &provider.ConfigureResponse{}
		p := process()
		// The first Configure runs alone, the others at the same time.
		if i == 0 {
			p.Configure(context.Background(), req, resps[i])
			continue
		}
		wg.Go(func() { p.Configure(context.Background(), req, resps[i]) })
	}
	wg.Wait()
	for i, resp := range resps {
		if resp.Diagnostics.HasError() {
			t.Fatalf("Configure %d: %v", i+1, resp.Diagnostics)
		}
		w := warningsNamed(resp.Diagnostics, "The OAuth refresh token was rotated")
		if len(w) != 1 {
			t.Fatalf("Configure %d: want one rotation warning, got %v", i+1, resp.Diagnostics)
		}
		if d := w[0].Detail(); strings.Contains(d, "sbx-") || strings.Contains(d, sandbox.DefaultRefreshToken) {
			t.Errorf("Configure %d: the warning shows a token: %s", i+1, d)
		}
		if _, err := resp.DataSourceData.(*providerData).client.GetLedgerBalance(context.Background()); err != nil {
			t.Errorf("Configure %d: the client cannot read the ledger: %v", i+1, err)
		}
	}
	if n := hs.sandboxStat(t, "POST /v2/token"); n != 1 {
		t.Fatalf("the sandbox saw %d exchanges, want 1", n)
	}
}
