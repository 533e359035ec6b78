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
		Throttled: &Throttled{N: 100, Rate: 10, Create: ms(30*time.Second, map[string]int{list: 1, set: 100})}}
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
		"| create | 10.00 s | 5.00 s | 2.00x | 6.00 s | 1000 | 2.00 | msi-set 500, msi-detail 495, msi-list 5 | 0 | 20.0 MiB |",
		"| no-change plan | 3.00 s | 2.00 s | 1.50x | 2.50 s | 5 | 0.01 | msi-list 5 | 0 | 20.0 MiB |",
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
	// The member section comes first, then the server image section, then the throttled run.
	member := strings.Index(md, "### Member server images")
	server := strings.Index(md, "### Server images")
	throttled := strings.Index(md, "## Throttled")
	if member >= server || server >= throttled {
		t.Errorf("sections out of order (member at %d, server at %d, throttled at %d):\n%s", member, server, throttled, md)
	}

	run.Server[Plan].Err = errors.New("N=500 ncloudimage server no-change plan: the plan after apply has changes")
	if r := (Report{Settings: testSettings, Runs: []Run{run}}); !r.Failed() {
		t.Error("Failed() = false with a failed server image phase")
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
