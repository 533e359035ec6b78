package provider

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/loginid"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud/imageread"
)

// One implementation serves the sharing permission resources of every image
// kind: the schema, the plan checks and the CRUD are the same, and each kind
// (a file resource_<type>.go) says only how its images are read, checked
// and written, through imageKind.

var (
	_ resource.ResourceWithConfigure   = (*sharingPermissionResource[memberModel])(nil)
	_ resource.ResourceWithModifyPlan  = (*sharingPermissionResource[memberModel])(nil)
	_ resource.ResourceWithImportState = (*sharingPermissionResource[memberModel])(nil)
	_ resource.ResourceWithIdentity    = (*sharingPermissionResource[memberModel])(nil)
)

const (
	defaultCreateTimeout = 20 * time.Minute // long enough for a fresh image to leave INIT
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 20 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute

	// confirmWindow is how long a write whose answer did not show the new
	// set is re-read before it is reported as failed.
	confirmWindow = 30 * time.Second

	// Private state keys. claim is the instance's token for
	// ownership.Claims; caseDuplicates is set when NCP returned a login in
	// two spellings.
	privateClaim          = "claim"
	privateCaseDuplicates = "case_duplicates"
)

var imageNoPattern = regexp.MustCompile(`^[0-9]+$`)

// sharedImage is what the sharing resources and data sources need of an
// image of any kind.
type sharedImage struct {
	No, Name    string
	Status      ncloud.CommonCode
	Hypervisor  string // XEN or KVM
	Type        string // SELF or NCP (server images; member images are SELF)
	ShareStatus string
	// SharedLoginIDs is never nil: empty when shared with nobody.
	SharedLoginIDs []string
}

// imageKind is what differs between the sharing resources of two image
// kinds: names, and the API calls that read, check and write an image.
type imageKind interface {
	// typeName is the resource type, noAttribute the attribute that holds
	// the image number, noun the kind as errors name it ("member server
	// image"), description the resource's schema description.
	typeName() string
	noAttribute() string
	noun() string
	description() string

	// get reads the image with the provider's batched reads; an error
	// wrapping ncloud.ErrNotFound when the kind's API does not hold it.
	get(ctx context.Context, d *providerData, k ncloud.ImageKey) (*sharedImage, error)
	// recent is an answer of get made a moment ago in this process.
	recent(d *providerData, k ncloud.ImageKey) (*sharedImage, bool)
	// changing tells get that this process writes the image: its reads
	// are lookups from then on, never answers of a listing read before.
	changing(d *providerData, k ncloud.ImageKey)
	// check explains why the image found (img, or err from get) cannot be
	// shared by this resource type, as errors on path; missing says that
	// no image API holds the number.
	check(ctx context.Context, d *providerData, k ncloud.ImageKey, img *sharedImage, err error, at path.Path) (missing bool, diags diag.Diagnostics)
	// list reads every image of the kind in the region, for `terraform
	// query`.
	list(ctx context.Context, d *providerData, region string) ([]*sharedImage, error)
	// dataMissing is the data source's error for a number the kind's API
	// does not hold: not found, or found as another kind of image.
	dataMissing(ctx context.Context, d *providerData, k ncloud.ImageKey, at path.Path) diag.Diagnostics
	// write makes NCP share the image with exactly ids. It returns the
	// image as NCP holds it afterwards when it knows, which may come with
	// an error when the write was half done.
	write(ctx context.Context, d *providerData, k ncloud.ImageKey, ids []string) (*sharedImage, error)
}

// readShared reads an image with a kind's batched reader, as a sharedImage.
func readShared[T any](ctx context.Context, r *imageread.Reader[T], k ncloud.ImageKey, view func(*T) *sharedImage) (*sharedImage, error) {
	img, err := r.Get(ctx, k)
	if err != nil {
		return nil, err
	}
	return view(img), nil
}

// views converts a list call's images.
func views[T any](images []T, err error, view func(*T) *sharedImage) ([]*sharedImage, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*sharedImage, len(images))
	for i := range images {
		out[i] = view(&images[i])
	}
	return out, nil
}

// recentShared is readShared's answer of a moment ago, if any.
func recentShared[T any](r *imageread.Reader[T], k ncloud.ImageKey, view func(*T) *sharedImage) (*sharedImage, bool) {
	img, ok := r.Recent(k)
	if !ok {
		return nil, false
	}
	return view(img), true
}

// sharingModel is the resources' model without the tags, which differ in
// the name of the image number: each kind's model converts to it (Go
// conversions between struct types ignore tags).
type sharingModel struct {
	ID             types.String
	No             types.String
	SharedLoginIDs types.Set
	ShareStatus    types.String
	Region         types.String
	Timeouts       timeouts.Value
}

