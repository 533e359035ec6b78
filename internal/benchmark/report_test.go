package benchmark

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var testSettings = Settings{Latency: 50 * time.Millisecond, Parallelism: 10, Environment: "test machine"}

func ms(wall time.Duration, calls map[string]int) Measurement {
	m := Measurement{Wall: wall, Calls: calls, PeakKiB: 20 << 10}
	for _, c := range calls {
		m.Total += c
	}
	return m
}

const (
	detail = "getMemberServerImageInstanceDetail"
	list   = "getMemberServerImageInstanceList"
	set    = "setMemberServerImageSharingPermission"
)

// goodRun meets every target at N = 500.
func goodRun() Run {
	return Run{
		N: 500,
		Member: []Measurement{
			ms(10*time.Second, map[string]int{list: 5, set: 500, detail: 495}),
			ms(3*time.Second, map[string]int{list: 5}),
			ms(4*time.Second, map[string]int{list: 5, set: 50}),
			ms(6*time.Second, map[string]int{list: 5, set: 500}),
		},
		Floor: []Measurement{{Wall: 5 * time.Second}, {Wall: 2 * time.Second}, {Wall: 3 * time.Second}, {Wall: 4 * time.Second}},
		NoOp:  []Measurement{{Wall: 6 * time.Second}, {Wall: 2500 * time.Millisecond}, {Wall: 3500 * time.Millisecond}, {Wall: 5 * time.Second}},
		// One call per read: two lookups at plan (plan and apply's plan),
		// the write and a read back per created resource.
		PerCall: []Measurement{
			ms(20*time.Second, map[string]int{list: 1500, set: 500}),
			ms(8*time.Second, map[string]int{list: 500}),
			ms(6*time.Second, map[string]int{list: 550, set: 50}),
			ms(7*time.Second, map[string]int{list: 500, set: 500}),
		},
	}
}

const serverList = "getServerImageList"

// goodServerPhases are N = 500 server image sharing resources meeting every
// target: a create reads each image at plan, before its add and after it.
func goodServerPhases() []Measurement {
	return []Measurement{
		ms(11*time.Second, map[string]int{serverList: 150, AddServerOperation: 500}),
		ms(3*time.Second, map[string]int{serverList: 52}),
		ms(4*time.Second, map[string]int{serverList: 60, RemoveServerOperation: 50, AddServerOperation: 50}),
		ms(7*time.Second, map[string]int{serverList: 100, RemoveServerOperation: 500}),
	}
}

func verdicts(cs []check) []verdict {
	out := make([]verdict, len(cs))
	for i, c := range cs {
		out[i] = c.verdict
	}
	return out
}

func TestChecksAllMet(t *testing.T) {
	cs := goodRun().checks(testSettings, MemberSharing)
	if len(cs) != 6 {
		t.Fatalf("got %d checks, want 6: %+v", len(cs), cs)
	}
	for i, c := range cs {
		want := met
		if i == 3 {
			want = info // the comparison with the no-op provider is reported, not judged
		}
		if c.verdict != want {
			t.Errorf("check %d: verdict %d, want %d: %s", i, c.verdict, want, c.text)
		}
	}
}

func TestChecksMissed(t *testing.T) {
	run := goodRun()
	run.Member[Create] = ms(10*time.Second, map[string]int{detail: 1001, set: 500}) // 2N + 1
	run.Member[Plan] = ms(9*time.Second, map[string]int{detail: 103})               // N/5 + 3; 9 s > 1.5 × 2 s + 103 × 50 ms
	run.Member[Update] = ms(4*time.Second, map[string]int{detail: 500, set: 51})    // one write too many
	run.Member[Destroy].PeakKiB = 64 << 10                                          // not under 64 MiB
	run.NoOp = nil
	for i, v := range verdicts(run.checks(testSettings, MemberSharing)) {
		if v != missed {
			t.Errorf("check %d: verdict %d, want missed", i, v)
		}
	}
}

