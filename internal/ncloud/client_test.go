package ncloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAccessKey = "AKIDTESTACCESSKEY"
	testSecretKey = "TESTSECRET-must-never-appear"
)

// newTestClient returns a client for a test server with fast retries.
func newTestClient(t *testing.T, baseURL string, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		AccessKey: testAccessKey, SecretKey: testSecretKey, BaseURL: baseURL,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		RequestTimeout: 5 * time.Second, UserAgent: "ncloud-test/1.0",
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reply writes a JSON body with a trace ID header, as the gateway does.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-ncp-trace-id", "trace-123")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

const emptyMemberList = `{"%sResponse":{"requestId":"r","returnCode":"0","returnMessage":"success","totalRows":0,"memberServerImageInstanceList":[]}}`

func TestNewValidates(t *testing.T) {
	for _, cfg := range []Config{
		{SecretKey: "s", BaseURL: "https://x"},
		{AccessKey: "a", BaseURL: "https://x"},
		{AccessKey: "a", SecretKey: "s", BaseURL: ""},
		{AccessKey: "a", SecretKey: "s", BaseURL: "ncloud.apigw.ntruss.com"},
		{AccessKey: "a", SecretKey: "s", BaseURL: "ftp://x"},
		{AccessKey: "a", SecretKey: "s", BaseURL: "https://x", RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond},
		{AccessKey: "a", SecretKey: "s", BaseURL: "https://x", RetryWaitMin: -time.Second},
		{AccessKey: "a", SecretKey: "s", BaseURL: "https://x", RetryWaitMax: -time.Second},
		{AccessKey: "a", SecretKey: "s", BaseURL: "https://x", RequestTimeout: -time.Second},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted an invalid config", cfg)
		}
	}
	if _, err := New(Config{AccessKey: "a", SecretKey: "s", BaseURL: "http://127.0.0.1:1/"}); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
	for _, site := range Sites {
		if u, ok := SiteURL(site); !ok || !strings.HasPrefix(u, "https://") {
			t.Errorf("SiteURL(%q) = %q, %v", site, u, ok)
		}
	}
	if _, ok := SiteURL("moon"); ok {
		t.Error("SiteURL accepted an unknown site")
	}
}

func TestQueryEscapesListValues(t *testing.T) {
	weird := []string{"a+b@x.com", "x y", "&"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		for i, want := range weird {
			if got := q.Get(fmt.Sprintf("memberServerImageInstanceNoList.%d", i+1)); got != want {
				t.Errorf("list value %d = %q, want %q", i+1, got, want)
			}
		}
		for _, part := range []string{"memberServerImageInstanceNoList.1=a%2Bb%40x.com", "memberServerImageInstanceNoList.2=x+y",
			"memberServerImageInstanceNoList.3=%26", "responseFormatType=json", "regionCode=KR", "pageNo=1", "pageSize=1000"} {
			if !strings.Contains(r.URL.RawQuery, part) {
				t.Errorf("raw query %q lacks %q", r.URL.RawQuery, part)
			}
		}
		if r.Method != http.MethodGet || r.Header.Get("User-Agent") != "ncloud-test/1.0" {
			t.Errorf("method %s, User-Agent %q", r.Method, r.Header.Get("User-Agent"))
		}
		reply(w, 200, fmt.Sprintf(emptyMemberList, "getMemberServerImageInstanceList"))
	}))
	defer srv.Close()
	imgs, err := newTestClient(t, srv.URL, nil).GetMemberServerImages(context.Background(), "KR", weird)
	if err != nil || len(imgs) != 0 {
		t.Fatalf("got %v, %v", imgs, err)
	}
}

