package ncloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strconv"
	"sync"
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
