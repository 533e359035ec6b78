package ncloud

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
)

// TestListPagesEndOnEmptyPage: a server that reports more rows than it
// serves (5,000 for 1,200), or no totalRows at all, is read on to its first
// empty page, with each list operation.
func TestListPagesEndOnEmptyPage(t *testing.T) {
	ops := []struct {
		op, noKey, listKey string
		list               func(*Client) (int, error)
	}{
		{"getMemberServerImageInstanceList", "memberServerImageInstanceNo", "memberServerImageInstanceList",
			func(c *Client) (int, error) {
				imgs, err := c.ListMemberServerImages(context.Background(), "KR")
				return len(imgs), err
			}},
		{"getServerImageList", "serverImageNo", "serverImageList",
			func(c *Client) (int, error) {
				imgs, err := c.ListServerImages(context.Background(), "KR", "")
				return len(imgs), err
			}},
	}
	const served = 1200
	for _, tt := range ops {
		for name, totalRows := range map[string]any{"too many totalRows": 5000, "no totalRows": nil} {
			t.Run(tt.op+"/"+name, func(t *testing.T) {
				var calls atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					q := r.URL.Query()
					page, _ := strconv.Atoi(q.Get("pageNo"))
					size, _ := strconv.Atoi(q.Get("pageSize"))
					if r.URL.Path != "/vserver/v2/"+tt.op || size != pageSize || q.Get("regionCode") != "KR" {
						t.Errorf("%s %v", r.URL.Path, q)
					}
					rows := []map[string]any{}
					for i := (page - 1) * size; i < min(page*size, served); i++ {
						rows = append(rows, map[string]any{tt.noKey: strconv.Itoa(10000 + i)})
					}
					payload := map[string]any{"returnCode": "0", tt.listKey: rows}
					if totalRows != nil {
						payload["totalRows"] = totalRows
					}
					body, _ := json.Marshal(map[string]any{tt.op + "Response": payload})
					reply(w, 200, string(body))
				}))
				defer srv.Close()
				n, err := tt.list(newTestClient(t, srv.URL, nil))
				if err != nil || n != served {
					t.Errorf("got %d images, %v; want %d", n, err, served)
				}
				if got := calls.Load(); got != 3 {
					t.Errorf("%d calls, want 3 (two pages and an empty one)", got)
				}
			})
		}
	}
}
