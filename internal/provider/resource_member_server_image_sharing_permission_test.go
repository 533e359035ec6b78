package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud/imageread"
)

const setOperation = "setMemberServerImageSharingPermission"

// expectShared asserts the state's login IDs and share status.
func expectShared(shareStatus string, loginIDs ...string) []statecheck.StateCheck {
	return expectSharedAt(resourceAddress, shareStatus, loginIDs...)
}

// expectSharedAt is expectShared for the resource at address.
func expectSharedAt(address, shareStatus string, loginIDs ...string) []statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(loginIDs))
	for i, id := range loginIDs {
		checks[i] = knownvalue.StringExact(id)
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("shared_login_ids"), knownvalue.SetExact(checks)),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("share_status"), knownvalue.StringExact(shareStatus)),
	}
}

// wrapped matches the phrases in order, in Terraform's output, which wraps
// long lines: a space in a phrase matches any run of white space.
func wrapped(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(strings.Join(quoted, `(.|\n)*`))
}

// checkRemote asserts what the API holds (emulator only; live mode trusts the state checks).
func (e *testEnv) checkRemote(imageNo string, loginIDs ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.emu == nil {
			return nil
		}
		img, ok := e.emu.Image(imageNo)
		if !ok {
			return fmt.Errorf("image %s is missing from the emulator", imageNo)
		}
		want := slices.Sorted(slices.Values(loginIDs))
		if !slices.Equal(img.SharedLoginIDs, want) {
			return fmt.Errorf("image %s is shared with %q, want %q", imageNo, img.SharedLoginIDs, want)
		}
		return nil
	}
}

func TestAccSharingPermission_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	a, b := env.loginIDs[0], env.loginIDs[1]
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkRemote(env.imageNo),
		Steps: []resource.TestStep{
			{
				Config:            env.sharing(env.imageNo, a),
				ConfigStateChecks: append(expectShared("SHARE", a), statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("id"), knownvalue.StringExact(env.imageNo))),
				Check:             env.checkRemote(env.imageNo, a),
			},
			{ // add one, remove one: an in-place update
				Config: env.sharing(env.imageNo, b),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: expectShared("SHARE", b),
				Check:             env.checkRemote(env.imageNo, b),
			},
			{
				Config:            env.sharing(env.imageNo, a, b),
				ConfigStateChecks: expectShared("SHARE", a, b),
				Check:             env.checkRemote(env.imageNo, a, b),
			},
			{ // an empty set shares with nobody
				Config:            env.sharing(env.imageNo),
				ConfigStateChecks: expectShared("NULL"),
				Check:             env.checkRemote(env.imageNo),
			},
			{
				Config:            env.sharing(env.imageNo, a, b),
				ConfigStateChecks: expectShared("SHARE", a, b),
			},
			{
				ResourceName:            resourceAddress,
				ImportState:             true,
				ImportStateId:           env.imageNo,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:    resourceAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   env.imageNo,
			},
		},
	})
}

func TestAccSharingPermission_createEmpty(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:            env.sharing(env.imageNo),
			ConfigStateChecks: expectShared("NULL"),
			Check:             env.checkRemote(env.imageNo),
		}},
	})
}

func TestAccSharingPermission_replaceOnImageChange(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	if env.imageNo2 == "" {
		t.Skip("set NCLOUDIMAGE_ACC_IMAGE_NO_2 to run the replace test live")
	}
	a := env.loginIDs[0]
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.sharing(env.imageNo, a), Check: env.checkRemote(env.imageNo, a)},
			{
				Config: env.sharing(env.imageNo2, a),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("id"), knownvalue.StringExact(env.imageNo2)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(env.checkRemote(env.imageNo), env.checkRemote(env.imageNo2, a)),
			},
		},
	})
}

func TestAccSharingPermission_driftIsReverted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	a, b := env.loginIDs[0], env.loginIDs[1]
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.sharing(env.imageNo, a)},
			{
				// Someone shares the image with b by hand and unshares a.
				PreConfig: func() { env.emu.SetSharedLoginIDs(env.imageNo, []string{b}) },
				Config:    env.sharing(env.imageNo, a),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("shared_login_ids"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(a)})),
				}},
				ConfigStateChecks: expectShared("SHARE", a),
				Check:             env.checkRemote(env.imageNo, a),
			},
			{
				// A refresh alone shows the drift in state.
				PreConfig:          func() { env.emu.SetSharedLoginIDs(env.imageNo, []string{a, b}) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckTypeSetElemAttr(resourceAddress, "shared_login_ids.*", a),
					resource.TestCheckTypeSetElemAttr(resourceAddress, "shared_login_ids.*", b),
					resource.TestCheckResourceAttr(resourceAddress, "shared_login_ids.#", "2"),
				),
			},
		},
	})
}

func TestAccSharingPermission_imageDeletedOutOfBand(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.sharing(env.imageNo, env.loginIDs[0])},
			{
				// The refresh drops the resource without an error; the plan
				// to create it again warns that the image is gone, and the
				// apply fails on it before any write.
				PreConfig:   func() { env.emu.DeleteImage(env.imageNo) },
				Config:      env.sharing(env.imageNo, env.loginIDs[0]),
				ExpectError: regexp.MustCompile(`Member server image ` + env.imageNo + ` not found`),
			},
		},
	})
}