func TestSetSharingPermissionPostsForm(t *testing.T) {
	seed, err := os.ReadFile("testdata/setMemberServerImageSharingPermission.json")
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"a+b@x.com", "x y", "&"}
	var sawList atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.RawQuery != "" ||
			r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("method %s, query %q, content type %q", r.Method, r.URL.RawQuery, r.Header.Get("Content-Type"))
		}
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		f := r.PostForm
		if f.Get("memberServerImageInstanceNo") != "*****2264" || f.Get("responseFormatType") != "json" || f.Has("regionCode") {
			t.Errorf("form %v", f)
		}
		var got []string
		for i := 1; f.Has(fmt.Sprintf("targetLoginIdList.%d", i)); i++ {
			got = append(got, f.Get(fmt.Sprintf("targetLoginIdList.%d", i)))
		}
		if len(got) > 0 {
			sawList.Store(true)
			if !reflect.DeepEqual(got, ids) {
				t.Errorf("targetLoginIdList = %q, want %q", got, ids)
			}
		}
		for k := range f {
			if strings.HasPrefix(k, "targetLoginIdList") && len(got) == 0 {
				t.Errorf("unexpected %s", k)
			}
		}
		reply(w, 200, string(seed))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)

	img, err := c.SetMemberServerImageSharingPermission(context.Background(), "", "*****2264", ids)
	if err != nil {
		t.Fatal(err)
	}
	if !sawList.Load() {
		t.Error("targetLoginIdList not sent")
	}
	want := &MemberServerImage{
		InstanceNo: "*****2264", Name: "test-***",
		Status:         CommonCode{"CREAT", "NSI CREATED state"},
		Operation:      CommonCode{"NULL", "NSI NULL OP"},
		ShareStatus:    CommonCode{"SHARE", "NSI Share SHARE State"},
		SharedLoginIDs: []string{"test-***@naver.com"},
		CreateDate:     "2025-06-26T11:09:07+0900",
	}
	if !reflect.DeepEqual(img, want) {
		t.Errorf("decoded\n%+v\nwant\n%+v", img, want)
	}

	sawList.Store(false)
	if _, err := c.SetMemberServerImageSharingPermission(context.Background(), "", "*****2264", nil); err != nil {
		t.Fatal(err)
	}
	if sawList.Load() {
		t.Error("targetLoginIdList sent for an empty set")
	}
}

func TestSetSharingPermissionWithoutImageInResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"setMemberServerImageSharingPermissionResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}`)
	}))
	defer srv.Close()
	img, err := newTestClient(t, srv.URL, nil).SetMemberServerImageSharingPermission(context.Background(), "KR", "1", nil)
	if img != nil || err != nil {
		t.Errorf("got %+v, %v; want nil, nil", img, err)
	}
}

func TestShareStatusNullGivesEmptyList(t *testing.T) {
	for name, list := range map[string]string{"empty": `,"sharedLoginIdList":[]`, "absent": ``, "null": `,"sharedLoginIdList":null`} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// totalRows as a string: NCP is not consistent about it.
				if !strings.HasSuffix(r.URL.Path, "/getMemberServerImageInstanceList") || r.URL.Query().Get("memberServerImageInstanceNoList.1") != "42" {
					t.Errorf("request %s", r.URL)
				}
				reply(w, 200, `{"getMemberServerImageInstanceListResponse":{"requestId":"r","returnCode":"0","totalRows":"1",
					"memberServerImageInstanceList":[{"memberServerImageInstanceNo":"42","memberServerImageName":"img",
					"memberServerImageInstanceStatus":{"code":"CREAT","codeName":"NSI CREATED state"},
					"shareStatus":{"code":"NULL","codeName":"NSI Share NULL State"}`+list+`}]}}`)
			}))
			defer srv.Close()
			imgs, err := newTestClient(t, srv.URL, nil).GetMemberServerImages(context.Background(), "", []string{"42"})
			if err != nil {
				t.Fatal(err)
			}
			if len(imgs) != 1 {
				t.Fatalf("got %d images, want 1: %+v", len(imgs), imgs)
			}
			img := imgs[0]
			if img.SharedLoginIDs == nil || len(img.SharedLoginIDs) != 0 || img.ShareStatus.Code != "NULL" || img.InstanceNo != "42" {
				t.Errorf("got %+v", img)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	tests := []struct {
		name, op string
		status   int
		body     string
		call     func(*Client) error
		notFound bool
	}{
		{"server image empty", "getServerImageDetail", 200,
			`{"%sResponse":{"requestId":"r","returnCode":"0","totalRows":0,"serverImageList":[]}}`,
			func(c *Client) error { _, err := c.GetServerImage(context.Background(), "KR", "9"); return err }, true},
		{"server image 1104037", "getServerImageDetail", 400,
			`{"responseError":{"returnCode":"1104037","returnMessage":"server image not found"}}`,
			func(c *Client) error { _, err := c.GetServerImage(context.Background(), "KR", "9"); return err }, true},
		{"gateway 404 is not an image", "getServerImageDetail", 404,
			`{"error":{"errorCode":"300","message":"Not Found"}}`,
			func(c *Client) error { _, err := c.GetServerImage(context.Background(), "KR", "9"); return err }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.HasSuffix(r.URL.Path, "/"+tt.op) {
					t.Errorf("path %s", r.URL.Path)
				}
				body := tt.body
				if strings.Contains(body, "%s") {
					body = fmt.Sprintf(body, tt.op)
				}
				reply(w, tt.status, body)
			}))
			defer srv.Close()
			err := tt.call(newTestClient(t, srv.URL, nil))
			if errors.Is(err, ErrNotFound) != tt.notFound {
				t.Errorf("errors.Is(%v, ErrNotFound) = %v", err, !tt.notFound)
			}
			var apiErr *Error
			if tt.status != 200 && !errors.As(err, &apiErr) {
				t.Errorf("%v does not wrap *Error", err)
			}
		})
	}
}

