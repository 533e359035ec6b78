package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testAccessKey, testSecretKey = "test-access-key", "test-secret-key"

// fakeClock is an injectable, adjustable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestServer starts an emulator on a fake clock with images 10001 (XEN),
// 10002 (KVM) and 10003 (XEN, region SGN).
func newTestServer(t *testing.T) (*Server, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: time.Date(2025, 6, 26, 2, 9, 7, 0, time.UTC)}
	s := New(Options{AccessKey: testAccessKey, SecretKey: testSecretKey, Now: clock.Now})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.PutImage(Image{No: "10001", Name: "golden-ubuntu"})
	s.PutImage(Image{No: "10002", Name: "golden-rocky-kvm", Hypervisor: "KVM"})
	s.PutImage(Image{No: "10003", Name: "golden-sgn", Region: "SGN"})
	return s, clock
}

// sign is the test's own signature v2, independent of the emulator's.
func sign(secret, method, uri, timestamp, accessKey string) string {
	m := hmac.New(sha256.New, []byte(secret))
	_, _ = io.WriteString(m, method+" "+uri+"\n"+timestamp+"\n"+accessKey) // a hash never fails to write
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// request builds a signed request: GET parameters go in the query, POST ones
// in a form body.
func request(t *testing.T, s *Server, method, op string, params url.Values) *http.Request {
	t.Helper()
	req, err := newRequest(s, method, op, params)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func newRequest(s *Server, method, op string, params url.Values) (*http.Request, error) {
	path, body := "/vserver/v2/"+op, ""
	uri := path
	if method == http.MethodGet && len(params) > 0 {
		uri += "?" + params.Encode()
	} else {
		body = params.Encode()
	}
	req, err := http.NewRequest(method, s.URL()+uri, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	ts := strconv.FormatInt(s.opts.Now().UnixMilli(), 10)
	req.Header.Set("x-ncp-apigw-timestamp", ts)
	req.Header.Set("x-ncp-iam-access-key", testAccessKey)
	req.Header.Set("x-ncp-apigw-signature-v2", sign(testSecretKey, method, uri, ts, testAccessKey))
	return req, nil
}

func send(t *testing.T, req *http.Request) (int, []byte, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body, resp.Header
}

// callJSON sends a signed GET with responseFormatType=json.
func callJSON(t *testing.T, s *Server, op string, params url.Values) (int, []byte) {
	t.Helper()
	if params == nil {
		params = url.Values{}
	}
	params.Set("responseFormatType", "json")
	status, body, _ := send(t, request(t, s, http.MethodGet, op, params))
	return status, body
}

type codeName struct {
	Code     string `json:"code"`
	CodeName string `json:"codeName"`
}

type memberImage struct {
	No          string   `json:"memberServerImageInstanceNo"`
	Name        string   `json:"memberServerImageName"`
	Status      codeName `json:"memberServerImageInstanceStatus"`
	StatusName  string   `json:"memberServerImageInstanceStatusName"`
	Operation   codeName `json:"memberServerImageInstanceOperation"`
	CreateDate  string   `json:"createDate"`
	ShareStatus codeName `json:"shareStatus"`
	SharedIDs   []string `json:"sharedLoginIdList"`
}

type serverImage struct {
	No          string   `json:"serverImageNo"`
	Type        codeName `json:"serverImageType"`
	Hypervisor  codeName `json:"hypervisorType"`
	Status      codeName `json:"serverImageStatus"`
	StatusName  string   `json:"serverImageStatusName"`
	ShareStatus codeName `json:"shareStatus"`
	SharedIDs   []string `json:"sharedLoginIdList"`
}

type success struct {
	RequestID     string        `json:"requestId"`
	ReturnCode    string        `json:"returnCode"`
	ReturnMessage string        `json:"returnMessage"`
	TotalRows     int           `json:"totalRows"`
	Members       []memberImage `json:"memberServerImageInstanceList"`
	ServerImages  []serverImage `json:"serverImageList"`
	Regions       []struct {
		Code string `json:"regionCode"`
		Name string `json:"regionName"`
	} `json:"regionList"`
}

// ok calls op and decodes its success wrapper.
func ok(t *testing.T, s *Server, op string, params url.Values) success {
	t.Helper()
	status, body := callJSON(t, s, op, params)
	if status != http.StatusOK {
		t.Fatalf("%s: status %d: %s", op, status, body)
	}
	var wrapper map[string]json.RawMessage
	if err := json.Unmarshal(body, &wrapper); err != nil {
		t.Fatalf("%s: %v: %s", op, err, body)
	}
	var out success
	if err := json.Unmarshal(wrapper[op+"Response"], &out); err != nil {
		t.Fatalf("%s: %v: %s", op, err, body)
	}
	if out.ReturnCode != "0" || out.ReturnMessage != "success" || out.RequestID == "" {
		t.Fatalf("%s: bad header: %s", op, body)
	}
	return out
}

type apiError struct {
	ResponseError struct {
		ReturnCode    string `json:"returnCode"`
		ReturnMessage string `json:"returnMessage"`
	} `json:"responseError"`
}

// fails calls op and checks it fails with an API error.
func fails(t *testing.T, s *Server, op string, params url.Values, wantStatus int, wantCode string) string {
	t.Helper()
	status, body := callJSON(t, s, op, params)
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil || status != wantStatus || e.ResponseError.ReturnCode != wantCode {
		t.Fatalf("%s: got %d %s, want %d returnCode %s", op, status, body, wantStatus, wantCode)
	}
	return e.ResponseError.ReturnMessage
}

type gatewayErr struct {
	Error struct {
		ErrorCode string `json:"errorCode"`
		Message   string `json:"message"`
		Details   string `json:"details"`
	} `json:"error"`
}

func decodeGateway(t *testing.T, body []byte) gatewayErr {
	t.Helper()
	var g gatewayErr
	if err := json.Unmarshal(body, &g); err != nil || g.Error.ErrorCode == "" {
		t.Fatalf("not a gateway error: %s", body)
	}
	return g
}

func TestSignatureTestVector(t *testing.T) {
	const vector = "tB6Sk3Kp6cf0hi25tRosAuFbPISe+sk3ZviBdudZETk="
	if got := sign("SECRETKEY", "GET", "/vserver/v2/getRegionList?responseFormatType=json", "1700000000000", "ACCESSKEY"); got != vector {
		t.Fatalf("test signer: got %s, want the contract's vector", got)
	}
	s := New(Options{AccessKey: "ACCESSKEY", SecretKey: "SECRETKEY", Now: func() time.Time { return time.UnixMilli(1700000000000) }})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for sig, want := range map[string]int{vector: 200, "tB6Sk3Kp6cf0hi25tRosAuFbPISe+sk3ZviBdudZETK=": 401} {
		req, _ := http.NewRequest("GET", s.URL()+"/vserver/v2/getRegionList?responseFormatType=json", nil)
		req.Header.Set("x-ncp-apigw-timestamp", "1700000000000")
		req.Header.Set("x-ncp-iam-access-key", "ACCESSKEY")
		req.Header.Set("x-ncp-apigw-signature-v2", sig)
		if status, body, _ := send(t, req); status != want {
			t.Errorf("signature %s: status %d (%s), want %d", sig, status, body, want)
		}
	}
}

func TestAuthFailures(t *testing.T) {
	t.Parallel()
	s, clock := newTestServer(t)
	params := url.Values{"responseFormatType": {"json"}}
	resign := func(req *http.Request, ts string) {
		req.Header.Set("x-ncp-apigw-timestamp", ts)
		req.Header.Set("x-ncp-apigw-signature-v2", sign(testSecretKey, req.Method, req.URL.RequestURI(), ts, req.Header.Get("x-ncp-iam-access-key")))
	}
	ms := func(d time.Duration) string { return strconv.FormatInt(clock.Now().Add(d).UnixMilli(), 10) }
	cases := []struct {
		name    string
		mutate  func(*http.Request)
		details string
	}{
		{"wrong access key", func(r *http.Request) {
			r.Header.Set("x-ncp-iam-access-key", "other")
			resign(r, ms(0))
		}, "Invalid access key"},
		{"bad signature", func(r *http.Request) { r.Header.Set("x-ncp-apigw-signature-v2", "AAAA") }, "Invalid signature"},
		{"signed another URI", func(r *http.Request) { r.URL.RawQuery = "responseFormatType=xml" }, "Invalid signature"},
		{"stale timestamp", func(r *http.Request) { resign(r, ms(-5*time.Minute-time.Second)) }, invalidTimestamp},
		{"future timestamp", func(r *http.Request) { resign(r, ms(5*time.Minute+time.Second)) }, invalidTimestamp},
		{"timestamp not a number", func(r *http.Request) { resign(r, "soon") }, invalidTimestamp},
		{"missing timestamp", func(r *http.Request) { r.Header.Del("x-ncp-apigw-timestamp") }, "Missing header x-ncp-apigw-timestamp"},
		{"missing access key", func(r *http.Request) { r.Header.Del("x-ncp-iam-access-key") }, "Missing header x-ncp-iam-access-key"},
		{"missing signature", func(r *http.Request) { r.Header.Del("x-ncp-apigw-signature-v2") }, "Missing header x-ncp-apigw-signature-v2"},
	}
	for _, c := range cases {
		req := request(t, s, http.MethodGet, "getRegionList", params)
		c.mutate(req)
		status, body, header := send(t, req)
		g := decodeGateway(t, body)
		if status != 401 || g.Error.ErrorCode != "200" || g.Error.Message != "Authentication Failed" || g.Error.Details != c.details {
			t.Errorf("%s: got %d %s", c.name, status, body)
		}
		if header.Get("x-ncp-trace-id") == "" {
			t.Errorf("%s: no x-ncp-trace-id", c.name)
		}
	}
	if n := s.TotalCalls(); n != 0 {
		t.Errorf("unauthenticated calls counted: %d", n)
	}
	if reqs := s.Requests(); len(reqs) != len(cases) || reqs[0].Status != 401 {
		t.Errorf("requests not recorded: %+v", reqs)
	}

	// Within the window either way is fine.
	for _, d := range []time.Duration{-4 * time.Minute, 4 * time.Minute} {
		req := request(t, s, http.MethodGet, "getRegionList", params)
		resign(req, ms(d))
		if status, body, _ := send(t, req); status != 200 {
			t.Errorf("skew %v: %d %s", d, status, body)
		}
	}
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	for _, target := range []struct{ method, path string }{
		{"GET", "/vserver/v2/getNothing"},
		{"GET", "/vserver/v1/getRegionList"},
		{"GET", "/"},
		{"PUT", "/vserver/v2/getRegionList"},
	} {
		req, _ := http.NewRequest(target.method, s.URL()+target.path, nil)
		status, body, _ := send(t, req)
		if g := decodeGateway(t, body); status != 404 || g.Error.ErrorCode != "300" || g.Error.Message != "Not Found" {
			t.Errorf("%s %s: %d %s", target.method, target.path, status, body)
		}
	}

	big := request(t, s, http.MethodPost, "getRegionList", url.Values{"x": {strings.Repeat("a", maxBodyBytes)}})
	if status, body, _ := send(t, big); status != 413 || decodeGateway(t, body).Error.ErrorCode != "430" {
		t.Errorf("oversized body: %d %s", status, body)
	}
}

func TestRegionList(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	out := ok(t, s, "getRegionList", nil)
	if out.TotalRows != 3 || len(out.Regions) != 3 || out.Regions[0].Code != "KR" || out.Regions[1].Code != "SGN" || out.Regions[2].Code != "JPN" {
		t.Errorf("regions: %+v", out)
	}
}

func TestGETAndPOST(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	params := func() url.Values {
		return url.Values{"memberServerImageInstanceNo": {"10001"}, "targetLoginIdList.1": {"a@example.com"}, "responseFormatType": {"json"}}
	}

	// POST with a form body: the signed URI is the path alone.
	status, body, header := send(t, request(t, s, http.MethodPost, "setMemberServerImageSharingPermission", params()))
	if status != 200 || !strings.Contains(string(body), `"sharedLoginIdList":["a@example.com"]`) {
		t.Fatalf("POST: %d %s", status, body)
	}
	var wrapper map[string]struct {
		RequestID string `json:"requestId"`
	}
	if err := json.Unmarshal(body, &wrapper); err != nil || wrapper["setMemberServerImageSharingPermissionResponse"].RequestID != header.Get("x-ncp-trace-id") {
		t.Errorf("requestId and x-ncp-trace-id differ: %s vs %q", body, header.Get("x-ncp-trace-id"))
	}

	// POST with the parameters in the query string: the signed URI has it.
	req := request(t, s, http.MethodGet, "removeMemberServerImageSharingPermission", params())
	req.Method = http.MethodPost
	req.Header.Set("x-ncp-apigw-signature-v2", sign(testSecretKey, "POST", req.URL.RequestURI(), req.Header.Get("x-ncp-apigw-timestamp"), testAccessKey))
	if status, body, _ := send(t, req); status != 200 || !strings.Contains(string(body), `"sharedLoginIdList":[]`) {
		t.Fatalf("POST with query: %d %s", status, body)
	}

	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Method != "POST" || reqs[0].Operation != "setMemberServerImageSharingPermission" ||
		reqs[0].Params.Get("targetLoginIdList.1") != "a@example.com" || reqs[0].Status != 200 {
		t.Errorf("recorded requests: %+v", reqs)
	}
}

func TestXMLFormat(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.SetSharedLoginIDs("10001", []string{"b&b@example.com", "a@example.com"})

	status, body, header := send(t, request(t, s, http.MethodGet, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"10001"}}))
	if status != 200 || !strings.HasPrefix(header.Get("Content-Type"), "application/xml") {
		t.Fatalf("XML detail: %d %s", status, header)
	}
	for _, want := range []string{
		"<getMemberServerImageInstanceDetailResponse><requestId>",
		"<returnCode>0</returnCode><returnMessage>success</returnMessage><totalRows>1</totalRows>",
		"<memberServerImageInstanceList><memberServerImageInstance><memberServerImageInstanceNo>10001</memberServerImageInstanceNo>",
		"<memberServerImageDescription/>",
		"<memberServerImageInstanceStatus><code>CREAT</code><codeName>NSI CREATED state</codeName></memberServerImageInstanceStatus>",
		"<createDate>2025-06-26T11:09:07+0900</createDate>",
		"<shareStatus><code>SHARE</code><codeName>NSI Share SHARE State</codeName></shareStatus>",
		"<sharedLoginIdList><sharedLoginId>a@example.com</sharedLoginId><sharedLoginId>b&amp;b@example.com</sharedLoginId></sharedLoginIdList>",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("XML lacks %s:\n%s", want, body)
		}
	}
	var doc struct {
		XMLName xml.Name
		IDs     []string `xml:"memberServerImageInstanceList>memberServerImageInstance>sharedLoginIdList>sharedLoginId"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil || doc.XMLName.Local != "getMemberServerImageInstanceDetailResponse" || len(doc.IDs) != 2 || doc.IDs[1] != "b&b@example.com" {
		t.Errorf("XML does not parse back: %v %+v", err, doc)
	}

	// API errors follow the format; gateway errors are always JSON.
	status, body, _ = send(t, request(t, s, http.MethodGet, "getServerImageDetail", url.Values{"serverImageNo": {"999"}}))
	if status != 400 || !strings.Contains(string(body), "<responseError><returnCode>1104037</returnCode>") {
		t.Errorf("XML API error: %d %s", status, body)
	}
	req := request(t, s, http.MethodGet, "getRegionList", nil)
	req.Header.Set("x-ncp-apigw-signature-v2", "bad")
	if status, body, _ := send(t, req); status != 401 || decodeGateway(t, body).Error.ErrorCode != "200" {
		t.Errorf("gateway error with XML format: %d %s", status, body)
	}
}

func TestStartChecks(t *testing.T) {
	t.Parallel()
	if err := New(Options{AccessKey: "a", SecretKey: "b"}).StartOn("0.0.0.0:0"); err == nil {
		t.Error("listening on a non-loopback address")
	}
	if err := New(Options{AccessKey: "a"}).Start(); err == nil {
		t.Error("started without a secret key")
	}
}
