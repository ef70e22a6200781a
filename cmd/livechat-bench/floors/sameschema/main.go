// Command sameschema serves the same-schema floor provider of the
// benchmark harness (see package floors): the livechat provider's resource
// schemas over the store whose address is in LIVECHAT_BENCH_FLOOR_URL.
package main

import (
	"os"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/livechat-tf/terraform-provider-livechat/cmd/livechat-bench/floors"
	"github.com/livechat-tf/terraform-provider-livechat/internal/provider"
)

func main() {
	quiet := func() error { return provider.QuietLogsUnlessRequested("livechat", os.Environ(), os.Setenv) }
	floors.Serve(quiet, func(store floors.Store) func() fwprovider.Provider {
		return floors.SameSchema(store, provider.New("floor"))
	})
}
