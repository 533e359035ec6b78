package ncloud

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const listOK = `{"getMemberServerImageInstanceListResponse":{"returnCode":"0","totalRows":"1","memberServerImageInstanceList":[{"memberServerImageInstanceNo":"1"}]}}`

// hangUp closes the connection without answering: a connection reset.
func hangUp(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Fatal("the test server cannot hijack connections")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

// flakyServer fails the first `failures` requests with fail, then answers listOK.
func flakyServer(t *testing.T, failures int, fail func(http.ResponseWriter, *http.Request)) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(hits.Add(1)) <= failures {
			fail(w, r)
			return
		}
		reply(w, 200, listOK)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func status(code int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) { reply(w, code, body) }
}

func gatewayErr(code string) string {
	return `{"error":{"errorCode":"` + code + `","message":"gateway says no"}}`
}

func TestRetryMatrix(t *testing.T) {
	tests := []struct {
		name  string
		fail  func(http.ResponseWriter, *http.Request)
		retry bool
	}{
		{"429 throttle 410", status(429, gatewayErr("410")), true},
		{"429 rate 420", status(429, gatewayErr("420")), true},
		{"500", status(500, gatewayErr("900")), true},
		{"503", status(503, gatewayErr("500")), true},
		{"504", status(504, gatewayErr("510")), true},
		{"connection reset", func(w http.ResponseWriter, _ *http.Request) { hangUp(t, w) }, true},
		{"attempt timeout", func(_ http.ResponseWriter, r *http.Request) {
			select { // outlast the client's 200ms per-attempt timeout
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		}, true},
		{"429 quota 400", status(429, gatewayErr("400")), false},
		{"400", status(400, `{"responseError":{"returnCode":"1300","returnMessage":"Invalid parameter"}}`), false},
		{"401", status(401, gatewayErr("200")), false},
		{"403", status(403, gatewayErr("210")), false},
		{"404", status(404, gatewayErr("300")), false},
		{"409", status(409, `{"responseError":{"returnCode":"1","returnMessage":"conflict"}}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, hits := flakyServer(t, 1, tt.fail)
			c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RequestTimeout = 200 * time.Millisecond })
			imgs, err := c.GetMemberServerImages(context.Background(), "", []string{"1"})
			if tt.retry {
				if err != nil || len(imgs) != 1 || imgs[0].InstanceNo != "1" || hits.Load() != 2 {
					t.Errorf("got %v after %d attempts; want success after 2", err, hits.Load())
				}
				return
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.Attempts != 1 || hits.Load() != 1 {
				t.Errorf("got %v after %d attempts; want an *Error after exactly 1", err, hits.Load())
			}
		})
	}
}

func TestRetriesBounded(t *testing.T) {
	t.Run("status", func(t *testing.T) {
		srv, hits := flakyServer(t, 100, status(503, gatewayErr("500")))
		_, err := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryMax = 2 }).GetMemberServerImages(context.Background(), "", []string{"1"})
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.Attempts != 3 || hits.Load() != 3 || !strings.Contains(err.Error(), "after 3 attempts") {
			t.Errorf("got %v with %d hits; want 3 attempts", err, hits.Load())
		}
	})
	t.Run("no retries", func(t *testing.T) {
		srv, hits := flakyServer(t, 100, status(503, gatewayErr("500")))
		_, err := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryMax = -1 }).GetMemberServerImages(context.Background(), "", []string{"1"})
		if err == nil || hits.Load() != 1 {
			t.Errorf("got %v with %d hits; want 1 attempt", err, hits.Load())
		}
	})
	t.Run("connection", func(t *testing.T) {
		srv, hits := flakyServer(t, 100, func(w http.ResponseWriter, _ *http.Request) { hangUp(t, w) })
		_, err := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryMax = 2 }).GetMemberServerImages(context.Background(), "", []string{"1"})
		var apiErr *Error
		if err == nil || errors.As(err, &apiErr) || hits.Load() != 3 || !strings.Contains(err.Error(), "after 3 attempt") {
			t.Errorf("got %v with %d hits; want a transport error after 3 attempts", err, hits.Load())
		}
		if strings.Contains(err.Error(), "memberServerImageInstanceNo") {
			t.Errorf("error shows the query string: %v", err)
		}
	})
}

func TestBackoffStaysInsideDeadline(t *testing.T) {
	srv, hits := flakyServer(t, 100, status(503, gatewayErr("500")))
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = 10*time.Second, 10*time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetMemberServerImages(ctx, "", []string{"1"})
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || hits.Load() != 1 || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v with %d hits; want the deadline carrying the 503, without a retry", err, hits.Load())
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %s: slept into a backoff the deadline cannot fit", d)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	srv, _ := flakyServer(t, 100, status(503, gatewayErr("500")))
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = 10*time.Second, 10*time.Second })
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled time.Time
	time.AfterFunc(200*time.Millisecond, func() { cancelled = time.Now(); cancel() })
	_, err := c.GetMemberServerImages(ctx, "", []string{"1"})
	lag := time.Since(cancelled)
	var apiErr *Error
	if !errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &apiErr) {
		t.Errorf("got %v; want context.Canceled wrapping the last *Error", err)
	}
	if lag > 100*time.Millisecond {
		t.Errorf("returned %s after cancel", lag)
	}
}

func TestBackoff(t *testing.T) {
	waitMin, waitMax := 100*time.Millisecond, time.Second
	for attempt := 1; attempt <= 40; attempt++ { // retryablehttp counts retries from 0
		step := min(waitMin<<min(attempt-1, 20), waitMax)
		for range 20 {
			if d := backoff(waitMin, waitMax, attempt-1, nil); d < step/2 || d > step {
				t.Fatalf("attempt %d: wait %s outside [%s, %s]", attempt, d, step/2, step)
			}
		}
	}
	for v, want := range map[string]time.Duration{
		"0": 0, "1": time.Second, "120": waitMax,
		time.Now().Add(time.Hour).UTC().Format(http.TimeFormat): waitMax,
	} {
		resp := &http.Response{Header: http.Header{"Retry-After": {v}}}
		if got := backoff(waitMin, waitMax, 0, resp); got != want {
			t.Errorf("Retry-After %q: wait %s, want %s", v, got, want)
		}
	}
}

// A slow attempt cut short by the caller's deadline is not retried, though
// per-attempt timeouts are.
func TestContextEndsDuringAttempt(t *testing.T) {
	srv, hits := flakyServer(t, 100, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newTestClient(t, srv.URL, nil).GetMemberServerImages(ctx, "", []string{"1"})
	if !errors.Is(err, context.DeadlineExceeded) || hits.Load() != 1 {
		t.Errorf("got %v after %d attempts; want the deadline after 1", err, hits.Load())
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %s", d)
	}
}

// apiErrBody is an API error: the API itself ran and answered.
const apiErrBody = `{"responseError":{"returnCode":"9999","returnMessage":"internal failure"}}`

// TestAPIErrorsAreNotRetried: an API error body is the API's own answer and
// is not retried, whatever its HTTP status; a 5xx that the API did not answer
// (a gateway error, or a body that is not NCP's) is.
func TestAPIErrorsAreNotRetried(t *testing.T) {
	tests := []struct {
		name  string
		fail  func(http.ResponseWriter, *http.Request)
		retry bool
	}{
		{"500 API error", status(500, apiErrBody), false},
		{"503 API error", status(503, apiErrBody), false},
		{"504 API error", status(504, apiErrBody), false},
		{"500 gateway 900", status(500, gatewayErr("900")), true},
		{"503 proxy page", status(503, "<html><body>Service Unavailable</body></html>"), true},
		{"504 empty body", status(504, ""), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, hits := flakyServer(t, 1, tt.fail)
			_, err := newTestClient(t, srv.URL, nil).GetMemberServerImages(context.Background(), "", []string{"1"})
			if tt.retry {
				if err != nil || hits.Load() != 2 {
					t.Errorf("got %v after %d attempts; want success after 2", err, hits.Load())
				}
				return
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.Retryable() || hits.Load() != 1 {
				t.Errorf("got %v after %d attempts; want the API error after exactly 1", err, hits.Load())
			}
		})
	}
}

// TestAttemptTimeoutIsNotTheCallersDeadline: attempts cut by the client's
// own per-attempt limit fail with ErrAttemptTimeout, which a caller must not
// take for its own deadline (the resource's timeouts cannot change it).
func TestAttemptTimeoutIsNotTheCallersDeadline(t *testing.T) {
	srv, hits := flakyServer(t, 100, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RequestTimeout, cfg.RetryMax = 100*time.Millisecond, 1 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.GetMemberServerImages(ctx, "", []string{"1"})
	if !errors.Is(err, ErrAttemptTimeout) || errors.Is(err, context.DeadlineExceeded) || hits.Load() != 2 {
		t.Fatalf("got %v after %d attempts; want ErrAttemptTimeout, not context.DeadlineExceeded, after 2", err, hits.Load())
	}
	if !strings.Contains(err.Error(), "0.1s") || strings.Contains(err.Error(), "memberServerImageInstanceNoList") {
		t.Errorf("Error() = %q; want the limit (0.1s) and no query string", err)
	}
}

// TestDeadlineKeepsLastFailure: when the caller's deadline ends a call that
// was retrying, the error is the deadline and carries what NCP answered
// last, wherever the deadline struck.
func TestDeadlineKeepsLastFailure(t *testing.T) {
	tests := []struct {
		name string
		fail func(http.ResponseWriter, *http.Request)
		// waits of the client between attempts
		waitMin, waitMax time.Duration
		want             string
	}{
		{"during a backoff", status(503, gatewayErr("500")), 50 * time.Millisecond, 50 * time.Millisecond, "HTTP 503, code 500"},
		{"before a backoff longer than the time left", status(503, gatewayErr("500")), 10 * time.Second, 10 * time.Second, "HTTP 503, code 500"},
		{"during an attempt", func() func(http.ResponseWriter, *http.Request) {
			var n atomic.Int32
			return func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					reply(w, 503, gatewayErr("500"))
					return
				}
				<-r.Context().Done() // the second attempt outlasts the deadline
			}
		}(), time.Millisecond, time.Millisecond, "HTTP 503, code 500"},
		{"after a dropped connection", func(w http.ResponseWriter, _ *http.Request) { hangUp(t, w) },
			50 * time.Millisecond, 50 * time.Millisecond, "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := flakyServer(t, 100, tt.fail)
			c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax, cfg.RetryMax = tt.waitMin, tt.waitMax, 20 })
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, err := c.GetMemberServerImages(ctx, "", []string{"1"})
			var stopped *StoppedError
			if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || !errors.As(err, &stopped) || stopped.Last == nil {
				t.Fatalf("got %v; want a *StoppedError for context.DeadlineExceeded with the last failure", err)
			}
			if s := err.Error(); !strings.Contains(s, "context deadline exceeded") || !strings.Contains(s, tt.want) ||
				strings.Contains(s, "memberServerImageInstanceNoList") {
				t.Errorf("Error() = %q; want the deadline and %q, without the query string", s, tt.want)
			}
		})
	}
}

// TestCancelDuringAttemptKeepsLastFailure: a cancel that strikes during an
// attempt after a failed one is context.Canceled, never the deadline, and
// still carries the failure before it.
func TestCancelDuringAttemptKeepsLastFailure(t *testing.T) {
	var n atomic.Int32
	srv, _ := flakyServer(t, 100, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			reply(w, 503, gatewayErr("500"))
			return
		}
		<-r.Context().Done()
	})
	c := newTestClient(t, srv.URL, nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := c.GetMemberServerImages(ctx, "", []string{"1"})
	var apiErr *Error
	if !errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Errorf("got %v; want context.Canceled carrying the 503", err)
	}
}

// TestLastFailureRecordsForAnotherWaiter: a lookup that waits for a call it
// does not own learns the call's last failure when its own context ends.
func TestLastFailureRecordsForAnotherWaiter(t *testing.T) {
	srv, _ := flakyServer(t, 100, status(503, gatewayErr("500")))
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.RetryWaitMin, cfg.RetryWaitMax, cfg.RetryMax = 20*time.Millisecond, 20*time.Millisecond, 20
	})
	var last LastFailure
	if err := last.Stopped(context.DeadlineExceeded); err != context.DeadlineExceeded {
		t.Errorf("with nothing recorded, Stopped = %v; want the cause itself", err)
	}
	callCtx, cancel := context.WithTimeout(WithLastFailure(context.Background(), &last), 2*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.GetMemberServerImages(callCtx, "", []string{"1"})
	}()
	time.Sleep(150 * time.Millisecond) // the waiter's own timeout
	err := last.Stopped(context.DeadlineExceeded)
	var apiErr *Error
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 ||
		!strings.Contains(err.Error(), "getMemberServerImageInstanceList") {
		t.Errorf("got %v; want the deadline carrying the call's 503", err)
	}
	cancel()
	<-done
}

// TestTurnAfterDeadline: a call whose turn under the configured rate comes
// after its deadline stops at once, without sending anything.
func TestTurnAfterDeadline(t *testing.T) {
	srv, hits := flakyServer(t, 0, nil)
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRequestsPerSecond = 0.1 }) // one start every 10 s
	if _, err := c.GetMemberServerImages(context.Background(), "", []string{"1"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetMemberServerImages(ctx, "", []string{"1"})
	var stopped *StoppedError
	if !errors.As(err, &stopped) || !errors.Is(err, context.DeadlineExceeded) || hits.Load() != 1 {
		t.Errorf("got %v after %d requests; want a *StoppedError for the deadline, and no second request", err, hits.Load())
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("returned after %s: waited for a turn after the deadline", d)
	}
}

// TestThrottleSlowsAllRequests: a throttled attempt slows the client's
// later requests, whichever call makes them.
func TestThrottleSlowsAllRequests(t *testing.T) {
	srv, _ := flakyServer(t, 1, status(429, gatewayErr("410")))
	c := newTestClient(t, srv.URL, nil)
	if d := c.pace.spacing(); d != 0 {
		t.Fatalf("spacing %s before any throttle, want 0", d)
	}
	if _, err := c.GetMemberServerImages(context.Background(), "", []string{"1"}); err != nil {
		t.Fatal(err)
	}
	if d := c.pace.spacing(); d == 0 {
		t.Error("the client did not slow down after a throttle")
	}
}
