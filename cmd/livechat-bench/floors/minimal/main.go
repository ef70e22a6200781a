// Command minimal serves the minimal floor provider of the benchmark
// harness (see package floors); the harness starts it through Terraform
// with the store's address in LIVECHAT_BENCH_FLOOR_URL.
package main

import (
	"os"

	"github.com/livechat-tf/terraform-provider-livechat/cmd/livechat-bench/floors"
	"github.com/livechat-tf/terraform-provider-livechat/internal/provider"
)

func main() {
	quiet := func() error { return provider.QuietLogsUnlessRequested("livechat", os.Environ(), os.Setenv) }
	floors.Serve(quiet, floors.Minimal)
}
