// Command terraform-provider-ncloudimage serves the ncloudimage Terraform
// provider over plugin protocol 6.
package main

import (
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/contextleak"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var version = "dev"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		// In debug mode the logs go to this process's own standard error.
		logAtTerraformsLevel(os.Getenv, os.Setenv)
	}
	server := contextleak.Wrap(providerserver.NewProtocol6(provider.New(version)()))
	err := tf6server.Serve("registry.terraform.io/ncloudimage/ncloudimage", server, opts...)
	if err != nil {
		log.Fatal(err)
	}
}

// logAtTerraformsLevel sets the level of the SDK's and the provider's
// loggers, unless the user set them, to the level at which Terraform keeps
// this provider's logs. terraform-plugin-log otherwise formats every line at
// TRACE and sends it to Terraform, which drops them all unless TF_LOG or
// TF_LOG_PROVIDER is set: in a plan of 500 resources that formatting was
// half of the provider's CPU time.
func logAtTerraformsLevel(getenv func(string) string, setenv func(string, string) error) {
	level := terraformProviderLogLevel(getenv)
	// TF_LOG_SDK also sets the SDK's subsystems (TF_LOG_SDK_PROTO,
	// TF_LOG_SDK_FRAMEWORK) that are not set themselves.
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_NCLOUDIMAGE"} {
		if getenv(name) == "" {
			_ = setenv(name, level)
		}
	}
}

// terraformProviderLogLevel is the level at which Terraform records provider
// logs: TF_LOG_PROVIDER, else TF_LOG; unset is OFF, and JSON or a value
// Terraform does not know is TRACE.
func terraformProviderLogLevel(getenv func(string) string) string {
	level := strings.ToUpper(getenv("TF_LOG_PROVIDER"))
	if level == "" {
		level = strings.ToUpper(getenv("TF_LOG"))
	}
	switch level {
	case "":
		return "OFF"
	case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF":
		return level
	default:
		return "TRACE"
	}
}
