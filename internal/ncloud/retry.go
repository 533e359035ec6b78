package ncloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// exchange is one API call across its HTTP attempts. retryablehttp runs its
// hooks one after another on the caller's goroutine, so it needs no lock.
type exchange struct {
	op               string
	pace             *pacer
	retryMax         int
	waitMin, waitMax time.Duration
	attemptTimeout   time.Duration // the http.Client's limit per attempt, for messages

	attempts  int
	started   time.Time     // start of the current attempt
	wait      time.Duration // backoff chosen by checkRetry, handed to retryablehttp
	status    int           // HTTP status of the last response; 0 when there was none
	payload   json.RawMessage
	requestID string
	err       error // the last attempt's failure: *Error or a transport error
	last      error // the last failure that was not the caller's context ending
	stop      error // set when a retryable failure was not retried because of the caller's context
}

// retryClient builds a retryablehttp client for one call over hc: its hooks
// close over the exchange, and checkRetry receives the request's context, so
// every log line goes through tflog with the caller's context.
func (x *exchange) retryClient(hc *http.Client) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient: hc,
		RetryMax:   x.retryMax, // checkRetry enforces it too, to log only real retries
		RequestLogHook: func(retryablehttp.Logger, *http.Request, int) {
			x.attempts++
			x.started = time.Now()
		},
		CheckRetry: x.checkRetry,
		Backoff: func(time.Duration, time.Duration, int, *http.Response) time.Duration {
			return x.wait
		},
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			if resp != nil {
				resp.Body.Close()
			}
			return nil, err
		},
	}
}

// checkRetry evaluates each attempt: it reads the response, logs the
// attempt and decides whether to retry and after how long.
//
// Retrying setMemberServerImageSharingPermission is safe: it replaces the
// whole shared set, so applying it twice gives the same result.
func (x *exchange) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	x.status, x.payload, x.requestID, x.err = 0, nil, "", x.transportError(ctx, err)
	if err == nil {
		x.status = resp.StatusCode
		x.payload, x.requestID, x.err = readResponse(x.op, resp)
	}
	var apiErr *Error
	if errors.As(x.err, &apiErr) {
		apiErr.Attempts = x.attempts
		if apiErr.throttled() {
			x.pace.throttled()
		}
	} else if x.err == nil {
		x.pace.succeeded()
	}
	// An attempt that failed only because the caller's context ended says
	// nothing about NCP: the failure before it is what NCP answered last.
	if x.err != nil && (ctx.Err() == nil || !errors.Is(x.err, ctx.Err())) {
		x.last = x.err
		if r, ok := ctx.Value(lastFailureKey{}).(*LastFailure); ok {
			r.set(x.op, x.err)
		}
	}
	fields := map[string]any{
		"operation": x.op, "attempt": x.attempts, "http_status": x.status,
		"duration_ms": time.Since(x.started).Milliseconds(), "request_id": x.requestID,
	}
	if x.err != nil {
		fields["error"] = reason(x.err)
	}
	tflog.Debug(ctx, "ncloud API attempt", fields)

	// The attempt's failure, if any, is kept in x.err for call to report:
	// retryablehttp's own error would lose the decoded *Error.
	if x.err == nil || !retryable(x.err) {
		return false, nil //nolint:nilerr // the failure is in x.err
	}
	if ctx.Err() != nil {
		x.stop = ctx.Err()
		return false, nil //nolint:nilerr // call reports the context's end, with x.last
	}
	if x.attempts > x.retryMax {
		return false, nil
	}
	x.wait = backoff(x.waitMin, x.waitMax, x.attempts, resp)
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < x.wait {
		tflog.Debug(ctx, "ncloud API not retrying: the backoff would outlast the context deadline",
			map[string]any{"operation": x.op, "attempt": x.attempts, "wait": x.wait.String()})
		x.stop = context.DeadlineExceeded
		return false, nil
	}
	tflog.Warn(ctx, "ncloud API retrying", map[string]any{
		"operation": x.op, "attempt": x.attempts, "reason": reason(x.err), "wait": x.wait.String(),
	})
	return true, nil
}

