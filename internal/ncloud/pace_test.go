package ncloud

import (
	"context"
	"testing"
	"time"
)

func TestPacerSlowsDownWhenThrottledAndRecovers(t *testing.T) {
	p := newPacer(0)
	if p.interval != 0 {
		t.Fatalf("a new pacer without a rate spaces requests by %s, want 0", p.interval)
	}
	p.throttled()
	p.throttled()
	if p.interval != 2*paceStart {
		t.Fatalf("after two throttles the spacing is %s, want %s", p.interval, 2*paceStart)
	}
	for range 200 {
		p.succeeded()
	}
	if p.interval != 0 {
		t.Fatalf("after many successes the spacing is %s, want 0", p.interval)
	}
	for range 20 {
		p.throttled()
	}
	if p.interval != paceMax {
		t.Fatalf("the spacing grew to %s, want at most %s", p.interval, paceMax)
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
}
