// Command sameschema serves the same-schema floor provider of the
// benchmark harness (see package floors): the livechat provider's resource
// schemas over the store whose address is in LIVECHAT_BENCH_FLOOR_URL.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/livechat-tf/terraform-provider-livechat/cmd/livechat-bench/floors"
	"github.com/livechat-tf/terraform-provider-livechat/internal/provider"
)

func main() {
	// The floors serve as the provider serves, so that the comparison
	// is of the work a provider does, not of logs nobody reads.
	if err := provider.QuietLogsUnlessRequested("livechat", os.Environ(), os.Setenv); err != nil {
		log.Fatal(err.Error())
	}
	store := floors.NewHTTPStore(os.Getenv(floors.EnvStoreURL))
	opts := providerserver.ServeOpts{Address: "registry.terraform.io/livechat-tf/livechat", ProtocolVersion: 6}
	if err := providerserver.Serve(context.Background(), floors.SameSchema(store, provider.New("floor")), opts); err != nil {
		log.Fatal(err.Error())
	}
}
