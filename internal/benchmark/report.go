package benchmark

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Phase is one terraform command of a run.
type Phase int

const (
	Create  Phase = iota // terraform apply of the initial configuration
	Plan                 // terraform plan -detailed-exitcode right after: must find no changes
	Update               // terraform apply after every tenth resource's login set changed
	Destroy              // terraform destroy -auto-approve
)

// Phases lists the phases in the order they run.
var Phases = []Phase{Create, Plan, Update, Destroy}

func (p Phase) String() string {
	return [...]string{"create", "no-change plan", "update 10%", "destroy"}[p]
}

// slug names the phase's log file.
func (p Phase) slug() string { return [...]string{"create", "plan", "update", "destroy"}[p] }

func (p Phase) args() []string {
	switch p {
	case Plan:
		return []string{"plan", "-detailed-exitcode"}
	case Destroy:
		return []string{"destroy", "-auto-approve"}
	default:
		return []string{"apply", "-auto-approve"}
	}
}

// Measurement is one terraform command.
type Measurement struct {
	Wall    time.Duration  // process start to exit
	Calls   map[string]int // API calls by operation, as the emulator counted them
	Total   int            // API calls in all
	TooMany int            // calls answered 429
	PeakKiB int64          // largest VmHWM of any provider process; 0 when none was seen
	Err     error          // the command failed; the fields above describe the attempt
}

// Writes is the number of calls that change sharing.
func (m Measurement) Writes() int {
	w := 0
	for op, c := range m.Calls {
		if IsWrite(op) {
			w += c
		}
	}
	return w
}

// Summary is the measurement's calls by operation, 429s and wall time, for
// logs: "13 calls [msi-set 10, msi-list 3], 0 answered 429, 0.83 s".
func (m Measurement) Summary() string {
	return fmt.Sprintf("%d calls [%s], %d answered 429, %s", m.Total, breakdown(m.Calls), m.TooMany, seconds(m.Wall))
}

// IsWrite reports whether an operation changes sharing.
func IsWrite(op string) bool {
	return strings.HasPrefix(op, "set") || strings.HasPrefix(op, "add") || strings.HasPrefix(op, "remove")
}

// Run is the phases of N resources of each of the provider's resource
// types, of N terraform_data resources, of N no-op provider resources and
// of N per-call provider resources.
type Run struct {
	N       int
	Member  []Measurement // MemberSharing by Phase; ends at the first failure; nil when not run
	Server  []Measurement // ServerSharing, likewise
	Floor   []Measurement
	NoOp    []Measurement // nil when not run
	PerCall []Measurement // nil when not run
}

// Sharing returns the measurements of kind k (MemberSharing or ServerSharing).
func (run Run) Sharing(k Kind) []Measurement {
	if k == ServerSharing {
		return run.Server
	}
	return run.Member
}

