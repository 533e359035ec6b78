package provider

import (
	"cmp"
	"context"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Resource identity (Terraform 1.12 and later): the region and the image
// number, from create, read and import alike.

func (k testKind) identity(region, no string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"region": knownvalue.StringExact(region), k.noAttr: knownvalue.StringExact(no)}
}

func TestAccSharingPermission_identity(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		a := env.loginIDs[0]
		region := "KR"
		if env.emu == nil {
			region = liveRegion()
		}
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{
				{
					Config:            env.sharingOf(k, no, a),
					ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(k.address(), k.identity(region, no))},
				},
				{ // import by identity, in an import block
					ResourceName:    k.address(),
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithResourceIdentity,
				},
				{ // and by ID, which sets the same identity
					ResourceName:    k.address(),
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithID,
					ImportStateId:   region + "/" + no,
				},
				{ // after a refresh (read)
					Config:            env.sharingOf(k, no, a),
					ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(k.address(), k.identity(region, no))},
				},
			},
		})
	})
}

// A state written by a provider version without identity gains it on the
// next refresh, and the plan shows no change.
func TestAccSharingPermission_identityAddedToOldState(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		a := env.loginIDs[0]
		region := "KR"
		if env.emu == nil {
			region = liveRegion()
		}
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
			Steps: []resource.TestStep{
				{
					ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
						"ncloudimage": func() (tfprotov6.ProviderServer, error) { return withoutIdentity{testServer()}, nil },
					},
					Config: env.sharingOf(k, no, a),
				},
				{
					ProtoV6ProviderFactories: testAccProviders,
					Config:                   env.sharingOf(k, no, a),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(k.address(), plancheck.ResourceActionNoop),
					}},
					ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(k.address(), k.identity(region, no))},
				},
			},
		})
	})
}

// liveRegion is the provider's region in live mode.
func liveRegion() string { return cmp.Or(os.Getenv("NCLOUD_REGION"), defaultRegion) }

// withoutIdentity is the provider as a version before identity was: no
// identity schemas, no identity in any answer.
type withoutIdentity struct {
	tfprotov6.ProviderServer
}

func (s withoutIdentity) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{}}, nil
}

func (s withoutIdentity) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (s withoutIdentity) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		resp.PlannedIdentity = nil
	}
	return resp, err
}

func (s withoutIdentity) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}