func (m sharingModel) key() ncloud.ImageKey {
	return ncloud.ImageKey{Region: m.Region.ValueString(), No: m.No.ValueString()}
}

// sharingPermissionResource is a sharing permission resource of the kind whose
// model is M.
type sharingPermissionResource[M memberModel | serverModel] struct {
	kind imageKind
	data *providerData
}

func (r *sharingPermissionResource[M]) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.kind.typeName()
}

func (r *sharingPermissionResource[M]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	noun := r.kind.noun()
	resp.Schema = schema.Schema{
		MarkdownDescription: r.kind.description(),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The %s number (without the region, also when imported as `REGION/NUMBER`).", noun),
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			r.kind.noAttribute(): schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Number of the %s to share (digits). Changing it replaces the resource.", noun),
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.RegexMatches(imageNoPattern, fmt.Sprintf("must be a %s number (digits only)", noun)),
				},
			},
			"shared_login_ids": schema.SetAttribute{
				MarkdownDescription: "NCP login IDs the image is shared with, exactly. An empty set shares it with nobody. " + loginid.Description,
				Required:            true,
				ElementType:         loginid.Type{},
				Validators:          loginid.SetValidators(),
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

// IdentitySchema is the resource's identity (Terraform 1.12 and later): the
// region and the image number, which never change over its life (both
// force replacement).
func (r *sharingPermissionResource[M]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"region": identityschema.StringAttribute{
				OptionalForImport: true,
				Description:       "Region code of the image. Defaults to the provider's region on import.",
			},
			r.kind.noAttribute(): identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       fmt.Sprintf("Number of the %s.", r.kind.noun()),
			},
		},
	}
}

