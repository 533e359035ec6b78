// Package reliability holds the fault and bad-input scenarios that the
// provider's acceptance tests run (internal/provider: faults_test.go,
// bad_input_test.go) and renders them as the tables of the reliability
// guide (templates/guides/reliability.md.tmpl), so that the guide cannot
// claim more than the suite runs. `make generate` writes the tables
// (cmd/guide-tables); TestReliabilityGuideIsCurrent checks them.
//
// The rows are plain data: how a row becomes a terraform-plugin-testing
// step stays with the tests.
package reliability

import (
	"fmt"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The operations the provider calls.
const (
	ListOperation = "getMemberServerImageInstanceList"
	SetOperation  = "setMemberServerImageSharingPermission"

	ServerListOperation = "getServerImageList"
	AddOperation        = "addServerImageSharingPermission"
	RemoveOperation     = "removeServerImageSharingPermission"
)

// MaxRetries is the provider's max_retries in the fault tests; it keeps
// the exhausted-retries rows short.
const MaxRetries = 2

// PhaseKind is the point of a resource's life at which a fault is injected.
type PhaseKind int

const (
	PlanLookup PhaseKind = iota // the image lookup in the plan of a create
	Refresh                     // the read of the refresh, before a plan
	Create                      // the write of a create
	Update                      // the write of an in-place update: the same call as Create
	Delete                      // the write of a destroy
)

// Writes reports whether the phase's call changes sharing.
func (k PhaseKind) Writes() bool { return k == Create || k == Update || k == Delete }

// FaultPhase is an operation the provider calls, where it calls it.
type FaultPhase struct {
	Kind      PhaseKind
	Name      string // as the guide shows it
	Operation string
	Summary   string // the diagnostic's summary when the call fails
	// Server is set for the server image resource's operations; the
	// others are the member resource's.
	Server bool
}

// idempotent reports whether repeating the phase's call leaves the same
// result. Adding a login already shared, or removing one that is not, is
// refused: when such a call was applied and its answer lost, its retry is
// refused, and the provider's re-read shows the write done.
func (p FaultPhase) idempotent() bool {
	return p.Operation != AddOperation && p.Operation != RemoveOperation
}

// FailedAttempts is how many calls of the phase's operation fail when sc
// ends as it should.
func (p FaultPhase) FailedAttempts(sc FaultScenario) int {
	switch {
	case sc.Outcome == FailsWithoutRetry:
		return 1
	case sc.Outcome == FailsAfterRetries:
		return MaxRetries + 1
	case sc.Fault.DropAfterApply && !p.idempotent():
		return sc.Fault.Count + 1 // the lost one, and its refused retry
	}
	return sc.Fault.Count
}

// FaultPhases are the guide's columns, in order.
var FaultPhases = []FaultPhase{
	{PlanLookup, "image lookup during plan", ListOperation, "Cannot look up member server image", false},
	{Refresh, "read (refresh)", ListOperation, "Cannot read member server image", false},
	{Create, "set (create)", SetOperation, "Cannot share member server image", false},
	{Update, "set (update)", SetOperation, "Cannot share member server image", false},
	{Delete, "set (delete)", SetOperation, "Cannot unshare member server image", false},
	{Refresh, "server image read (refresh)", ServerListOperation, "Cannot read server image", true},
	{Create, "add (create)", AddOperation, "Cannot share server image", true},
	{Delete, "remove (delete)", RemoveOperation, "Cannot unshare server image", true},
}

// Outcome is what a fault must lead to.
type Outcome int

const (
	RetriedAndSucceeds Outcome = iota // the apply ends with the desired set
	FailsWithoutRetry                 // one call, then a diagnostic naming the call
	FailsAfterRetries                 // MaxRetries+1 calls, then a diagnostic saying so
)

// FaultScenario is a fault and what it must lead to.
type FaultScenario struct {
	Name       string         // as the guide shows it
	Fault      emulator.Fault // Operation is set per phase
	Outcome    Outcome
	Want       []string // phrases of NCP's answer in the diagnostic: status, code, message
	Hint       string   // what the diagnostic tells the user to do
	WritesOnly bool     // the fault only means something for a write
}

// FaultScenarios are the guide's rows, in order.
var FaultScenarios = []FaultScenario{
	{Name: "429 throttle limited (code 410), twice", Fault: emulator.Fault{Count: 2, HTTPStatus: 429, ErrorCode: "410"}},
	{Name: "429 rate limited (code 420), twice", Fault: emulator.Fault{Count: 2, HTTPStatus: 429, ErrorCode: "420"}},
	{Name: "503 endpoint error (code 500), twice", Fault: emulator.Fault{Count: 2, HTTPStatus: 503, ErrorCode: "500"}},
	{Name: "504 endpoint timeout (code 510)", Fault: emulator.Fault{Count: 1, HTTPStatus: 504, ErrorCode: "510"}},
	{Name: "500 unexpected error (code 900)", Fault: emulator.Fault{Count: 1, HTTPStatus: 500, ErrorCode: "900"}},
	{Name: "connection dropped before a response", Fault: emulator.Fault{Count: 1, Drop: true}},
	{Name: "write applied, its response lost", Fault: emulator.Fault{Count: 1, DropAfterApply: true}, WritesOnly: true},
	{Name: "429 quota exceeded (code 400)", Fault: emulator.Fault{Count: 1, HTTPStatus: 429, ErrorCode: "400"},
		Outcome: FailsWithoutRetry, Want: []string{"HTTP 429", "code 400", "Quota Exceeded"}, Hint: "quota is exhausted"},
	{Name: "401 authentication failed (code 200)", Fault: emulator.Fault{Count: 1, HTTPStatus: 401, ErrorCode: "200"},
		Outcome: FailsWithoutRetry, Want: []string{"HTTP 401", "code 200", "Authentication Failed"}, Hint: "check this machine's clock"},
	{Name: "401 permission denied (code 210)", Fault: emulator.Fault{Count: 1, HTTPStatus: 401, ErrorCode: "210"},
		Outcome: FailsWithoutRetry, Want: []string{"HTTP 401", "code 210", "Permission Denied"}, Hint: "Sub Account"},
	{Name: "403 forbidden", Fault: emulator.Fault{Count: 1, HTTPStatus: 403, ErrorCode: "210"},
		Outcome: FailsWithoutRetry, Want: []string{"HTTP 403", "code 210"}, Hint: "Sub Account"},
	{Name: "API error (returnCode 1300)", Fault: emulator.Fault{Count: 1, HTTPStatus: 400, ReturnCode: "1300", Message: "Invalid parameter"},
		Outcome: FailsWithoutRetry, Want: []string{"HTTP 400", "code 1300", "Invalid parameter"}, Hint: "Check the image number"},
	{Name: "API error with HTTP 500 (returnCode 9999)", Fault: emulator.Fault{Count: 1, HTTPStatus: 500, ReturnCode: "9999", Message: "Internal failure"},
		Outcome: FailsWithoutRetry, Want: []string{"HTTP 500", "code 9999", "Internal failure"}, Hint: "does not repeat a request that the API answered"},
	{Name: "503 on every attempt", Fault: emulator.Fault{HTTPStatus: 503, ErrorCode: "500"},
		Outcome: FailsAfterRetries, Want: []string{"HTTP 503", "code 500"}, Hint: fmt.Sprintf("after %d attempts", MaxRetries+1)},
}

// Runs reports whether the suite runs scenario sc in phase p. An update
// makes the same call as a create, so it runs only the scenario that shows
// what a failed update leaves in state.
func (p FaultPhase) Runs(sc FaultScenario) bool {
	switch {
	case sc.WritesOnly && !p.Kind.Writes():
		return false
	case p.Kind == Update:
		return sc.Outcome == FailsAfterRetries
	}
	return true
}

// FaultCase is one run of the table: a scenario in a phase.
type FaultCase struct {
	Phase    FaultPhase
	Scenario FaultScenario
}

// FaultCases are the runs of the table, phase by phase.
func FaultCases() []FaultCase {
	var cases []FaultCase
	for _, p := range FaultPhases {
		for _, sc := range FaultScenarios {
			if p.Runs(sc) {
				cases = append(cases, FaultCase{p, sc})
			}
		}
	}
	return cases
}
