package ncloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"
)

// ErrNotFound is wrapped by the getters, and by the server image sharing
// writes, when the image does not exist.
var ErrNotFound = errors.New("not found")

// Error is every non-2xx answer, and a 2xx answer that is unparsable or
// carries a returnCode other than "0".
type Error struct {
	Operation  string // API operation, e.g. "setMemberServerImageSharingPermission"
	StatusCode int    // HTTP status
	Gateway    bool   // true: API Gateway error {"error":{...}}; false: API error {"responseError":{...}}
	Code       string // gateway errorCode or API returnCode
	Message    string
	Details    string // gateway "details", when present
	RequestID  string // body requestId, else the x-ncp-trace-id response header
	Attempts   int    // HTTP attempts made (1 = no retry)
}

// Error returns one line: operation, HTTP status, code, message, details and
// request ID. It holds nothing the client sent, so never a secret.
func (e *Error) Error() string {
	s := "ncloud " + e.Operation + ": " + e.answer()
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return s
}

// answer is what NCP answered: HTTP status, code, message, details and
// request ID.
func (e *Error) answer() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if c := oneLine(e.Code); c != "" { // codes and request IDs come from the body too
		b.WriteString(", code " + c)
	}
	if m := oneLine(e.Message); m != "" {
		b.WriteString(": " + m)
	}
	if d := oneLine(e.Details); d != "" {
		b.WriteString(" (" + d + ")")
	}
	if id := oneLine(e.RequestID); id != "" {
		b.WriteString(" [request ID " + id + "]")
	}
	return b.String()
}

// Retryable reports whether the same request may succeed later: gateway
// throttling (429 with errorCode 410 or 420; 400 is a quota that waiting
// does not lift), and a 500, 503 or 504 that the API did not answer itself:
// an API Gateway error (errorCode 900, 500, 510: the API was not reached or
// did not answer in time) or a body that is not NCP's (a proxy's error
// page).
//
// An API error ({"responseError": ...} with a returnCode) is never
// retried, whatever its HTTP status: it is the API's own answer about the
// request, and with a 5xx status it says that the API failed while running
// it. Whether a repeat would help, or apply a write twice, the client cannot
// know for every operation (setMemberServerImageSharingPermission is
// idempotent, the add and remove operations are not), so it reports the
// answer instead of guessing.
func (e *Error) Retryable() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests:
		return e.throttled()
	case http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return !e.apiAnswer()
	}
	return false
}

// apiAnswer reports an API error: a {"responseError": ...} body, or a 2xx
// answer with a returnCode other than "0". The API itself ran and answered.
func (e *Error) apiAnswer() bool { return !e.Gateway && e.Code != "" }

// ErrAttemptTimeout is wrapped by the error of a call whose attempts got no
// answer in time: within Config.RequestTimeout, a fixed limit per attempt,
// or a connection not made within the dialer's limit. It is the client's own
// limit, not the caller's context: such an error does not match
// context.DeadlineExceeded.
var ErrAttemptTimeout = errors.New("no answer within the client's time limit per attempt")

// StoppedError is the error of a call that the caller's context ended: it
// was cancelled (Terraform interrupted, Ctrl-C), or its deadline (the
// resource's timeout) came before the call could succeed, during an attempt,
// a backoff or the wait for its turn. errors.Is matches Err
// (context.Canceled or context.DeadlineExceeded) and errors.As the last
// failed attempt's *Error, when there was one.
type StoppedError struct {
	Operation string
	Err       error // context.Canceled or context.DeadlineExceeded
	Last      error // the last failed attempt before the context ended: *Error or a transport error; nil if none
	Attempts  int   // HTTP attempts made
}

// Error says how the call stopped and, when an attempt failed before,
// what NCP answered last.
func (e *StoppedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ncloud %s: %v", e.Operation, e.Err)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Last != nil {
		b.WriteString("; the last failed attempt: ")
		var apiErr *Error
		if errors.As(e.Last, &apiErr) {
			b.WriteString(apiErr.answer())
		} else {
			b.WriteString(e.Last.Error())
		}
	}
	return b.String()
}

// Unwrap returns Err and Last.
func (e *StoppedError) Unwrap() []error {
	if e.Last == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Last}
}

// parseError decodes either error shape; any other body still yields an
// *Error carrying the status and a snippet of the body.
func parseError(op string, status int, traceID string, body []byte) *Error {
	var b struct {
		ResponseError *struct {
			ReturnCode    flexString `json:"returnCode"`
			ReturnMessage string     `json:"returnMessage"`
			RequestID     string     `json:"requestId"`
		} `json:"responseError"`
		Error *struct {
			ErrorCode flexString `json:"errorCode"`
			Message   string     `json:"message"`
			Details   flexString `json:"details"`
		} `json:"error"`
	}
	e := &Error{Operation: op, StatusCode: status, RequestID: traceID}
	switch {
	case json.Unmarshal(body, &b) != nil || (b.Error == nil && b.ResponseError == nil):
		e.Message = snippet(body)
		if e.Message == "" {
			e.Message = http.StatusText(status)
		}
	case b.Error != nil:
		e.Gateway, e.Code, e.Message, e.Details = true, string(b.Error.ErrorCode), b.Error.Message, string(b.Error.Details)
	default:
		e.Code, e.Message = string(b.ResponseError.ReturnCode), b.ResponseError.ReturnMessage
		if b.ResponseError.RequestID != "" {
			e.RequestID = b.ResponseError.RequestID
		}
	}
	return e
}

// snippet shortens an unexpected body (an HTML error page from a proxy, say)
// to something fit for a one-line error.
func snippet(body []byte) string {
	const limit = 200
	s := oneLine(string(body))
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// throttled reports a gateway throttle or rate limit (not a quota): slowing
// down helps.
func (e *Error) throttled() bool {
	return e.StatusCode == http.StatusTooManyRequests && e.Gateway && (e.Code == "410" || e.Code == "420")
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
