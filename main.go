// Command terraform-provider-livechat is the Terraform provider for the
// LiveChat (Text) billing platform.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	_ = commit
	srv, err := provider.NewProtocolServer(version)()
	if err != nil {
		log.Fatal(err.Error())
	}
	serve := func() tfprotov6.ProviderServer { return srv }
	if err := tf6server.Serve("registry.terraform.io/livechat-tf/"+providerName, serve, opts...); err != nil {
		log.Fatal(err.Error())
	}
}