func TestServerChecks(t *testing.T) {
	run := goodRun()
	run.Server = goodServerPhases()
	cs := run.checks(testSettings, ServerSharing)
	want := []verdict{met, met, met, info, met, met}
	if got := verdicts(cs); !slices.Equal(got, want) {
		t.Fatalf("verdicts %v, want %v: %+v", got, want, cs)
	}
	if text := cs[4].text; !strings.Contains(text, "si-remove 50, si-add 50") {
		t.Errorf("update check %q does not give the writes by side", text)
	}
	// One write per side that changed: each changed resource swaps a login.
	for name, calls := range map[string]map[string]int{
		"a remove missing":    {serverList: 60, RemoveServerOperation: 49, AddServerOperation: 50},
		"an add too many":     {serverList: 60, RemoveServerOperation: 50, AddServerOperation: 51},
		"adds only":           {serverList: 60, AddServerOperation: 100},
		"another write":       {serverList: 60, RemoveServerOperation: 50, AddServerOperation: 50, set: 1},
		"no write at all":     {serverList: 60},
		"two writes per side": {serverList: 60, RemoveServerOperation: 100, AddServerOperation: 100},
	} {
		run.Server[Update] = ms(4*time.Second, calls)
		if c := run.checks(testSettings, ServerSharing)[4]; c.verdict != missed {
			t.Errorf("%s: update verdict %d, want missed: %s", name, c.verdict, c.text)
		}
	}
	// The member resource's checks are its own.
	if got := verdicts(run.checks(testSettings, MemberSharing)); got[4] != met {
		t.Errorf("member update verdict %d after the server update changed, want met", got[4])
	}
}

// Targets stated for N = 500 are reported, not judged, at other N.
func TestChecksInfoAtOtherN(t *testing.T) {
	run := goodRun()
	run.N = 100
	got := verdicts(run.checks(testSettings, MemberSharing))
	// 1000 calls > 2N; 5 calls <= N/5 + 2; plan time at N = 500 only; the
	// no-op comparison; 50 writes for 10 changed resources; memory at N = 500 only.
	want := []verdict{missed, met, info, info, missed, info}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("check %d: verdict %d, want %d", i, got[i], want[i])
		}
	}
}

func TestPlanBudget(t *testing.T) {
	for _, tc := range []struct {
		floor       time.Duration
		calls       int
		latency     time.Duration
		want        time.Duration
		description string
	}{
		{2 * time.Second, 52, 50 * time.Millisecond, 3*time.Second + 52*50*time.Millisecond, "one round trip per call"},
		{time.Second, 0, 50 * time.Millisecond, 1500 * time.Millisecond, "no calls"},
	} {
		if got := planBudget(tc.floor, tc.calls, tc.latency); got != tc.want {
			t.Errorf("%s: planBudget = %s, want %s", tc.description, got, tc.want)
		}
	}
}

func TestWallRatio(t *testing.T) {
	if x, ok := wallRatio(Measurement{Wall: 3 * time.Second}, Measurement{Wall: 2 * time.Second}); !ok || x != 1.5 {
		t.Errorf("wallRatio = %v, %v; want 1.5, true", x, ok)
	}
	if _, ok := wallRatio(Measurement{Wall: time.Second}, Measurement{}); ok {
		t.Error("wallRatio with a zero floor: ok")
	}
}

func TestBreakdown(t *testing.T) {
	got := breakdown(map[string]int{set: 10, detail: 30, "getNewThing": 10})
	if want := "msi-detail 30, getNewThing 10, msi-set 10"; got != want {
		t.Errorf("breakdown = %q, want %q", got, want)
	}
	if got := breakdown(nil); got != "–" {
		t.Errorf("breakdown(nil) = %q", got)
	}
}

func TestThrottledChecks(t *testing.T) {
	ok := Throttled{N: 100, Rate: 10, Create: Measurement{Wall: time.Minute, Total: 250, TooMany: 49}}
	if got := verdicts(ok.checks()); got[0] != met || got[1] != met {
		t.Errorf("19.6%% 429s, completed: verdicts %v", got)
	}
	bad := Throttled{N: 100, Rate: 10, Create: Measurement{Wall: time.Minute, Total: 250, TooMany: 50, Err: errors.New("boom")}}
	if got := verdicts(bad.checks()); got[0] != missed || got[1] != missed {
		t.Errorf("20%% 429s, failed: verdicts %v", got)
	}
}

