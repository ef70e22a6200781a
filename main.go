// Command terraform-provider-livechat is the Terraform provider for the
// LiveChat (Text) billing platform.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/livechat-tf/terraform-provider-livechat/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var (
	version = "dev"
	commit  = ""
)

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	opts := providerserver.ServeOpts{
		Address:         "registry.terraform.io/livechat-tf/livechat",
		Debug:           debug,
		ProtocolVersion: 6,
	}
	_ = commit
	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err.Error())
	}
}