// kinds are the resource types the run measured; the member resource's
// alone when it measured none, so that the report says so.
func (run Run) kinds() []Kind {
	var ks []Kind
	for _, k := range SharingKinds {
		if run.Sharing(k) != nil {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return []Kind{MemberSharing}
	}
	return ks
}

func (run *Run) setSharing(k Kind, ms []Measurement) {
	if k == ServerSharing {
		run.Server = ms
	} else {
		run.Member = ms
	}
}

// MedianRun merges runs of the same N: each phase of each configuration is
// the run whose time is the median (see medianPhases).
func MedianRun(runs []Run) Run {
	of := func(get func(Run) []Measurement) []Measurement {
		all := make([][]Measurement, len(runs))
		for i, run := range runs {
			all[i] = get(run)
		}
		return medianPhases(all)
	}
	return Run{
		N:       runs[0].N,
		Member:  of(func(run Run) []Measurement { return run.Member }),
		Server:  of(func(run Run) []Measurement { return run.Server }),
		Floor:   of(func(run Run) []Measurement { return run.Floor }),
		NoOp:    of(func(run Run) []Measurement { return run.NoOp }),
		PerCall: of(func(run Run) []Measurement { return run.PerCall }),
	}
}

// MedianLargeRegion merges runs of the same large region as MedianRun does.
func MedianLargeRegion(runs []LargeRegion) LargeRegion {
	merged := runs[0]
	all := make([][]Measurement, len(runs))
	for i, run := range runs {
		all[i] = run.Phases
	}
	merged.Phases = medianPhases(all)
	return merged
}

// medianPhases is, for each phase, the measurement of the median time
// among the runs' (the lower one of an even count), with that run's calls
// and memory. A phase that failed in any run is that failure, and ends the
// measurements, as in a single run.
func medianPhases(runs [][]Measurement) []Measurement {
	var out []Measurement
	for p := range Phases {
		var ms []Measurement
		for _, run := range runs {
			if m, ran := PhaseAt(run, Phase(p)); ran {
				if m.Err != nil {
					return append(out, m)
				}
				ms = append(ms, m)
			}
		}
		if len(ms) == 0 {
			break
		}
		slices.SortFunc(ms, func(a, b Measurement) int { return cmp.Compare(a.Wall, b.Wall) })
		out = append(out, ms[(len(ms)-1)/2])
	}
	return out
}

// Throttled is an apply of N member server image sharing resources with the
// emulator rate limited.
type Throttled struct {
	N      int
	Rate   float64 // calls per second
	Create Measurement
}

// LargeRegion is the phases of N resources of one of the provider's
// resource types in a region where the account holds many more images of
// the kind's hypervisor, which no resource manages.
type LargeRegion struct {
	Kind            Kind // MemberSharing or ServerSharing
	N               int
	Images          int // images of the kind's hypervisor in the region, the N included
	OtherHypervisor int // the benchmark's images of the other hypervisor in the region
	Phases          []Measurement
}

// Settings are the conditions of a report's runs.
type Settings struct {
	Latency     time.Duration
	RateLimit   float64 // 0 = none
	Parallelism int
	Repeat      int    // runs per N, of which each time is the median; 0 or 1 = one
	Environment string // versions, platform and commit, one line
}

// Report is a whole benchmark.
type Report struct {
	Settings     Settings
	Runs         []Run
	Throttled    *Throttled    // nil when not run
	LargeRegions []LargeRegion // one per resource type; none when not run
}

// Targets of the benchmark issue that are stated at one N.
const (
	targetN         = 500
	targetPeakKiB   = 64 << 10
	targetPlanSlack = 1.5
)

// The targets relative to the per-call and the no-op providers are judged
// at the largest N of a report, and only at the latency they are stated
// for: the per-call provider's times are mostly latency.
const (
	targetLatency      = 50 * time.Millisecond
	targetPlanOverNoOp = 500 * time.Millisecond
)

// perCallTargets are the most each phase of the member resource may take,
// as a share of the per-call provider's time.
var perCallTargets = map[Phase]float64{Create: 0.75, Plan: 0.5, Update: 0.75, Destroy: 0.9}

// Target429Share is the share of a throttled apply's calls that may be
// answered 429: fewer than this.
const Target429Share = 0.2

// Failed reports whether any terraform command failed.
func (r Report) Failed() bool {
	return len(r.failures()) > 0
}

func (r Report) failures() []error {
	var errs []error
	for _, run := range r.Runs {
		for _, m := range slices.Concat(run.Member, run.Server, run.Floor, run.NoOp, run.PerCall) {
			if m.Err != nil {
				errs = append(errs, m.Err)
			}
		}
	}
	if r.Throttled != nil && r.Throttled.Create.Err != nil {
		errs = append(errs, r.Throttled.Create.Err)
	}
	for _, l := range r.LargeRegions {
		for _, m := range l.Phases {
			if m.Err != nil {
				errs = append(errs, m.Err)
			}
		}
	}
	return errs
}

// Markdown renders the report: a table and the target checks per N, the
// throttled scenario, the operation names and any failures.
func (r Report) Markdown() string {
	var b strings.Builder
	s := r.Settings
	rate := "no rate limit"
	if s.RateLimit > 0 {
		rate = fmt.Sprintf("rate limit %g calls/s", s.RateLimit)
	}
	fmt.Fprintf(&b, "# ncloudimage benchmark\n\n%s\n\n", s.Environment)
	runs := "one run each"
	if s.Repeat > 1 {
		runs = fmt.Sprintf("the median of %d runs (each N's configurations run in turn, %d times), with that run's calls and memory", s.Repeat, s.Repeat)
	}
	fmt.Fprintf(&b, "Emulator latency %s per API call, %s; `terraform -parallelism=%d`. "+
		"Times are whole terraform commands, process start to exit, "+runs+". "+
		"The floor is the same N of `terraform_data` (built into Terraform: no provider process, no API); "+
		"ratio = ncloudimage / terraform_data. The no-op provider is a terraform-plugin-framework provider "+
		"whose resource has the member resource's schema and does nothing (`internal/benchmark/cmd/noop-provider`): "+
		"what Terraform and the framework cost any provider. The per-call provider has the member resource's schema "+
		"and is written the usual way, one API call per read and no batching, through the same API client "+
		"(`internal/benchmark/cmd/percall-provider`); it runs on the member resource's images, and ratio to per-call = "+
		"ncloudimage / per-call provider. API calls are counted by the emulator per command. "+
		"Provider peak is the largest VmHWM of any provider process during the command (polled every %s). "+
		"Each N has a table per resource type, each of its own configuration and images; "+
		"the floors are measured once per N and shown in both. "+
		"Both carry that whole schema (arguments, computed attributes, timeouts block, identity) "+
		"because Terraform's local backend rewrites the whole state file after each resource it applies: "+
		"the state a resource holds costs time.\n",
		s.Latency, rate, s.Parallelism, pollInterval)

	largestN := 0
	for _, run := range r.Runs {
		largestN = max(largestN, run.N)
	}
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "\n## N = %d\n", run.N)
		for _, k := range run.kinds() {
			fmt.Fprintf(&b, "\n### %s: `%s`\n\n", kindTitle(k), k.ResourceType())
			writeRunTable(&b, run, k)
			if k == MemberSharing && run.PerCall != nil {
				fmt.Fprintf(&b, "\nPer-call provider: `%s`, on the same images.\n\n", PerCall.ResourceType())
				writeCallsTable(&b, "per-call provider", run.N, run.PerCall)
			}
			b.WriteString("\nTargets:\n\n")
			writeChecks(&b, slices.Concat(run.checks(s, k), run.comparisonChecks(s, k, largestN)))
		}
	}
	if t := r.Throttled; t != nil {
		fmt.Fprintf(&b, "\n## Throttled: N = %d at %g calls/s\n\n", t.N, t.Rate)
		fmt.Fprintf(&b, "%s: `%s`.\n\n", kindTitle(MemberSharing), MemberSharing.ResourceType())
		b.WriteString("| phase | ncloudimage | API calls | calls/resource | by operation | 429s | provider peak |\n")
		b.WriteString("|---|--:|--:|--:|---|--:|--:|\n")
		m := t.Create
		fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %s | %s | %s |\n",
			Create, wallCell(m, true), m.Total, perResource(m.Total, t.N), breakdown(m.Calls), tooManyCell(m), mib(m.PeakKiB))
		b.WriteString("\nTargets:\n\n")
		writeChecks(&b, t.checks())
	}
	for i, l := range r.LargeRegions {
		if i == 0 {
			fmt.Fprintf(&b, "\n## Large region: N = %d\n\n", l.N)
			b.WriteString("Each resource type on its own: N resources in a region where the account holds many more images of their hypervisor, " +
				"which no resource manages: those the earlier runs put, which stay, and others put for this run only and deleted after it.\n")
		}
		other := hypervisor(MemberSharing)
		if l.Kind == MemberSharing {
			other = hypervisor(ServerSharing)
		}
		fmt.Fprintf(&b, "\n### %s: `%s`\n\n", kindTitle(l.Kind), l.Kind.ResourceType())
		fmt.Fprintf(&b, "The region holds %d %s images (%d managed, %d others) and %d %s images.\n\n",
			l.Images, hypervisor(l.Kind), l.N, l.Images-l.N, l.OtherHypervisor, other)
		writeCallsTable(&b, "ncloudimage", l.N, l.Phases)
	}
	if ops := r.operations(); len(ops) > 0 {
		b.WriteString("\nOperations: ")
		for i, op := range ops {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "`%s` = %s", shortOp(op), op)
		}
		b.WriteString(".\n")
	}
	if errs := r.failures(); len(errs) > 0 {
		b.WriteString("\n## Failures\n")
		for _, err := range errs {
			fmt.Fprintf(&b, "\n```\n%s\n```\n", strings.TrimSpace(err.Error()))
		}
	}
	return b.String()
}

