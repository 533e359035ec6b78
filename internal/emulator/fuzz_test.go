package emulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The operations, error codes and statuses the package documentation and
// the reference promise; the fuzz test checks every response against them.
var (
	documentedOperations = []string{
		"getRegionList", "getMemberServerImageInstanceList", "getMemberServerImageInstanceDetail",
		"setMemberServerImageSharingPermission", "addMemberServerImageSharingPermission",
		"removeMemberServerImageSharingPermission", "getServerImageList", "getServerImageDetail",
		"addServerImageSharingPermission", "removeServerImageSharingPermission",
	}
	documentedReturnCodes = []string{"1300", "1104037", "1100096", "1100070", "1100071", "1100072", "1100073"}
	// Operations whose success is the header alone: requestId, returnCode
	// and returnMessage.
	headerOnlyOperations = []string{"addServerImageSharingPermission", "removeServerImageSharingPermission"}
	// Gateway errors a call can meet when no fault or rate limit is set.
	documentedGatewayErrors = map[string]int{"100": 400, "200": 401, "300": 404, "430": 413}
	requestIDPattern        = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// fuzzNow is the emulator's clock during the fuzz test.
var fuzzNow = time.Date(2025, 6, 26, 2, 9, 7, 0, time.UTC)

// Authentication the fuzz test sends (auth % authModes).
const (
	authValid    = iota // signed with the right key and a current timestamp
	authNone            // no signature headers
	authGarbage         // junk as the signature
	authStale           // signed, but 6 minutes old
	authWrongKey        // signed with junk as the access key
	authJunkTime        // signed, with junk as the timestamp
	authModes
)

// FuzzRequest sends arbitrary requests to the emulator's handler: method,
// path, raw query, content type, body, and signature headers that are valid
// or not. The seed corpus is in testdata/fuzz/FuzzRequest.
func FuzzRequest(f *testing.F) {
	f.Fuzz(func(t *testing.T, method, path, rawQuery, contentType string, body []byte, auth uint8, junk string) {
		target := path
		if rawQuery != "" {
			target += "?" + rawQuery
		}
		raw := rawRequest(method, target, contentType, junk, int(auth%authModes), body)
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return // net/http answers 400 before any handler runs
		}
		exp := expectation(t, raw)

		s := New(Options{AccessKey: testAccessKey, SecretKey: testSecretKey, Now: func() time.Time { return fuzzNow }})
		s.PutImage(Image{No: "10001", Name: "golden-ubuntu", SharedLoginIDs: []string{"alice@example.com"}})
		s.PutImage(Image{No: "10002", Name: "golden-rocky-kvm", Hypervisor: hvKVM})
		s.PutImage(Image{No: "10003", Name: "golden-sgn", Region: "SGN"})
		s.PutImage(Image{No: "10004", Name: "fresh", Status: statusInit})
		s.PutImage(Image{No: "10005", Name: "shared-kvm", Hypervisor: hvKVM, SharedLoginIDs: []string{"bob@example.com"}})
		s.PutImage(Image{No: "10006", Name: "ncp-public", Type: typeNCP})
		s.PutImage(Image{No: "10007", Name: "going", Hypervisor: hvKVM, Status: statusTermt})
		before := images(s)

		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		resp := rec.Result()
		got, _ := io.ReadAll(resp.Body)

		checkResponse(t, exp, resp, got)
		readOnly := resp.StatusCode != http.StatusOK || strings.HasPrefix(exp.op, "get")
		if after := images(s); readOnly && !reflect.DeepEqual(before, after) {
			t.Errorf("HTTP %d %s changed the images:\n%+v\n%+v", resp.StatusCode, exp.op, before, after)
		}
		for _, img := range images(s) {
			for _, id := range img.SharedLoginIDs {
				if id == "" || id != strings.TrimSpace(id) {
					t.Errorf("image %s shared with %q", img.No, id)
				}
			}
		}
		if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Status != resp.StatusCode {
			t.Errorf("recorded %+v for one request answered HTTP %d", reqs, resp.StatusCode)
		}
	})
}

