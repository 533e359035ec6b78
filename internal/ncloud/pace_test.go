package ncloud

import (
	"context"
	"slices"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// spacing is the time between request starts that the pacer allows now.
func (p *pacer) spacing() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lim.Limit() == rate.Inf {
		return 0
	}
	return time.Duration(float64(time.Second) / float64(p.lim.Limit()))
}

func TestPacerSlowsDownWhenThrottledAndRecovers(t *testing.T) {
	const paceStart, paceMax = 100 * time.Millisecond, 2 * time.Second // 1/slowStart, 1/slowest
	p := newPacer(0)
	if d := p.spacing(); d != 0 {
		t.Fatalf("a new pacer without a rate spaces requests by %s, want 0", d)
	}
	p.throttled(time.Now())
	p.throttled(time.Now())
	if d := p.spacing(); d != 2*paceStart {
		t.Fatalf("after two throttles the spacing is %s, want %s", d, 2*paceStart)
	}
	for range 200 {
		p.succeeded()
	}
	// Within probeFor of the slowdown the pace grows slowly past the one
	// that was throttled; once that is a minute old, it recovers whole.
	if d := p.spacing(); d == 0 || d >= paceStart {
		t.Fatalf("after many successes within a minute of the throttle the spacing is %s, want between 0 and %s", d, paceStart)
	}
	p.cut = p.cut.Add(-probeFor)
	for range 200 {
		p.succeeded()
	}
	if d := p.spacing(); d != 0 {
		t.Fatalf("after many successes a minute after the throttle the spacing is %s, want 0", d)
	}
	for range 20 {
		p.throttled(time.Now())
	}
	if d := p.spacing(); d != paceMax {
		t.Fatalf("the spacing grew to %s, want at most %s", d, paceMax)
	}
}

// Throttling never speeds up a configured rate slower than its slowest pace.
func TestPacerThrottleKeepsASlowerCap(t *testing.T) {
	p := newPacer(0.1) // one start every 10 s
	p.throttled(time.Now())
	if d := p.spacing(); d != 10*time.Second {
		t.Fatalf("after a throttle the spacing is %s, want the configured 10s", d)
	}
}

// Requests paced together are throttled together: their answers slow the
// pace once, not once each, and a request paced after the slowdown can slow
// it again.
func TestPacerSlowsOncePerPace(t *testing.T) {
	const paceStart = 100 * time.Millisecond // 1/slowStart
	p := newPacer(0)
	sent := time.Now()
	for range 10 {
		p.throttled(sent)
	}
	if d := p.spacing(); d != paceStart {
		t.Fatalf("after ten throttled answers to requests sent together the spacing is %s, want %s", d, paceStart)
	}
	p.throttled(time.Now())
	if d := p.spacing(); d != 2*paceStart {
		t.Fatalf("after a throttled answer to a request sent at the new pace the spacing is %s, want %s", d, 2*paceStart)
	}
}

// After a slowdown the pace comes back quickly to three quarters of the
// pace that was throttled, then approaches that pace slowly: twenty
// successes after a throttle at 10/s do not overrun it again.
func TestPacerProbesTheThrottledPaceSlowly(t *testing.T) {
	p := newPacer(0)
	p.throttled(time.Now()) // 10/s
	p.throttled(time.Now()) // throttled at 10/s: 5/s
	for range 20 {
		p.succeeded()
	}
	if got := p.lim.Limit(); got <= 7.5 || got >= 10 {
		t.Fatalf("after 20 successes the pace is %.1f/s, want above 7.5/s (three quarters of the throttled 10/s) and below 10/s", float64(got))
	}
}

// After a slowdown no request starts for pauseFor, also one that was
// already waiting for a turn at the old pace; then they start at the new
// pace.
func TestPacerPausesAfterSlowdown(t *testing.T) {
	p := newPacer(0)
	p.throttled(time.Now().Add(-time.Hour)) // 10/s, paused
	p.cut = p.cut.Add(-pauseFor)            // the pause is over
	started := make(chan time.Time, 10)
	for range 10 {
		go func() {
			_ = p.wait(context.Background())
			started <- time.Now()
		}()
	}
	time.Sleep(50 * time.Millisecond) // the ten are queued at 10/s; one or two have started
	slowdown := time.Now()
	p.throttled(slowdown) // 5/s, paused
	var late []time.Duration
	for range 10 {
		at := (<-started).Sub(slowdown)
		if at > 0 && at < pauseFor-20*time.Millisecond {
			t.Errorf("a request queued before the slowdown started %s after it, within the pause of %s", at, pauseFor)
		}
		late = append(late, at)
	}
	// At most ten turns at 5/s after the pause, not a turn owed for each
	// request queued at the old pace on top.
	if last := slices.Max(late); last > pauseFor+10*200*time.Millisecond+300*time.Millisecond {
		t.Errorf("the last queued request started %s after the slowdown, want within the pause and ten turns at 5/s", last)
	}
}

func TestPacerKeepsTheConfiguredRate(t *testing.T) {
	p := newPacer(20) // one start every 50 ms
	for range 200 {
		p.succeeded()
	}
	start := time.Now()
	for range 5 {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Fatalf("5 requests at 20/s started within %s, want at least 200ms", elapsed)
	}
}

func TestPacerWaitHonoursCancel(t *testing.T) {
	p := newPacer(0.1) // one start every 10 s
	if err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := p.wait(ctx); err == nil {
		t.Fatal("wait returned no error after its context ended")
	}
	if time.Since(start) > time.Second {
		t.Fatal("wait did not return promptly on cancel")
	}
	ctx, cancel = context.WithCancel(context.Background()) // no deadline: waits until cancelled
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := p.wait(ctx); err != context.Canceled {
		t.Fatalf("wait returned %v after its context was cancelled, want context.Canceled", err)
	}
}
