package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// What only the server image resource does: a write is a diff (remove,
// then add) against what NCP holds, and its checks at plan are its own.
// What it shares with the member resource runs for both kinds (see
// eachKind).

const serverAddress = "ncloudimage_server_image_sharing_permission.test"

// calls asserts how many add and remove calls the emulator received in all.
func (e *testEnv) calls(adds, removes int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.emu == nil {
			return nil
		}
		if a, r := e.emu.Calls(addOperation), e.emu.Calls(removeOperation); a != adds || r != removes {
			return fmt.Errorf("%d add and %d remove calls, want %d and %d", a, r, adds, removes)
		}
		return nil
	}
}

func TestAccServerSharing_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	if env.kvmImageNo == "" {
		t.Skip("set NCLOUDIMAGE_ACC_KVM_IMAGE_NO to run the server image tests live")
	}
	k, no := serverKindT, env.kvmImageNo
	a, b := env.loginIDs[0], env.loginIDs[1]
	shared := func(status string, ids ...string) []statecheck.StateCheck {
		return expectSharedAt(serverAddress, status, ids...)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkRemote(no),
		Steps: []resource.TestStep{
			{
				Config:            env.sharingOf(k, no, a),
				ConfigStateChecks: append(shared("SHARE", a), statecheck.ExpectKnownValue(serverAddress, tfjsonpath.New("id"), knownvalue.StringExact(no))),
				Check:             resource.ComposeAggregateTestCheckFunc(env.checkRemote(no, a), env.calls(1, 0)),
			},
			{ // add only: one add call, no remove
				Config: env.sharingOf(k, no, a, b),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(serverAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: shared("SHARE", a, b),
				Check:             resource.ComposeAggregateTestCheckFunc(env.checkRemote(no, a, b), env.calls(2, 0)),
			},
			{ // remove only
				Config:            env.sharingOf(k, no, b),
				ConfigStateChecks: shared("SHARE", b),
				Check:             resource.ComposeAggregateTestCheckFunc(env.checkRemote(no, b), env.calls(2, 1)),
			},
			{ // both: remove, then add
				Config:            env.sharingOf(k, no, a),
				ConfigStateChecks: shared("SHARE", a),
				Check:             resource.ComposeAggregateTestCheckFunc(env.checkRemote(no, a), env.calls(3, 2)),
			},
			{ // an empty set shares with nobody
				Config:            env.sharingOf(k, no),
				ConfigStateChecks: shared("NULL"),
				Check:             resource.ComposeAggregateTestCheckFunc(env.checkRemote(no), env.calls(3, 3)),
			},
			{
				Config:            env.sharingOf(k, no, a, b),
				ConfigStateChecks: shared("SHARE", a, b),
			},
			{
				ResourceName:            serverAddress,
				ImportState:             true,
				ImportStateId:           no,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{ResourceName: serverAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: no},
		},
	})
}

func TestAccServerSharing_driftIsShownAndReverted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	k, no := serverKindT, env.kvmImageNo
	a, b := env.loginIDs[0], env.loginIDs[1]
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.sharingOf(k, no, a)},
			{
				// Someone shares the image with b by hand and unshares a.
				PreConfig: func() { env.emu.SetSharedLoginIDs(no, []string{b}) },
				Config:    env.sharingOf(k, no, a),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(serverAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: expectSharedAt(serverAddress, "SHARE", a),
				Check:             env.checkRemote(no, a),
			},
		},
	})
}

func TestAccServerSharing_waitsForInitImage(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	const fresh = "20010"
	env.emu.PutImage(emulator.Image{No: fresh, Name: "fresh-kvm", Hypervisor: "KVM", Status: "INIT", ReadyAfter: 3 * time.Second})
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: env.sharingOf(serverKindT, fresh, env.loginIDs[0]),
			Check:  env.checkRemote(fresh, env.loginIDs[0]),
		}},
	})
	if time.Since(start) < 3*time.Second {
		t.Errorf("the apply took %s: it cannot have waited for the image to leave INIT", time.Since(start))
	}
}

func TestAccServerSharing_rejectedAtPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	const public, failed, terminating = "20020", "20021", "20022"
	env.emu.PutImage(emulator.Image{No: public, Name: "rocky-8.10", Hypervisor: "KVM", Type: "NCP"})
	env.emu.PutImage(emulator.Image{No: failed, Name: "broken-kvm", Hypervisor: "KVM", Status: "CREFL"})
	env.emu.PutImage(emulator.Image{No: terminating, Name: "old-kvm", Hypervisor: "KVM", Status: "TERMT"})
	a := env.loginIDs[0]
	k := serverKindT
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: env.sharingOf(k, env.imageNo, a), PlanOnly: true,
				ExpectError: wrapped("Server image "+env.imageNo+" is a XEN image", "ncloudimage_member_server_image_sharing_permission",
					`resource "ncloudimage_member_server_image_sharing_permission"`, `member_server_image_no = "`+env.imageNo+`"`,
					"instead of", `resource "ncloudimage_server_image_sharing_permission"`, `server_image_no = "`+env.imageNo+`"`),
			},
			{Config: env.sharingOf(k, public, a), PlanOnly: true, ExpectError: wrapped("Server image " + public + " is an NCP public image")},
			{Config: env.sharingOf(k, failed, a), PlanOnly: true, ExpectError: wrapped("Server image " + failed + " cannot be shared in status CREFL")},
			{Config: env.sharingOf(k, terminating, a), PlanOnly: true, ExpectError: wrapped("Server image " + terminating + " cannot be shared in status TERMT")},
			// Replacing a KVM image by a XEN one is rejected at plan too.
			{Config: env.sharingOf(k, env.kvmImageNo, a)},
			{Config: env.sharingOf(k, env.imageNo, a), ExpectError: wrapped("Server image " + env.imageNo + " is a XEN image")},
		},
	})
	if n := env.writes(k); n != 2 { // the KVM image's create and destroy only
		t.Errorf("%d write calls, want 2: an image that cannot be shared must be rejected before any write", n)
	}
}

