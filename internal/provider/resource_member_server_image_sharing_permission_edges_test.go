package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The edges a new user hits with Terraform's own features: destroy after
// the image is gone, replacements, renames, one owner per image, logins
// NCP returns in two cases, logins a create revokes, import by region.

// planWarnings records the warnings the provider returns from plans:
// Terraform prints them, and terraform-plugin-testing has no check for them.
type planWarnings struct {
	mu   sync.Mutex
	list []string // "summary: detail"
}

func (w *planWarnings) providers() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"ncloudimage": func() (tfprotov6.ProviderServer, error) {
			return warningRecorder{ProviderServer: testServer(), w: w}, nil
		},
	}
}

// matching returns the recorded warnings that match every phrase.
func (w *planWarnings) matching(phrases ...string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	re := wrapped(phrases...)
	var out []string
	for _, s := range w.list {
		if re.MatchString(s) {
			out = append(out, s)
		}
	}
	return out
}

func (w *planWarnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.list...)
}

type warningRecorder struct {
	tfprotov6.ProviderServer
	w *planWarnings
}

func (r warningRecorder) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := r.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		r.w.mu.Lock()
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning {
				r.w.list = append(r.w.list, d.Summary+": "+d.Detail)
			}
		}
		r.w.mu.Unlock()
	}
	return resp, err
}

// withLifecycle is the kind's resource "test" with a lifecycle block.
func (e *testEnv) withLifecycle(k testKind, lifecycle, imageNo string, loginIDs ...string) string {
	res := strings.TrimSuffix(strings.TrimSpace(k.resource(imageNo, loginIDs...)), "}")
	return e.config(res + "  lifecycle {\n    " + lifecycle + "\n  }\n}\n")
}

func TestAccSharingPermission_destroyAfterImageDeleted(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		env.needEmulator(t)
		var w planWarnings
		a := env.loginIDs[0]
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: w.providers(),
			Steps: []resource.TestStep{
				{Config: env.sharingOf(k, no, a)},
				{
					// terraform destroy (plan -destroy, then apply) refreshes, which
					// drops the resource, then plans the configuration as a create:
					// a missing image must not fail that plan.
					PreConfig: func() { env.emu.DeleteImage(no) },
					Config:    env.sharingOf(k, no, a),
					Destroy:   true,
				},
			},
		})
		if got := w.matching(capitalized(k.noun)+" "+no+" not found", "a destroy is not affected"); len(got) == 0 {
			t.Errorf("no plan warning names the missing image; warnings: %q", w.all())
		}
	})
}

func TestAccSharingPermission_destroyWithoutRefreshAfterImageDeleted(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		env.needEmulator(t)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{{
				Config: env.sharingOf(k, no, env.loginIDs[0]),
				// The test's closing destroy runs with -refresh=false: the image
				// is deleted as its write arrives.
				Check: func(*terraform.State) error {
					env.emu.InjectFault(emulator.Fault{Operation: k.writeOps[0], Count: 1, DeleteImage: no})
					return nil
				},
			}},
		})
	})
}

func TestAccSharingPermission_missingImageFailsBeforeAnyWrite(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		env.needEmulator(t)
		var w planWarnings
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: w.providers(),
			Steps: []resource.TestStep{{
				Config:      env.sharingOf(k, testMissingImage, env.loginIDs[0]),
				ExpectError: wrapped(capitalized(k.noun)+" "+testMissingImage+` not found`, "Check "+k.noAttr+" and region"),
			}},
		})
		if n := env.writes(k); n != 0 {
			t.Errorf("%d write calls, want 0", n)
		}
		if got := w.matching(capitalized(k.noun) + " " + testMissingImage + " not found"); len(got) == 0 {
			t.Errorf("the plan did not warn; warnings: %q", w.all())
		}
	})
}

func TestAccSharingPermission_replacements(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		a := env.loginIDs[0]
		cbd := env.withLifecycle(k, "create_before_destroy = true", no, a)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			CheckDestroy:             env.checkRemote(no),
			Steps: []resource.TestStep{
				{Config: cbd, Check: env.checkRemote(no, a)},
				{
					// apply -replace: the new object shares the image, then the
					// old one's delete must not unshare it.
					Config: cbd,
					Taint:  []string{k.address()},
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(k.address(), plancheck.ResourceActionCreateBeforeDestroy),
					}},
					ConfigStateChecks: expectSharedAt(k.address(), "SHARE", a),
					Check:             env.checkRemote(no, a),
				},
				{Config: cbd, PlanOnly: true},
				{
					// The same without create_before_destroy: delete, then create.
					Config: env.sharingOf(k, no, a),
					Taint:  []string{k.address()},
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(k.address(), plancheck.ResourceActionDestroyBeforeCreate),
					}},
					Check: env.checkRemote(no, a),
				},
			},
		})
	})
}

