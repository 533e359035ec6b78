package ncloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestListPages lists 205 numbers (plus duplicates), with each list
// operation, from a server that serves at most 7 rows a page whatever
// pageSize says, and knows no image whose number is a multiple of 10.
func TestListPages(t *testing.T) {
	ops := []struct {
		op, noList, noKey, listKey string
		get                        func(*Client, []string) ([]string, error)
	}{
		{"getMemberServerImageInstanceList", "memberServerImageInstanceNoList", "memberServerImageInstanceNo", "memberServerImageInstanceList",
			func(c *Client, nos []string) ([]string, error) {
				imgs, err := c.GetMemberServerImages(context.Background(), "", nos)
				var got []string
				for _, img := range imgs {
					got = append(got, img.InstanceNo)
				}
				return got, err
			}},
		{"getServerImageList", "serverImageNoList", "serverImageNo", "serverImageList",
			func(c *Client, nos []string) ([]string, error) {
				imgs, err := c.GetServerImages(context.Background(), "", nos)
				var got []string
				for _, img := range imgs {
					if img.SharedLoginIDs == nil {
						t.Errorf("image %s: nil SharedLoginIDs", img.No)
					}
					got = append(got, img.No)
				}
				return got, err
			}},
	}
	for _, tt := range ops {
		t.Run(tt.op, func(t *testing.T) {
			const perPage = 7
			var mu sync.Mutex
			var chunks []int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				if r.URL.Path != "/vserver/v2/"+tt.op || q.Get("pageSize") != "1000" || q.Get("regionCode") != "" {
					t.Errorf("%s %v", r.URL.Path, q)
				}
				var rows []map[string]any
				for i := 1; q.Has(fmt.Sprintf("%s.%d", tt.noList, i)); i++ {
					if no := q.Get(fmt.Sprintf("%s.%d", tt.noList, i)); no[len(no)-1] != '0' {
						rows = append(rows, map[string]any{tt.noKey: no})
					}
				}
				page, _ := strconv.Atoi(q.Get("pageNo"))
				if page == 1 {
					mu.Lock()
					chunks = append(chunks, len(q)-3) // minus responseFormatType, pageNo, pageSize
					mu.Unlock()
				}
				total := len(rows)
				rows = rows[min((page-1)*perPage, total):min(page*perPage, total)]
				body, _ := json.Marshal(map[string]any{tt.op + "Response": map[string]any{
					"returnCode": "0", "totalRows": total, tt.listKey: rows}})
				reply(w, 200, string(body))
			}))
			defer srv.Close()

			var nos, want []string
			for i := 1; i <= 205; i++ {
				nos = append(nos, strconv.Itoa(i))
				if i%10 != 0 {
					want = append(want, strconv.Itoa(i))
				}
			}
			nos = append(nos, "1", "2") // duplicates are asked for once
			got, err := tt.get(newTestClient(t, srv.URL, nil), nos)
			if err != nil {
				t.Fatal(err)
			}
			sort.Slice(got, func(i, j int) bool { a, _ := strconv.Atoi(got[i]); b, _ := strconv.Atoi(got[j]); return a < b })
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %d images %v, want %d", len(got), got, len(want))
			}
			mu.Lock()
			defer mu.Unlock()
			if !reflect.DeepEqual(chunks, []int{100, 100, 5}) {
				t.Errorf("number list chunks %v, want [100 100 5]", chunks)
			}
		})
	}
}

func TestGetMemberServerImagesNone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("no call expected")
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	imgs, err := c.GetMemberServerImages(context.Background(), "KR", nil)
	if imgs != nil || err != nil {
		t.Errorf("got %v, %v", imgs, err)
	}
	if imgs, err := c.GetServerImages(context.Background(), "KR", nil); imgs != nil || err != nil {
		t.Errorf("got %v, %v", imgs, err)
	}
}

func TestGetServerImage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("serverImageNo") != "77" || r.URL.Query().Get("regionCode") != "JPN" {
			t.Errorf("query %v", r.URL.Query())
		}
		reply(w, 200, `{"getServerImageDetailResponse":{"returnCode":0,"totalRows":1,"serverImageList":[{"serverImageNo":77,
			"serverImageName":"kvm-img","serverImageType":{"code":"SELF","codeName":"Self"},
			"hypervisorType":{"code":"KVM","codeName":"KVM"},"serverImageStatus":{"code":"CREAT","codeName":"Created"},
			"shareStatus":{"code":"NULL","codeName":"NULL"}}]}}`)
	}))
	defer srv.Close()
	img, err := newTestClient(t, srv.URL, nil).GetServerImage(context.Background(), "JPN", "77")
	if err != nil {
		t.Fatal(err)
	}
	want := &ServerImage{No: "77", Name: "kvm-img", Type: CommonCode{"SELF", "Self"}, Hypervisor: CommonCode{"KVM", "KVM"},
		Status: CommonCode{"CREAT", "Created"}, ShareStatus: CommonCode{"NULL", "NULL"}, SharedLoginIDs: []string{}}
	if !reflect.DeepEqual(img, want) {
		t.Errorf("got %+v\nwant %+v", img, want)
	}
}

// serverSharingCalls are the two server image sharing operations.
var serverSharingCalls = []struct {
	op   string
	call func(c *Client, ctx context.Context, region, no string, ids []string) error
}{
	{"addServerImageSharingPermission", (*Client).AddServerImageSharingPermission},
	{"removeServerImageSharingPermission", (*Client).RemoveServerImageSharingPermission},
}

