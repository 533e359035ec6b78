package provider

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The fault table: each fault is injected into each operation the provider
// calls, at the point of the resource's life where it calls it. The
// reliability guide's table is generated from these rows (see
// TestReliabilityGuideIsCurrent), so the guide cannot claim more than runs.

// faultPhase is where in a resource's life an operation is called.
type faultPhase struct {
	name      string // as the guide shows it
	operation string
	summary   string // the diagnostic's summary when the call fails
}

const listOperation = "getMemberServerImageInstanceList"

var faultPhases = []faultPhase{
	{"image lookup during plan", listOperation, "Cannot look up member server image"},
	{"read (refresh)", listOperation, "Cannot read member server image"},
	{"set (create)", setOperation, "Cannot share member server image"},
	{"set (update)", setOperation, "Cannot share member server image"},
	{"set (delete)", setOperation, "Cannot unshare member server image"},
}

type faultOutcome int

const (
	retriedAndSucceeds faultOutcome = iota // the apply ends with the desired set
	failsWithoutRetry                      // one call, then a diagnostic naming the call
	failsAfterRetries                      // max_retries+1 calls, then a diagnostic saying so
)

type faultScenario struct {
	name    string
	fault   emulator.Fault // Operation is set per phase
	outcome faultOutcome
	want    []string // phrases of NCP's answer in the diagnostic: status, code, message
	hint    string   // what the diagnostic tells the user to do
	writes  bool     // only meaningful for writes
}

// testMaxRetries keeps the exhausted-retries rows short.
const testMaxRetries = 2

var faultScenarios = []faultScenario{
	{name: "429 throttle limited (code 410), twice", fault: emulator.Fault{Count: 2, HTTPStatus: 429, ErrorCode: "410"}},
	{name: "429 rate limited (code 420), twice", fault: emulator.Fault{Count: 2, HTTPStatus: 429, ErrorCode: "420"}},
	{name: "503 endpoint error (code 500), twice", fault: emulator.Fault{Count: 2, HTTPStatus: 503, ErrorCode: "500"}},
	{name: "504 endpoint timeout (code 510)", fault: emulator.Fault{Count: 1, HTTPStatus: 504, ErrorCode: "510"}},
	{name: "500 unexpected error (code 900)", fault: emulator.Fault{Count: 1, HTTPStatus: 500, ErrorCode: "900"}},
	{name: "connection dropped before a response", fault: emulator.Fault{Count: 1, Drop: true}},
	{name: "write applied, its response lost", fault: emulator.Fault{Count: 1, DropAfterApply: true}, writes: true},
	{name: "429 quota exceeded (code 400)", fault: emulator.Fault{Count: 1, HTTPStatus: 429, ErrorCode: "400"},
		outcome: failsWithoutRetry, want: []string{"HTTP 429", "code 400", "Quota Exceeded"}, hint: "quota is exhausted"},
	{name: "401 authentication failed (code 200)", fault: emulator.Fault{Count: 1, HTTPStatus: 401, ErrorCode: "200"},
		outcome: failsWithoutRetry, want: []string{"HTTP 401", "code 200", "Authentication Failed"}, hint: "check this machine's clock"},
	{name: "401 permission denied (code 210)", fault: emulator.Fault{Count: 1, HTTPStatus: 401, ErrorCode: "210"},
		outcome: failsWithoutRetry, want: []string{"HTTP 401", "code 210", "Permission Denied"}, hint: "Sub Account"},
	{name: "403 forbidden", fault: emulator.Fault{Count: 1, HTTPStatus: 403, ErrorCode: "210"},
		outcome: failsWithoutRetry, want: []string{"HTTP 403", "code 210"}, hint: "Sub Account"},
	{name: "API error (returnCode 1300)", fault: emulator.Fault{Count: 1, HTTPStatus: 400, ReturnCode: "1300", Message: "Invalid parameter"},
		outcome: failsWithoutRetry, want: []string{"HTTP 400", "code 1300", "Invalid parameter"}, hint: "Check the image number"},
	{name: "API error with HTTP 500 (returnCode 9999)", fault: emulator.Fault{Count: 1, HTTPStatus: 500, ReturnCode: "9999", Message: "Internal failure"},
		outcome: failsWithoutRetry, want: []string{"HTTP 500", "code 9999", "Internal failure"}, hint: "does not repeat a request that the API answered"},
	{name: "503 on every attempt", fault: emulator.Fault{HTTPStatus: 503, ErrorCode: "500"},
		outcome: failsAfterRetries, want: []string{"HTTP 503", "code 500"}, hint: fmt.Sprintf("after %d attempts", testMaxRetries+1)},
}

