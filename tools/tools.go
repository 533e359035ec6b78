// Copyright (c) The ncloudimage authors.
// SPDX-License-Identifier: MPL-2.0

//go:build generate

// Package tools pins the developer tools in their own module, so that they stay
// out of the provider's go.mod, and holds the go:generate lines for docs.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format Terraform code for use in documentation.
// If you do not have Terraform installed, you can remove the formatting command, but it is suggested
// to ensure the documentation is formatted properly.
//go:generate terraform fmt -recursive ../examples/

// Generate documentation.
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name ncloudimage
