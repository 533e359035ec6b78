// Package benchmark measures the provider against the in-process NCP API
// emulator: for N sharing resources of each resource type (member server
// images on XEN, server images on KVM, each with a configuration and images
// of its own) it times terraform's create, no-change plan, 10% update and
// destroy, counts the API calls of each, tracks the provider process's peak
// memory, and compares the times with the same N of terraform_data
// resources (Terraform alone, the floor), of a no-op framework provider's
// resources (cmd/noop-provider: what Terraform and the framework cost any
// provider) and of a per-call provider's resources (cmd/percall-provider:
// the member resource written the usual way, one API call per read, on the
// same images). It also runs each resource type in a large region, among
// thousands of images that no resource manages. Report.Markdown renders the
// results and the targets as markdown; Report.WritePlot draws the times
// against N.
//
// The provider is run as terraform runs it in production: a separate
// process found through a dev_overrides CLI configuration, so no
// `terraform init` and no registry are involved; package acctest builds it,
// writes that configuration and runs terraform. cmd/bench is the command
// behind `make bench`. TestCallCountTargets (internal/provider) asserts the
// call-count targets through the Runner.
//
// The two reference providers live in packages noop and percall, served by
// cmd/noop-provider and cmd/percall-provider. Their resources have the
// member resource's schema and identity (TestReferenceSchemasMatchMemberResource):
// Terraform's local backend rewrites the whole state file after every
// resource it applies, so a reference that stored less state per resource
// would be faster for that alone.
package benchmark
