// Package ncloud is a small client for the NAVER Cloud Platform vserver API:
// the member server image and server image calls this provider needs, signed
// with API Gateway signature v2 and retried on throttling and transient
// failures.
package ncloud

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// DefaultRetryMax is the number of retries a Client makes after a call's
// first attempt when Config.RetryMax is 0.
const DefaultRetryMax = 6

const (
	apiPath               = "/vserver/v2/"
	defaultRetryWaitMin   = 500 * time.Millisecond
	defaultRetryWaitMax   = 20 * time.Second
	defaultRequestTimeout = 60 * time.Second
	maxBodyBytes          = 32 << 20 // a full 1000-row page is well under 2 MiB
)

// Sites lists the site names SiteURL knows, public (the default) first.
var Sites = []string{"public", "gov", "fin"}

var siteURLs = map[string]string{
	"public": "https://ncloud.apigw.ntruss.com",
	"gov":    "https://ncloud.apigw.gov-ntruss.com",
	"fin":    "https://fin-ncloud.apigw.fin-ntruss.com",
}

// SiteURL returns the API gateway base URL of an NCP site ("public", "gov"
// or "fin"), and false for any other name.
func SiteURL(site string) (string, bool) {
	u, ok := siteURLs[site]
	return u, ok
}

// Config configures a Client. Zero values select the defaults noted.
type Config struct {
	AccessKey, SecretKey string
	// BaseURL is the gateway base URL, e.g. https://ncloud.apigw.ntruss.com.
	BaseURL string
	// HTTPClient supplies the transport (only its Transport is used); nil
	// selects a pooled cleanhttp transport.
	HTTPClient *http.Client
	// RetryMax is the number of retries after a call's first attempt:
	// 0 selects DefaultRetryMax, and a negative value (-1) disables
	// retries.
	RetryMax     int
	RetryWaitMin time.Duration // first backoff step; default 500ms
	RetryWaitMax time.Duration // longest backoff, and cap of Retry-After; default 20s
	// RequestTimeout bounds each attempt; default 60s.
	RequestTimeout time.Duration
	UserAgent      string
	// Now is the clock for signature timestamps; nil selects time.Now.
	Now func() time.Time
	// MaxRequestsPerSecond caps the rate at which requests start; 0 = no
	// cap (the client still slows down by itself when throttled).
	MaxRequestsPerSecond float64
}

