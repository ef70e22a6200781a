package provider

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain starts every test from an environment without the provider's
// variables: someone who exported LIVECHAT_* for the sandbox, as the README
// shows, must get the same results as CI. A test that needs one sets it
// with t.Setenv.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if key, _, _ := strings.Cut(kv, "="); strings.HasPrefix(key, "LIVECHAT_") {
			_ = os.Unsetenv(key)
		}
	}
	os.Exit(m.Run())
}

// The README's exports do not change the suite's results: this test runs
// two tests that depend on an empty environment again, in a fresh copy of
// this test binary, with those variables set.
func TestSuiteIgnoresTheUsersEnvironment(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests are off (TF_ACC unset)")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^(TestAccProviderConfig_environmentPAT|TestAccLedgerBalanceDataSource_missingCredentials)$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		"LIVECHAT_API_URL=http://127.0.0.1:8787",
		"LIVECHAT_ACCESS_TOKEN=sandbox-access-token",
		"LIVECHAT_PARTNER_TOKEN=sandbox-partner-token",
		"LIVECHAT_PARTNER_PASSWORD=sandbox-partner-password")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("with the README's LIVECHAT_* exports the tests fail: %v\n%s", err, out)
	}
}
