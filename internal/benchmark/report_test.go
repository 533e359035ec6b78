package benchmark

import (
	"errors"
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
		Ours: []Measurement{
			ms(10*time.Second, map[string]int{list: 5, set: 500, detail: 495}),
			ms(3*time.Second, map[string]int{list: 5}),
			ms(4*time.Second, map[string]int{list: 5, set: 50}),
			ms(6*time.Second, map[string]int{list: 5, set: 500}),
		},
		Floor: []Measurement{{Wall: 5 * time.Second}, {Wall: 2 * time.Second}, {Wall: 3 * time.Second}, {Wall: 4 * time.Second}},
		NoOp:  []Measurement{{Wall: 6 * time.Second}, {Wall: 2500 * time.Millisecond}, {Wall: 3500 * time.Millisecond}, {Wall: 5 * time.Second}},
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
	cs := goodRun().checks(testSettings)
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
	run.Ours[Create] = ms(10*time.Second, map[string]int{detail: 1001, set: 500}) // 2N + 1
	run.Ours[Plan] = ms(9*time.Second, map[string]int{detail: 103})               // N/5 + 3; 9 s > 1.5 × 2 s + 103 × 50 ms
	run.Ours[Update] = ms(4*time.Second, map[string]int{detail: 500, set: 51})    // one write too many
	run.Ours[Destroy].PeakKiB = 64 << 10                                          // not under 64 MiB
	run.NoOp = nil
	for i, v := range verdicts(run.checks(testSettings)) {
		if v != missed {
			t.Errorf("check %d: verdict %d, want missed", i, v)
		}
	}
}

// Targets stated for N = 500 are reported, not judged, at other N.
func TestChecksInfoAtOtherN(t *testing.T) {
	run := goodRun()
	run.N = 100
	got := verdicts(run.checks(testSettings))
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
	r := Report{Settings: testSettings, Runs: []Run{run},
		Throttled: &Throttled{N: 100, Rate: 10, Create: ms(30*time.Second, map[string]int{list: 1, set: 100})}}
	md := r.Markdown()
	for _, want := range []string{
		"test machine",
		"## N = 500",
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
}

func TestMarkdownFailure(t *testing.T) {
	run := goodRun()
	run.Ours = run.Ours[:2]
	run.Ours[Plan].Err = errors.New("N=500 ncloudimage no-change plan: the plan after apply has changes")
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
}