func (r *sharingPermissionResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fills the region from the provider, keeps one owner per image,
// and checks at plan time, with the one lookup a create needs anyway, what
// an apply would stumble on or do unannounced: an image that cannot be
// shared is an error; a missing one and logins that the create would
// revoke are warnings.
func (r *sharingPermissionResource[M]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var state sharingModel
	plan, diags := r.get(ctx, req.Plan.Get)
	resp.Diagnostics.Append(diags...)
	creating := req.State.Raw.IsNull()
	if !creating {
		state, diags = r.get(ctx, req.State.Get)
		resp.Diagnostics.Append(diags...)
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
	replacing := !creating && (!plan.No.Equal(state.No) || !plan.Region.Equal(state.Region))
	updating := !creating && !replacing
	caseDuplicates := updating && hasPrivateKey(ctx, req.Private, privateCaseDuplicates)
	if updating && loginid.SameSets(ctx, plan.SharedLoginIDs, state.SharedLoginIDs) {
		// Case does not matter: planning the prior spelling (which Terraform
		// accepts as equivalent to the configuration) makes neither an
		// import nor a change of case an update.
		plan.SharedLoginIDs = state.SharedLoginIDs
	}
	if replacing || (updating && (!plan.SharedLoginIDs.Equal(state.SharedLoginIDs) || caseDuplicates)) {
		// The API decides the status of the new set; only the apply knows it.
		plan.ShareStatus = types.StringUnknown()
	}
	resp.Diagnostics.Append(r.set(ctx, resp.Plan.Set, plan)...)
	if caseDuplicates {
		resp.Diagnostics.AddAttributeWarning(path.Root("shared_login_ids"),
			fmt.Sprintf("%s %s holds login IDs in two spellings", capitalized(r.kind.noun()), plan.No.ValueString()),
			"NCP returned at least one login ID twice, in different letter case. The apply writes the set again, "+
				"with each login ID once.")
	}

	if plan.No.IsUnknown() || plan.Region.IsUnknown() {
		return // checked at apply, before any write (see Create)
	}
	resp.Diagnostics.Append(r.claim(ctx, req, resp, plan.key())...)
	// A replacement is planned twice: first against the prior state, then,
	// if it replaces, again as a create (null prior state). The image is
	// checked in the second.
	if creating {
		r.checkAtPlan(ctx, plan.key(), plan.SharedLoginIDs, &resp.Diagnostics)
	}
}

func (r *sharingPermissionResource[M]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, diags := r.get(ctx, req.Plan.Get)
	resp.Diagnostics.Append(diags...)
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
	k := plan.key()
	r.kind.changing(r.data, k)
	if img, ok := r.kind.recent(r.data, k); !ok || img.Status.Code != ncloud.StatusCreated {
		img, _, diags := r.lookup(ctx, k)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(r.waitUntilCreated(ctx, k, img)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	r.share(ctx, &plan, &resp.Diagnostics, resp.State.Set)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.set(ctx, resp.State.Set, plan)...)
	resp.Diagnostics.Append(r.setIdentity(ctx, resp.Identity, k)...)
}

func (r *sharingPermissionResource[M]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := r.get(ctx, req.State.Get)
	resp.Diagnostics.Append(diags...)
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
	k := state.key()
	img, err := r.kind.get(ctx, r.data, k)
	if imported {
		// An import checks the image as a create would, and says why it
		// cannot be imported (another kind of image, a public one, a wrong
		// region) instead of Terraform's generic "non-existent remote
		// object".
		if _, diags := r.kind.check(ctx, r.data, k, img, err, path.Root(r.kind.noAttribute())); diags.HasError() {
			resp.Diagnostics.Append(diags...)
			return
		}
	}
	if errors.Is(err, ncloud.ErrNotFound) {
		tflog.Warn(ctx, r.kind.noun()+" no longer exists; removing it from state", map[string]any{r.kind.noAttribute(): k.No})
		resp.State.RemoveResource(ctx)
		// terraform-plugin-framework (v1.19.0) requires an identity after
		// every read, also one that removes the resource.
		resp.Diagnostics.Append(r.setIdentity(ctx, resp.Identity, k)...)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read %s %s", r.kind.noun(), k.No), errorDetail(err))
		return
	}
	extra, diags := setFromImage(ctx, &state, img)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(setPrivateFlag(ctx, resp.Private, privateCaseDuplicates, len(extra) > 0)...)
	resp.Diagnostics.Append(r.set(ctx, resp.State.Set, state)...)
	// A state written before identity existed gains it here.
	resp.Diagnostics.Append(r.setIdentity(ctx, resp.Identity, k)...)
}

func (r *sharingPermissionResource[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, diags := r.get(ctx, req.Plan.Get)
	resp.Diagnostics.Append(diags...)
	state, diags := r.get(ctx, req.State.Get)
	resp.Diagnostics.Append(diags...)
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
		resp.Diagnostics.Append(r.set(ctx, resp.State.Set, plan)...)
		resp.Diagnostics.Append(r.setIdentity(ctx, resp.Identity, plan.key())...)
		return
	}
	r.kind.changing(r.data, plan.key())
	r.share(ctx, &plan, &resp.Diagnostics, resp.State.Set)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCaseDuplicates, nil)...)
	resp.Diagnostics.Append(r.set(ctx, resp.State.Set, plan)...)
	resp.Diagnostics.Append(r.setIdentity(ctx, resp.Identity, plan.key())...)
}

// Delete shares the image with nobody. An image that is gone shares nothing,
// and an image that another resource instance shared in this apply is that
// instance's now.
func (r *sharingPermissionResource[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, diags := r.get(ctx, req.State.Get)
	resp.Diagnostics.Append(diags...)
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

	k := state.key()
	unlock := r.data.writes.Lock(k)
	defer unlock()
	if r.data.writes.WrittenHere(k) {
		tflog.Info(ctx, r.kind.noun()+" was shared by another resource instance in this apply (a replacement); leaving its sharing",
			map[string]any{r.kind.noAttribute(): k.No})
		return
	}
	r.kind.changing(r.data, k)
	_, err := r.kind.write(ctx, r.data, k, nil)
	if err == nil {
		return
	}
	// The write's own answer may say the image is gone; else a read tells.
	if !errors.Is(err, ncloud.ErrNotFound) {
		if _, getErr := r.kind.get(ctx, r.data, k); !errors.Is(getErr, ncloud.ErrNotFound) {
			resp.Diagnostics.AddError(fmt.Sprintf("Cannot unshare %s %s", r.kind.noun(), k.No), errorDetail(err))
			return
		}
	}
	tflog.Info(ctx, r.kind.noun()+" no longer exists; nothing to unshare", map[string]any{r.kind.noAttribute(): k.No})
}

// ImportState takes the image number, for the provider's region, or
// REGION/NUMBER for an image of another region; or, from an import block
// with an identity (Terraform 1.12 and later), the region and number.
func (r *sharingPermissionResource[M]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	region, no, withRegion := strings.Cut(req.ID, "/")
	if !withRegion {
		region, no = "", req.ID
	}
	if req.ID == "" && req.Identity != nil {
		var regionValue, noValue types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("region"), &regionValue)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(r.kind.noAttribute()), &noValue)...)
		if resp.Diagnostics.HasError() {
			return
		}
		region, no, withRegion = regionValue.ValueString(), noValue.ValueString(), regionValue.ValueString() != ""
	}
	if !imageNoPattern.MatchString(no) || (withRegion && !regionPattern.MatchString(region)) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a %s sharing permission by the image number (digits only), for the provider's region, "+
				"or by REGION/NUMBER (such as SGN/12345) for an image of another region; or with an identity whose %s "+
				"is the image number and whose region, if set, an upper-case region code; got %q.", r.kind.noun(), r.kind.noAttribute(), cmp.Or(req.ID, region+"/"+no)))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), no)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(r.kind.noAttribute()), no)...)
	if withRegion {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}

