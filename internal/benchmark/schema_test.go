package benchmark_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/benchmark/noop"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/benchmark/percall"
	ncloudimage "github.com/ncloudimage/terraform-provider-ncloudimage/internal/provider"
)

// The reference providers' resources have the member resource's schema and
// identity, as Terraform sees them: each resource then holds as much state,
// which Terraform rewrites after every resource it applies, so the
// benchmark compares how the providers read and not what they store.
func TestReferenceSchemasMatchMemberResource(t *testing.T) {
	want := resourceShape(t, ncloudimage.New("test")(), "ncloudimage_member_server_image_sharing_permission")
	for _, ref := range []struct {
		provider provider.Provider
		typeName string
	}{
		{noop.New(), "noop_member_server_image_sharing_permission"},
		{percall.New(), "percall_member_server_image_sharing_permission"},
	} {
		got := resourceShape(t, ref.provider, ref.typeName)
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n  %s\nwant the member resource's\n  %s", ref.typeName, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	}
}

// resourceShape lists a resource's attributes, blocks and identity
// attributes with their types and whether they are required, optional or
// computed: what Terraform stores of it, without descriptions.
func resourceShape(t *testing.T, p provider.Provider, typeName string) []string {
	t.Helper()
	server := providerserver.NewProtocol6(p)()
	schemas, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	s, ok := schemas.ResourceSchemas[typeName]
	if !ok {
		t.Fatalf("no resource %s among %v", typeName, slices.Sorted(maps.Keys(schemas.ResourceSchemas)))
	}
	shape := blockShape("", s.Block)
	identities, err := server.GetResourceIdentitySchemas(t.Context(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || len(identities.Diagnostics) > 0 {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, identities.Diagnostics)
	}
	if id, ok := identities.IdentitySchemas[typeName]; ok {
		for _, a := range id.IdentityAttributes {
			shape = append(shape, fmt.Sprintf("identity %s %s required-for-import=%t optional-for-import=%t",
				a.Name, a.Type, a.RequiredForImport, a.OptionalForImport))
		}
	}
	slices.Sort(shape)
	return shape
}

func blockShape(prefix string, b *tfprotov6.SchemaBlock) []string {
	var shape []string
	for _, a := range b.Attributes {
		shape = append(shape, fmt.Sprintf("%s%s %s required=%t optional=%t computed=%t sensitive=%t",
			prefix, a.Name, a.Type, a.Required, a.Optional, a.Computed, a.Sensitive))
	}
	for _, nb := range b.BlockTypes {
		shape = append(shape, fmt.Sprintf("%s%s block nesting=%s", prefix, nb.TypeName, nb.Nesting))
		shape = append(shape, blockShape(prefix+nb.TypeName+".", nb.Block)...)
	}
	return shape
}
