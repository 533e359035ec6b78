package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/loginid"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// The server image sharing resource: images of NCP's newer server image
// API, KVM ones in particular, shared with addServerImageSharingPermission
// and removeServerImageSharingPermission (there is no "set"). XEN images
// belong to the member resource: one resource type per hypervisor keeps one
// owner per image. Everything else is sharing_permission.go.

func newServerSharingResource() resource.Resource {
	return &sharingPermissionResource[serverModel]{kind: serverKind{}}
}

type serverModel struct {
	ID             types.String   `tfsdk:"id"`
	No             types.String   `tfsdk:"server_image_no"`
	SharedLoginIDs types.Set      `tfsdk:"shared_login_ids"`
	ShareStatus    types.String   `tfsdk:"share_status"`
	Region         types.String   `tfsdk:"region"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

type serverDataModel struct {
	ID             types.String `tfsdk:"id"`
	No             types.String `tfsdk:"server_image_no"`
	Region         types.String `tfsdk:"region"`
	SharedLoginIDs types.Set    `tfsdk:"shared_login_ids"`
	ShareStatus    types.String `tfsdk:"share_status"`
	Name           types.String `tfsdk:"name"`
	Status         types.String `tfsdk:"status"`
	Hypervisor     types.String `tfsdk:"hypervisor"`
}

func newServerSharingListResource() list.ListResource {
	return &sharingListResource[serverModel]{kind: serverKind{}}
}

func newServerSharingDataSource() datasource.DataSource {
	return &sharingDataSource[serverDataModel]{kind: serverKind{}}
}

type serverKind struct{}

func (serverKind) typeName() string    { return "ncloudimage_server_image_sharing_permission" }
func (serverKind) noAttribute() string { return "server_image_no" }
func (serverKind) noun() string        { return "server image" }

func (serverKind) description() string {
	return "Manages the exact set of NCP login IDs a server image of the account (a KVM \"my server image\") is shared with, " +
		"through the server image API. The resource is authoritative: it removes logins that were added outside Terraform. " +
		"XEN images are rejected at plan time: share them with `ncloudimage_member_server_image_sharing_permission`."
}

func (serverKind) get(ctx context.Context, d *providerData, k ncloud.ImageKey) (*sharedImage, error) {
	return readShared(ctx, d.serverImages, k, serverImage)
}

func (serverKind) changing(d *providerData, k ncloud.ImageKey) { d.serverImages.Changing(k) }

func (serverKind) recent(d *providerData, k ncloud.ImageKey) (*sharedImage, bool) {
	return recentShared(d.serverImages, k, serverImage)
}

// list reads the account's own images (type SELF) of the server image
// API but XEN ones, which belong to the member resource.
func (serverKind) list(ctx context.Context, d *providerData, region string) ([]*sharedImage, error) {
	images, err := d.client.ListServerImages(ctx, region, ncloud.ServerImageTypeSelf)
	images = slices.DeleteFunc(images, func(img ncloud.ServerImage) bool { return img.Hypervisor.Code == ncloud.HypervisorXEN })
	return views(images, err, serverImage)
}

// check rejects what this resource type cannot share: NCP's public images,
// XEN images (the member resource's), and images that failed or are going
// away. A number the server image API does not hold is missing.
func (serverKind) check(_ context.Context, _ *providerData, k ncloud.ImageKey, img *sharedImage, err error, at path.Path) (missing bool, diags diag.Diagnostics) {
	no := k.No
	switch {
	case errors.Is(err, ncloud.ErrNotFound):
		return true, notFoundDiag(serverKind{}.noun(), serverKind{}.noAttribute(), k, at)
	case err != nil:
		diags.AddAttributeError(at, fmt.Sprintf("Cannot look up server image %s", no), errorDetail(err))
	case img.Type != ncloud.ServerImageTypeSelf:
		diags.AddAttributeError(at, fmt.Sprintf("Server image %s is an NCP public image", no),
			fmt.Sprintf("The image %s (%q) is one of NCP's own images (type %s), which every account can use already: "+
				"only images of this account (type %s) can be shared. Check server_image_no.", no, img.Name, img.Type, ncloud.ServerImageTypeSelf))
	case img.Hypervisor == ncloud.HypervisorXEN:
		diags.AddAttributeError(at, fmt.Sprintf("Server image %s is a XEN image", no),
			fmt.Sprintf("The image %s (%q) runs on XEN. XEN images are shared with %s, so that one resource type per hypervisor "+
				"keeps one owner per image: change the resource type and the image number's attribute, and keep the rest:\n\n"+
				"  resource \"%s\" \"...\" {\n    %s = \"%s\"\n\n"+
				"instead of\n\n"+
				"  resource \"%s\" \"...\" {\n    %s = \"%s\"",
				no, img.Name, memberKind{}.typeName(),
				memberKind{}.typeName(), memberKind{}.noAttribute(), no,
				serverKind{}.typeName(), serverKind{}.noAttribute(), no))
	case img.Status.Code != ncloud.StatusInit && img.Status.Code != ncloud.StatusCreated:
		diags.AddAttributeError(at, fmt.Sprintf("Server image %s cannot be shared in status %s", no, img.Status.Code),
			fmt.Sprintf("NCP reports the image %q in status %s (%s): it failed to create or is being deleted, and cannot be shared. "+
				"Use the number of an image in status %s.", img.Name, img.Status.Code, img.Status.CodeName, ncloud.StatusCreated))
	}
	return false, diags
}

func (s serverKind) dataMissing(_ context.Context, _ *providerData, k ncloud.ImageKey, at path.Path) diag.Diagnostics {
	return notFoundDiag(s.noun(), s.noAttribute(), k, at)
}

// write diffs the wanted set against what NCP holds at that moment (read
// just before, not taken from a possibly stale state): one remove with every
// login to drop, then one add with every login to add, no call for an empty
// side. Remove first: a failure half-way must never leave access that should
// be gone. After a half-done write it returns what NCP then holds, with an
// error that says what was and was not done.
func (k serverKind) write(ctx context.Context, d *providerData, key ncloud.ImageKey, ids []string) (*sharedImage, error) {
	held, err := k.get(ctx, d, key)
	if err != nil {
		return nil, err
	}
	remove, add := loginid.Diff(held.SharedLoginIDs, ids)
	if len(remove) > 0 {
		err := d.client.RemoveServerImageSharingPermission(ctx, key.Region, key.No, remove)
		if held, err = k.settled(ctx, d, key, held, err, func(img *sharedImage) bool { return !slices.ContainsFunc(remove, heldBy(img)) }); err != nil {
			return held, fmt.Errorf("removing %d login ID(s) failed; none was added: %w", len(remove), err)
		}
	}
	if len(add) > 0 {
		err := d.client.AddServerImageSharingPermission(ctx, key.Region, key.No, add)
		if held, err = k.settled(ctx, d, key, held, err, func(img *sharedImage) bool { return len(loginid.NotIn(add, img.SharedLoginIDs)) == 0 }); err != nil {
			done := "nothing was removed"
			if len(remove) > 0 {
				done = fmt.Sprintf("the %d login ID(s) to drop were removed", len(remove))
			}
			return held, fmt.Errorf("%s, but adding %d login ID(s) failed: %w", done, len(add), err)
		}
	}
	return k.get(ctx, d, key)
}

// settled is the outcome of one write call: err is its error, done tells
// from an image whether the call's change is in it. A call whose answer was
// lost may have been applied, and its retry then refused (adding a login
// already shared, removing one that is not): a re-read that shows the
// change done means the call succeeded after all. It returns what NCP holds
// as far as it knows: the re-read, or before when the re-read failed.
func (k serverKind) settled(ctx context.Context, d *providerData, key ncloud.ImageKey, before *sharedImage, err error, done func(*sharedImage) bool) (*sharedImage, error) {
	if err == nil {
		return before, nil
	}
	now, readErr := k.get(ctx, d, key)
	if readErr != nil {
		return before, err
	}
	if done(now) {
		return now, nil
	}
	return now, err
}

// heldBy reports whether img holds a login in exactly this spelling.
func heldBy(img *sharedImage) func(string) bool {
	return func(id string) bool { return slices.Contains(img.SharedLoginIDs, id) }
}

func serverImage(img *ncloud.ServerImage) *sharedImage {
	return &sharedImage{No: img.No, Name: img.Name, Status: img.Status, Hypervisor: img.Hypervisor.Code, Type: img.Type.Code,
		ShareStatus: img.ShareStatus.Code, SharedLoginIDs: img.SharedLoginIDs}
}