// setIdentity records the resource's identity; identity is nil where
// Terraform does not support identities (before 1.12).
func (r *sharingPermissionResource[M]) setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, k ncloud.ImageKey) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	diags := identity.SetAttribute(ctx, path.Root("region"), k.Region)
	diags.Append(identity.SetAttribute(ctx, path.Root(r.kind.noAttribute()), k.No)...)
	return diags
}

// get reads a plan, state or configuration into the untagged model.
func (r *sharingPermissionResource[M]) get(ctx context.Context, from func(context.Context, any) diag.Diagnostics) (sharingModel, diag.Diagnostics) {
	var m M
	diags := from(ctx, &m)
	return sharingModel(m), diags
}

// set writes the untagged model into a plan or state.
func (r *sharingPermissionResource[M]) set(ctx context.Context, to func(context.Context, any) diag.Diagnostics, m sharingModel) diag.Diagnostics {
	return to(ctx, M(m))
}

// share makes NCP share the image with exactly the planned set, under the
// image's write lock, and takes the state from what NCP then holds, not from
// the plan. After a half-done write, state records what NCP holds (through
// setState), so that the next plan shows what remains.
func (r *sharingPermissionResource[M]) share(ctx context.Context, m *sharingModel, diags *diag.Diagnostics, setState func(context.Context, any) diag.Diagnostics) {
	ids, d := loginid.FromSet(ctx, m.SharedLoginIDs)
	if diags.Append(d...); diags.HasError() {
		return
	}
	k := m.key()
	unlock := r.data.writes.Lock(k)
	defer unlock()
	tflog.Debug(ctx, "sharing "+r.kind.noun(), map[string]any{r.kind.noAttribute(): k.No, "login_id_count": len(ids)})
	img, err := r.kind.write(ctx, r.data, k, ids)
	if err != nil {
		if img != nil {
			held := *m
			_, d := setFromImage(ctx, &held, img)
			diags.Append(d...)
			diags.Append(r.set(ctx, setState, held)...)
		}
		diags.AddError(fmt.Sprintf("Cannot share %s %s", r.kind.noun(), k.No), errorDetail(err))
		return
	}
	r.data.writes.MarkWritten(k)
	if img == nil || !loginid.Same(img.SharedLoginIDs, ids) {
		if img, err = r.confirm(ctx, k, ids); err != nil {
			diags.AddError(fmt.Sprintf("Cannot confirm the sharing of %s %s", r.kind.noun(), k.No), errorDetail(err))
			return
		}
	}
	_, d = setFromImage(ctx, m, img)
	diags.Append(d...)
}

