// Command terraform-provider-ncloudimage serves the ncloudimage Terraform
// provider over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var version = "dev"

// memoryLimit is the provider's soft heap limit, unless GOMEMLIMIT sets one:
// a plan over hundreds of resources allocates steadily, and without a limit
// the collector lets the heap grow to twice what is live.
const memoryLimit = 40 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/ncloudimage/ncloudimage",
		Debug:   debugMode,
	})
	if err != nil {
		log.Fatal(err)
	}
}
