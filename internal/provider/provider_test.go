package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// testProviderFactories serve the provider in-process to the Terraform CLI
// that terraform-plugin-testing runs.
var testProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"livechat": NewProtocolServer("test"),
}

// clearEnv empties every variable the provider reads, so the machine's own
// environment cannot change a test.
func clearEnv(t *testing.T) {
	for _, v := range []string{EnvAccessToken, EnvClientID, EnvClientSecret, EnvRefreshToken, EnvPAT, EnvAccountID,
		EnvPartnerToken, EnvPartnerPassword, EnvProduct, EnvAPIURL, EnvTestMode} {
		t.Setenv(v, "")
	}
}

// errorWords matches Terraform's output of an error: the words of each part
// in order and next to each other (the CLI may wrap a line between any two
// of them), the parts in order with any text between.
func errorWords(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, part := range parts {
		ws := strings.Fields(part)
		for j, w := range ws {
			ws[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(ws, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*?`))
}

// seedLedgerBalance is the balance of a fresh sandbox's ledger, the sum of
// the entries internal/sandbox/seed.go writes: 152.00 + 79.00 - 19.00 -
// 100.00 + 152.00. platform-api.md §5.3 promises only a balance that is their sum.
const seedLedgerBalance int64 = 26400

// testSandbox is an in-process sandbox for one test.
type testSandbox struct {
	*sandbox.Server
	URL string
}

// newTestSandbox starts a sandbox that the test's provider blocks point at.
func newTestSandbox(t *testing.T, opts sandbox.Options) *testSandbox {
	t.Helper()
	return newWrappedTestSandbox(t, opts, nil)
}

// newWrappedTestSandbox starts a sandbox behind wrap (to inject faults the
// sandbox itself does not offer); a nil wrap serves the sandbox as it is.
func newWrappedTestSandbox(t *testing.T, opts sandbox.Options, wrap func(http.Handler) http.Handler) *testSandbox {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("starting sandbox: %v", err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Close()
	})
	return &testSandbox{Server: srv, URL: hs.URL}
}

// sandboxClient is an API client for arranging test data in the sandbox.
func sandboxClient(t *testing.T, sbx *testSandbox) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		Endpoints:   client.Endpoints{Billing: sbx.URL, Partners: sbx.URL, Accounts: sbx.URL, DeveloperConsole: sbx.URL},
		AccessToken: sandbox.DefaultAccessToken,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
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

// providerBlock is a provider block with attrs (lines of HCL) and every
// API pointed at the sandbox.
func (s *testSandbox) providerBlock(attrs string) string {
	return fmt.Sprintf(`
provider "livechat" {
%s
%s
}
`, attrs, s.endpointsBlock())
}

// providerConfig is a provider block with the sandbox's default credentials.
func (s *testSandbox) providerConfig() string {
	return s.providerBlock(fmt.Sprintf(`  access_token     = %q
  partner_token    = %q
  partner_password = %q
  max_retries      = 1`, sandbox.DefaultAccessToken, sandbox.DefaultPartnerToken, sandbox.DefaultPartnerPassword))
}

// ledgerConfig is a provider block with attrs, plus the ledger balance data
// source that makes Terraform configure it.
func (s *testSandbox) ledgerConfig(attrs string) string {
	return s.providerBlock(attrs) + `data "livechat_ledger_balance" "this" {}
`
}

// emptyPlan is the plan check of a step that must change nothing.
func emptyPlan() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// addFault adds a fault rule through the sandbox's control API.
func (s *testSandbox) addFault(t *testing.T, rule map[string]any) {
	t.Helper()
	body, err := json.Marshal(rule)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(s.URL+"/_sandbox/faults", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST /_sandbox/faults %s: %s", body, resp.Status)
	}
}

// faultsLeft counts the sandbox's fault rules still in force.
func (s *testSandbox) faultsLeft(t *testing.T) int {
	t.Helper()
	resp, err := http.Get(s.URL + "/_sandbox/faults")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Rules *[]json.RawMessage `json:"rules"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Rules == nil {
		t.Fatalf("GET /_sandbox/faults: no rules list (%v)", err)
	}
	return len(*out.Rules)
}

// storedObjects lists one table of the sandbox's state dump.
func (s *testSandbox) storedObjects(t *testing.T, table string) []map[string]any {
	t.Helper()
	resp, err := http.Get(s.URL + "/_sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var dump map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&dump); err != nil {
		t.Fatal(err)
	}
	raw, ok := dump[table]
	if !ok {
		t.Fatalf("the state dump has no %q table", table)
	}
	var out []map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("table %s: %v", table, err)
	}
	return out
}
