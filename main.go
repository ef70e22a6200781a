// Command terraform-provider-livechat is the Terraform provider for the
// LiveChat (Text) billing platform.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/livechat-tf/terraform-provider-livechat/internal/provider"
)

// providerName is the provider's name in its registry address.
const providerName = "livechat"

// version is set by the release build (goreleaser ldflags).
var (
	version = "dev"
	commit  = ""
)

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	// In debug mode the developer reads the plugin's stderr directly, so
	// only a plugin started by Terraform quiets the logs nobody asked for.
	if !debug {
		if err := provider.QuietLogsUnlessRequested(providerName, os.Environ(), os.Setenv); err != nil {
			log.Fatal(err.Error())
		}
	}
	opts := providerserver.ServeOpts{
		Address:         "registry.terraform.io/livechat-tf/" + providerName,
		Debug:           debug,
		ProtocolVersion: 6,
	}
	_ = commit
	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err.Error())
	}
}