// TestServerImageSharingRequest: a signed POST form with serverImageNo and
// targetLoginIdList.1..N in order, every element escaped; an answer with
// the header alone, or with an image, is a success.
func TestServerImageSharingRequest(t *testing.T) {
	ids := []string{"a+b@x.com", "x y", "&", "ünï@example.com", "=%.2"}
	for _, tt := range serverSharingCalls {
		for name, answer := range map[string]string{
			"header only": `{"%sResponse":{"requestId":"r","returnCode":"0","returnMessage":"success"}}`,
			// Documented by others with an image whose shareStatus
			// contradicts its list: not read.
			"with image": `{"%sResponse":{"requestId":"r","returnCode":0,"returnMessage":"success","totalRows":1,
				"serverImageList":[{"serverImageNo":"5847","shareStatus":{"code":"SHARE"},"sharedLoginIdList":[]}]}}`,
		} {
			t.Run(tt.op+"/"+name, func(t *testing.T) {
				var hits atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					if r.Method != http.MethodPost || r.URL.Path != "/vserver/v2/"+tt.op || r.URL.RawQuery != "" ||
						r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.Header.Get("x-ncp-apigw-signature-v2") == "" {
						t.Errorf("%s %s?%s, content type %q", r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"))
					}
					raw, _ := io.ReadAll(r.Body)
					for _, part := range []string{"serverImageNo=77", "regionCode=JPN", "responseFormatType=json",
						"targetLoginIdList.1=a%2Bb%40x.com", "targetLoginIdList.2=x+y", "targetLoginIdList.3=%26",
						"targetLoginIdList.4=%C3%BCn%C3%AF%40example.com", "targetLoginIdList.5=%3D%25.2"} {
						if !slices.Contains(strings.Split(string(raw), "&"), part) {
							t.Errorf("body %q lacks %q", raw, part)
						}
					}
					f, err := url.ParseQuery(string(raw))
					if err != nil {
						t.Fatal(err)
					}
					if len(f) != 3+len(ids) {
						t.Errorf("form has %d keys, want %d: %v", len(f), 3+len(ids), f)
					}
					for i, id := range ids {
						if got := f[fmt.Sprintf("targetLoginIdList.%d", i+1)]; !slices.Equal(got, []string{id}) {
							t.Errorf("targetLoginIdList.%d = %q, want %q", i+1, got, id)
						}
					}
					reply(w, 200, fmt.Sprintf(answer, tt.op))
				}))
				defer srv.Close()
				if err := tt.call(newTestClient(t, srv.URL, nil), context.Background(), "JPN", "77", ids); err != nil {
					t.Fatal(err)
				}
				if hits.Load() != 1 {
					t.Errorf("%d requests, want 1", hits.Load())
				}
			})
		}
	}
}

// TestServerImageSharingNoLogins: an empty list is the caller's mistake,
// found before any request.
func TestServerImageSharingNoLogins(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("no call expected: %s", r.URL.Path)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	for _, tt := range serverSharingCalls {
		for _, ids := range [][]string{nil, {}} {
			err := tt.call(c, context.Background(), "KR", "77", ids)
			var apiErr *Error
			if err == nil || errors.As(err, &apiErr) || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), tt.op) {
				t.Errorf("%s with %#v: %v", tt.op, ids, err)
			}
		}
	}
}

// TestServerImageSharingErrors: 1104037 is ErrNotFound; any other API
// error (an add of a login already shared, say) is the *Error as NCP sent
// it, never retried; gateway errors are not ErrNotFound.
func TestServerImageSharingErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		want     Error
		notFound bool
	}{
		{"not found", 400, `{"responseError":{"returnCode":"1104037","returnMessage":"server image not found"}}`,
			Error{StatusCode: 400, Code: "1104037", Message: "server image not found", RequestID: "trace-123", Attempts: 1}, true},
		{"refused", 400, `{"responseError":{"returnCode":"1100072","returnMessage":"already shared: a@x.com"}}`,
			Error{StatusCode: 400, Code: "1100072", Message: "already shared: a@x.com", RequestID: "trace-123", Attempts: 1}, false},
		{"API 500", 500, `{"responseError":{"returnCode":"9999","returnMessage":"internal"}}`,
			Error{StatusCode: 500, Code: "9999", Message: "internal", RequestID: "trace-123", Attempts: 1}, false},
		{"200 with returnCode", 200, `{"%sResponse":{"requestId":"body-id","returnCode":"1104037","returnMessage":"server image not found"}}`,
			Error{StatusCode: 200, Code: "1104037", Message: "server image not found", RequestID: "body-id", Attempts: 1}, true},
		{"gateway 404", 404, `{"error":{"errorCode":"300","message":"Not Found"}}`,
			Error{StatusCode: 404, Gateway: true, Code: "300", Message: "Not Found", RequestID: "trace-123", Attempts: 1}, false},
		{"throttled until out of retries", 429, `{"error":{"errorCode":"410","message":"Throttle Limited"}}`,
			Error{StatusCode: 429, Gateway: true, Code: "410", Message: "Throttle Limited", RequestID: "trace-123", Attempts: 3}, false},
	}
	for _, op := range serverSharingCalls {
		for _, tt := range tests {
			t.Run(op.op+"/"+tt.name, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					body := tt.body
					if strings.Contains(body, "%s") {
						body = fmt.Sprintf(body, op.op)
					}
					reply(w, tt.status, body)
				}))
				defer srv.Close()
				c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryMax = 2 })
				err := op.call(c, context.Background(), "", "77", []string{"a@x.com"})
				if errors.Is(err, ErrNotFound) != tt.notFound {
					t.Errorf("errors.Is(%v, ErrNotFound) = %v", err, !tt.notFound)
				}
				var got *Error
				if !errors.As(err, &got) {
					t.Fatalf("%v is not an *Error", err)
				}
				want := tt.want
				want.Operation = op.op
				if *got != want {
					t.Errorf("got  %+v\nwant %+v", *got, want)
				}
			})
		}
	}
}
