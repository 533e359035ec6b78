package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// The member server image sharing resource: XEN "my server images",
// shared through setMemberServerImageSharingPermission, which replaces the
// whole set in one call. Everything else is sharing_permission.go.

func newMemberSharingResource() resource.Resource {
	return &sharingPermissionResource[memberModel]{kind: memberKind{}}
}

type memberModel struct {
	ID             types.String   `tfsdk:"id"`
	No             types.String   `tfsdk:"member_server_image_no"`
	SharedLoginIDs types.Set      `tfsdk:"shared_login_ids"`
	ShareStatus    types.String   `tfsdk:"share_status"`
	Region         types.String   `tfsdk:"region"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

type memberDataModel struct {
	ID             types.String `tfsdk:"id"`
	No             types.String `tfsdk:"member_server_image_no"`
	Region         types.String `tfsdk:"region"`
	SharedLoginIDs types.Set    `tfsdk:"shared_login_ids"`
	ShareStatus    types.String `tfsdk:"share_status"`
	Name           types.String `tfsdk:"name"`
	Status         types.String `tfsdk:"status"`
	Hypervisor     types.String `tfsdk:"hypervisor"`
}

func newMemberSharingListResource() list.ListResource {
	return &sharingListResource[memberModel]{kind: memberKind{}}
}

func newMemberSharingDataSource() datasource.DataSource {
	return &sharingDataSource[memberDataModel]{kind: memberKind{}}
}

type memberKind struct{}

func (memberKind) typeName() string    { return "ncloudimage_member_server_image_sharing_permission" }
func (memberKind) noAttribute() string { return "member_server_image_no" }
func (memberKind) noun() string        { return "member server image" }

func (memberKind) description() string {
	return "Manages the exact set of NCP login IDs a member server image (a XEN \"my server image\") is shared with. " +
		"The resource is authoritative: it removes logins that were added outside Terraform. " +
		"KVM images are rejected at plan time, as the member server image API does not support them: share them with `ncloudimage_server_image_sharing_permission`."
}

func (memberKind) get(ctx context.Context, d *providerData, k ncloud.ImageKey) (*sharedImage, error) {
	return readShared(ctx, d.memberImages, k, memberImage)
}

func (memberKind) changing(d *providerData, k ncloud.ImageKey) { d.memberImages.Changing(k) }

func (memberKind) recent(d *providerData, k ncloud.ImageKey) (*sharedImage, bool) {
	return recentShared(d.memberImages, k, memberImage)
}

func (memberKind) list(ctx context.Context, d *providerData, region string) ([]*sharedImage, error) {
	images, err := d.client.ListMemberServerImages(ctx, region)
	return views(images, err, memberImage)
}

// check rejects a failed image, and explains a number the member server
// image API does not hold: KVM images live only in the server image API.
func (memberKind) check(ctx context.Context, d *providerData, k ncloud.ImageKey, img *sharedImage, err error, at path.Path) (missing bool, diags diag.Diagnostics) {
	no := k.No
	switch {
	case err == nil && img.Status.Code == ncloud.StatusFailed:
		diags.AddAttributeError(at, fmt.Sprintf("Member server image %s failed to create", no),
			fmt.Sprintf("NCP reports the image %q in status %s (%s): it cannot be shared. Create the image again and use its new number.",
				img.Name, img.Status.Code, img.Status.CodeName))
		return false, diags
	case err == nil:
		return false, diags
	case !errors.Is(err, ncloud.ErrNotFound):
		diags.AddAttributeError(at, fmt.Sprintf("Cannot look up member server image %s", no), errorDetail(err))
		return false, diags
	}

	serverImage, err := d.client.GetServerImage(ctx, k.Region, no)
	switch {
	case err == nil && serverImage.Hypervisor.Code == ncloud.HypervisorKVM:
		diags.AddAttributeError(at, fmt.Sprintf("Server image %s is a KVM image", no),
			fmt.Sprintf("The image %s (%q) runs on KVM, which member server image sharing (setMemberServerImageSharingPermission) "+
				"does not support. Share it with %s, which uses the server image API (addServerImageSharingPermission / "+
				"removeServerImageSharingPermission): change the resource type and the image number's attribute, and keep the rest:\n\n"+
				"  resource \"%s\" \"...\" {\n    %s = \"%s\"\n\n"+
				"instead of\n\n"+
				"  resource \"%s\" \"...\" {\n    %s = \"%s\"",
				no, serverImage.Name, serverKind{}.typeName(),
				serverKind{}.typeName(), serverKind{}.noAttribute(), no,
				memberKind{}.typeName(), memberKind{}.noAttribute(), no))
	case err == nil:
		diags.AddAttributeError(at, fmt.Sprintf("Server image %s is not a member server image", no),
			fmt.Sprintf("The image %s (%q, hypervisor %s) exists in the server image API but not in the member server image API, "+
				"so member server image sharing cannot manage it.", no, serverImage.Name, serverImage.Hypervisor.Code))
	case errors.Is(err, ncloud.ErrNotFound):
		missing = true
		diags.Append(notFoundDiag(memberKind{}.noun(), memberKind{}.noAttribute(), k, at)...)
	default:
		diags.AddAttributeError(at, fmt.Sprintf("Cannot look up server image %s", no), errorDetail(err))
	}
	return missing, diags
}

// dataMissing says which data source reads a KVM image.
func (m memberKind) dataMissing(ctx context.Context, d *providerData, k ncloud.ImageKey, at path.Path) diag.Diagnostics {
	serverImage, err := d.client.GetServerImage(ctx, k.Region, k.No)
	if err == nil && serverImage.Hypervisor.Code == ncloud.HypervisorKVM {
		var diags diag.Diagnostics
		diags.AddAttributeError(at, fmt.Sprintf("Server image %s is a KVM image", k.No),
			fmt.Sprintf("The image %s (%q) runs on KVM, and the member server image API holds XEN images only. "+
				"Read its sharing with data \"%s\", whose %s = \"%s\".", k.No, serverImage.Name, serverKind{}.typeName(), serverKind{}.noAttribute(), k.No))
		return diags
	}
	return notFoundDiag(m.noun(), m.noAttribute(), k, at)
}

// write replaces the whole set in one call, whose answer shows the image.
func (memberKind) write(ctx context.Context, d *providerData, k ncloud.ImageKey, ids []string) (*sharedImage, error) {
	img, err := d.client.SetMemberServerImageSharingPermission(ctx, k.Region, k.No, ids)
	if err != nil || img == nil {
		return nil, err
	}
	return memberImage(img), nil
}

func memberImage(img *ncloud.MemberServerImage) *sharedImage {
	// The member server image API holds XEN images only, and has no
	// hypervisor field.
	return &sharedImage{No: img.InstanceNo, Name: img.Name, Status: img.Status, Hypervisor: ncloud.HypervisorXEN, Type: ncloud.ServerImageTypeSelf,
		ShareStatus: img.ShareStatus.Code, SharedLoginIDs: img.SharedLoginIDs}
}