// rawRequest writes an HTTP/1.1 request as a client would put it on the wire.
func rawRequest(method, target, contentType, junk string, auth int, body []byte) []byte {
	ts, key := strconv.FormatInt(fuzzNow.UnixMilli(), 10), testAccessKey
	switch auth {
	case authStale:
		ts = strconv.FormatInt(fuzzNow.Add(-6*time.Minute).UnixMilli(), 10)
	case authWrongKey:
		key = junk
	case authJunkTime:
		ts = junk
	}
	sig := sign(testSecretKey, method, signedTarget(target), ts, key)
	if auth == authGarbage {
		sig = junk
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: ncloud.test\r\n", method, target)
	if auth != authNone {
		fmt.Fprintf(&b, "%s: %s\r\n%s: %s\r\n%s: %s\r\n", headerTimestamp, ts, headerAccessKey, key, headerSignature, sig)
	}
	if contentType != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", contentType)
	}
	fmt.Fprintf(&b, "X-Fuzz: %s\r\nContent-Length: %d\r\n\r\n", junk, len(body))
	b.Write(body)
	return b.Bytes()
}

// signedTarget is the URI signature v2 covers: the path, plus "?query" when
// the query is not empty.
func signedTarget(target string) string {
	path, query, _ := strings.Cut(target, "?")
	if query == "" {
		return path
	}
	return path + "?" + query
}

// want is what the reference and the package documentation promise for a
// request, worked out from the request as the server receives it.
type want struct {
	op          string // "" when the path is no documented operation
	gatewayCode string // the gateway error expected, "" when the API answers
	tooLarge    bool   // a 413 is also acceptable
	asJSON      bool   // responseFormatType=json (gateway errors are JSON anyway)
	pageSize    int    // a valid pageSize (1-1000) bounds a list; 0 when absent or invalid
}

func expectation(t *testing.T, raw []byte) want {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var w want
	name, ok := strings.CutPrefix(r.URL.Path, basePath)
	if ok && slices.Contains(documentedOperations, name) && (r.Method == http.MethodGet || r.Method == http.MethodPost) {
		w.op = name
	}
	body, _ := io.ReadAll(r.Body)
	w.tooLarge = len(body) > maxBodyBytes
	r.Body = io.NopCloser(bytes.NewReader(body))
	parseErr := r.ParseForm()
	w.asJSON = strings.EqualFold(r.Form.Get("responseFormatType"), "json")
	if n, err := strconv.Atoi(r.Form.Get("pageSize")); err == nil && n >= 1 && n <= 1000 {
		w.pageSize = n
	}
	switch {
	case w.op == "":
		w.gatewayCode = "300"
	case parseErr != nil:
		w.gatewayCode = "100"
	case !authentic(r):
		w.gatewayCode = "200"
	}
	return w
}

// authentic checks signature v2 independently of the emulator.
func authentic(r *http.Request) bool {
	ts, key, sig := r.Header.Get(headerTimestamp), r.Header.Get(headerAccessKey), r.Header.Get(headerSignature)
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || key != testAccessKey {
		return false
	}
	if skew := fuzzNow.Sub(time.UnixMilli(ms)); skew > 5*time.Minute || skew < -5*time.Minute {
		return false
	}
	return sig == sign(testSecretKey, r.Method, signedTarget(r.RequestURI), ts, key)
}

func checkResponse(t *testing.T, w want, resp *http.Response, body []byte) {
	t.Helper()
	status := resp.StatusCode
	if id := resp.Header.Get(headerTraceID); !requestIDPattern.MatchString(id) {
		t.Errorf("trace ID %q", id)
	}
	if !utf8.Valid(body) {
		t.Errorf("body is not UTF-8: %q", body)
	}
	if w.tooLarge && w.op != "" && status == http.StatusRequestEntityTooLarge {
		w.gatewayCode = "430"
	}
	switch {
	case w.gatewayCode != "":
		if status == http.StatusOK || status != documentedGatewayErrors[w.gatewayCode] {
			t.Fatalf("want gateway error %s, got HTTP %d: %s", w.gatewayCode, status, body)
		}
	case status != http.StatusOK && status != http.StatusBadRequest:
		t.Fatalf("authentic %s call: HTTP %d: %s", w.op, status, body)
	}
	switch ct := resp.Header.Get("Content-Type"); {
	case ct == "application/json;charset=UTF-8" && (w.asJSON || w.gatewayCode != ""):
		checkJSON(t, w, status, resp.Header.Get(headerTraceID), body)
	case ct == "application/xml;charset=UTF-8" && !w.asJSON && w.gatewayCode == "":
		checkXML(t, w, status, resp.Header.Get(headerTraceID), body)
	default:
		t.Fatalf("Content-Type %q for %+v: %s", ct, w, body)
	}
}

