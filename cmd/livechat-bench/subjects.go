package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/livechat-tf/terraform-provider-livechat/cmd/livechat-bench/floors"
)

// The providers the harness measures, in the order it alternates them.
const (
	subjectLivechat   = "livechat"
	subjectMinimal    = "minimal"
	subjectSameSchema = "same-schema"
)

// subject is one provider under measurement: its binary, the environment
// it needs, the configuration of n objects it manages and the API whose
// calls are counted.
type subject struct {
	name   string
	binary string
	env    []string
	config func(n int) string
	// clear empties the API before a repetition's apply.
	clear      func(ctx context.Context) error
	resetCalls func(ctx context.Context) error
	calls      func(ctx context.Context) (int64, error)
}

// subjects returns the three providers: ours against the sandbox, the two
// floors against the harness's in-memory store.
func subjects(bins binaries, sb *sandboxProc, store *floors.MemStore, storeURL string) []subject {
	livechat := subject{
		name:   subjectLivechat,
		binary: bins.provider,
		env: []string{
			"LIVECHAT_API_URL=" + sb.url,
			"LIVECHAT_ACCESS_TOKEN=sandbox-access-token",
			"LIVECHAT_PARTNER_TOKEN=sandbox-partner-token",
			"LIVECHAT_PARTNER_PASSWORD=sandbox-partner-password",
		},
		config:     livechatConfig,
		clear:      sb.reset,
		resetCalls: sb.resetCalls,
		calls:      sb.calls,
	}
	floor := func(name, binary string, config func(int) string) subject {
		return subject{
			name:       name,
			binary:     binary,
			env:        []string{floors.EnvStoreURL + "=" + storeURL},
			config:     config,
			clear:      func(context.Context) error { store.Clear(); return nil },
			resetCalls: func(context.Context) error { store.ResetCalls(); return nil },
			calls:      func(context.Context) (int64, error) { return store.Calls(), nil },
		}
	}
	return []subject{
		livechat,
		floor(subjectMinimal, bins.minimal, minimalConfig),
		floor(subjectSameSchema, bins.sameSchema, livechatConfig),
	}
}

const requiredProviders = `terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}
`

// livechatConfig is n objects, half partner campaigns and half recurrent
// charges, with only their required arguments, as the issue measured.
func livechatConfig(n int) string {
	var b strings.Builder
	b.WriteString(requiredProviders)
	fmt.Fprintf(&b, `
resource "livechat_partner_campaign" "bench" {
  count = %d
  name  = "Bench campaign ${count.index}"
}

resource "livechat_recurrent_charge" "bench" {
  count      = %d
  name       = "Bench charge ${count.index}"
  price      = 1900
  return_url = "https://example.com/billing/done"
}
`, n/2, n-n/2)
	return b.String()
}

// minimalConfig is n items of the minimal floor.
func minimalConfig(n int) string {
	return requiredProviders + fmt.Sprintf(`
resource "livechat_item" "bench" {
  count = %d
  name  = "Bench item ${count.index}"
  size  = count.index
}
`, n)
}
