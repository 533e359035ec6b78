package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/loginid"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// One list resource implementation serves `terraform query` (Terraform 1.14
// and later) for both resource types: it finds the region's images of the
// kind that are shared by hand, so that -generate-config-out writes their
// import and resource blocks.

var _ list.ListResourceWithConfigure = (*sharingListResource[memberModel])(nil)

type sharingListResource[M memberModel | serverModel] struct {
	kind imageKind
	data *providerData
}

type sharingListModel struct {
	Region          types.String `tfsdk:"region"`
	IncludeUnshared types.Bool   `tfsdk:"include_unshared"`
	NameRegex       types.String `tfsdk:"name_regex"`
}

func (l *sharingListResource[M]) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = l.kind.typeName()
}

func (l *sharingListResource[M]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("Finds the %ss of a region that are shared with at least one login, for `terraform query`.", l.kind.noun()),
		Attributes: map[string]listschema.Attribute{
			"region": listschema.StringAttribute{
				MarkdownDescription: "Region code to list. Defaults to the provider's region.",
				Optional:            true,
				Validators:          []validator.String{regionValidator()},
			},
			"include_unshared": listschema.BoolAttribute{
				MarkdownDescription: "Also list images shared with nobody. Default `false`.",
				Optional:            true,
			},
			"name_regex": listschema.StringAttribute{
				MarkdownDescription: "Only images whose name matches this regular expression (Go syntax, RE2).",
				Optional:            true,
				Validators:          []validator.String{validRegex{}},
			},
		},
	}
}

func (l *sharingListResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// List enumerates with paged list calls; an error ends the stream with a
// diagnostic, never with a silently short list.
func (l *sharingListResource[M]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg sharingListModel
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	region := l.data.region
	if !cfg.Region.IsNull() {
		region = cfg.Region.ValueString()
	}
	var name *regexp.Regexp
	if !cfg.NameRegex.IsNull() {
		name = regexp.MustCompile(cfg.NameRegex.ValueString()) // validated
	}
	images, err := l.kind.list(ctx, l.data, region)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError(fmt.Sprintf("Cannot list the %ss of region %s", l.kind.noun(), region), errorDetail(err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		var n int64
		for _, img := range images {
			if (len(img.SharedLoginIDs) == 0 && !cfg.IncludeUnshared.ValueBool()) || (name != nil && !name.MatchString(img.Name)) {
				continue
			}
			if req.Limit > 0 && n >= req.Limit {
				return
			}
			n++
			if !push(l.result(ctx, req, ncloud.ImageKey{Region: region, No: img.No}, img)) {
				return
			}
		}
	}
}

// result is one image as a list result: its identity, a name a person
// recognises, and, when asked for, the resource object that an import of
// it would read.
func (l *sharingListResource[M]) result(ctx context.Context, req list.ListRequest, k ncloud.ImageKey, img *sharedImage) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = fmt.Sprintf("%s (%s)", img.Name, img.No)
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("region"), k.Region)...)
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(l.kind.noAttribute()), k.No)...)
	if !req.IncludeResource {
		return result
	}
	m := sharingModel{
		ID: types.StringValue(k.No), No: types.StringValue(k.No), Region: types.StringValue(k.Region),
		SharedLoginIDs: types.SetNull(loginid.Type{}),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
			"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
		})},
	}
	_, diags := setFromImage(ctx, &m, img)
	result.Diagnostics.Append(diags...)
	result.Diagnostics.Append(result.Resource.Set(ctx, M(m))...)
	return result
}

// validRegex rejects a regular expression that does not compile.
type validRegex struct{}

func (validRegex) Description(context.Context) string {
	return "must be a valid regular expression (RE2)"
}

func (v validRegex) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (validRegex) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression", fmt.Sprintf("name_regex: %s.", err))
	}
}
