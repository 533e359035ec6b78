// Command percall-provider serves the benchmark's per-call provider
// (package percall), the reference for what batching buys. Its logs are off, as ncloudimage's are when Terraform
// keeps none, so that the two differ by their own work only.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/benchmark/percall"
)

func main() {
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_PERCALL"} {
		_ = os.Setenv(name, "off")
	}
	err := providerserver.Serve(context.Background(), percall.New, providerserver.ServeOpts{Address: "registry.terraform.io/ncloudimage/percall"})
	if err != nil {
		log.Fatal(err)
	}
}
