package ncloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzDecodeResponse feeds arbitrary operation names, HTTP statuses, trace
// IDs and bodies to readResponse, the decoder of every attempt, and then to
// the operations of images.go over a stub transport. The seed corpus is in
// testdata/fuzz/FuzzDecodeResponse.
func FuzzDecodeResponse(f *testing.F) {
	f.Fuzz(func(t *testing.T, op string, status int, traceID string, body []byte) {
		payload, id, err := readResponse(op, stubResponse(status, traceID, body))
		checkDecoded(t, op, status, traceID, body, payload, id, err)
		checkCanonicalBodies(t, op, status, traceID, string(body[:min(len(body), 256)]))
		checkOperation(t, op, status, traceID, body, err == nil)
	})
}

func stubResponse(status int, traceID string, body []byte) *http.Response {
	h := http.Header{}
	h.Set("x-ncp-trace-id", traceID)
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body))}
}

// checkDecoded holds for any body: a payload or an *Error, never both; the
// error carries the operation, the status and the request ID; only a 2xx
// is a success, and its payload is a JSON value taken from the body.
func checkDecoded(t *testing.T, op string, status int, traceID string, body, payload []byte, id string, err error) {
	t.Helper()
	if (payload == nil) == (err == nil) {
		t.Fatalf("payload %q with error %v", payload, err)
	}
	if traceID != "" && id == "" {
		t.Errorf("request ID lost (trace ID %q)", traceID)
	}
	if err != nil {
		e := checkError(t, err, op, status)
		if e.RequestID != id {
			t.Errorf("Error.RequestID %q, returned request ID %q", e.RequestID, id)
		}
		return
	}
	if status < 200 || status > 299 {
		t.Fatalf("HTTP %d decoded as a success: %q", status, payload)
	}
	if !json.Valid(payload) || !bytes.Contains(body, payload) {
		t.Errorf("payload %q is not a JSON value of the body", payload)
	}
}

// checkError asserts err is an *Error for op and status whose text is one
// line starting with both.
func checkError(t *testing.T, err error, op string, status int) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%v (%T) is not an *Error", err, err)
	}
	if e.Operation != op || e.StatusCode != status {
		t.Errorf("Error for %s HTTP %d: %+v", op, status, *e)
	}
	if !e.Gateway && e.Details != "" {
		t.Errorf("API error with gateway details: %+v", *e)
	}
	if e.Retryable() && status != 429 && status != 500 && status != 503 && status != 504 {
		t.Errorf("HTTP %d is retryable", status)
	}
	s := e.Error()
	rest, ok := strings.CutPrefix(s, fmt.Sprintf("ncloud %s: HTTP %d", op, status))
	if !ok {
		t.Errorf("Error() = %q", s)
	}
	if strings.ContainsFunc(rest, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) }) {
		t.Errorf("Error() is not one line: %q", s)
	}
	return e
}

// checkCanonicalBodies builds bodies of each documented shape around the
// fuzzed strings and checks that they decode to exactly those strings.
func checkCanonicalBodies(t *testing.T, op string, status int, a, b string) {
	t.Helper()
	decode := func(v any) ([]byte, string, *Error) {
		t.Helper()
		body, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		payload, id, err := readResponse(op, stubResponse(status, "trace", body))
		checkDecoded(t, op, status, "trace", body, payload, id, err)
		if err != nil {
			return nil, id, checkError(t, err, op, status)
		}
		return payload, id, nil
	}
	// json.Marshal turns invalid UTF-8 into U+FFFD: that is what the
	// decoder can see.
	a, b = jsonString(t, a), jsonString(t, b)
	orTrace := func(id string) string {
		if id == "" {
			return "trace"
		}
		return id
	}

	_, _, e := decode(map[string]any{"responseError": map[string]any{"returnCode": a, "returnMessage": b}})
	if e == nil || e.Gateway || e.Code != a || e.Message != b || e.Details != "" || e.RequestID != "trace" {
		t.Errorf("API error decoded as %+v", e)
	}
	_, _, e = decode(map[string]any{"error": map[string]any{"errorCode": a, "message": b, "details": a}})
	if e == nil || !e.Gateway || e.Code != a || e.Message != b || e.Details != a || e.RequestID != "trace" {
		t.Errorf("gateway error decoded as %+v", e)
	}

	if !utf8.ValidString(op) { // the wrapper key would not be op+"Response"
		return
	}
	wrapper := func(fields map[string]any) map[string]any { return map[string]any{op + "Response": fields} }
	payload, id, e := decode(wrapper(map[string]any{"requestId": b, "returnCode": a, "returnMessage": b}))
	switch {
	case status < 200 || status > 299:
		if e == nil || e.Gateway || e.Code != "" {
			t.Errorf("success shape with HTTP %d decoded as %+v", status, e)
		}
	case a == "" || a == "0":
		if payload == nil || id != orTrace(b) {
			t.Errorf("returnCode %q: payload %q, request ID %q, error %v", a, payload, id, e)
		}
	default:
		if e == nil || e.Gateway || e.Code != a || e.Message != b || e.RequestID != orTrace(b) {
			t.Errorf("returnCode %q decoded as %+v", a, e)
		}
	}

	if status < 200 || status > 299 {
		return
	}
	// The shapes NCP is known to vary: numbers for strings, null lists.
	payload, _, e = decode(wrapper(map[string]any{
		"returnCode": 0, "totalRows": "1",
		"memberServerImageInstanceList": []any{map[string]any{
			"memberServerImageInstanceNo": a, "memberServerImageName": b, "sharedLoginIdList": nil,
		}},
	}))
	if e != nil {
		t.Fatalf("image list: %v", e)
	}
	var out memberServerImageList
	if err := json.Unmarshal(payload, &out); err != nil {
		t.Fatal(err)
	}
	if out.TotalRows != "1" || len(out.Images) != 1 {
		t.Fatalf("image list decoded as %+v", out)
	}
	if img := out.Images[0].image(); img.InstanceNo != a || img.Name != b || img.SharedLoginIDs == nil || len(img.SharedLoginIDs) != 0 {
		t.Errorf("image decoded as %+v", img)
	}
}

