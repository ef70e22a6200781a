// Command launcher is what the benchmark harness points Terraform at in
// place of a provider plugin: it runs the real provider and reports the
// provider's CPU time and peak memory (see package rusage).
package main

import (
	"os"

	"github.com/livechat-tf/terraform-provider-livechat/cmd/livechat-bench/rusage"
)

func main() { os.Exit(rusage.Launch()) }