func TestMarkdown(t *testing.T) {
	run := goodRun()
	run.Server = goodServerPhases()
	r := Report{Settings: testSettings, Runs: []Run{run},
		Throttled:    &Throttled{N: 100, Rate: 10, Create: ms(30*time.Second, map[string]int{list: 1, set: 100})},
		LargeRegions: []LargeRegion{largeRegion(MemberSharing), largeRegion(ServerSharing)}}
	md := r.Markdown()
	for _, want := range []string{
		"test machine",
		"## N = 500",
		"### Member server images (XEN): `ncloudimage_member_server_image_sharing_permission`",
		"### Server images (KVM): `ncloudimage_server_image_sharing_permission`",
		"| create | 11.00 s | 5.00 s | 2.20x | 6.00 s | 650 | 1.30 | si-add 500, si-list 150 | 0 | 20.0 MiB |",
		"| update 10% | 4.00 s | 3.00 s | 1.33x | 3.50 s | 160 | 0.32 | si-list 60, si-add 50, si-remove 50 | 0 | 20.0 MiB |",
		"- met: update: writes = 100 (si-remove 50, si-add 50), changed resources = 50, each dropping one login and adding one, calls in all = 160 " +
			"(target 1 write per side that changed: 50 si-remove, 50 si-add)",
		"- met: create: 1.30 calls/resource, calls = 650 (target <= 2 per resource)",
		"`si-add` = addServerImageSharingPermission",
		"`si-remove` = removeServerImageSharingPermission",
		"Member server images (XEN): `ncloudimage_member_server_image_sharing_permission`.",
		"| phase | ncloudimage | terraform_data | ratio | no-op provider | per-call provider | ratio to per-call | API calls | calls/resource | by operation | 429s | provider peak |\n" +
			"|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|\n",
		"| phase | ncloudimage | terraform_data | ratio | no-op provider | API calls | calls/resource | by operation | 429s | provider peak |\n" +
			"|---|--:|--:|--:|--:|--:|--:|---|--:|--:|\n",
		"| create | 10.00 s | 5.00 s | 2.00x | 6.00 s | 20.00 s | 0.50x | 1000 | 2.00 | msi-set 500, msi-detail 495, msi-list 5 | 0 | 20.0 MiB |",
		"| no-change plan | 3.00 s | 2.00 s | 1.50x | 2.50 s | 8.00 s | 0.38x | 5 | 0.01 | msi-list 5 | 0 | 20.0 MiB |",
		"Per-call provider: `percall_member_server_image_sharing_permission`, on the same images.\n\n| phase | per-call provider | API calls |",
		"| create | 20.00 s | 2000 | 4.00 | msi-list 1500, msi-set 500 | 0 | 20.0 MiB |",
		"| update 10% | 6.00 s | 600 | 1.20 | msi-list 550, msi-set 50 | 0 | 20.0 MiB |",
		"- met: create time: 10.00 s = 0.50x the per-call provider's 20.00 s (target at the largest N, 500, with 50ms latency: <= 0.75x = 15.00 s)",
		"- met: no-change plan time: 3.00 s = the no-op provider's 2.50 s + 0.50 s " +
			"(target at the largest N, 500, with 50ms latency: <= the no-op provider's + 0.50 s = 3.00 s)",
		"## Large region: N = 20",
		"The region holds 5000 XEN images (20 managed, 4980 others) and 500 KVM images.",
		"| no-change plan | 1.50 s | 1 | 0.05 | msi-list 1 | 0 | 20.0 MiB |",
		"The region holds 5000 KVM images (20 managed, 4980 others) and 500 XEN images.",
		"- info: no-change plan time beyond the no-op provider's 2.50 s: 0.50 s, of which its 5 calls × 50ms = 0.25 s are latency",
		"- met: create: 2.00 calls/resource, calls = 1000 (target <= 2 per resource)",
		"- met: no-change plan: calls = 5 (target <= N/5 + 2 = 102)",
		"## Throttled: N = 100 at 10 calls/s",
		"`msi-list` = getMemberServerImageInstanceList",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if r.Failed() || strings.Contains(md, "Failures") {
		t.Errorf("a report with no failures reports one:\n%s", md)
	}
	// The member section comes first, then the server image section, then
	// the throttled run, then the large region.
	member := strings.Index(md, "### Member server images")
	server := strings.Index(md, "### Server images")
	throttled := strings.Index(md, "## Throttled")
	large := strings.Index(md, "## Large region")
	if member >= server || server >= throttled || throttled >= large {
		t.Errorf("sections out of order (member at %d, server at %d, throttled at %d, large region at %d):\n%s", member, server, throttled, large, md)
	}
	// The per-call provider mirrors the member resource: the server image
	// section neither shows it nor is compared with it.
	serverSection := md[server:throttled]
	if strings.Contains(serverSection, "per-call") {
		t.Errorf("the server image section mentions the per-call provider:\n%s", serverSection)
	}

	run.Server[Plan].Err = errors.New("N=500 ncloudimage server no-change plan: the plan after apply has changes")
	if r := (Report{Settings: testSettings, Runs: []Run{run}}); !r.Failed() {
		t.Error("Failed() = false with a failed server image phase")
	}
}

// largeRegion is 20 resources of kind k among 5000 images of its hypervisor.
func largeRegion(k Kind) LargeRegion {
	read := list
	if k == ServerSharing {
		read = serverList
	}
	return LargeRegion{Kind: k, N: 20, Images: 5000, OtherHypervisor: 500, Phases: []Measurement{
		ms(2*time.Second, map[string]int{read: 2, set: 20}),
		ms(1500*time.Millisecond, map[string]int{read: 1}),
		ms(2*time.Second, map[string]int{read: 1, set: 2}),
		ms(2*time.Second, map[string]int{read: 1, set: 20}),
	}}
}

// A failed per-call or large-region phase is a failure of the report.
func TestFailedOtherConfigurations(t *testing.T) {
	run := goodRun()
	run.PerCall = run.PerCall[:2]
	run.PerCall[Plan].Err = errors.New("N=500 per-call provider no-change plan: the plan after apply has changes")
	r := Report{Settings: testSettings, Runs: []Run{run}}
	if !r.Failed() {
		t.Error("Failed() = false with a failed per-call provider phase")
	}
	md := r.Markdown()
	for _, want := range []string{
		"| no-change plan | 3.00 s | 2.00 s | 1.50x | 2.50 s | failed after 8.00 s | – | 5 |",
		"| update 10% | 4.00 s | 3.00 s | 1.33x | 3.50 s | skipped | – | 55 |",
		"| update 10% | skipped | – | – | – | – | – |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}

	l := largeRegion(MemberSharing)
	l.Phases = l.Phases[:1]
	l.Phases[Create].Err = errors.New("large-region N=20 ncloudimage member create: boom")
	r = Report{Settings: testSettings, Runs: []Run{goodRun()}, LargeRegions: []LargeRegion{l}}
	if !r.Failed() {
		t.Error("Failed() = false with a failed large-region phase")
	}
	if md := r.Markdown(); !strings.Contains(md, "| create | failed after 2.00 s | 22 |") || !strings.Contains(md, "| destroy | skipped | – |") {
		t.Errorf("Markdown does not show the failed large-region run:\n%s", md)
	}
}

func TestMarkdownFailure(t *testing.T) {
	run := goodRun()
	run.Member = run.Member[:2]
	run.Member[Plan].Err = errors.New("N=500 ncloudimage no-change plan: the plan after apply has changes")
	run.NoOp = nil
	r := Report{Settings: testSettings, Runs: []Run{run}}
	md := r.Markdown()
	for _, want := range []string{
		"| no-change plan | failed after 3.00 s | 2.00 s | – | – |",
		"| update 10% | skipped | 3.00 s | – | – |",
		"## Failures",
		"the plan after apply has changes",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if !r.Failed() {
		t.Error("Failed() = false with a failed phase")
	}
	if strings.Contains(md, "Server images (KVM)") {
		t.Errorf("a run without server image resources has their section:\n%s", md)
	}
}

func TestComparisonChecksMet(t *testing.T) {
	cs := goodRun().comparisonChecks(testSettings, MemberSharing, 500)
	// The plan against the no-op provider (3 s <= 2.5 s + 0.5 s: met at
	// the boundary), then each phase against the per-call provider.
	want := []verdict{met, met, met, met, met}
	if got := verdicts(cs); !slices.Equal(got, want) {
		t.Fatalf("verdicts %v, want %v: %+v", got, want, cs)
	}
	for i, prefix := range []string{"no-change plan time: 3.00 s = the no-op", "create time", "no-change plan time: 3.00 s = 0.38x", "update 10% time", "destroy time"} {
		if !strings.HasPrefix(cs[i].text, prefix) {
			t.Errorf("check %d: %q does not start with %q", i, cs[i].text, prefix)
		}
	}
}

func TestComparisonChecksMissed(t *testing.T) {
	run := goodRun()
	// Each just over its target: the member resource's times are 10, 3, 4
	// and 6 s, and the no-op provider's plan takes 2.5 s.
	run.NoOp[Plan].Wall = 2490 * time.Millisecond       // 3 s > 2.49 s + 0.5 s
	run.PerCall[Create].Wall = 13 * time.Second         // 10 / 13 > 0.75
	run.PerCall[Plan].Wall = 5900 * time.Millisecond    // 3 / 5.9 > 0.5
	run.PerCall[Update].Wall = 5300 * time.Millisecond  // 4 / 5.3 > 0.75
	run.PerCall[Destroy].Wall = 6600 * time.Millisecond // 6 / 6.6 > 0.9
	want := []verdict{missed, missed, missed, missed, missed}
	if got := verdicts(run.comparisonChecks(testSettings, MemberSharing, 500)); !slices.Equal(got, want) {
		t.Errorf("verdicts %v, want %v", got, want)
	}
	// Reported, not judged, below the largest N and at another latency.
	want = []verdict{info, info, info, info, info}
	if got := verdicts(run.comparisonChecks(testSettings, MemberSharing, 1000)); !slices.Equal(got, want) {
		t.Errorf("at N = 500 of a report up to 1000: verdicts %v, want %v", got, want)
	}
	slow := testSettings
	slow.Latency = 20 * time.Millisecond
	if got := verdicts(run.comparisonChecks(slow, MemberSharing, 500)); !slices.Equal(got, want) {
		t.Errorf("at 20ms latency: verdicts %v, want %v", got, want)
	}
}

// The largest N is the report's, whatever it is: 30 in a small run.
func TestComparisonChecksAtLargestN(t *testing.T) {
	run := goodRun()
	run.N = 30
	r := Report{Settings: testSettings, Runs: []Run{{N: 10}, run}}
	md := r.Markdown()
	if !strings.Contains(md, "- met: create time: 10.00 s = 0.50x the per-call provider's 20.00 s (target at the largest N, 30, with 50ms latency") {
		t.Errorf("the comparison at N = 30 is not judged:\n%s", md)
	}
}

// The server image resource is compared with the no-op provider only: the
// per-call provider shares member server images.
func TestComparisonChecksServer(t *testing.T) {
	run := goodRun()
	run.Server = goodServerPhases()
	cs := run.comparisonChecks(testSettings, ServerSharing, 500)
	if got := verdicts(cs); !slices.Equal(got, []verdict{met}) || !strings.Contains(cs[0].text, "no-op provider's 2.50 s") {
		t.Errorf("server comparison checks %+v, want the no-op provider's plan only, met", cs)
	}
	// Missing measurements make no checks.
	run.NoOp, run.PerCall = nil, nil
	if cs := run.comparisonChecks(testSettings, MemberSharing, 500); len(cs) != 0 {
		t.Errorf("checks without the no-op and the per-call providers: %+v", cs)
	}
}

// MedianRun takes each phase's median time with that run's calls, and keeps
// a failure of any run, which ends the configuration's phases.
func TestMedianRun(t *testing.T) {
	at := func(walls ...time.Duration) []Measurement {
		ms := make([]Measurement, len(walls))
		for i, w := range walls {
			ms[i] = Measurement{Wall: w, Total: int(w / time.Second)}
		}
		return ms
	}
	s := time.Second
	failed := Measurement{Wall: s, Err: errors.New("plan failed")}
	runs := []Run{
		{N: 5, Member: at(3*s, 9*s, 1*s, 4*s), NoOp: at(2*s, 2*s, 2*s, 2*s)},
		{N: 5, Member: at(1*s, 7*s, 3*s, 6*s), NoOp: append(at(3*s), failed)},
		{N: 5, Member: at(2*s, 8*s, 2*s, 5*s), NoOp: at(1*s, 2*s, 2*s, 2*s)},
	}
	got := MedianRun(runs)
	var walls []time.Duration
	for _, m := range got.Member {
		walls = append(walls, m.Wall)
		if m.Total != int(m.Wall/s) {
			t.Errorf("phase of %s carries the calls of another run (%d)", m.Wall, m.Total)
		}
	}
	if want := []time.Duration{2 * s, 8 * s, 2 * s, 5 * s}; !slices.Equal(walls, want) || got.N != 5 {
		t.Errorf("member medians %v (N %d), want %v (N 5)", walls, got.N, want)
	}
	if len(got.NoOp) != 2 || got.NoOp[1].Err == nil || got.NoOp[0].Wall != 2*s {
		t.Errorf("no-op: %+v, want the create's median and the failed plan, nothing after", got.NoOp)
	}
	if got.Server != nil || got.PerCall != nil {
		t.Errorf("configurations that never ran: server %v, per-call %v; want nil", got.Server, got.PerCall)
	}
}

// MedianLargeRegion keeps the region's description and takes each phase's
// median run.
func TestMedianLargeRegion(t *testing.T) {
	s := time.Second
	runs := []LargeRegion{
		{Kind: ServerSharing, N: 20, Images: 5000, Phases: []Measurement{{Wall: 3 * s, Total: 3}}},
		{Kind: ServerSharing, N: 20, Images: 5000, Phases: []Measurement{{Wall: 1 * s, Total: 1}}},
		{Kind: ServerSharing, N: 20, Images: 5000, Phases: []Measurement{{Wall: 2 * s, Total: 2}}},
	}
	got := MedianLargeRegion(runs)
	if got.Kind != ServerSharing || got.N != 20 || got.Images != 5000 || len(got.Phases) != 1 || got.Phases[0].Total != 2 {
		t.Errorf("merged %+v, want the server region of 20 in 5000 with the 2 s run's create", got)
	}
}