// kindTitle is the report's heading for the resources of kind k.
func kindTitle(k Kind) string {
	if k == ServerSharing {
		return "Server images (KVM)"
	}
	return "Member server images (XEN)"
}

// writeRunTable writes the table of the resources of kind k in a run. The
// member resource's has the per-call provider's times too: it runs on the
// same images.
func writeRunTable(b *strings.Builder, run Run, k Kind) {
	ours := run.Sharing(k)
	perCall := k == MemberSharing
	head := []string{"phase", "ncloudimage", "terraform_data", "ratio", "no-op provider"}
	align := []string{"---", "--:", "--:", "--:", "--:"}
	if perCall {
		head = append(head, "per-call provider", "ratio to per-call")
		align = append(align, "--:", "--:")
	}
	head = append(head, "API calls", "calls/resource", "by operation", "429s", "provider peak")
	align = append(align, "--:", "--:", "---", "--:", "--:")
	writeRow(b, head)
	writeAlign(b, align)
	for _, p := range Phases {
		m, ran := PhaseAt(ours, p)
		row := []string{p.String(), wallCell(m, ran), optionalWallCell(run.Floor, p), ratioCell(ours, run.Floor, p), optionalWallCell(run.NoOp, p)}
		if perCall {
			row = append(row, optionalWallCell(run.PerCall, p), ratioCell(ours, run.PerCall, p))
		}
		writeRow(b, append(row, callCells(m, ran, run.N)...))
	}
}

