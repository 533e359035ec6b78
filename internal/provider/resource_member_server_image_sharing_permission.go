package provider

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

var (
	_ resource.ResourceWithConfigure   = (*sharingPermissionResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*sharingPermissionResource)(nil)
	_ resource.ResourceWithImportState = (*sharingPermissionResource)(nil)
)

const (
	defaultCreateTimeout = 20 * time.Minute // long enough for a fresh image to leave INIT
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 20 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute

	resourceTypeName = "ncloudimage_member_server_image_sharing_permission"
	// confirmWindow is how long a write whose response did not show the new
	// set is re-read before it is reported as failed.
	confirmWindow = 30 * time.Second

	statusInit    = "INIT"
	statusCreated = "CREAT"
	statusFailed  = "CREFL"

	// Private state keys. claim is the instance's token for planClaims;
	// caseDuplicates is set when NCP returned a login in two spellings.
	privateClaim          = "claim"
	privateCaseDuplicates = "case_duplicates"
)

var imageNoPattern = regexp.MustCompile(`^[0-9]+$`)

func newSharingPermissionResource() resource.Resource {
	return &sharingPermissionResource{}
}

type sharingPermissionResource struct {
	data *providerData
}

type sharingPermissionModel struct {
	ID                  types.String   `tfsdk:"id"`
	MemberServerImageNo types.String   `tfsdk:"member_server_image_no"`
	SharedLoginIDs      types.Set      `tfsdk:"shared_login_ids"`
	ShareStatus         types.String   `tfsdk:"share_status"`
	Region              types.String   `tfsdk:"region"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (r *sharingPermissionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = resourceTypeName
}

func (r *sharingPermissionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the exact set of NCP login IDs a member server image (a XEN \"my server image\") is shared with. " +
			"The resource is authoritative: it removes logins that were added outside Terraform. " +
			"KVM images are rejected at plan time, as the member server image API does not support them.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The member server image number (without the region, also when imported as `REGION/NUMBER`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"member_server_image_no": schema.StringAttribute{
				MarkdownDescription: "Number of the member server image to share (digits). Changing it replaces the resource.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.RegexMatches(imageNoPattern, "must be a member server image number (digits only)"),
				},
			},
			"shared_login_ids": schema.SetAttribute{
				MarkdownDescription: "NCP login IDs the image is shared with, exactly. An empty set shares it with nobody. " +
					"Each ID is non-empty, at most 100 characters, without whitespace (any Unicode space) or control characters. " +
					"IDs are compared ignoring letter case: two IDs that differ only in case are an error, and an ID that NCP " +
					"returns in another case than configured keeps the configured spelling.",
				Required:    true,
				ElementType: loginIDType{},
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(
						stringvalidator.UTF8LengthBetween(1, 100),
						stringvalidator.RegexMatches(loginIDPattern, "must not contain whitespace (any Unicode space) or control characters"),
					),
					uniqueIgnoringCase{},
				},
			},
			"share_status": schema.StringAttribute{
				MarkdownDescription: "The API's share status code: `SHARE` while shared, `NULL` when shared with nobody.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region code of the image. Defaults to the provider's region. Changing it replaces the resource.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{regionValidator()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *sharingPermissionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider: please report it.", req.ProviderData))
		return
	}
	r.data = data
}

// ModifyPlan fills the region from the provider, keeps one owner per image,
// and checks at plan time, with the one lookup a create needs anyway, what
// an apply would stumble on or do unannounced: an image that cannot be
// shared (KVM, failed) is an error; a missing one and logins that the
// create would revoke are warnings.
func (r *sharingPermissionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan, state sharingPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	var configRegion types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("region"), &configRegion)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if configRegion.IsNull() {
		plan.Region = types.StringValue(r.data.region)
	}
	if !creating && !plan.Region.Equal(state.Region) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("region"))
	}
	replacing := !creating && (!plan.MemberServerImageNo.Equal(state.MemberServerImageNo) || !plan.Region.Equal(state.Region))
	updating := !creating && !replacing
	caseDuplicates := updating && hasPrivateKey(ctx, req.Private, privateCaseDuplicates)
	if updating && sameLoginSets(ctx, plan.SharedLoginIDs, state.SharedLoginIDs) {
		// Case does not matter: planning the prior spelling (which Terraform
		// accepts as equivalent to the configuration) makes neither an
		// import nor a change of case an update.
		plan.SharedLoginIDs = state.SharedLoginIDs
	}
	if replacing || (updating && (!plan.SharedLoginIDs.Equal(state.SharedLoginIDs) || caseDuplicates)) {
		// The API decides the status of the new set; only the apply knows it.
		plan.ShareStatus = types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if caseDuplicates {
		resp.Diagnostics.AddAttributeWarning(path.Root("shared_login_ids"),
			fmt.Sprintf("Member server image %s holds login IDs in two spellings", plan.MemberServerImageNo.ValueString()),
			"NCP returned at least one login ID twice, in different letter case. The apply writes the set again, "+
				"with each login ID once.")
	}

	if plan.MemberServerImageNo.IsUnknown() || plan.Region.IsUnknown() {
		return // checked at apply, before any write (see Create)
	}
	region, no := plan.Region.ValueString(), plan.MemberServerImageNo.ValueString()
	resp.Diagnostics.Append(r.claim(ctx, req, resp, region, no)...)
	// A replacement is planned twice: first against the prior state, then,
	// if it replaces, again as a create (null prior state). The image is
	// checked in the second.
	if creating {
		r.checkAtPlan(ctx, region, no, plan.SharedLoginIDs, &resp.Diagnostics)
	}
}

func (r *sharingPermissionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sharingPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Terraform planned this resource again just before, in this process,
	// and checked the image then; only a number unknown at that plan, an
	// image that was missing (a warning at plan, an error here) or an image
	// not yet created needs a lookup here, before the write.
	region, no := plan.Region.ValueString(), plan.MemberServerImageNo.ValueString()
	if img, ok := r.data.images.recentImage(region, no); !ok || img.Status.Code != statusCreated {
		img, _, diags := r.lookupImage(ctx, region, no)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(r.waitUntilCreated(ctx, region, img)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	r.share(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sharingPermissionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sharingPermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if state.Region.IsNull() { // imported by number alone
		state.Region = types.StringValue(r.data.region)
	}
	imported := state.SharedLoginIDs.IsNull() // only an import leaves it null
	region, no := state.Region.ValueString(), state.MemberServerImageNo.ValueString()
	img, err := r.data.images.get(ctx, region, no)
	if errors.Is(err, ncloud.ErrNotFound) && imported {
		// Say why (a KVM image, a wrong region) instead of Terraform's
		// generic "non-existent remote object".
		_, _, diags := r.lookupImage(ctx, region, no)
		resp.Diagnostics.Append(diags...)
		return
	}
	if errors.Is(err, ncloud.ErrNotFound) {
		tflog.Warn(ctx, "member server image no longer exists; removing it from state", map[string]any{"member_server_image_no": no})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read member server image %s", no), errorDetail(err))
		return
	}
	extra, diags := setFromImage(ctx, &state, img)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(setPrivateFlag(ctx, resp.Private, privateCaseDuplicates, len(extra) > 0)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *sharingPermissionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state sharingPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateClaim, nil)...) // a plan-time token
	if plan.SharedLoginIDs.Equal(state.SharedLoginIDs) && !hasPrivateKey(ctx, req.Private, privateCaseDuplicates) {
		// Only timeouts changed: nothing to write.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	r.share(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCaseDuplicates, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete shares the image with nobody. An image that is gone shares nothing,
// and an image that another resource instance shared in this apply is that
// instance's now.
func (r *sharingPermissionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sharingPermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	region, no := state.Region.ValueString(), state.MemberServerImageNo.ValueString()
	unlock := r.data.writes.lock(region, no)
	defer unlock()
	if r.data.writes.writtenHere(region, no) {
		tflog.Info(ctx, "member server image was shared by another resource instance in this apply (a replacement); leaving its sharing",
			map[string]any{"member_server_image_no": no})
		return
	}
	_, err := r.data.client.SetMemberServerImageSharingPermission(ctx, region, no, nil)
	if err == nil {
		return
	}
	if _, getErr := r.data.images.get(ctx, region, no); errors.Is(getErr, ncloud.ErrNotFound) {
		tflog.Info(ctx, "member server image no longer exists; nothing to unshare", map[string]any{"member_server_image_no": no})
		return
	}
	resp.Diagnostics.AddError(fmt.Sprintf("Cannot unshare member server image %s", no), errorDetail(err))
}

// ImportState takes the member server image number, for the provider's
// region, or REGION/NUMBER for an image of another region.
func (r *sharingPermissionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	region, no, withRegion := strings.Cut(req.ID, "/")
	if !withRegion {
		region, no = "", req.ID
	}
	if !imageNoPattern.MatchString(no) || (withRegion && !regionPattern.MatchString(region)) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a member server image sharing permission by the image number (digits only), for the provider's region, "+
				"or by REGION/NUMBER (such as SGN/12345) for an image of another region; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), no)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_server_image_no"), no)...)
	if withRegion {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}

// share replaces the image's whole shared set with the planned one and takes
// the state from the API's answer, not from the plan.
func (r *sharingPermissionResource) share(ctx context.Context, m *sharingPermissionModel, diags *diag.Diagnostics) {
	var ids []string
	diags.Append(m.SharedLoginIDs.ElementsAs(ctx, &ids, false)...)
	if diags.HasError() {
		return
	}
	region, no := m.Region.ValueString(), m.MemberServerImageNo.ValueString()
	unlock := r.data.writes.lock(region, no)
	defer unlock()
	tflog.Debug(ctx, "setting member server image sharing", map[string]any{"member_server_image_no": no, "login_id_count": len(ids)})
	img, err := r.data.client.SetMemberServerImageSharingPermission(ctx, region, no, ids)
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot share member server image %s", no), errorDetail(err))
		return
	}
	r.data.writes.markWritten(region, no)
	if img == nil || !sameLogins(img.SharedLoginIDs, ids) {
		if img, err = r.confirm(ctx, region, no, ids); err != nil {
			diags.AddError(fmt.Sprintf("Cannot confirm the sharing of member server image %s", no), errorDetail(err))
			return
		}
	}
	_, d := setFromImage(ctx, m, img)
	diags.Append(d...)
}

// confirm re-reads an image whose write response did not show the new set,
// for a short while: an API may apply a write a moment after answering it.
func (r *sharingPermissionResource) confirm(ctx context.Context, region, no string, want []string) (*ncloud.MemberServerImage, error) {
	deadline := time.Now().Add(confirmWindow)
	for delay := 500 * time.Millisecond; ; delay = min(2*delay, 5*time.Second) {
		tflog.Debug(ctx, "write response does not show the new set yet; re-reading", map[string]any{"member_server_image_no": no})
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		img, err := r.data.images.get(ctx, region, no)
		if err != nil {
			return nil, err
		}
		if sameLogins(img.SharedLoginIDs, want) {
			return img, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("after %s NCP still reports the image shared with %d login ID(s), not the %d requested. "+
				"Run terraform plan to see what it holds, then apply again", confirmWindow, len(img.SharedLoginIDs), len(want))
		}
	}
}

// claim fails the plan when another resource instance of this run manages
// the same image, whatever its set: removing either would unshare the image
// for both. The instance's token lives in its private state, which
// Terraform hands back when it plans a replacement again as a create.
func (r *sharingPermissionResource) claim(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, region, no string) diag.Diagnostics {
	var diags diag.Diagnostics
	var token string
	if req.State.Raw.IsNull() {
		raw, d := req.Private.GetKey(ctx, privateClaim)
		diags.Append(d...)
		if raw != nil && json.Unmarshal(raw, &token) != nil {
			token = "" // not ours: a fresh token below
		}
	}
	if token == "" {
		token = rand.Text()
		raw, _ := json.Marshal(token)
		diags.Append(resp.Private.SetKey(ctx, privateClaim, raw)...)
	}
	if r.data.claims.claim(region, no, token) {
		diags.AddAttributeError(path.Root("member_server_image_no"),
			fmt.Sprintf("Member server image %s is managed by two resources", no),
			fmt.Sprintf("Another %s in this configuration manages image %s in region %s. One image has one owner: "+
				"each resource would overwrite the other's sharing on every apply, and removing either would unshare the image for both. "+
				"Keep one resource per image, with every login ID in its shared_login_ids. "+
				"(Terraform does not tell providers resource addresses, so the other one cannot be named here: "+
				"search the configuration for member_server_image_no = \"%s\".)",
				resourceTypeName, no, region, no))
	}
	return diags
}

// checkAtPlan looks the image up for a create. An image that cannot be
// shared is an error. A missing image is only a warning here, because
// Terraform also plans the configuration before a destroy (refresh first
// drops a deleted image from state), and an error would block that
// destroy; Create fails on it before any write. Logins the create would
// revoke are named, so that a reviewer of the plan sees them.
func (r *sharingPermissionResource) checkAtPlan(ctx context.Context, region, no string, planned types.Set, diags *diag.Diagnostics) {
	img, missing, lookup := r.lookupImage(ctx, region, no)
	if missing {
		diags.AddAttributeWarning(path.Root("member_server_image_no"), fmt.Sprintf("Member server image %s not found", no),
			fmt.Sprintf("No image numbered %s exists in region %s. An apply will fail on it before any write; "+
				"a destroy is not affected. Check member_server_image_no and region.", no, region))
		return
	}
	diags.Append(lookup...)
	if img == nil || planned.IsUnknown() {
		return
	}
	var ids []string
	if diags.Append(planned.ElementsAs(ctx, &ids, false)...); diags.HasError() {
		return
	}
	if revoked := loginsNotIn(img.SharedLoginIDs, ids); len(revoked) > 0 {
		diags.AddAttributeWarning(path.Root("shared_login_ids"),
			fmt.Sprintf("Creating this resource revokes access to member server image %s", no),
			fmt.Sprintf("Image %s is shared today with %d login ID(s) that shared_login_ids does not list: %s. "+
				"The resource sets the whole list, so the apply removes their access. "+
				"To keep it, add them to shared_login_ids (or import the resource first to start from what NCP holds).",
				no, len(revoked), listLogins(revoked)))
	}
}

// lookupImage finds a member server image and explains why it cannot be
// shared when it cannot: KVM images live only in the server image API.
// missing says that neither image API holds the number (the diagnostics
// then hold that error).
func (r *sharingPermissionResource) lookupImage(ctx context.Context, region, no string) (img *ncloud.MemberServerImage, missing bool, diags diag.Diagnostics) {
	attr := path.Root("member_server_image_no")
	img, err := r.data.images.get(ctx, region, no)
	switch {
	case err == nil && img.Status.Code == statusFailed:
		diags.AddAttributeError(attr, fmt.Sprintf("Member server image %s failed to create", no),
			fmt.Sprintf("NCP reports the image %q in status %s (%s): it cannot be shared. Create the image again and use its new number.",
				img.Name, img.Status.Code, img.Status.CodeName))
		return nil, false, diags
	case err == nil:
		return img, false, diags
	case !errors.Is(err, ncloud.ErrNotFound):
		diags.AddAttributeError(attr, fmt.Sprintf("Cannot look up member server image %s", no), errorDetail(err))
		return nil, false, diags
	}

	serverImage, err := r.data.client.GetServerImage(ctx, region, no)
	switch {
	case err == nil && serverImage.Hypervisor.Code == "KVM":
		diags.AddAttributeError(attr, fmt.Sprintf("Server image %s is a KVM image", no),
			fmt.Sprintf("The image %s (%q) runs on KVM. KVM images are not supported by member server image sharing "+
				"(setMemberServerImageSharingPermission). Share KVM images through the server image API "+
				"(addServerImageSharingPermission / removeServerImageSharingPermission) instead.", no, serverImage.Name))
	case err == nil:
		diags.AddAttributeError(attr, fmt.Sprintf("Server image %s is not a member server image", no),
			fmt.Sprintf("The image %s (%q, hypervisor %s) exists in the server image API but not in the member server image API, "+
				"so member server image sharing cannot manage it.", no, serverImage.Name, serverImage.Hypervisor.Code))
	case errors.Is(err, ncloud.ErrNotFound):
		missing = true
		diags.AddAttributeError(attr, fmt.Sprintf("Member server image %s not found", no),
			fmt.Sprintf("No image numbered %s exists in region %s. Check member_server_image_no and region.", no, region))
	default:
		diags.AddAttributeError(attr, fmt.Sprintf("Cannot look up server image %s", no), errorDetail(err))
	}
	return nil, missing, diags
}

// waitUntilCreated waits, with backoff, for an image still being created:
// NCP shares only images in status CREAT.
func (r *sharingPermissionResource) waitUntilCreated(ctx context.Context, region string, img *ncloud.MemberServerImage) diag.Diagnostics {
	for delay := time.Second; img.Status.Code == statusInit; delay = min(2*delay, 30*time.Second) {
		tflog.Info(ctx, "waiting for member server image to be created", map[string]any{
			"member_server_image_no": img.InstanceNo, "status": img.Status.Code, "next_check_in": delay.String()})
		select {
		case <-ctx.Done():
			summary, detail := waitEnded(ctx.Err(), img.InstanceNo, img.Status.Code)
			var diags diag.Diagnostics
			diags.AddAttributeError(path.Root("member_server_image_no"), summary, detail)
			return diags
		case <-time.After(delay):
		}
		var diags diag.Diagnostics
		if img, _, diags = r.lookupImage(ctx, region, img.InstanceNo); diags.HasError() {
			return diags
		}
	}
	return nil
}

// setFromImage copies what the API holds into the model. Login IDs are
// compared ignoring case, as NCP may return another case than it was sent:
// an ID equal to one the model holds keeps the model's spelling, so the
// configuration's spelling never shows as a diff. extra lists the spellings
// left out because NCP returned one login in more than one case.
func setFromImage(ctx context.Context, m *sharingPermissionModel, img *ncloud.MemberServerImage) (extra []string, diags diag.Diagnostics) {
	var known []string
	diags = m.SharedLoginIDs.ElementsAs(ctx, &known, true) // null after import
	ids, extra := settleLogins(known, img.SharedLoginIDs)
	set, d := types.SetValueFrom(ctx, loginIDType{}, ids)
	diags.Append(d...)
	m.ID = m.MemberServerImageNo
	m.SharedLoginIDs = set
	m.ShareStatus = types.StringValue(img.ShareStatus.Code)
	return extra, diags
}

// sameLoginSets reports whether two known sets name the same logins.
func sameLoginSets(ctx context.Context, a, b types.Set) bool {
	if a.IsUnknown() || b.IsUnknown() || a.IsNull() || b.IsNull() {
		return false
	}
	var as, bs []string
	if a.ElementsAs(ctx, &as, false).HasError() || b.ElementsAs(ctx, &bs, false).HasError() {
		return false
	}
	return sameLogins(as, bs)
}

// privateGetter and privateSetter are the framework's private state data as
// requests and responses hand it to resources (its type is internal).
type (
	privateGetter interface {
		GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	}
	privateSetter interface {
		SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
	}
)

func hasPrivateKey(ctx context.Context, p privateGetter, key string) bool {
	raw, _ := p.GetKey(ctx, key)
	return raw != nil
}

// setPrivateFlag sets key to true, or removes it.
func setPrivateFlag(ctx context.Context, p privateSetter, key string, on bool) diag.Diagnostics {
	if on {
		return p.SetKey(ctx, key, []byte("true"))
	}
	return p.SetKey(ctx, key, nil)
}