// Client calls the NCP vserver API. It is safe for concurrent use.
type Client struct {
	baseURL              string
	accessKey, secretKey string
	userAgent            string
	now                  func() time.Time
	retry                *retryablehttp.Client
	pace                 *pacer
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("ncloud: access key and secret key are required")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ncloud: base URL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	if cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 || cfg.RequestTimeout < 0 {
		return nil, errors.New("ncloud: RetryWaitMin, RetryWaitMax and RequestTimeout must not be negative")
	}
	waitMin := cmp.Or(cfg.RetryWaitMin, defaultRetryWaitMin)
	waitMax := cmp.Or(cfg.RetryWaitMax, defaultRetryWaitMax)
	if waitMax < waitMin {
		return nil, fmt.Errorf("ncloud: RetryWaitMax %s is below RetryWaitMin %s", waitMax, waitMin)
	}
	retryMax := cfg.RetryMax
	switch {
	case retryMax < 0:
		retryMax = 0
	case retryMax == 0:
		retryMax = DefaultRetryMax
	}
	var transport http.RoundTripper = cleanhttp.DefaultPooledTransport()
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		transport = cfg.HTTPClient.Transport
	}
	c := &Client{
		baseURL:   strings.TrimRight(cfg.BaseURL, "/"),
		accessKey: cfg.AccessKey,
		secretKey: cfg.SecretKey,
		userAgent: cfg.UserAgent,
		now:       cfg.Now,
		pace:      newPacer(cfg.MaxRequestsPerSecond),
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.retry = &retryablehttp.Client{
		HTTPClient: &http.Client{
			Transport: transport,
			// It bounds one attempt, body included: retryablehttp calls
			// Do once per attempt.
			Timeout: cmp.Or(cfg.RequestTimeout, defaultRequestTimeout),
			// The gateway does not redirect; following one would send
			// signed requests somewhere else. A 3xx becomes an *Error.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		RetryWaitMin: waitMin,
		RetryWaitMax: waitMax,
		RetryMax:     retryMax,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		PrepareRetry: c.prepare,
		// checkRetry returns the call's own error: *Error,
		// *StoppedError or a wrapped transport error.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

// call performs one operation and decodes the <op>Response payload into out.
// GET carries params in the query string, POST in a form body.
func (c *Client) call(ctx context.Context, op, method string, params url.Values, out any) error {
	// Every line logged for this call, here and in checkRetry (which gets
	// the request's context), goes through these masks.
	ctx = MaskCredentials(ctx, c.accessKey, c.secretKey)
	x := &exchange{op: op}
	ctx = context.WithValue(ctx, exchangeKey{}, x)
	params.Set("responseFormatType", "json")
	encoded := params.Encode()
	target := c.baseURL + apiPath + op
	var body any // nil: no body
	if method == http.MethodGet {
		target += "?" + encoded
	} else {
		body = []byte(encoded)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return fmt.Errorf("ncloud %s: building request: %w", op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	// Parameters may hold login IDs (personal data): TRACE only.
	tflog.Trace(ctx, "ncloud API request", map[string]any{
		"operation": op, "method": method, "parameters": encoded, "access_key": maskKey(c.accessKey),
	})

	if err := c.prepare(req.Request); err != nil { // retryablehttp prepares the retries
		return err
	}
	resp, err := c.retry.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			// The context ended during a backoff, where retryablehttp
			// returns ctx.Err() alone.
			return x.stopped(ctx.Err())
		}
		return err
	}
	if err := json.Unmarshal(x.payload, out); err != nil {
		return &Error{Operation: op, StatusCode: x.status, RequestID: x.requestID, Attempts: x.attempts,
			Message: "unexpected response payload: " + err.Error()}
	}
	return nil
}

// prepare readies an attempt (retryablehttp's PrepareRetry, and call for
// the first one): it waits for the request's turn, then signs it. Signing
// after the wait keeps the timestamp fresh.
func (c *Client) prepare(req *http.Request) error {
	ctx := req.Context()
	x := exchangeOf(ctx)
	x.paced = time.Now()
	if err := c.pace.wait(ctx); err != nil {
		// The context ended, or its deadline comes before the turn.
		return x.stopped(cmp.Or(ctx.Err(), context.DeadlineExceeded))
	}
	sign(req, c.accessKey, c.secretKey, c.now())
	x.started = time.Now()
	return nil
}

// readResponse reads one attempt's answer whole (retry decisions need the
// error code in the body) and returns the <op>Response payload and request
// ID, or the failure.
func readResponse(op string, resp *http.Response) (json.RawMessage, string, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	resp.Body.Close()
	resp.Body = http.NoBody // retryablehttp drains it before a retry, call closes it
	traceID := resp.Header.Get("x-ncp-trace-id")
	if err != nil {
		return nil, traceID, fmt.Errorf("reading response body: %w", err)
	}
	if len(body) > maxBodyBytes {
		return nil, traceID, &Error{Operation: op, StatusCode: resp.StatusCode, RequestID: traceID,
			Message: fmt.Sprintf("response body exceeds %d bytes", maxBodyBytes)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := parseError(op, resp.StatusCode, traceID, body)
		return nil, e.RequestID, e
	}
	return decodeSuccess(op, resp.StatusCode, traceID, body)
}

// decodeSuccess unwraps {"<op>Response": {...}} generically and checks its
// returnCode.
func decodeSuccess(op string, status int, traceID string, body []byte) (json.RawMessage, string, error) {
	var wrapper map[string]json.RawMessage
	if err := json.Unmarshal(body, &wrapper); err != nil {
		return nil, traceID, &Error{Operation: op, StatusCode: status, RequestID: traceID,
			Message: "unparsable response: " + snippet(body)}
	}
	payload, ok := wrapper[op+"Response"]
	if !ok { // perhaps an error shape with a 2xx status
		e := parseError(op, status, traceID, body)
		return nil, e.RequestID, e
	}
	var h struct {
		RequestID     string     `json:"requestId"`
		ReturnCode    flexString `json:"returnCode"`
		ReturnMessage string     `json:"returnMessage"`
	}
	if err := json.Unmarshal(payload, &h); err != nil {
		return nil, traceID, &Error{Operation: op, StatusCode: status, RequestID: traceID,
			Message: "unparsable response: " + snippet(payload)}
	}
	id := h.RequestID
	if id == "" {
		id = traceID
	}
	if h.ReturnCode != "" && h.ReturnCode != "0" {
		return nil, id, &Error{Operation: op, StatusCode: status, Code: string(h.ReturnCode),
			Message: h.ReturnMessage, RequestID: id}
	}
	return payload, id, nil
}

// flexString accepts a JSON string, a number (NCP sends totalRows and codes
// either way) or any other value as its raw text; null is "".
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		*f = flexString(b)
	}
	return nil
}