// faultCase is one run of the table: a scenario in a phase.
type faultCase struct {
	phase    faultPhase
	scenario faultScenario
}

func faultCases() []faultCase {
	var cases []faultCase
	for _, phase := range faultPhases {
		for _, sc := range faultScenarios {
			if sc.writes && phase.operation != setOperation {
				continue
			}
			if phase.name == "set (update)" && sc.outcome != failsAfterRetries {
				continue // the same call as create; here for what a failed update leaves in state
			}
			cases = append(cases, faultCase{phase, sc})
		}
	}
	return cases
}

func TestAccFaults(t *testing.T) {
	for _, c := range faultCases() {
		t.Run(c.phase.name+"/"+c.scenario.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			env.needEmulator(t)
			runFaultScenario(t, env, c.phase, c.scenario)
		})
	}
}

func runFaultScenario(t *testing.T, env *testEnv, phase faultPhase, sc faultScenario) {
	a, b := env.loginIDs[0], env.loginIDs[1]
	config := func(ids ...string) string {
		return env.configWith(fmt.Sprintf("max_retries = %d", testMaxRetries), sharingResource(env.imageNo, ids...))
	}
	fault := sc.fault
	fault.Operation = phase.operation
	inject := func() {
		env.emu.ResetCalls()
		env.emu.InjectFault(fault)
	}
	faulted := resource.TestStep{PreConfig: inject}
	final := []string{a} // what the API must hold at the end
	steps := []resource.TestStep{{Config: config(a)}}
	switch phase.name {
	case "image lookup during plan", "set (create)":
		steps = nil
		final = []string{a, b}
		faulted.Config = config(a, b)
	case "read (refresh)":
		faulted.Config = config(a)
	case "set (update)":
		faulted.Config = config(a, b)
		final = []string{a, b}
	case "set (delete)":
		faulted.Config = config(a)
		faulted.Destroy = true
		final = nil
	}
	if sc.outcome == retriedAndSucceeds {
		faulted.Check = env.checkRemote(env.imageNo, final...)
	} else {
		want := append([]string{phase.summary + " " + env.imageNo, phase.operation}, sc.want...)
		faulted.ExpectError = wrapped(append(want, "request ID", sc.hint)...)
	}
	steps = append(steps, faulted)
	if sc.outcome != retriedAndSucceeds && steps[0].Config != "" && len(steps) == 2 {
		// The failed call changed nothing: the state still matches what the
		// API holds, so the configuration the resource had plans no change.
		steps = append(steps, resource.TestStep{PreConfig: env.emu.ClearFaults, Config: config(a), PlanOnly: true})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: steps})

	attempts := 0
	for _, r := range env.emu.Requests() {
		if r.Operation == phase.operation && r.Status != http.StatusOK {
			attempts++
		}
	}
	switch sc.outcome {
	case retriedAndSucceeds:
		if attempts != sc.fault.Count {
			t.Errorf("%s: %d failed attempts, want %d (each injected fault seen once, then a successful retry)", phase.operation, attempts, sc.fault.Count)
		}
	case failsWithoutRetry:
		if attempts != 1 {
			t.Errorf("%s: %d failed attempts, want 1: this error must not be retried", phase.operation, attempts)
		}
	case failsAfterRetries:
		if attempts != testMaxRetries+1 {
			t.Errorf("%s: %d failed attempts, want %d: retries must be bounded by max_retries", phase.operation, attempts, testMaxRetries+1)
		}
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