// TestMemberImageAbsentFromList: the member server image API says "not
// found" by leaving the image out of the list answer, without an error;
// the images it does hold are still returned.
func TestMemberImageAbsentFromList(t *testing.T) {
	for name, tt := range map[string]struct {
		nos  []string
		body string
		want []string
	}{
		"empty answer": {[]string{"9"}, fmt.Sprintf(emptyMemberList, "getMemberServerImageInstanceList"), nil},
		"absent among others": {[]string{"8", "9"}, `{"getMemberServerImageInstanceListResponse":{"requestId":"r","returnCode":"0",` +
			`"totalRows":1,"memberServerImageInstanceList":[{"memberServerImageInstanceNo":"8"}]}}`, []string{"8"}},
	} {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				q := r.URL.Query()
				if !strings.HasSuffix(r.URL.Path, "/getMemberServerImageInstanceList") || q.Get("regionCode") != "KR" {
					t.Errorf("request %s", r.URL)
				}
				for i, no := range tt.nos {
					if got := q.Get(fmt.Sprintf("memberServerImageInstanceNoList.%d", i+1)); got != no {
						t.Errorf("memberServerImageInstanceNoList.%d = %q, want %q", i+1, got, no)
					}
				}
				reply(w, 200, tt.body)
			}))
			defer srv.Close()
			imgs, err := newTestClient(t, srv.URL, nil).GetMemberServerImages(context.Background(), "KR", tt.nos)
			if err != nil {
				t.Fatalf("absence is not an error: %v", err)
			}
			var got []string
			for _, img := range imgs {
				if img.InstanceNo == "9" {
					t.Errorf("image 9 in the answer: %+v", img)
				}
				got = append(got, img.InstanceNo)
			}
			if !reflect.DeepEqual(got, tt.want) || hits.Load() != 1 {
				t.Errorf("got images %q after %d requests, want %q after 1", got, hits.Load(), tt.want)
			}
		})
	}
}

func TestErrorDecoding(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   Error
	}{
		{"gateway", 401, `{"error":{"errorCode":"200","message":"Authentication Failed","details":"Invalid authentication information."}}`,
			Error{StatusCode: 401, Gateway: true, Code: "200", Message: "Authentication Failed", Details: "Invalid authentication information.", RequestID: "trace-123"}},
		{"gateway numeric code", 413, `{"error":{"errorCode":430,"message":"Request Entity Too Large"}}`,
			Error{StatusCode: 413, Gateway: true, Code: "430", Message: "Request Entity Too Large", RequestID: "trace-123"}},
		{"api", 400, `{"responseError":{"returnCode":"1300","returnMessage":"Invalid regionCode"}}`,
			Error{StatusCode: 400, Code: "1300", Message: "Invalid regionCode", RequestID: "trace-123"}},
		{"unparsable", 502, "<html>\n<body>Bad Gateway</body></html>" + strings.Repeat("x", 500),
			Error{StatusCode: 502, RequestID: "trace-123"}},
		{"empty", 502, "", Error{StatusCode: 502, Message: "Bad Gateway", RequestID: "trace-123"}},
		{"200 with returnCode", 200, `{"getMemberServerImageInstanceListResponse":{"requestId":"body-id","returnCode":"1401","returnMessage":"product not found"}}`,
			Error{StatusCode: 200, Code: "1401", Message: "product not found", RequestID: "body-id"}},
		{"200 unparsable", 200, `not json`, Error{StatusCode: 200, Message: "unparsable response: not json", RequestID: "trace-123"}},
		{"200 without wrapper", 200, `{"somethingElse":{}}`, Error{StatusCode: 200, Message: `{"somethingElse":{}}`, RequestID: "trace-123"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reply(w, tt.status, tt.body)
			}))
			defer srv.Close()
			_, err := newTestClient(t, srv.URL, nil).GetMemberServerImages(context.Background(), "", []string{"1"})
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("%v is not an *Error", err)
			}
			want := tt.want
			want.Operation, want.Attempts = "getMemberServerImageInstanceList", 1
			if tt.name == "unparsable" {
				if !strings.HasPrefix(got.Message, "<html> <body>Bad Gateway") || len(got.Message) > 210 {
					t.Errorf("snippet %q", got.Message)
				}
				want.Message = got.Message
			}
			if *got != want {
				t.Errorf("got  %+v\nwant %+v", *got, want)
			}
			s := err.Error()
			if strings.Contains(s, "\n") || !strings.Contains(s, want.Operation) ||
				!strings.Contains(s, fmt.Sprint(want.StatusCode)) || !strings.Contains(s, want.RequestID) ||
				strings.Contains(s, testSecretKey) {
				t.Errorf("Error() = %q", s)
			}
		})
	}
}