func TestAccSharingPermission_kvmRejectedAtPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	if env.kvmImageNo == "" {
		t.Skip("set NCLOUDIMAGE_ACC_KVM_IMAGE_NO to run the KVM test live")
	}
	want := wrapped(`Server image `+env.kvmImageNo+` is a KVM image`, `which member server image sharing`, `does not support`,
		`Share it with ncloudimage_server_image_sharing_permission`, `addServerImageSharingPermission`,
		`resource "ncloudimage_server_image_sharing_permission"`, `server_image_no = "`+env.kvmImageNo+`"`,
		`instead of`, `resource "ncloudimage_member_server_image_sharing_permission"`, `member_server_image_no = "`+env.kvmImageNo+`"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.sharing(env.kvmImageNo, env.loginIDs[0]), PlanOnly: true, ExpectError: want},
			// Replacing a XEN image by a KVM one is rejected at plan too.
			{Config: env.sharing(env.imageNo, env.loginIDs[0])},
			{Config: env.sharing(env.kvmImageNo, env.loginIDs[0]), ExpectError: want},
		},
	})
	if env.emu != nil {
		if n := env.emu.Calls(setOperation); n != 2 { // the XEN image's create and destroy only
			t.Errorf("%s was called %d times, want 2: a KVM image must be rejected before any write", setOperation, n)
		}
	}
}

func TestAccSharingPermission_unknownImageNoCheckedAtApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	// The image number is unknown at plan time, so the KVM check runs at apply, before any write.
	config := env.config(fmt.Sprintf(`
resource "terraform_data" "image" {
  input = %q
}
resource "ncloudimage_member_server_image_sharing_permission" "test" {
  member_server_image_no = terraform_data.image.output
  shared_login_ids       = [%q]
}`, env.kvmImageNo, env.loginIDs[0]))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`Server image ` + env.kvmImageNo + ` is a KVM image`),
		}},
	})
	if n := env.emu.Calls(setOperation); n != 0 {
		t.Errorf("%s was called %d times, want 0", setOperation, n)
	}
}

func TestAccSharingPermission_imageNotFound(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	inOtherRegion := env.config(fmt.Sprintf(`
resource "ncloudimage_member_server_image_sharing_permission" "test" {
  member_server_image_no = %q
  region                 = "JPN"
  shared_login_ids       = [%q]
}`, env.imageNo, env.loginIDs[0]))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      env.sharing(testMissingImage, env.loginIDs[0]),
				ExpectError: wrapped(`Member server image `+testMissingImage+` not found`, `Check member_server_image_no and region`),
			},
			{ // images belong to one region
				Config:      inOtherRegion,
				ExpectError: wrapped(`Member server image `+env.imageNo+` not found`, `in region JPN`),
			},
		},
	})
}

func TestAccSharingPermission_waitsForInitImage(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	const fresh = "20010"
	env.emu.PutImage(emulator.Image{No: fresh, Name: "fresh", Status: "INIT", ReadyAfter: 3 * time.Second})
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:            env.sharing(fresh, env.loginIDs[0]),
			ConfigStateChecks: expectShared("SHARE", env.loginIDs[0]),
			Check:             env.checkRemote(fresh, env.loginIDs[0]),
		}},
	})
	if time.Since(start) < 3*time.Second {
		t.Errorf("the apply took %s: it cannot have waited for the image to leave INIT", time.Since(start))
	}
}

func TestAccSharingPermission_failedImage(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	const failed = "20011"
	env.emu.PutImage(emulator.Image{No: failed, Name: "broken", Status: "CREFL"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      env.sharing(failed, env.loginIDs[0]),
			ExpectError: regexp.MustCompile(`Member server image ` + failed + ` failed to create(.|\n)*CREFL`),
		}},
	})
	if n := env.emu.Calls(setOperation); n != 0 {
		t.Errorf("%s was called %d times, want 0", setOperation, n)
	}
}

func TestAccSharingPermission_loginIDCase(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	env.emu.SetLowercaseLoginIDs(true) // NCP may store IDs in another case than sent
	const configured = "Alice@Example.com"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// The post-apply plan must be empty although the API answers in lower case.
				Config:            env.sharing(env.imageNo, configured),
				ConfigStateChecks: expectShared("SHARE", configured),
				Check:             env.checkRemote(env.imageNo, "alice@example.com"),
			},
			{
				Config: env.sharing(env.imageNo, configured),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

func TestAccSharingPermission_writeConfirmedAfterDelay(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	// The write's own response and reads show the old set for 2 s.
	env.emu.SetWriteDelay(2 * time.Second)
	a, b := env.loginIDs[0], env.loginIDs[1]
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.sharing(env.imageNo, a), ConfigStateChecks: expectShared("SHARE", a), Check: env.checkRemote(env.imageNo, a)},
			{Config: env.sharing(env.imageNo, a, b), ConfigStateChecks: expectShared("SHARE", a, b), Check: env.checkRemote(env.imageNo, a, b)},
		},
	})
}

func TestAccSharingPermission_timeoutReached(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		env.needEmulator(t)
		no, _ := k.images(env)
		// The write of a create: set for the member kind, add for the server kind.
		env.emu.InjectFault(emulator.Fault{Operation: k.writeOps[len(k.writeOps)-1], Latency: time.Minute})
		config := env.config(fmt.Sprintf(`
resource %q "test" {
  %s = %q
  shared_login_ids = [%q]
  timeouts {
    create = "2s"
  }
}`, k.typeName, k.noAttr, no, env.loginIDs[0]))
		start := time.Now()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{{
				Config:      config,
				ExpectError: wrapped("Cannot share "+k.noun+" "+no, "context deadline exceeded", "ran out of time", "raise the resource's timeouts"),
			}},
		})
		if elapsed := time.Since(start); elapsed > 30*time.Second {
			t.Errorf("the apply took %s: the 2s create timeout did not stop it", elapsed)
		}
	})
}

// directResource is the resource wired to a fresh emulator, for tests that
// call its methods without Terraform.
func directResource(t *testing.T) (*sharingPermissionResource[memberModel], *emulator.Server) {
	t.Helper()
	emu := emulator.New(emulator.Options{AccessKey: testAccessKey, SecretKey: testSecretKey})
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	emu.PutImage(emulator.Image{No: testImageNo, Name: "golden"})
	client, err := ncloud.New(ncloud.Config{AccessKey: testAccessKey, SecretKey: testSecretKey, BaseURL: emu.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return &sharingPermissionResource[memberModel]{kind: memberKind{}, data: &providerData{client: client, memberImages: imageread.MemberImages(client), region: defaultRegion}}, emu
}

// stateFor is the state of image no shared with alice.
func stateFor(t *testing.T, r *sharingPermissionResource[memberModel], no string) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	if diags := schemaResp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("schema: %v", diags)
	}
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	ids, _ := types.SetValueFrom(ctx, types.StringType, []string{"alice@example.com"})
	model := memberModel{
		ID: types.StringValue(no), No: types.StringValue(no),
		SharedLoginIDs: ids, ShareStatus: types.StringValue("SHARE"), Region: types.StringValue(defaultRegion),
	}
	model.Timeouts.Object = types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})
	if diags := state.Set(ctx, &model); diags.HasError() {
		t.Fatalf("state: %v", diags)
	}
	return state
}

// TestSharingPermission_deleteGoneImage calls Delete directly: through
// Terraform, the refresh before a destroy already drops a vanished image.
func TestSharingPermission_deleteGoneImage(t *testing.T) {
	r, emu := directResource(t)
	var resp fwresource.DeleteResponse
	r.Delete(context.Background(), fwresource.DeleteRequest{State: stateFor(t, r, testMissingImage)}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("delete of a gone image: %v", resp.Diagnostics)
	}
	if n := emu.Calls(setOperation); n != 1 {
		t.Errorf("%s was called %d times, want 1", setOperation, n)
	}
}

// TestSharingPermission_cancelStopsPromptly: Terraform cancels the request
// context when the user interrupts it (Ctrl-C); a slow write must not hold
// the run.
func TestSharingPermission_cancelStopsPromptly(t *testing.T) {
	r, emu := directResource(t)
	emu.InjectFault(emulator.Fault{Operation: setOperation, Latency: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	state := stateFor(t, r, testImageNo)
	start := time.Now()
	resp := fwresource.CreateResponse{State: tfsdk.State{Schema: state.Schema}}
	r.Create(ctx, fwresource.CreateRequest{Plan: tfsdk.Plan(state)}, &resp)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("create returned %s after the cancel; want promptly", elapsed-300*time.Millisecond)
	}
	if !resp.Diagnostics.HasError() {
		t.Fatal("a cancelled create reported success")
	}
	if !resp.State.Raw.IsNull() {
		t.Error("a cancelled create recorded state")
	}
}

// TestSharingPermission_cancelDuringWaitSaysInterrupted: Ctrl-C while an
// image is still INIT is an interruption, not a timeout.
func TestSharingPermission_cancelDuringWaitSaysInterrupted(t *testing.T) {
	r, emu := directResource(t)
	emu.PutImage(emulator.Image{No: testImageNo, Name: "fresh", Status: "INIT"})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	state := stateFor(t, r, testImageNo)
	resp := fwresource.CreateResponse{State: tfsdk.State{Schema: state.Schema}}
	r.Create(ctx, fwresource.CreateRequest{Plan: tfsdk.Plan(state)}, &resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("a cancelled wait reported success")
	}
	got := resp.Diagnostics.Errors()[0]
	if !strings.Contains(got.Summary(), "Interrupted while waiting for member server image "+testImageNo) ||
		strings.Contains(got.Detail(), "timeouts.create") {
		t.Errorf("got %q: %q; want an interruption, not a timeout", got.Summary(), got.Detail())
	}
	if n := emu.Calls(setOperation); n != 0 {
		t.Errorf("%s was called %d times, want 0", setOperation, n)
	}
}
