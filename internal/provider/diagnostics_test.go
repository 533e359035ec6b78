package provider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud/imageread"
)

// unavailable answers every call with a gateway 503 (code 500), which the
// client retries.
func unavailable(t *testing.T, handle func(http.ResponseWriter, *http.Request)) *ncloud.Client {
	t.Helper()
	if handle == nil {
		handle = func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("x-ncp-trace-id", "trace-503")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":{"errorCode":"500","message":"Endpoint Error"}}`))
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(handle))
	t.Cleanup(srv.Close)
	c, err := ncloud.New(ncloud.Config{AccessKey: "ak", SecretKey: "sk", BaseURL: srv.URL,
		RetryMax: 20, RetryWaitMin: 20 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond, RequestTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// hang answers nothing until the client goes away (or 5 seconds pass). It
// reads the body first: the server notices a closed connection only then.
func hang(_ http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func checkDetail(t *testing.T, detail string, want, unwanted []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(detail, w) {
			t.Errorf("detail lacks %q:\n%s", w, detail)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(strings.ToLower(detail), strings.ToLower(u)) {
			t.Errorf("detail holds %q:\n%s", u, detail)
		}
	}
}

// notATimeout are the words of a timeout or of NCP failing for good, which
// a cancelled operation's diagnostic must not hold.
var notATimeout = []string{"timeout", "timed out", "ran out of time", "kept failing", "deadline"}

// TestErrorDetailCancelled: Ctrl-C during a backoff, during an attempt, or
// while a lookup waits for a shared call says the operation was cancelled,
// never that it timed out or that NCP kept failing.
func TestErrorDetailCancelled(t *testing.T) {
	cancelAfter := func(d time.Duration) context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(d, cancel)
		t.Cleanup(cancel)
		return ctx
	}
	t.Run("during a backoff", func(t *testing.T) {
		_, err := unavailable(t, nil).GetMemberServerImages(cancelAfter(100*time.Millisecond), "KR", []string{"1"})
		checkDetail(t, errorDetail(err), []string{"cancelled", "Ctrl-C", "terraform plan"}, notATimeout)
	})
	t.Run("during an attempt", func(t *testing.T) {
		c := unavailable(t, hang)
		_, err := c.GetMemberServerImages(cancelAfter(100*time.Millisecond), "KR", []string{"1"})
		checkDetail(t, errorDetail(err), []string{"cancelled", "Ctrl-C"}, notATimeout)
	})
	t.Run("waiting for a shared lookup", func(t *testing.T) {
		_, err := imageread.MemberImages(unavailable(t, nil)).Get(cancelAfter(150*time.Millisecond), ncloud.ImageKey{Region: "KR", No: "1"})
		checkDetail(t, errorDetail(err), []string{"cancelled", "Ctrl-C"}, notATimeout)
	})
	t.Run("waiting for an image", func(t *testing.T) {
		summary, detail := waitEnded(context.Canceled, "member server image", "10003", "INIT")
		checkDetail(t, summary+"\n"+detail, []string{"Interrupted", "10003", "INIT", "Apply again"}, notATimeout)
	})
}

// TestErrorDetailOutOfTime: when the resource's timeout ends an operation
// that was retrying, the diagnostic says that time ran out and what NCP
// answered last, wherever the deadline struck.
func TestErrorDetailOutOfTime(t *testing.T) {
	want := []string{"context deadline exceeded", "HTTP 503", "code 500", "Endpoint Error", "trace-503",
		"ran out of time", "raise the resource's timeouts", "timeouts.read"}
	unwanted := []string{"cancelled", "Ctrl-C", "kept failing"}
	t.Run("in the client", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		_, err := unavailable(t, nil).GetMemberServerImages(ctx, "KR", []string{"1"})
		checkDetail(t, errorDetail(err), want, unwanted)
	})
	t.Run("waiting for a shared lookup", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		_, err := imageread.MemberImages(unavailable(t, nil)).Get(ctx, ncloud.ImageKey{Region: "KR", No: "1"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v; want the deadline", err)
		}
		checkDetail(t, errorDetail(err), want, unwanted)
	})
	t.Run("waiting for an image", func(t *testing.T) {
		summary, detail := waitEnded(context.DeadlineExceeded, "member server image", "10003", "INIT")
		checkDetail(t, summary+"\n"+detail, []string{"Timed out", "10003", "INIT", "timeouts.create"}, []string{"Interrupted"})
	})
}

// TestErrorDetailAttemptTimeout: the client's fixed per-attempt limit is
// not the resource's timeout, which cannot change it.
func TestErrorDetailAttemptTimeout(t *testing.T) {
	c := unavailable(t, hang)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	_, err := c.SetMemberServerImageSharingPermission(ctx, "KR", "1", nil)
	if time.Since(start) > 30*time.Second {
		t.Fatalf("took %s", time.Since(start))
	}
	checkDetail(t, errorDetail(err), []string{"setMemberServerImageSharingPermission", "0.2s", "fixed time limit per attempt",
		"cannot change it", "max_retries", "apply again later"}, []string{"raise the resource's timeouts", "ran out of time", "cancelled"})
}

// TestErrorDetailAPIFailure: an API error with a 5xx status is not retried
// (see ncloud.Error.Retryable), and its remedy does not claim retries.
func TestErrorDetailAPIFailure(t *testing.T) {
	c := unavailable(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"responseError":{"returnCode":"9999","returnMessage":"internal failure","requestId":"req-1"}}`))
	})
	_, err := c.GetMemberServerImages(context.Background(), "KR", []string{"1"})
	checkDetail(t, errorDetail(err), []string{"HTTP 500", "code 9999", "internal failure", "req-1",
		"does not repeat a request that the API answered", "request ID"}, []string{"kept failing", "after 2 attempts"})
}
