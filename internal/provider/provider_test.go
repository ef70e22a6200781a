package provider

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// testProviderFactories serve the provider in-process to the Terraform CLI
// that terraform-plugin-testing runs.
var testProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"livechat": providerserver.NewProtocol6WithError(New("test")()),
}

// testSandbox is an in-process sandbox for one test.
type testSandbox struct {
	*sandbox.Server
	URL string
}

// newTestSandbox starts a sandbox that the test's provider blocks point at.
func newTestSandbox(t *testing.T, opts sandbox.Options) *testSandbox {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("starting sandbox: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Close()
	})
	return &testSandbox{Server: srv, URL: hs.URL}
}

// endpointsBlock points every API at the sandbox.
func (s *testSandbox) endpointsBlock() string {
	return fmt.Sprintf(`
  endpoints {
    billing           = %[1]q
    partners          = %[1]q
    accounts          = %[1]q
    developer_console = %[1]q
  }`, s.URL)
}

// providerConfig is a provider block with the sandbox's default credentials.
func (s *testSandbox) providerConfig() string {
	return fmt.Sprintf(`
provider "livechat" {
  access_token     = %q
  partner_token    = %q
  partner_password = %q
  max_retries      = 1
%s
}
`, sandbox.DefaultAccessToken, sandbox.DefaultPartnerToken, sandbox.DefaultPartnerPassword, s.endpointsBlock())
}