// transportError prepares an attempt's transport error for logs and
// diagnostics: without the query string, and with a timeout of the client's
// own (per attempt, or dialling) told apart from the caller's context, so
// that context.DeadlineExceeded means only the caller's deadline.
func (x *exchange) transportError(ctx context.Context, err error) error {
	err = redact(err)
	if err == nil || ctx.Err() != nil {
		return err
	}
	var netErr net.Error
	timedOut := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
	if !timedOut {
		return err
	}
	limit := fmt.Errorf("%w (%s)", ErrAttemptTimeout, seconds(x.attemptTimeout))
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return &url.Error{Op: urlErr.Op, URL: urlErr.URL, Err: limit}
	}
	return limit
}

// seconds formats a duration in seconds, as users write timeouts: 60s, 0.2s.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}

// stopped is the error of a call that the caller's context ended.
func (x *exchange) stopped(cause error) error {
	return &StoppedError{Operation: x.op, Err: cause, Last: x.last, Attempts: x.attempts}
}

// LastFailure records the last failed attempt of the calls made with a
// context from WithLastFailure: a caller that stops waiting for a call it
// does not own (one shared by several lookups) can still say what NCP
// answered. It is safe for concurrent use.
type LastFailure struct {
	mu  sync.Mutex
	op  string
	err error
}

// Err returns the last failure recorded, or nil.
func (l *LastFailure) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Stopped is the error of a caller that stopped waiting because its
// context ended (cause is its ctx.Err()): a *StoppedError carrying the last
// failure recorded, or cause itself when none was.
func (l *LastFailure) Stopped(cause error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		return cause
	}
	return &StoppedError{Operation: l.op, Err: cause, Last: l.err}
}

func (l *LastFailure) set(op string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.op, l.err = op, err
}

type lastFailureKey struct{}

// WithLastFailure returns a context whose calls record their failed
// attempts in l.
func WithLastFailure(ctx context.Context, l *LastFailure) context.Context {
	return context.WithValue(ctx, lastFailureKey{}, l)
}

// failure is the error a call returns when its last attempt failed.
func (x *exchange) failure() error {
	var apiErr *Error
	if errors.As(x.err, &apiErr) {
		return apiErr
	}
	return fmt.Errorf("ncloud %s: failed after %d attempt(s): %w", x.op, x.attempts, x.err)
}

// retryable reports whether a failed attempt is worth repeating.
func retryable(err error) bool {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.Retryable()
	}
	if errors.Is(err, ErrAttemptTimeout) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false // a misspelt host stays misspelt
	}
	var netErr net.Error
	var opErr *net.OpError
	return (errors.As(err, &netErr) && netErr.Timeout()) || errors.As(err, &opErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// reason describes a failure for logs. An *Error gives only status and code:
// its message might echo a login ID, which only TRACE may show.
func reason(err error) string {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		if apiErr.Code == "" {
			return fmt.Sprintf("HTTP %d", apiErr.StatusCode)
		}
		return fmt.Sprintf("HTTP %d code %s", apiErr.StatusCode, apiErr.Code)
	}
	return err.Error()
}

// backoff is exponential with equal jitter, capped at max: half of each step
// is fixed so that a retry is never early, half random so that parallel
// Terraform operations throttled together do not retry in lockstep. A
// Retry-After header wins, still capped at max. attempt counts from 1.
func backoff(waitMin, waitMax time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			return min(d, waitMax)
		}
	}
	step := waitMax
	if attempt <= 31 {
		if s := waitMin << (attempt - 1); s > 0 && s < waitMax {
			step = s
		}
	}
	return step/2 + rand.N(step/2+1)
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// redact drops the query string from a transport error's URL: GET
// parameters belong in neither logs nor diagnostics.
func redact(err error) error {
	var urlErr *url.Error
	if !errors.As(err, &urlErr) {
		return err
	}
	u, perr := url.Parse(urlErr.URL)
	if perr != nil {
		return urlErr.Err
	}
	u.RawQuery = ""
	return &url.Error{Op: urlErr.Op, URL: u.String(), Err: urlErr.Err}
}
