package ncloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// ErrNotFound is wrapped by the getters when the image does not exist.
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
	var b strings.Builder
	fmt.Fprintf(&b, "ncloud %s: HTTP %d", e.Operation, e.StatusCode)
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
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Retryable reports whether the same request may succeed later: gateway
// throttling (429 with errorCode 410 or 420; 400 is a quota that waiting
// does not lift) and transient server-side failures (500, 503, 504).
func (e *Error) Retryable() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests:
		return e.throttled()
	case http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
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