func jsonString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// clientOperations runs each operation of images.go and returns the login
// ID lists of the images it read.
var clientOperations = map[string]func(context.Context, *Client) ([][]string, error){
	"getMemberServerImageInstanceList": func(ctx context.Context, c *Client) ([][]string, error) {
		imgs, err := c.GetMemberServerImages(ctx, "KR", []string{"1"})
		var ids [][]string
		for _, img := range imgs {
			ids = append(ids, img.SharedLoginIDs)
		}
		return ids, err
	},
	"setMemberServerImageSharingPermission": func(ctx context.Context, c *Client) ([][]string, error) {
		img, err := c.SetMemberServerImageSharingPermission(ctx, "KR", "1", []string{"a@example.com"})
		if err != nil || img == nil {
			return nil, err
		}
		return [][]string{img.SharedLoginIDs}, nil
	},
	"getServerImageList": func(ctx context.Context, c *Client) ([][]string, error) {
		imgs, err := c.GetServerImages(ctx, "KR", []string{"1"})
		var ids [][]string
		for _, img := range imgs {
			ids = append(ids, img.SharedLoginIDs)
		}
		return ids, err
	},
	"addServerImageSharingPermission": func(ctx context.Context, c *Client) ([][]string, error) {
		return nil, c.AddServerImageSharingPermission(ctx, "KR", "1", []string{"a@example.com"})
	},
	"removeServerImageSharingPermission": func(ctx context.Context, c *Client) ([][]string, error) {
		return nil, c.RemoveServerImageSharingPermission(ctx, "KR", "1", []string{"a@example.com"})
	},
	"getServerImageDetail": func(ctx context.Context, c *Client) ([][]string, error) {
		img, err := c.GetServerImage(ctx, "KR", "1")
		if err != nil {
			return nil, err
		}
		return [][]string{img.SharedLoginIDs}, nil
	},
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// checkOperation runs op, when the client has it, through the whole call
// path against a transport that answers with the fuzzed response: a
// failure is ErrNotFound or an *Error with the status received, and only a
// response readResponse accepted can succeed.
func checkOperation(t *testing.T, op string, status int, traceID string, body []byte, decoded bool) {
	t.Helper()
	run, ok := clientOperations[op]
	if !ok {
		return
	}
	c, err := New(Config{
		AccessKey: "ACCESSKEY", SecretKey: "SECRETKEY", BaseURL: "https://ncloud.invalid", RetryMax: -1,
		HTTPClient: &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			return stubResponse(status, traceID, body), nil
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	lists, err := run(context.Background(), c)
	if err == nil {
		if !decoded {
			t.Fatalf("%s succeeded on a response readResponse rejects", op)
		}
		for _, ids := range lists {
			if ids == nil {
				t.Errorf("%s returned nil SharedLoginIDs", op)
			}
		}
		return
	}
	if errors.Is(err, ErrNotFound) && decoded {
		return
	}
	e := checkError(t, err, op, status)
	if decoded && !strings.HasPrefix(e.Message, "unexpected response payload: ") {
		t.Errorf("%s failed on a response readResponse accepted: %v", op, err)
	}
}