// confirm re-reads an image whose write answer did not show the new set,
// for a short while: an API may apply a write a moment after answering it.
func (r *sharingPermissionResource[M]) confirm(ctx context.Context, k ncloud.ImageKey, want []string) (*sharedImage, error) {
	deadline := time.Now().Add(confirmWindow)
	for delay := 500 * time.Millisecond; ; delay = min(2*delay, 5*time.Second) {
		tflog.Debug(ctx, "write answer does not show the new set yet; re-reading", map[string]any{r.kind.noAttribute(): k.No})
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		img, err := r.kind.get(ctx, r.data, k)
		if err != nil {
			return nil, err
		}
		if loginid.Same(img.SharedLoginIDs, want) {
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
func (r *sharingPermissionResource[M]) claim(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, k ncloud.ImageKey) diag.Diagnostics {
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
	if r.data.claims.Claim(k, token) {
		diags.AddAttributeError(path.Root(r.kind.noAttribute()),
			fmt.Sprintf("%s %s is managed by two resources", capitalized(r.kind.noun()), k.No),
			fmt.Sprintf("Another %s in this configuration manages image %s in region %s. One image has one owner: "+
				"each resource would overwrite the other's sharing on every apply, and removing either would unshare the image for both. "+
				"Keep one resource per image, with every login ID in its shared_login_ids. "+
				"(Terraform does not tell providers resource addresses, so the other one cannot be named here: "+
				"search the configuration for %s = \"%s\".)",
				r.kind.typeName(), k.No, k.Region, r.kind.noAttribute(), k.No))
	}
	return diags
}

// checkAtPlan looks the image up for a create. An image that cannot be
// shared is an error. A missing image is only a warning here, because
// Terraform also plans the configuration before a destroy (refresh first
// drops a deleted image from state), and an error would block that
// destroy; Create fails on it before any write. Logins the create would
// revoke are named, so that a reviewer of the plan sees them.
func (r *sharingPermissionResource[M]) checkAtPlan(ctx context.Context, k ncloud.ImageKey, planned types.Set, diags *diag.Diagnostics) {
	img, missing, lookup := r.lookup(ctx, k)
	if missing {
		diags.AddAttributeWarning(path.Root(r.kind.noAttribute()), fmt.Sprintf("%s %s not found", capitalized(r.kind.noun()), k.No),
			fmt.Sprintf("No image numbered %s exists in region %s. An apply will fail on it before any write; "+
				"a destroy is not affected. Check %s and region.", k.No, k.Region, r.kind.noAttribute()))
		return
	}
	diags.Append(lookup...)
	if img == nil || planned.IsUnknown() {
		return
	}
	ids, d := loginid.FromSet(ctx, planned)
	if diags.Append(d...); diags.HasError() {
		return
	}
	if revoked := loginid.NotIn(img.SharedLoginIDs, ids); len(revoked) > 0 {
		diags.AddAttributeWarning(path.Root("shared_login_ids"),
			fmt.Sprintf("Creating this resource revokes access to %s %s", r.kind.noun(), k.No),
			fmt.Sprintf("Image %s is shared today with %d login ID(s) that shared_login_ids does not list: %s. "+
				"The resource sets the whole list, so the apply removes their access. "+
				"To keep it, add them to shared_login_ids (or import the resource first to start from what NCP holds).",
				k.No, len(revoked), loginid.List(revoked)))
	}
}

// lookup reads the image and checks that this resource type can share it;
// missing says that no image API holds the number (the diagnostics then
// hold that error).
func (r *sharingPermissionResource[M]) lookup(ctx context.Context, k ncloud.ImageKey) (img *sharedImage, missing bool, diags diag.Diagnostics) {
	img, err := r.kind.get(ctx, r.data, k)
	missing, diags = r.kind.check(ctx, r.data, k, img, err, path.Root(r.kind.noAttribute()))
	if diags.HasError() {
		return nil, missing, diags
	}
	return img, false, diags
}

// waitUntilCreated waits, with backoff, for an image still being created:
// NCP shares only images in status CREAT.
func (r *sharingPermissionResource[M]) waitUntilCreated(ctx context.Context, k ncloud.ImageKey, img *sharedImage) diag.Diagnostics {
	for delay := time.Second; img.Status.Code == ncloud.StatusInit; delay = min(2*delay, 30*time.Second) {
		tflog.Info(ctx, "waiting for "+r.kind.noun()+" to be created", map[string]any{
			r.kind.noAttribute(): k.No, "status": img.Status.Code, "next_check_in": delay.String()})
		select {
		case <-ctx.Done():
			summary, detail := waitEnded(ctx.Err(), r.kind.noun(), k.No, img.Status.Code)
			var diags diag.Diagnostics
			diags.AddAttributeError(path.Root(r.kind.noAttribute()), summary, detail)
			return diags
		case <-time.After(delay):
		}
		var diags diag.Diagnostics
		if img, _, diags = r.lookup(ctx, k); diags.HasError() {
			return diags
		}
	}
	return nil
}

// setFromImage copies what the API holds into the model. Login IDs keep
// the model's spelling where NCP returns another case (see loginid.Settle),
// so the configuration's spelling never shows as a diff. It returns the
// spellings left out because NCP returned one login in more than one case.
func setFromImage(ctx context.Context, m *sharingModel, img *sharedImage) ([]string, diag.Diagnostics) {
	known, diags := loginid.FromSet(ctx, m.SharedLoginIDs) // nil after import
	ids, extra := loginid.Settle(known, img.SharedLoginIDs)
	set, d := loginid.SetOf(ctx, ids)
	diags.Append(d...)
	m.ID = m.No
	m.SharedLoginIDs = set
	m.ShareStatus = types.StringValue(img.ShareStatus)
	return extra, diags
}

// capitalized is s with its first letter in upper case, for summaries.
func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
