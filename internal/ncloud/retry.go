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
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// exchange is the record of one call across its attempts, reached through
// the request's context. retryablehttp runs its hooks one after another on
// the caller's goroutine, so it needs no lock.
type exchange struct {
	op        string
	attempts  int
	paced     time.Time // when the current attempt asked the pacer for a turn
	started   time.Time // start of the current attempt, after its wait for a turn
	status    int       // HTTP status of the last response; 0 when there was none
	payload   json.RawMessage
	requestID string
	last      error // the last failure that was not the caller's context ending
}

type exchangeKey struct{}

// exchangeOf returns the record of the call that made the request with ctx.
func exchangeOf(ctx context.Context) *exchange {
	x, ok := ctx.Value(exchangeKey{}).(*exchange)
	if !ok {
		panic("ncloud: a request not made by Client.call")
	}
	return x
}

// checkRetry is the retry policy (retryablehttp's CheckRetry), called once
// per attempt with the call's context. It reads the attempt's answer (the
// decision needs the error code in the body), slows the pacer on
// throttling, logs the attempt, and decides. When the call is over, it
// returns the call's error for retryablehttp to hand back: an *Error, a
// *StoppedError or a transport error; the payload of a success stays in the
// exchange.
//
// Retrying setMemberServerImageSharingPermission is safe: it replaces the
// whole shared set, so applying it twice gives the same result. The add and
// remove operations are not idempotent: a retry after an attempt that was
// applied but whose answer was lost may be refused by the API, and that
// refusal is returned as the *Error it is (see
// AddServerImageSharingPermission).
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	x := exchangeOf(ctx)
	x.attempts++
	x.status, x.payload, x.requestID = 0, nil, ""
	failure := c.transportError(ctx, err)
	if err == nil {
		x.status = resp.StatusCode
		x.payload, x.requestID, failure = readResponse(x.op, resp)
	}
	var apiErr *Error
	isAPIErr := errors.As(failure, &apiErr)
	switch {
	case failure == nil:
		c.pace.succeeded()
	case isAPIErr:
		apiErr.Attempts = x.attempts
		if apiErr.throttled() {
			c.pace.throttled(x.paced)
		}
	}
	// An attempt that failed only because the caller's context ended says
	// nothing about NCP: the failure before it is what NCP answered last.
	if failure != nil && (ctx.Err() == nil || !errors.Is(failure, ctx.Err())) {
		x.last = failure
		if l, ok := ctx.Value(lastFailureKey{}).(*LastFailure); ok {
			l.set(x.op, failure)
		}
	}
	fields := map[string]any{
		"operation": x.op, "attempt": x.attempts, "http_status": x.status,
		"duration_ms": time.Since(x.started).Milliseconds(), "request_id": x.requestID,
	}
	if failure != nil {
		fields["error"] = reason(failure)
	}
	tflog.Debug(ctx, "ncloud API attempt", fields)

	switch {
	case failure == nil:
		return false, nil
	case ctx.Err() != nil && (!isAPIErr || apiErr.Retryable()):
		return false, x.stopped(ctx.Err())
	case !retryable(failure) || x.attempts > c.retry.RetryMax:
		return false, x.failed(failure)
	}
	// retryablehttp draws the wait (backoff); a retry is not worth starting
	// when even the shortest wait it can draw outlasts the deadline.
	shortest, longest := backoffRange(c.retry.RetryWaitMin, c.retry.RetryWaitMax, x.attempts-1, resp)
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < shortest {
		tflog.Debug(ctx, "ncloud API not retrying: the backoff would outlast the context deadline",
			map[string]any{"operation": x.op, "attempt": x.attempts, "wait": seconds(shortest)})
		return false, x.stopped(context.DeadlineExceeded)
	}
	wait := seconds(shortest)
	if longest > shortest {
		wait += " to " + seconds(longest)
	}
	tflog.Warn(ctx, "ncloud API retrying", map[string]any{
		"operation": x.op, "attempt": x.attempts, "reason": reason(failure), "wait": wait,
	})
	return true, nil
}

// failed is the error of a call whose last attempt failed.
func (x *exchange) failed(err error) error {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr
	}
	return fmt.Errorf("ncloud %s: failed after %d attempt(s): %w", x.op, x.attempts, err)
}

// stopped is the error of a call that the caller's context ended.
func (x *exchange) stopped(cause error) error {
	return &StoppedError{Operation: x.op, Err: cause, Last: x.last, Attempts: x.attempts}
}

// transportError prepares an attempt's transport error for logs and
// diagnostics: without the query string, and with a timeout of the client's
// own (per attempt, or dialling) told apart from the caller's context, so
// that context.DeadlineExceeded means only the caller's deadline.
func (c *Client) transportError(ctx context.Context, err error) error {
	err = redact(err)
	if err == nil || ctx.Err() != nil {
		return err
	}
	var netErr net.Error
	timedOut := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
	if !timedOut {
		return err
	}
	limit := fmt.Errorf("%w (%s)", ErrAttemptTimeout, seconds(c.retry.HTTPClient.Timeout))
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

// backoff is retryablehttp's Backoff: a wait drawn from backoffRange.
// attemptNum counts the retries before this one, from 0.
func backoff(waitMin, waitMax time.Duration, attemptNum int, resp *http.Response) time.Duration {
	lo, hi := backoffRange(waitMin, waitMax, attemptNum, resp)
	return lo + rand.N(hi-lo+1)
}

// backoffRange is exponential with equal jitter, capped at waitMax: each
// step doubles from waitMin, and the wait is drawn from its second half, so
// that a retry is never early and parallel Terraform operations throttled
// together do not retry in lockstep. A Retry-After header wins, still
// capped at waitMax.
func backoffRange(waitMin, waitMax time.Duration, attemptNum int, resp *http.Response) (lo, hi time.Duration) {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			d = min(d, waitMax)
			return d, d
		}
	}
	step := waitMax
	if attemptNum < 31 {
		if s := waitMin << attemptNum; s > 0 && s < waitMax {
			step = s
		}
	}
	return step / 2, step
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
