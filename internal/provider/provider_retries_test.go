package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// ledgerConfigRetries is the ledger balance data source with max_retries.
func (s *testSandbox) ledgerConfigRetries(maxRetries int) string {
	return s.ledgerConfig(fmt.Sprintf("  access_token = %q\n  max_retries  = %d", sandbox.DefaultAccessToken, maxRetries))
}

const balanceRoute = "GET /v2/ledger/livechat/balance"

// max_retries reaches the client: two 503s with Retry-After are retried
// past with max_retries = 2, and the read succeeds.
func TestAccProviderConfig_maxRetriesRidesOutUnavailable(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	sbx.addFault(t, map[string]any{"route": balanceRoute, "status": 503, "retry_after_s": 1, "count": 2})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:            sbx.ledgerConfigRetries(2),
			ConfigStateChecks: seedBalanceIsRead(),
		}},
	})
	if n := sbx.faultsLeft(t); n != 0 {
		t.Fatalf("the fault rule did not fire twice: %d rules left", n)
	}
	if n := sbx.RequestCount(balanceRoute); n < 3 {
		t.Fatalf("%d balance requests, want at least 3 (two 503s, then the answer)", n)
	}
}

// Fewer retries than 503s that do not ask to wait (no Retry-After, so they
// are failures, not pacing): the read fails after exactly max_retries + 1
// attempts, with the platform's status and message, and the hint names
// max_retries. max_retries = 0 means one attempt.
func TestAccProviderConfig_maxRetriesExhausted(t *testing.T) {
	for _, tc := range []struct {
		maxRetries, faults int
		words              []string // after the platform's message
	}{
		{maxRetries: 1, faults: 2, words: []string{"The", "request", "was", "sent", "2", "times", "max_retries"}},
		{maxRetries: 0, faults: 1, words: []string{"max_retries"}},
	} {
		t.Run(fmt.Sprintf("max_retries=%d", tc.maxRetries), func(t *testing.T) {
			sbx := newTestSandbox(t, sandbox.Options{})
			sbx.addFault(t, map[string]any{"route": balanceRoute, "status": 503, "count": tc.faults})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: sbx.ledgerConfigRetries(tc.maxRetries),
					ExpectError: errorWords(append([]string{"Unable to read the ledger balance", "503 Service Unavailable",
						"injected", "fault", "(sandbox", "fault", "rule", "1)"}, tc.words...)...),
				}},
			})
			if n := sbx.RequestCount(balanceRoute); n != int64(tc.maxRetries+1) {
				t.Fatalf("max_retries = %d sent %d balance requests, want %d", tc.maxRetries, n, tc.maxRetries+1)
			}
		})
	}
}

// A run of 429s longer than max_retries is waited out: a 429 is the platform
// pacing its clients, with a budget five times max_retries.
func TestAccProviderConfig_rateLimitIsWaitedOut(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	sbx.addFault(t, map[string]any{"route": balanceRoute, "status": 429, "retry_after_s": 0, "count": 6})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:            sbx.ledgerConfigRetries(2),
			ConfigStateChecks: seedBalanceIsRead(),
		}},
	})
	if n := sbx.RequestCount(balanceRoute); n < 7 {
		t.Fatalf("%d balance requests, want at least 7 (six 429s, then the answer)", n)
	}
}
