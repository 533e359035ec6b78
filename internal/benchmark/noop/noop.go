// Package noop is the benchmark's second floor: a provider built on
// terraform-plugin-framework, like ncloudimage, whose resource
// noop_member_server_image_sharing_permission has the member server image
// sharing resource's schema (its arguments, computed attributes, timeouts
// block and identity, so that Terraform stores as much state per resource)
// and does nothing (no API, no validation, Read keeps the state). Its times
// are what Terraform and the framework cost a provider per resource, before
// any API call.
package noop

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// New returns the provider; its address is registry.terraform.io/ncloudimage/noop.
func New() provider.Provider { return noopProvider{} }

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return sharing{} }}
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// sharing is noop_member_server_image_sharing_permission.
type sharing struct{}

var _ resource.ResourceWithIdentity = sharing{}

func (sharing) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "noop_member_server_image_sharing_permission"
}

func (sharing) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"member_server_image_no": schema.StringAttribute{
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"shared_login_ids": schema.SetAttribute{ElementType: types.StringType, Required: true},
			"share_status": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"region": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString("KR"),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (sharing) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"region":                 identityschema.StringAttribute{OptionalForImport: true},
		"member_server_image_no": identityschema.StringAttribute{RequiredForImport: true},
	}}
}

// Create stores the plan, with the image number as id and a share status.
func (sharing) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
	var no types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("member_server_image_no"), &no)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), no)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("share_status"), "SHARE")...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// Read keeps the state; the framework wants an identity after every read.
func (sharing) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	resp.Diagnostics.Append(setIdentity(ctx, req.State, resp.Identity)...)
}

func (sharing) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

func (sharing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// setIdentity sets the identity from the state's region and image number.
func setIdentity(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var no, region types.String
	diags := state.GetAttribute(ctx, path.Root("member_server_image_no"), &no)
	diags.Append(state.GetAttribute(ctx, path.Root("region"), &region)...)
	diags.Append(identity.SetAttribute(ctx, path.Root("region"), region)...)
	diags.Append(identity.SetAttribute(ctx, path.Root("member_server_image_no"), no)...)
	return diags
}
