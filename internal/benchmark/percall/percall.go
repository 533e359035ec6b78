// Package percall is the benchmark's reference for what batching
// buys: a terraform-plugin-framework provider whose resource
// percall_member_server_image_sharing_permission has the member server image
// sharing resource's schema (its arguments, computed attributes, timeouts
// block and identity, so that Terraform stores and rewrites as much state
// per resource) and is written the usual way, one API call per read and no
// batching. It calls the API through package ncloud, as ncloudimage does, so
// that signing, retries and HTTP cost the same; only the number and grouping
// of calls differ.
//
// Per resource: a create looks the image up in each of the plan walks of
// `terraform apply` (ModifyPlan), sets the sharing and reads it back; a
// refresh reads it; an update sets and reads back; a destroy sets the
// sharing to nobody.
package percall

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// defaultRegion is the region of a resource that sets none: the API's
// default, where the benchmark's images are, as ncloudimage's provider
// region defaults to.
const defaultRegion = "KR"

// defaultTimeout bounds each operation of a resource without a timeouts
// block.
const defaultTimeout = 10 * time.Minute

var (
	imageNoPattern = regexp.MustCompile(`^[0-9]+$`)
	regionPattern  = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,9}$`)
)

// New returns the provider; its address is registry.terraform.io/ncloudimage/percall.
func New() provider.Provider { return perCallProvider{} }

var (
	_ provider.Provider               = perCallProvider{}
	_ resource.ResourceWithConfigure  = &sharing{}
	_ resource.ResourceWithModifyPlan = &sharing{}
	_ resource.ResourceWithIdentity   = &sharing{}
)

type perCallProvider struct{}

func (perCallProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "percall"
}

func (perCallProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

// Configure takes its settings from the variables the benchmark sets for
// ncloudimage.
func (perCallProvider) Configure(_ context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	client, err := ncloud.New(ncloud.Config{
		AccessKey: os.Getenv("NCLOUD_ACCESS_KEY"),
		SecretKey: os.Getenv("NCLOUD_SECRET_KEY"),
		BaseURL:   os.Getenv("NCLOUD_API_GW"),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the NCP API client", err.Error())
		return
	}
	resp.ResourceData = client
}

func (perCallProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &sharing{} }}
}

func (perCallProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// sharing is percall_member_server_image_sharing_permission.
type sharing struct{ client *ncloud.Client }

type model struct {
	ID             types.String   `tfsdk:"id"`
	No             types.String   `tfsdk:"member_server_image_no"`
	SharedLoginIDs types.Set      `tfsdk:"shared_login_ids"`
	ShareStatus    types.String   `tfsdk:"share_status"`
	Region         types.String   `tfsdk:"region"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

func (*sharing) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "percall_member_server_image_sharing_permission"
}

func (*sharing) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"member_server_image_no": schema.StringAttribute{
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(imageNoPattern, "must be digits")},
			},
			"shared_login_ids": schema.SetAttribute{ElementType: types.StringType, Required: true},
			"share_status": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"region": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region code")},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (*sharing) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"region":                 identityschema.StringAttribute{OptionalForImport: true},
		"member_server_image_no": identityschema.StringAttribute{RequiredForImport: true},
	}}
}

func (s *sharing) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	client, ok := req.ProviderData.(*ncloud.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("want *ncloud.Client, got %T", req.ProviderData))
		return
	}
	s.client = client
}

// ModifyPlan plans the default region, and checks that the image of a
// resource to create exists.
func (s *sharing) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // a destroy
	}
	var region types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("region"), &region)...)
	if region.IsUnknown() {
		region = types.StringValue(defaultRegion)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), region)...)
	}
	if !req.State.Raw.IsNull() {
		return // a resource that exists
	}
	var no types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("member_server_image_no"), &no)...)
	if resp.Diagnostics.HasError() || no.IsUnknown() {
		return
	}
	img, err := s.lookup(ctx, region.ValueString(), no.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(path.Root("member_server_image_no"), "Cannot look up the image", err.Error())
	case img == nil:
		resp.Diagnostics.AddAttributeError(path.Root("member_server_image_no"), "No such member server image",
			fmt.Sprintf("The API holds no member server image %s.", no.ValueString()))
	}
}

func (s *sharing) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	timeout, diags := plan.Timeouts.Create(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s.write(ctx, plan, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (s *sharing) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	timeout, diags := state.Timeouts.Read(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	img, err := s.lookup(ctx, state.Region.ValueString(), state.No.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot read the image", err.Error())
		return
	case img == nil:
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.Append(resp.State.Set(ctx, imageModel(ctx, state, img, &resp.Diagnostics))...)
	}
	// The framework wants an identity after every read, also one that
	// removes the resource.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state)...)
}

func (s *sharing) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	timeout, diags := plan.Timeouts.Update(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s.write(ctx, plan, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Delete shares the image with nobody.
func (s *sharing) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	timeout, diags := state.Timeouts.Delete(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := s.client.SetMemberServerImageSharingPermission(ctx, state.Region.ValueString(), state.No.ValueString(), nil); err != nil {
		resp.Diagnostics.AddError("Cannot stop sharing the image", err.Error())
	}
}

// write sets the planned sharing, then reads the image back into state, as
// a provider does that does not trust a write's answer.
func (s *sharing) write(ctx context.Context, plan model, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	var ids []string
	if diags.Append(plan.SharedLoginIDs.ElementsAs(ctx, &ids, false)...); diags.HasError() {
		return
	}
	region, no := plan.Region.ValueString(), plan.No.ValueString()
	if _, err := s.client.SetMemberServerImageSharingPermission(ctx, region, no, ids); err != nil {
		diags.AddError("Cannot share the image", err.Error())
		return
	}
	img, err := s.lookup(ctx, region, no)
	switch {
	case err != nil:
		diags.AddError("Cannot read the image back", err.Error())
	case img == nil:
		diags.AddError("The image is gone", fmt.Sprintf("Member server image %s disappeared after it was shared.", no))
	default:
		diags.Append(state.Set(ctx, imageModel(ctx, plan, img, diags))...)
		diags.Append(setIdentity(ctx, identity, plan)...)
	}
}

// lookup reads one image with one getMemberServerImageInstanceList call; nil
// when the API holds no such image.
func (s *sharing) lookup(ctx context.Context, region, no string) (*ncloud.MemberServerImage, error) {
	images, err := s.client.GetMemberServerImages(ctx, region, []string{no})
	if err != nil || len(images) == 0 {
		return nil, err
	}
	return &images[0], nil
}

// imageModel is m with what the API says of the image.
func imageModel(ctx context.Context, m model, img *ncloud.MemberServerImage, diags *diag.Diagnostics) model {
	ids, d := types.SetValueFrom(ctx, types.StringType, img.SharedLoginIDs)
	diags.Append(d...)
	m.ID, m.SharedLoginIDs, m.ShareStatus = m.No, ids, types.StringValue(img.ShareStatus.Code)
	return m
}

func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m model) diag.Diagnostics {
	if identity == nil { // Terraform before 1.12
		return nil
	}
	diags := identity.SetAttribute(ctx, path.Root("region"), m.Region)
	diags.Append(identity.SetAttribute(ctx, path.Root("member_server_image_no"), m.No)...)
	return diags
}