func TestAccServerSharing_unknownImageNoCheckedAtApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	config := env.config(fmt.Sprintf(`
resource "terraform_data" "image" {
  input = %q
}
resource "ncloudimage_server_image_sharing_permission" "test" {
  server_image_no  = terraform_data.image.output
  shared_login_ids = [%q]
}`, env.imageNo, env.loginIDs[0]))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: wrapped("Server image " + env.imageNo + " is a XEN image"),
		}},
	})
	if n := env.writes(serverKindT); n != 0 {
		t.Errorf("%d write calls, want 0", n)
	}
}

// expectPriorSet checks the logins a planned change starts from: the
// state, as the last apply left it.
type expectPriorSet struct {
	address string
	want    []string
}

func (c expectPriorSet) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		var got []string
		if ids, ok := before["shared_login_ids"].([]any); ok {
			for _, id := range ids {
				got = append(got, fmt.Sprint(id))
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			resp.Error = fmt.Errorf("%s: the plan starts from %q, want %q", c.address, got, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: no planned change", c.address)
}

// A write that fails half-way (the remove done, the add refused) records
// what NCP holds, says what was and was not done, and the next apply
// converges.
func TestAccServerSharing_halfDoneWrite(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	k, no := serverKindT, env.kvmImageNo
	a, b := env.loginIDs[0], env.loginIDs[1]
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.sharingOf(k, no, a)},
			{
				PreConfig: func() {
					env.emu.InjectFault(emulator.Fault{Operation: addOperation, Count: 1, ReturnCode: "9999", HTTPStatus: 500, Message: "internal failure"})
				},
				Config:      env.sharingOf(k, no, b),
				ExpectError: wrapped("Cannot share server image "+no, "the 1 login ID(s) to drop were removed, but adding 1 login ID(s) failed", "internal failure"),
			},
			{
				// NCP holds nobody now, and so does the state: the plan adds b.
				PreConfig: func() {
					if err := env.checkRemote(no)(nil); err != nil {
						t.Errorf("after the half-done write: %v", err)
					}
				},
				Config: env.sharingOf(k, no, b),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(serverAddress, plancheck.ResourceActionUpdate),
					expectPriorSet{serverAddress, nil},
				}},
				ConfigStateChecks: expectSharedAt(serverAddress, "SHARE", b),
				Check:             env.checkRemote(no, b),
			},
		},
	})
}

func TestAccServerSharing_faults(t *testing.T) {
	t.Parallel()
	a, b := "alice@example.com", "bob@example.com"
	for _, c := range []struct {
		name  string
		fault emulator.Fault
		want  *regexp.Regexp // nil: the apply succeeds
	}{
		{"gateway 503 on add is retried", emulator.Fault{Operation: addOperation, Count: 1, ErrorCode: "500"}, nil},
		{"throttled remove is retried", emulator.Fault{Operation: removeOperation, Count: 1, ErrorCode: "410"}, nil},
		// The add applies, its answer is lost, its retry is refused (already
		// shared): the re-read shows the write done.
		{"add applied, answer lost", emulator.Fault{Operation: addOperation, Count: 1, DropAfterApply: true}, nil},
		{"remove applied, answer lost", emulator.Fault{Operation: removeOperation, Count: 1, DropAfterApply: true}, nil},
		{"API error on remove: nothing added", emulator.Fault{Operation: removeOperation, Count: 1, ReturnCode: "9999", HTTPStatus: 400, Message: "refused"},
			wrapped("Cannot share server image", "removing 1 login ID(s) failed; none was added", "refused")},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			env.needEmulator(t)
			k, no := serverKindT, env.kvmImageNo
			want := []string{b}
			if c.want != nil {
				want = []string{a}
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{
					{Config: env.sharingOf(k, no, a)},
					{
						PreConfig:   func() { env.emu.InjectFault(c.fault) },
						Config:      env.sharingOf(k, no, b),
						ExpectError: c.want,
						Check:       env.checkRemote(no, b),
					},
					{
						PreConfig: func() {
							if err := env.checkRemote(no, want...)(nil); err != nil {
								t.Error(err)
							}
						},
						Config: env.sharingOf(k, no, b),
						Check:  env.checkRemote(no, b),
					},
				},
			})
		})
	}
}

func TestAccServerSharing_importXENImageSaysWhy(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	if env.kvmImageNo == "" {
		t.Skip("set NCLOUDIMAGE_ACC_KVM_IMAGE_NO to run the server image tests live")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:        env.sharingOf(serverKindT, env.kvmImageNo, env.loginIDs[0]),
			ResourceName:  serverAddress,
			ImportState:   true,
			ImportStateId: env.imageNo,
			ExpectError:   wrapped("Server image "+env.imageNo+" is a XEN image", "ncloudimage_member_server_image_sharing_permission"),
		}},
	})
}
