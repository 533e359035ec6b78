package provider

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest/reliability"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The fault table: each fault is injected into each operation the provider
// calls, at the point of the resource's life where it calls it. The rows
// (package reliability) also make the reliability guide's table (see
// TestReliabilityGuideIsCurrent), so the guide cannot claim more than runs.

const listOperation = reliability.ListOperation

func TestAccFaults(t *testing.T) {
	for _, c := range reliability.FaultCases() {
		t.Run(c.Phase.Name+"/"+c.Scenario.Name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			env.needEmulator(t)
			runFaultScenario(t, env, c.Phase, c.Scenario)
		})
	}
}

func runFaultScenario(t *testing.T, env *testEnv, phase reliability.FaultPhase, sc reliability.FaultScenario) {
	a, b := env.loginIDs[0], env.loginIDs[1]
	k, imageNo := memberKindT, env.imageNo
	if phase.Server {
		k, imageNo = serverKindT, env.kvmImageNo
	}
	config := func(ids ...string) string {
		return env.configWith(fmt.Sprintf("max_retries = %d", reliability.MaxRetries), k.resource(imageNo, ids...))
	}
	fault := sc.Fault
	fault.Operation = phase.Operation
	inject := func() {
		env.emu.ResetCalls()
		env.emu.InjectFault(fault)
	}
	faulted := resource.TestStep{PreConfig: inject}
	final := []string{a} // what the API must hold at the end
	steps := []resource.TestStep{{Config: config(a)}}
	switch phase.Kind {
	case reliability.PlanLookup, reliability.Create:
		steps = nil
		final = []string{a, b}
		faulted.Config = config(a, b)
	case reliability.Refresh:
		faulted.Config = config(a)
	case reliability.Update:
		faulted.Config = config(a, b)
		final = []string{a, b}
	case reliability.Delete:
		faulted.Config = config(a)
		faulted.Destroy = true
		final = nil
	}
	if sc.Outcome == reliability.RetriedAndSucceeds {
		faulted.Check = env.checkRemote(imageNo, final...)
	} else {
		want := append([]string{phase.Summary + " " + imageNo, phase.Operation}, sc.Want...)
		faulted.ExpectError = wrapped(append(want, "request ID", sc.Hint)...)
	}
	steps = append(steps, faulted)
	if sc.Outcome != reliability.RetriedAndSucceeds && steps[0].Config != "" && len(steps) == 2 {
		// The failed call changed nothing: the state still matches what the
		// API holds, so the configuration the resource had plans no change.
		steps = append(steps, resource.TestStep{PreConfig: env.emu.ClearFaults, Config: config(a), PlanOnly: true})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: steps})

	attempts := 0
	for _, r := range env.emu.Requests() {
		if r.Operation == phase.Operation && r.Status != http.StatusOK {
			attempts++
		}
	}
	if want := phase.FailedAttempts(sc); attempts != want {
		t.Errorf("%s: %d failed attempts, want %d", phase.Operation, attempts, want)
	}
}

// TestAccFaults_readOutOfTime: a refresh that its read timeout ends while NCP
// keeps failing says that time ran out and what NCP answered last, not
// only "context deadline exceeded".
func TestAccFaults_readOutOfTime(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needEmulator(t)
	config := env.configWith("max_retries = 8", fmt.Sprintf(`
resource "ncloudimage_member_server_image_sharing_permission" "test" {
  member_server_image_no = %q
  shared_login_ids       = [%q]
  timeouts {
    read = "3s"
  }
}`, env.imageNo, env.loginIDs[0]))
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.emu.InjectFault(emulator.Fault{Operation: listOperation, HTTPStatus: 503, ErrorCode: "500"})
				},
				Config: config,
				ExpectError: wrapped("Cannot read member server image "+env.imageNo, listOperation, "context deadline exceeded",
					"the last failed attempt", "HTTP 503", "code 500", "Endpoint Error", "request ID",
					"ran out of time", "raise the resource's timeouts", "timeouts.read"),
			},
			{PreConfig: env.emu.ClearFaults, Config: config, PlanOnly: true},
		},
	})
	if elapsed := time.Since(start); elapsed > 60*time.Second {
		t.Errorf("took %s: the 3s read timeout did not end the refresh", elapsed)
	}
}