// checkJSON checks a body is one of the three documented shapes, the one
// the status calls for.
func checkJSON(t *testing.T, w want, status int, traceID string, body []byte) {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || len(top) != 1 {
		t.Fatalf("not a one-field JSON object (%v): %s", err, body)
	}
	switch {
	case w.gatewayCode != "":
		var e map[string]string
		if err := json.Unmarshal(top["error"], &e); err != nil || e["errorCode"] != w.gatewayCode || e["message"] == "" {
			t.Fatalf("gateway error %s: %s", w.gatewayCode, body)
		}
		delete(e, "details")
		if len(e) != 2 {
			t.Errorf("gateway error fields: %s", body)
		}
	case status == http.StatusBadRequest:
		var e struct{ ReturnCode, ReturnMessage string }
		if err := json.Unmarshal(top["responseError"], &e); err != nil ||
			!slices.Contains(documentedReturnCodes, e.ReturnCode) || e.ReturnMessage == "" {
			t.Fatalf("API error: %s", body)
		}
	case slices.Contains(headerOnlyOperations, w.op):
		var fields map[string]string
		if err := json.Unmarshal(top[w.op+"Response"], &fields); err != nil || len(fields) != 3 ||
			fields["requestId"] != traceID || fields["returnCode"] != "0" || fields["returnMessage"] != "success" {
			t.Fatalf("success of %s: %s", w.op, body)
		}
	default:
		checkSuccess(t, top[w.op+"Response"], traceID, w.pageSize, body)
	}
}

// checkSuccess checks the documented header of a success and, for the list
// it holds, that totalRows counts at least the page, that a pageSize bounds
// it, and that each image's shared login IDs form a set consistent with its
// shareStatus.
func checkSuccess(t *testing.T, payload json.RawMessage, traceID string, pageSize int, body []byte) {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil {
		t.Fatalf("success without its wrapper: %s", body)
	}
	var head struct {
		RequestID, ReturnCode, ReturnMessage string
		TotalRows                            *uint
	}
	if err := json.Unmarshal(payload, &head); err != nil || head.RequestID != traceID ||
		head.ReturnCode != "0" || head.ReturnMessage != "success" || head.TotalRows == nil {
		t.Fatalf("success header (%v): %s", err, body)
	}
	lists := 0
	for _, v := range fields {
		var items []struct {
			ShareStatus *struct{ Code string }
			Shared      []string `json:"sharedLoginIdList"`
		}
		if !bytes.HasPrefix(v, []byte("[")) {
			continue
		}
		if err := json.Unmarshal(v, &items); err != nil {
			t.Fatalf("list: %v: %s", err, body)
		}
		lists++
		if uint(len(items)) > *head.TotalRows || (pageSize > 0 && len(items) > pageSize) {
			t.Errorf("%d items, totalRows %d, pageSize %d", len(items), *head.TotalRows, pageSize)
		}
		for _, it := range items {
			if it.ShareStatus == nil {
				continue
			}
			if (it.ShareStatus.Code == "SHARE") != (len(it.Shared) > 0) {
				t.Errorf("shareStatus %s with %q", it.ShareStatus.Code, it.Shared)
			}
			for i, id := range it.Shared {
				if id == "" || id != strings.TrimSpace(id) || slices.Contains(it.Shared[:i], id) {
					t.Errorf("sharedLoginIdList %q", it.Shared)
				}
			}
		}
	}
	if lists != 1 {
		t.Errorf("%d lists in a success: %s", lists, body)
	}
}

// checkXML checks a body is well-formed XML with a single root element: the
// operation's response (whose requestId is the trace ID) or responseError.
func checkXML(t *testing.T, w want, status int, traceID string, body []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(body))
	roots, depth := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("malformed XML: %v: %s", err, body)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	var doc struct {
		XMLName    xml.Name
		RequestID  string `xml:"requestId"`
		ReturnCode string `xml:"returnCode"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil || roots != 1 {
		t.Fatalf("XML with %d roots (%v): %s", roots, err, body)
	}
	switch status {
	case http.StatusOK:
		if doc.XMLName.Local != w.op+"Response" || doc.RequestID != traceID || doc.ReturnCode != "0" {
			t.Errorf("XML success: %s", body)
		}
	default:
		if doc.XMLName.Local != "responseError" || !slices.Contains(documentedReturnCodes, doc.ReturnCode) {
			t.Errorf("XML API error: %s", body)
		}
	}
}

func images(s *Server) []Image {
	var out []Image
	for _, no := range []string{"10001", "10002", "10003", "10004", "10005", "10006", "10007"} {
		img, _ := s.Image(no)
		out = append(out, img)
	}
	return out
}