func TestAccSharingPermission_forEachAndMoved(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	if env.imageNo2 == "" {
		t.Skip("set NCLOUDIMAGE_ACC_IMAGE_NO_2 to run the for_each test live")
	}
	a, b := env.loginIDs[0], env.loginIDs[1]
	forEach := func(name, moved string) string {
		return env.config(fmt.Sprintf(`
locals {
  images = { ubuntu = %q, rocky = %q }
}
resource "ncloudimage_member_server_image_sharing_permission" %q {
  for_each               = local.images
  member_server_image_no = each.value
  shared_login_ids       = each.key == "ubuntu" ? [%q] : [%q]
}
%s`, env.imageNo, env.imageNo2, name, a, b, moved))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:            forEach("golden", ""),
				ConfigStateChecks: []statecheck.StateCheck{remoteIs(env, env.imageNo, a), remoteIs(env, env.imageNo2, b)},
			},
			{
				Config: forEach("shared", "moved {\n  from = ncloudimage_member_server_image_sharing_permission.golden\n  to   = ncloudimage_member_server_image_sharing_permission.shared\n}\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(`ncloudimage_member_server_image_sharing_permission.shared["ubuntu"]`, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(`ncloudimage_member_server_image_sharing_permission.shared["rocky"]`, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{remoteIs(env, env.imageNo, a), remoteIs(env, env.imageNo2, b)},
			},
			{
				// Removed from the configuration, so that the test's closing
				// steps, which read state through a shim that cannot index
				// for_each instances, find none.
				Config:            env.config(""),
				ConfigStateChecks: []statecheck.StateCheck{remoteIs(env, env.imageNo), remoteIs(env, env.imageNo2)},
			},
		},
	})
}

// remoteIs is checkRemote as a state check, for steps whose state the
// legacy Check functions cannot read (for_each instances).
func remoteIs(env *testEnv, imageNo string, loginIDs ...string) statecheck.StateCheck {
	return remoteCheck{func() error { return env.checkRemote(imageNo, loginIDs...)(nil) }}
}

type remoteCheck struct{ check func() error }

func (c remoteCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check()
}

func TestAccSharingPermission_loginInTwoCases(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		env.needEmulator(t)
		a := env.loginIDs[0]
		upper := strings.ToUpper(a)
		twoCases := func() { env.emu.SetSharedLoginIDs(no, []string{a, upper}) }
		oneElement := []statecheck.StateCheck{statecheck.ExpectKnownValue(k.address(), tfjsonpath.New("shared_login_ids"),
			knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(a)}))}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{
				{Config: env.sharingOf(k, no, a)},
				{
					// A refresh settles on the configured spelling, and the
					// difference shows as a change to apply.
					PreConfig:          twoCases,
					RefreshState:       true,
					ExpectNonEmptyPlan: true,
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttr(k.address(), "shared_login_ids.#", "1"),
						resource.TestCheckTypeSetElemAttr(k.address(), "shared_login_ids.*", a),
					),
				},
				{
					Config: env.sharingOf(k, no, a),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(k.address(), plancheck.ResourceActionUpdate),
					}},
					ConfigStateChecks: oneElement,
					Check:             env.checkRemote(no, a),
				},
				{Config: env.sharingOf(k, no, a), PlanOnly: true},
				{
					// -replace with the two spellings back.
					PreConfig: twoCases,
					Config:    env.sharingOf(k, no, a),
					Taint:     []string{k.address()},
					Check:     env.checkRemote(no, a),
				},
			},
		})
	})
}

func TestAccSharingPermission_oneOwnerPerImage(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		a, b := env.loginIDs[0], env.loginIDs[1]
		two := func(one, other string) string {
			return env.config(fmt.Sprintf(`
resource %[4]q "one" {
  %[5]s = %[1]q
  shared_login_ids = [%[2]q]
}
resource %[4]q "two" {
  %[5]s = %[1]q
  shared_login_ids = [%[3]q]
}`, no, one, other, k.typeName, k.noAttr))
		}
		want := wrapped(capitalized(k.noun)+" "+no+" is managed by two resources", "One image has one owner",
			k.noAttr+` = "`+no+`"`)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{
				{Config: two(a, b), PlanOnly: true, ExpectError: want},
				{Config: two(a, a), PlanOnly: true, ExpectError: want},
				{Config: two(a, strings.ToUpper(a)), PlanOnly: true, ExpectError: want},
			},
		})
		if env.emu != nil {
			if n := env.writes(k); n != 0 {
				t.Errorf("%d write calls, want 0", n)
			}
		}
	})
}

