// Command noop-provider serves the benchmark's no-op provider (package
// noop), the second floor. Its logs are off, as ncloudimage's are when Terraform
// keeps none, so that the two differ by their own work only.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/benchmark/noop"
)

func main() {
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_NOOP"} {
		_ = os.Setenv(name, "off")
	}
	err := providerserver.Serve(context.Background(), noop.New, providerserver.ServeOpts{Address: "registry.terraform.io/ncloudimage/noop"})
	if err != nil {
		log.Fatal(err)
	}
}
