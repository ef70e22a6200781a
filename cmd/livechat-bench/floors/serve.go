package floors

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

// Serve runs a floor provider as a Terraform plugin over the store whose
// address is in EnvStoreURL. quiet is the livechat provider's own log
// default: the floors serve as it does, so that the comparison is of the
// work a provider does, not of logs nobody reads.
func Serve(quiet func() error, newProvider func(Store) func() provider.Provider) {
	if err := quiet(); err != nil {
		log.Fatal(err.Error())
	}
	store := NewHTTPStore(os.Getenv(EnvStoreURL))
	opts := providerserver.ServeOpts{Address: "registry.terraform.io/livechat-tf/livechat", ProtocolVersion: 6}
	if err := providerserver.Serve(context.Background(), newProvider(store), opts); err != nil {
		log.Fatal(err.Error())
	}
}