// writeCallsTable writes the times and calls of one configuration's phases.
func writeCallsTable(b *strings.Builder, name string, n int, ms []Measurement) {
	writeRow(b, []string{"phase", name, "API calls", "calls/resource", "by operation", "429s", "provider peak"})
	writeAlign(b, []string{"---", "--:", "--:", "--:", "---", "--:", "--:"})
	for _, p := range Phases {
		m, ran := PhaseAt(ms, p)
		writeRow(b, append([]string{p.String(), wallCell(m, ran)}, callCells(m, ran, n)...))
	}
}

func writeRow(b *strings.Builder, cells []string) {
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

// writeAlign writes a table's delimiter row: "|---|--:|".
func writeAlign(b *strings.Builder, align []string) {
	b.WriteString("|" + strings.Join(align, "|") + "|\n")
}

// callCells are the API calls, calls/resource, by operation, 429s and
// provider peak cells of a phase; dashes when it did not run.
func callCells(m Measurement, ran bool, n int) []string {
	if !ran {
		return []string{"–", "–", "–", "–", "–"}
	}
	return []string{fmt.Sprint(m.Total), fmt.Sprintf("%.2f", perResource(m.Total, n)), breakdown(m.Calls), tooManyCell(m), mib(m.PeakKiB)}
}

// optionalWallCell is the time of phase p of a configuration that may not
// have been measured at all ("–").
func optionalWallCell(ms []Measurement, p Phase) string {
	if ms == nil {
		return "–"
	}
	return wallCell(PhaseAt(ms, p))
}

// ratioCell is ours / other in phase p, "–" unless both succeeded.
func ratioCell(ours, other []Measurement, p Phase) string {
	m, oursOK := succeeded(ours, p)
	o, otherOK := succeeded(other, p)
	if x, ok := wallRatio(m, o); ok && oursOK && otherOK {
		return fmt.Sprintf("%.2fx", x)
	}
	return "–"
}

// check is one target, with what was measured.
type check struct {
	verdict verdict
	text    string
}

type verdict int

const (
	info   verdict = iota // a target stated for another N: reported, not judged
	met                   // the target is met
	missed                // the target is missed
)

func judge(ok bool) verdict {
	if ok {
		return met
	}
	return missed
}

// atTargetN judges only at the N a target is stated for.
func atTargetN(n int, ok bool) verdict {
	if n != targetN {
		return info
	}
	return judge(ok)
}

func writeChecks(b *strings.Builder, checks []check) {
	if len(checks) == 0 {
		b.WriteString("- none measured: the configuration failed before its first phase\n")
	}
	for _, c := range checks {
		label := [...]string{"info", "met", "**MISSED**"}[c.verdict]
		fmt.Fprintf(b, "- %s: %s\n", label, c.text)
	}
}

// checks compares the resources of kind k in a run with the targets of the
// benchmark issues.
func (run Run) checks(s Settings, k Kind) []check {
	n := run.N
	ours := run.Sharing(k)
	var cs []check
	if m, ok := succeeded(ours, Create); ok {
		cs = append(cs, check{judge(m.Total <= 2*n),
			fmt.Sprintf("create: %.2f calls/resource, calls = %d (target <= 2 per resource)", perResource(m.Total, n), m.Total)})
	}
	if m, ok := succeeded(ours, Plan); ok {
		limit := float64(n)/5 + 2
		cs = append(cs, check{judge(float64(m.Total) <= limit),
			fmt.Sprintf("no-change plan: calls = %d (target <= N/5 + 2 = %g)", m.Total, limit)})
		if f, ok := succeeded(run.Floor, Plan); ok {
			budget := planBudget(f.Wall, m.Total, s.Latency)
			x, _ := wallRatio(m, f)
			cs = append(cs, check{atTargetN(n, m.Wall <= budget),
				fmt.Sprintf("no-change plan time: %s = %.2fx terraform_data's %s (target at N = %d: <= %g × %s + %d calls × %s = %s)",
					seconds(m.Wall), x, seconds(f.Wall), targetN, targetPlanSlack, seconds(f.Wall), m.Total, s.Latency, seconds(budget))})
		}
		if o, ok := succeeded(run.NoOp, Plan); ok {
			cs = append(cs, check{info,
				fmt.Sprintf("no-change plan time beyond the no-op provider's %s: %s, of which its %d calls × %s = %s are latency",
					seconds(o.Wall), seconds(m.Wall-o.Wall), m.Total, s.Latency, seconds(time.Duration(m.Total)*s.Latency))})
		}
	}
	if m, ok := succeeded(ours, Update); ok {
		cs = append(cs, updateCheck(k, n, m))
	}
	var peak int64
	for _, m := range ours {
		peak = max(peak, m.PeakKiB)
	}
	if peak > 0 {
		cs = append(cs, check{atTargetN(n, peak < targetPeakKiB),
			fmt.Sprintf("provider peak memory: %s over all phases (target at N = %d: < %d MiB)", mib(peak), targetN, targetPeakKiB>>10)})
	}
	return cs
}

// comparisonChecks compare the times of the resources of kind k in a run
// with the no-op provider's and, for the member resource, with the per-call
// provider's, which runs on its images. They are judged at largestN, the
// largest N of the report, with targetLatency; reported otherwise.
func (run Run) comparisonChecks(s Settings, k Kind, largestN int) []check {
	ours := run.Sharing(k)
	at := func(ok bool) verdict {
		if run.N != largestN || s.Latency != targetLatency {
			return info
		}
		return judge(ok)
	}
	where := fmt.Sprintf("at the largest N, %d, with %s latency", largestN, targetLatency)
	var cs []check
	if m, ok := succeeded(ours, Plan); ok {
		if o, ok := succeeded(run.NoOp, Plan); ok {
			budget := o.Wall + targetPlanOverNoOp
			cs = append(cs, check{at(m.Wall <= budget),
				fmt.Sprintf("no-change plan time: %s = the no-op provider's %s + %s (target %s: <= the no-op provider's + %s = %s)",
					seconds(m.Wall), seconds(o.Wall), seconds(m.Wall-o.Wall), where, seconds(targetPlanOverNoOp), seconds(budget))})
		}
	}
	if k != MemberSharing {
		return cs
	}
	for _, p := range Phases {
		m, ok := succeeded(ours, p)
		o, perCallOK := succeeded(run.PerCall, p)
		x, positive := wallRatio(m, o)
		if !ok || !perCallOK || !positive {
			continue
		}
		target := perCallTargets[p]
		cs = append(cs, check{at(x <= target),
			fmt.Sprintf("%s time: %s = %.2fx the per-call provider's %s (target %s: <= %gx = %s)",
				p, seconds(m.Wall), x, seconds(o.Wall), where, target, seconds(time.Duration(target*float64(o.Wall))))})
	}
	return cs
}

// updateCheck judges the writes of the update phase. The member resource
// writes a changed resource's whole set in one call. The server image
// resource writes each side of the change: the update swaps one login of
// each changed resource, so one remove and one add per changed resource.
func updateCheck(k Kind, n int, m Measurement) check {
	changed, w := ChangedCount(n), m.Writes()
	if k != ServerSharing {
		return check{judge(w == changed),
			fmt.Sprintf("update: %.2f writes per changed resource, writes = %d, changed resources = %d, calls in all = %d (target 1 write per changed resource)",
				float64(w)/float64(changed), w, changed, m.Total)}
	}
	removes, adds := m.Calls[RemoveServerOperation], m.Calls[AddServerOperation]
	return check{judge(removes == changed && adds == changed && w == removes+adds),
		fmt.Sprintf("update: writes = %d (%s %d, %s %d), changed resources = %d, each dropping one login and adding one, calls in all = %d "+
			"(target 1 write per side that changed: %d %s, %d %s)",
			w, shortOp(RemoveServerOperation), removes, shortOp(AddServerOperation), adds, changed, m.Total,
			changed, shortOp(RemoveServerOperation), changed, shortOp(AddServerOperation))}
}

// checks compares the throttled apply with its targets.
func (t Throttled) checks() []check {
	m := t.Create
	outcome := "completed in " + seconds(m.Wall)
	if m.Err != nil {
		outcome = "FAILED after " + seconds(m.Wall)
	}
	cs := []check{{judge(m.Err == nil),
		fmt.Sprintf("apply of %d resources at %g calls/s: %s (target: completes without error)", t.N, t.Rate, outcome)}}
	if m.Total > 0 {
		share := float64(m.TooMany) / float64(m.Total)
		cs = append(cs, check{judge(share < Target429Share),
			fmt.Sprintf("429s: %d of %d calls = %.1f%% (target < %g%%)", m.TooMany, m.Total, 100*share, 100*Target429Share)})
	}
	return cs
}

// planBudget is the no-change plan target: 1.5 times the floor's time, plus
// the latency of its calls, one round trip each. Coalesced reads make the
// calls follow one another: the resources Terraform refreshes at once wait
// on the same call. (Counting ⌈calls / parallelism⌉ round trips instead, as
// if the calls overlapped, gives a budget below what any coalescing can
// reach: each resource waits for at least one round trip, and only
// -parallelism of them run at once, so N / parallelism round trips at least.)
func planBudget(floor time.Duration, calls int, latency time.Duration) time.Duration {
	return time.Duration(targetPlanSlack*float64(floor)) + time.Duration(calls)*latency
}

// wallRatio is ours / floor in wall time, false when floor took no time.
func wallRatio(ours, floor Measurement) (float64, bool) {
	if floor.Wall <= 0 {
		return 0, false
	}
	return float64(ours.Wall) / float64(floor.Wall), true
}

func perResource(calls, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(calls) / float64(n)
}

// PhaseAt returns the measurement of phase p in ms, false when it did not
// run (an earlier phase failed).
func PhaseAt(ms []Measurement, p Phase) (Measurement, bool) {
	if int(p) >= len(ms) {
		return Measurement{}, false
	}
	return ms[p], true
}

func succeeded(ms []Measurement, p Phase) (Measurement, bool) {
	m, ok := PhaseAt(ms, p)
	return m, ok && m.Err == nil
}

func wallCell(m Measurement, ran bool) string {
	switch {
	case !ran:
		return "skipped"
	case m.Err != nil:
		return "failed after " + seconds(m.Wall)
	}
	return seconds(m.Wall)
}

func tooManyCell(m Measurement) string {
	if m.TooMany == 0 || m.Total == 0 {
		return fmt.Sprint(m.TooMany)
	}
	return fmt.Sprintf("%d (%.1f%%)", m.TooMany, 100*float64(m.TooMany)/float64(m.Total))
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func mib(kib int64) string {
	if kib <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}

// The server image API's sharing writes: the server image resource sends a
// remove with the logins to drop and an add with the logins to add.
const (
	AddServerOperation    = "addServerImageSharingPermission"
	RemoveServerOperation = "removeServerImageSharingPermission"
)

// shortOps are the names the tables use for the API's operations.
var shortOps = map[string]string{
	"getMemberServerImageInstanceDetail":       "msi-detail",
	"getMemberServerImageInstanceList":         "msi-list",
	"setMemberServerImageSharingPermission":    "msi-set",
	"addMemberServerImageSharingPermission":    "msi-add",
	"removeMemberServerImageSharingPermission": "msi-remove",
	"getServerImageDetail":                     "si-detail",
	"getServerImageList":                       "si-list",
	AddServerOperation:                         "si-add",
	RemoveServerOperation:                      "si-remove",
	"getRegionList":                            "regions",
}

func shortOp(op string) string { return cmp.Or(shortOps[op], op) }

// breakdown is "msi-detail 20, msi-set 10": the most frequent first.
func breakdown(calls map[string]int) string {
	ops := slices.Collect(maps.Keys(calls))
	slices.SortFunc(ops, func(a, b string) int {
		return cmp.Or(cmp.Compare(calls[b], calls[a]), cmp.Compare(a, b))
	})
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = fmt.Sprintf("%s %d", shortOp(op), calls[op])
	}
	return cmp.Or(strings.Join(parts, ", "), "–")
}

// operations lists every operation called anywhere in the report, by name.
func (r Report) operations() []string {
	seen := map[string]bool{}
	add := func(ms ...Measurement) {
		for _, m := range ms {
			for op := range m.Calls {
				seen[op] = true
			}
		}
	}
	for _, run := range r.Runs {
		add(run.Member...)
		add(run.Server...)
		add(run.Floor...)
		add(run.PerCall...)
	}
	if r.Throttled != nil {
		add(r.Throttled.Create)
	}
	for _, l := range r.LargeRegions {
		add(l.Phases...)
	}
	return slices.Sorted(maps.Keys(seen))
}
