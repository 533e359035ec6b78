package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

type memberKind struct{}

func (memberKind) typeName() string    { return "ncloudimage_member_server_image_sharing_permission" }
func (memberKind) noAttribute() string { return "member_server_image_no" }
func (memberKind) noun() string        { return "member server image" }

func (memberKind) description() string {
	return "Manages the exact set of NCP login IDs a member server image (a XEN \"my server image\") is shared with. " +
		"The resource is authoritative: it removes logins that were added outside Terraform. " +
		"KVM images are rejected at plan time, as the member server image API does not support them."
}

func (memberKind) get(ctx context.Context, d *providerData, k ncloud.ImageKey) (*sharedImage, error) {
	img, err := d.memberImages.Get(ctx, k)
	if err != nil {
		return nil, err
	}
	return memberImage(img), nil
}

func (memberKind) recent(d *providerData, k ncloud.ImageKey) (*sharedImage, bool) {
	img, ok := d.memberImages.Recent(k)
	if !ok {
		return nil, false
	}
	return memberImage(img), true
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
			fmt.Sprintf("The image %s (%q) runs on KVM. KVM images are not supported by member server image sharing "+
				"(setMemberServerImageSharingPermission). Share KVM images through the server image API "+
				"(addServerImageSharingPermission / removeServerImageSharingPermission) instead.", no, serverImage.Name))
	case err == nil:
		diags.AddAttributeError(at, fmt.Sprintf("Server image %s is not a member server image", no),
			fmt.Sprintf("The image %s (%q, hypervisor %s) exists in the server image API but not in the member server image API, "+
				"so member server image sharing cannot manage it.", no, serverImage.Name, serverImage.Hypervisor.Code))
	case errors.Is(err, ncloud.ErrNotFound):
		missing = true
		diags.AddAttributeError(at, fmt.Sprintf("Member server image %s not found", no),
			fmt.Sprintf("No image numbered %s exists in region %s. Check member_server_image_no and region.", no, k.Region))
	default:
		diags.AddAttributeError(at, fmt.Sprintf("Cannot look up server image %s", no), errorDetail(err))
	}
	return missing, diags
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
	return &sharedImage{No: img.InstanceNo, Name: img.Name, Status: img.Status, ShareStatus: img.ShareStatus.Code, SharedLoginIDs: img.SharedLoginIDs}
}
