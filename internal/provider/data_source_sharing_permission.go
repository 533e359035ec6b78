package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/loginid"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// One data source implementation reads the sharing of either image kind,
// for configurations that only read: a consumer's pipeline checks that it
// has access, a policy check lists who can launch a golden image.

var _ datasource.DataSourceWithConfigure = (*sharingDataSource[memberDataModel])(nil)

// sharingDataModel is the data sources' model without tags (see
// sharingModel).
type sharingDataModel struct {
	ID             types.String
	No             types.String
	Region         types.String
	SharedLoginIDs types.Set
	ShareStatus    types.String
	Name           types.String
	Status         types.String
	Hypervisor     types.String
}

type sharingDataSource[M memberDataModel | serverDataModel] struct {
	kind imageKind
	data *providerData
}

func (d *sharingDataSource[M]) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = d.kind.typeName()
}

func (d *sharingDataSource[M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	noun := d.kind.noun()
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Reads whom a %s is shared with, and the image's name, status and hypervisor. "+
			"Use it where a configuration only reads: to check that a login has access, or to list who can launch an image.", noun),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The %s number.", noun),
				Computed:            true,
			},
			d.kind.noAttribute(): schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Number of the %s (digits).", noun),
				Required:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(imageNoPattern, fmt.Sprintf("must be a %s number (digits only)", noun)),
				},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region code of the image. Defaults to the provider's region.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{regionValidator()},
			},
			"shared_login_ids": schema.SetAttribute{
				MarkdownDescription: "The NCP login IDs the image is shared with, as NCP returns them (one spelling per login).",
				Computed:            true,
				ElementType:         loginid.Type{},
			},
			"share_status": schema.StringAttribute{
				MarkdownDescription: "The API's share status code: `SHARE` while shared, `NULL` when shared with nobody.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The image's name.",
				Computed:            true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The image's status code: `INIT` while being created, `CREAT` when ready, `CREFL` when its creation failed.",
				Computed:            true,
			},
			"hypervisor": schema.StringAttribute{
				MarkdownDescription: "The image's hypervisor: `XEN` or `KVM`.",
				Computed:            true,
			},
		},
	}
}

func (d *sharingDataSource[M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *sharingDataSource[M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	model := sharingDataModel(m)
	if model.Region.IsNull() {
		model.Region = types.StringValue(d.data.region)
	}
	k := ncloud.ImageKey{Region: model.Region.ValueString(), No: model.No.ValueString()}
	img, err := d.kind.get(ctx, d.data, k)
	if errors.Is(err, ncloud.ErrNotFound) {
		resp.Diagnostics.Append(d.kind.dataMissing(ctx, d.data, k, path.Root(d.kind.noAttribute()))...)
		return
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(d.kind.noAttribute()), fmt.Sprintf("Cannot read %s %s", d.kind.noun(), k.No), errorDetail(err))
		return
	}
	ids, _ := loginid.Settle(nil, img.SharedLoginIDs)
	set, diags := loginid.SetOf(ctx, ids)
	resp.Diagnostics.Append(diags...)
	model.ID = model.No
	model.SharedLoginIDs = set
	model.ShareStatus = types.StringValue(img.ShareStatus)
	model.Name = types.StringValue(img.Name)
	model.Status = types.StringValue(img.Status.Code)
	model.Hypervisor = types.StringValue(img.Hypervisor)
	resp.Diagnostics.Append(resp.State.Set(ctx, M(model))...)
}

// notFoundDiag is the error of a number that no image of the kind has.
func notFoundDiag(noun, attribute string, k ncloud.ImageKey, at path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeError(at, fmt.Sprintf("%s %s not found", capitalized(noun), k.No),
		fmt.Sprintf("No %s numbered %s exists in region %s. Check %s and region.", noun, k.No, k.Region, attribute))
	return diags
}
