//go:build generate

// Package tools pins the developer tools (tfplugindocs, golangci-lint) in a
// module of their own, so that they stay out of the provider's go.mod, and
// holds the go:generate lines that `make generate` runs.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Write the reliability guide's fault and bad-input tables into its template
// first, from the scenarios the acceptance tests run; tfplugindocs renders
// the template into docs/. The command runs from the module's root (-C ..).
//go:generate go run -C .. ./internal/acctest/cmd/guide-tables

// Format the examples: tfplugindocs copies them into the docs verbatim.
//go:generate terraform fmt -recursive ../examples/

// Generate docs/ from the provider schema, templates/ and examples/. The
// provider name is given because tfplugindocs would otherwise guess it from
// the directory name.
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name ncloudimage
