// Command percall-provider is the benchmark's reference for what batching
// buys: a terraform-plugin-framework provider whose resource percall_sharing
// has the member server image sharing resource's arguments and is written
// the usual way, one API call per read and no batching. It calls the API
// through package ncloud, as ncloudimage does, so that signing, retries and
// HTTP cost the same; only the number and grouping of calls differ.
//
// Per resource: a create looks the image up in each of the plan walks of
// `terraform apply` (ModifyPlan), sets the sharing and reads it back; a
// refresh reads it; an update sets and reads back; a destroy sets the
// sharing to nobody. Its logs are off, as ncloudimage's are when Terraform
// keeps none.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// region is "": no regionCode, so the API's default region (KR), where the
// benchmark's images are and which ncloudimage uses when none is set.
const region = ""

func main() {
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_PERCALL"} {
		_ = os.Setenv(name, "off")
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return perCallProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/ncloudimage/percall"})
	if err != nil {
		log.Fatal(err)
	}
}

var (
	_ provider.Provider               = perCallProvider{}
	_ resource.ResourceWithConfigure  = &sharing{}
	_ resource.ResourceWithModifyPlan = &sharing{}
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

// sharing is percall_sharing.
type sharing struct{ client *ncloud.Client }

type model struct {
	No             types.String `tfsdk:"member_server_image_no"`
	SharedLoginIDs types.Set    `tfsdk:"shared_login_ids"`
	ShareStatus    types.String `tfsdk:"share_status"`
}

func (*sharing) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "percall_sharing"
}

func (*sharing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"member_server_image_no": schema.StringAttribute{
			Required:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"shared_login_ids": schema.SetAttribute{ElementType: types.StringType, Required: true},
		"share_status":     schema.StringAttribute{Computed: true},
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

// ModifyPlan checks that the image of a resource to create exists.
func (s *sharing) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return // a destroy, or a resource that exists
	}
	var no types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("member_server_image_no"), &no)...)
	if resp.Diagnostics.HasError() || no.IsUnknown() {
		return
	}
	img, err := s.lookup(ctx, no.ValueString())
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
	if !resp.Diagnostics.HasError() {
		s.write(ctx, plan, &resp.State, &resp.Diagnostics)
	}
}

func (s *sharing) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	img, err := s.lookup(ctx, state.No.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot read the image", err.Error())
	case img == nil:
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.Append(resp.State.Set(ctx, imageModel(ctx, state.No, img, &resp.Diagnostics))...)
	}
}

func (s *sharing) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !resp.Diagnostics.HasError() {
		s.write(ctx, plan, &resp.State, &resp.Diagnostics)
	}
}

// Delete shares the image with nobody.
func (s *sharing) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := s.client.SetMemberServerImageSharingPermission(ctx, region, state.No.ValueString(), nil); err != nil {
		resp.Diagnostics.AddError("Cannot stop sharing the image", err.Error())
	}
}

// write sets the planned sharing, then reads the image back into state, as
// a provider does that does not trust a write's answer.
func (s *sharing) write(ctx context.Context, plan model, state *tfsdk.State, diags *diag.Diagnostics) {
	var ids []string
	if diags.Append(plan.SharedLoginIDs.ElementsAs(ctx, &ids, false)...); diags.HasError() {
		return
	}
	no := plan.No.ValueString()
	if _, err := s.client.SetMemberServerImageSharingPermission(ctx, region, no, ids); err != nil {
		diags.AddError("Cannot share the image", err.Error())
		return
	}
	img, err := s.lookup(ctx, no)
	switch {
	case err != nil:
		diags.AddError("Cannot read the image back", err.Error())
	case img == nil:
		diags.AddError("The image is gone", fmt.Sprintf("Member server image %s disappeared after it was shared.", no))
	default:
		diags.Append(state.Set(ctx, imageModel(ctx, plan.No, img, diags))...)
	}
}

// lookup reads one image with one getMemberServerImageInstanceList call; nil
// when the API holds no such image.
func (s *sharing) lookup(ctx context.Context, no string) (*ncloud.MemberServerImage, error) {
	images, err := s.client.GetMemberServerImages(ctx, region, []string{no})
	if err != nil || len(images) == 0 {
		return nil, err
	}
	return &images[0], nil
}

func imageModel(ctx context.Context, no types.String, img *ncloud.MemberServerImage, diags *diag.Diagnostics) model {
	ids, d := types.SetValueFrom(ctx, types.StringType, img.SharedLoginIDs)
	diags.Append(d...)
	return model{No: no, SharedLoginIDs: ids, ShareStatus: types.StringValue(img.ShareStatus.Code)}
}
