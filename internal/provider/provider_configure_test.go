package provider

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// configureProvider runs the provider's Configure with model as the
// provider block, the way Terraform does at the start of a run.
func configureProvider(t *testing.T, model providerModel) *provider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	if sresp.Diagnostics.HasError() {
		t.Fatal(sresp.Diagnostics)
	}
	st := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)}
	if d := st.Set(ctx, &model); d.HasError() {
		t.Fatal(d)
	}
	resp := &provider.ConfigureResponse{}
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: st.Raw}}, resp)
	return resp
}

// oauthModelAt is a provider block with only the OAuth block, every API
// pointed at url.
func oauthModelAt(url, refreshToken string) providerModel {
	m := nullModel()
	m.OAuth = &oauthModel{
		ClientID:     types.StringValue(sandbox.DefaultClientID),
		ClientSecret: types.StringValue(sandbox.DefaultClientSecret),
		RefreshToken: types.StringValue(refreshToken),
	}
	u := types.StringValue(url)
	m.Endpoints = &endpointsModel{Billing: u, Partners: u, Accounts: u, DeveloperConsole: u}
	return m
}

func warningsNamed(diags diag.Diagnostics, summary string) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, d := range diags.Warnings() {
		if d.Summary() == summary {
			out = append(out, d)
		}
	}
	return out
}

// A platform that rotates refresh tokens: the run succeeds, warns (without
// the token) that the new one must be stored, and the next run with the old
// token fails telling the user to replace it.
func TestProviderConfigure_rotatedRefreshToken(t *testing.T) {
	clearEnv(t)
	hs := newTestSandbox(t, sandbox.Options{RotateRefreshTokens: true})

	first := configureProvider(t, oauthModelAt(hs.URL, sandbox.DefaultRefreshToken))
	if first.Diagnostics.HasError() {
		t.Fatalf("first run: %v", first.Diagnostics)
	}
	if first.DataSourceData == nil || first.ResourceData == nil {
		t.Fatal("first run configured no client")
	}
	w := warningsNamed(first.Diagnostics, "The OAuth refresh token was rotated")
	if len(w) != 1 {
		t.Fatalf("first run: want one rotation warning, got %v", first.Diagnostics)
	}
	if !strings.Contains(w[0].Detail(), EnvRefreshToken) || strings.Contains(w[0].Detail(), "sbx-rt-") {
		t.Fatalf("rotation warning should name %s and not the token: %s", EnvRefreshToken, w[0].Detail())
	}
	// The client holds the exchanged access token and can call Billing.
	data := first.DataSourceData.(*providerData)
	if _, err := data.client.GetLedgerBalance(context.Background()); err != nil {
		t.Fatalf("first run's client cannot read the ledger: %v", err)
	}

	second := configureProvider(t, oauthModelAt(hs.URL, sandbox.DefaultRefreshToken))
	if !second.Diagnostics.HasError() {
		t.Fatalf("second run with the rotated-away token: want an error, got %v", second.Diagnostics)
	}
	msg := second.Diagnostics.Errors()[0].Summary() + "\n" + second.Diagnostics.Errors()[0].Detail()
	for _, want := range []string{"Unable to exchange the OAuth refresh token", "invalid_grant", "rotated or revoked must be replaced", EnvRefreshToken} {
		if !strings.Contains(msg, want) {
			t.Errorf("second run's error lacks %q:\n%s", want, msg)
		}
	}
}

// Without rotation there is no warning, and every run works.
func TestProviderConfigure_refreshTokenNotRotated(t *testing.T) {
	clearEnv(t)
	hs := newTestSandbox(t, sandbox.Options{})
	for i := range 2 {
		resp := configureProvider(t, oauthModelAt(hs.URL, sandbox.DefaultRefreshToken))
		if resp.Diagnostics.HasError() || len(resp.Diagnostics.Warnings()) != 0 {
			t.Fatalf("run %d: want no diagnostics, got %v", i+1, resp.Diagnostics)
		}
	}
}

// requests_per_second reaches the client that Configure builds: ten reads at
// 20 per second are spaced 50ms apart. Only the lower bound is asserted.
func TestProviderConfigure_requestsPerSecondReachesClient(t *testing.T) {
	clearEnv(t)
	hs := newTestSandbox(t, sandbox.Options{})
	m := oauthModelAt(hs.URL, "")
	m.OAuth = nil
	m.AccessToken = types.StringValue(sandbox.DefaultAccessToken)
	m.RequestsPerSecond = types.NumberValue(big.NewFloat(20))
	resp := configureProvider(t, m)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	c := resp.DataSourceData.(*providerData).client
	start := time.Now()
	for i := 0; i < 10; i++ {
		if _, err := c.GetLedgerBalance(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := time.Since(start); elapsed < 400*time.Millisecond {
		t.Fatalf("10 reads with requests_per_second = 20 took %s; the provider's client does not limit", elapsed)
	}
	if n := hs.RequestCount("GET /v2/ledger/livechat/balance"); n != 10 {
		t.Fatalf("sandbox saw %d balance reads, want 10", n)
	}
}