func TestAccSharingPermission_createWarnsOfRevokedLogins(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, no2 := k.images(env)
		env.needEmulator(t)
		a, b := env.loginIDs[0], env.loginIDs[1]
		byHand := []string{b}
		for i := range 6 {
			byHand = append(byHand, fmt.Sprintf("hand%d@example.com", i))
		}
		env.emu.SetSharedLoginIDs(no, byHand)
		env.emu.SetSharedLoginIDs(no2, []string{"zed@example.com"})
		var w planWarnings
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: w.providers(),
			Steps: []resource.TestStep{
				{
					// b stays (listed in another case); the six others lose access.
					Config: env.sharingOf(k, no, a, strings.ToUpper(b)),
					Check:  env.checkRemoteLogins(no, a, b),
				},
				{
					// A replacement onto another image warns of that image's logins.
					Config: env.sharingOf(k, no2, a),
					Check:  env.checkRemote(no2, a),
				},
			},
		})
		first := w.matching("Creating this resource revokes access to "+k.noun+" "+no,
			"with 6 login ID(s) that shared_login_ids does not list: hand0@example.com, hand1@example.com, hand2@example.com, hand3@example.com, hand4@example.com and 1 more",
			"add them to shared_login_ids")
		if len(first) == 0 {
			t.Errorf("no warning names the logins the create revokes; warnings: %q", w.all())
		}
		for _, s := range first {
			if strings.Contains(strings.ToLower(s), b) {
				t.Errorf("the warning names %s, which the configuration keeps: %s", b, s)
			}
		}
		if got := w.matching("revokes access to "+k.noun+" "+no2, "zed@example.com"); len(got) == 0 {
			t.Errorf("the replacement onto image %s did not warn; warnings: %q", no2, w.all())
		}
	})
}

func TestAccSharingPermission_noRevokeWarningWithoutRevocation(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		var w planWarnings
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: w.providers(),
			Steps:                    []resource.TestStep{{Config: env.sharingOf(k, no, env.loginIDs[0])}},
		})
		if got := w.all(); len(got) != 0 {
			t.Errorf("a plain create warned: %q", got)
		}
	})
}

func TestAccSharingPermission_importByRegion(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		env.needEmulator(t)
		const sgnImage = "20005"
		a := env.loginIDs[0]
		env.emu.PutImage(emulator.Image{No: sgnImage, Name: "golden-sgn", Region: "SGN", Hypervisor: k.hypervisor, SharedLoginIDs: []string{a}})
		config := env.config(fmt.Sprintf(`
resource %q "test" {
  %s = %q
  region           = "SGN"
  shared_login_ids = [%q]
}`, k.typeName, k.noAttr, sgnImage, a))
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{
				{Config: config, Check: env.checkRemote(sgnImage, a)},
				{
					ResourceName:            k.address(),
					ImportState:             true,
					ImportStateId:           "SGN/" + sgnImage,
					ImportStateVerify:       true,
					ImportStateVerifyIgnore: []string{"timeouts"},
				},
				{ResourceName: k.address(), ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: "SGN/" + sgnImage},
				{ // the plain number is the provider's region (KR), where this image is not
					ResourceName:  k.address(),
					ImportState:   true,
					ImportStateId: sgnImage,
					ExpectError:   wrapped(capitalized(k.noun)+" "+sgnImage+" not found", "in region KR"),
				},
				{
					ResourceName:  k.address(),
					ImportState:   true,
					ImportStateId: "sgn/" + sgnImage,
					ExpectError:   wrapped("Invalid import ID", "REGION/NUMBER"),
				},
			},
		})
	})
}

func TestAccSharingPermission_importKVMImageSaysWhy(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	if env.kvmImageNo == "" {
		t.Skip("set NCLOUDIMAGE_ACC_KVM_IMAGE_NO to run the KVM test live")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:        env.sharing(env.kvmImageNo, env.loginIDs[0]),
			ResourceName:  resourceAddress,
			ImportState:   true,
			ImportStateId: env.kvmImageNo,
			ExpectError:   wrapped("Server image "+env.kvmImageNo+" is a KVM image", "addServerImageSharingPermission"),
		}},
	})
}

func TestAccSharingPermission_importThenOtherCaseIsNoChange(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		env.needEmulator(t)
		env.emu.SetSharedLoginIDs(no, []string{"alice@example.com"})
		config := env.sharingOf(k, no, "Alice@Example.COM")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{
				// An import block plans the import alone (plugin-testing fails
				// an import that plans an update).
				{Config: config, ResourceName: k.address(), ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: no},
				// terraform import, then a plan of the configuration: empty.
				{Config: config, ResourceName: k.address(), ImportState: true, ImportStateId: no, ImportStatePersist: true},
				{Config: config, PlanOnly: true},
			},
		})
		if n := env.writes(k); n != 1 { // the closing destroy only
			t.Errorf("%d write calls, want 1 (the closing destroy)", n)
		}
	})
}

func TestAccSharingPermission_timeoutsChangeWritesNothing(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		no, _ := k.images(env)
		env.needEmulator(t)
		a := env.loginIDs[0]
		withTimeouts := env.config(fmt.Sprintf(`
resource %q "test" {
  %s = %q
  shared_login_ids       = [%q]
  timeouts {
    update = "7m"
  }
}`, k.typeName, k.noAttr, no, a))
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{
				{Config: env.sharingOf(k, no, a), Check: env.writeCount(k, 1)},
				{
					Config: withTimeouts,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(k.address(), plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(k.address(), tfjsonpath.New("share_status"), knownvalue.StringExact("SHARE")),
					}},
					ConfigStateChecks: expectSharedAt(k.address(), "SHARE", a),
					Check:             env.writeCount(k, 1),
				},
			},
		})
	})
}
