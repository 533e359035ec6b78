package emulator

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"
)

const setOp = "setMemberServerImageSharingPermission"

func TestFaultGatewayErrorThenSuccess(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.InjectFault(Fault{Operation: setOp, Count: 2, HTTPStatus: 429, ErrorCode: "410"})
	for range 2 {
		status, body := callJSON(t, s, setOp, sharing("10001", "a@example.com"))
		if g := decodeGateway(t, body); status != 429 || g.Error.ErrorCode != "410" || g.Error.Message != "Throttle Limited" {
			t.Fatalf("faulted call: %d %s", status, body)
		}
	}
	ok(t, s, "getRegionList", nil) // other operations are unaffected
	shared(t, s, setOp, sharing("10001", "a@example.com"))

	if s.Calls(setOp) != 3 || s.TotalCalls() != 4 {
		t.Errorf("calls: %d %d", s.Calls(setOp), s.TotalCalls())
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if !slices.Equal(statuses, []int{429, 429, 200, 200}) {
		t.Errorf("statuses: %v", statuses)
	}
	s.ResetCalls()
	if s.Calls(setOp) != 0 || s.TotalCalls() != 0 || len(s.Requests()) != 0 {
		t.Error("ResetCalls left counts")
	}
}

func TestFaultDefaultsAndWildcards(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.InjectFault(Fault{Operation: "getRegionList", Count: 1, ErrorCode: "510"})
	status, body := callJSON(t, s, "getRegionList", nil)
	if g := decodeGateway(t, body); status != 504 || g.Error.Message != "Endpoint Timeout" {
		t.Errorf("default status and message: %d %s", status, body)
	}

	s.InjectFault(Fault{Count: 1, HTTPStatus: 503})
	status, body = callJSON(t, s, "getServerImageList", nil)
	if g := decodeGateway(t, body); status != 503 || g.Error.ErrorCode != "500" || g.Error.Message != "Endpoint Error" {
		t.Errorf("status-only fault: %d %s", status, body)
	}

	s.InjectFault(Fault{Operation: setOp, ReturnCode: "1401"}) // every call until cleared
	for range 3 {
		if msg := fails(t, s, setOp, sharing("10001", "a@example.com"), 400, "1401"); msg != "product not found" {
			t.Errorf("API fault message: %q", msg)
		}
	}
	s.ClearFaults()
	s.InjectFault(Fault{Operation: setOp, Count: 1, HTTPStatus: 500, ReturnCode: "9999", Message: "boom"})
	if msg := fails(t, s, setOp, sharing("10001", "a@example.com"), 500, "9999"); msg != "boom" {
		t.Errorf("API fault message: %q", msg)
	}
	shared(t, s, setOp, sharing("10001", "a@example.com"))
}

func TestFaultLatencyHonoursCancellation(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.InjectFault(Fault{Operation: setOp, Count: 1, Latency: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := request(t, s, http.MethodPost, setOp, sharing("10001", "late@example.com")).WithContext(ctx)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
	time.Sleep(1500 * time.Millisecond) // past the latency: an ignored cancellation would have applied the set
	if img, _ := s.Image("10001"); len(img.SharedLoginIDs) != 0 {
		t.Errorf("abandoned call was applied: %q", img.SharedLoginIDs)
	}
	if r := s.Requests(); r[0].Status != 0 {
		t.Errorf("abandoned call status %d", r[0].Status)
	}

	s.InjectFault(Fault{Operation: setOp, Count: 1, Latency: 100 * time.Millisecond})
	start := time.Now()
	shared(t, s, setOp, sharing("10001", "a@example.com"))
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("latency not applied: %v", d)
	}
}

// post sends a POST on a fresh connection: Go's transport would silently
// retry an idempotent GET whose reused connection was dropped.
func post(t *testing.T, s *Server, op string, p url.Values) error {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(request(t, s, http.MethodPost, op, p))
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.InjectFault(Fault{Operation: setOp, Count: 1, Drop: true})
	if err := post(t, s, setOp, sharing("10001", "a@example.com")); err == nil {
		t.Fatal("dropped call got a response")
	}
	if img, _ := s.Image("10001"); len(img.SharedLoginIDs) != 0 {
		t.Errorf("dropped call was applied: %q", img.SharedLoginIDs)
	}
	if r := s.Requests(); len(r) != 1 || r[0].Status != 0 || s.Calls(setOp) != 1 {
		t.Errorf("dropped call record: %+v", r)
	}
	shared(t, s, setOp, sharing("10001", "a@example.com"))
}

func TestFaultDropAfterApply(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.InjectFault(Fault{Operation: setOp, Count: 1, DropAfterApply: true})
	if err := post(t, s, setOp, sharing("10001", "a@example.com")); err == nil {
		t.Fatal("dropped call got a response")
	}
	if img, _ := s.Image("10001"); !slices.Equal(img.SharedLoginIDs, []string{"a@example.com"}) {
		t.Errorf("DropAfterApply did not apply: %q", img.SharedLoginIDs)
	}
}

func TestRateLimitAndLatency(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	start := time.Now()
	s.SetRateLimit(2) // burst 2, then one token every 500 ms
	ok(t, s, "getRegionList", nil)
	ok(t, s, "getRegionList", nil)
	status, body := callJSON(t, s, "getRegionList", nil)
	if time.Since(start) < 400*time.Millisecond { // else a token may have come back
		if status != 429 || decodeGateway(t, body).Error.ErrorCode != "420" || decodeGateway(t, body).Error.Message != "Rate Limited" {
			t.Errorf("beyond the burst: %d %s", status, body)
		}
	}
	if s.Calls("getRegionList") != 3 {
		t.Errorf("rate-limited calls not counted: %d", s.Calls("getRegionList"))
	}
	time.Sleep(550 * time.Millisecond)
	ok(t, s, "getRegionList", nil)
	s.SetRateLimit(0)
	for range 10 {
		ok(t, s, "getRegionList", nil)
	}

	s.SetLatency(80 * time.Millisecond)
	start = time.Now()
	ok(t, s, "getRegionList", nil)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("latency not applied: %v", d)
	}
}

// tryCall sends a signed call and reports transport errors only.
func tryCall(s *Server, op string, p url.Values) error {
	req, err := newRequest(s, http.MethodGet, op, p)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.InjectFault(Fault{Operation: "getServerImageList", Count: 5, ErrorCode: "500"})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := string(rune('a'+i)) + "@example.com"
			for range 5 {
				for op, p := range map[string]url.Values{
					"addMemberServerImageSharingPermission": sharing("10001", id),
					"getMemberServerImageInstanceList":      {},
					"getServerImageList":                    {},
				} {
					if err := tryCall(s, op, p); err != nil {
						t.Error(err) // not Fatal: this is not the test's goroutine
					}
				}
				s.Image("10001")
				s.Requests()
				s.PutImage(Image{No: "40000", Name: "churn"})
			}
		}()
	}
	wg.Wait()
	img, _ := s.Image("10001")
	if len(img.SharedLoginIDs) != 8 || s.Calls("addMemberServerImageSharingPermission") != 40 || s.TotalCalls() != 120 {
		t.Errorf("after concurrent use: %q, %d calls", img.SharedLoginIDs, s.TotalCalls())
	}
}

func TestFaultDeleteImage(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	// The first list call still finds the image; it is deleted as the write arrives.
	s.InjectFault(Fault{Operation: setOp, Count: 1, DeleteImage: "10001"})
	list := url.Values{"memberServerImageInstanceNoList.1": {"10001"}}
	if got := ok(t, s, "getMemberServerImageInstanceList", list).Members; len(got) != 1 {
		t.Fatalf("before the write: %d images, want 1", len(got))
	}
	fails(t, s, setOp, sharing("10001", "a@example.com"), http.StatusBadRequest, codeImageNotFound)
	if _, found := s.Image("10001"); found {
		t.Error("the image survived the fault")
	}
}

func TestLoginInTwoCases(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	// NCP may answer one login in two spellings; the emulator can too.
	s.SetSharedLoginIDs("10001", []string{"a@example.com", "A@EXAMPLE.COM"})
	got := ok(t, s, "getMemberServerImageInstanceList", url.Values{"memberServerImageInstanceNoList.1": {"10001"}}).Members
	if len(got) != 1 || !slices.Equal(got[0].SharedIDs, []string{"A@EXAMPLE.COM", "a@example.com"}) {
		t.Errorf("got %+v, want both spellings", got)
	}
}

// TestFaultsOnServerImageSharing: faults, counters and recorded requests
// work for the server image sharing operations as for the others.
func TestFaultsOnServerImageSharing(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.InjectFault(Fault{Operation: addOp, Count: 1, ErrorCode: "410"})
	s.InjectFault(Fault{Operation: removeOp, Count: 1, ReturnCode: codeImageNotFound})
	status, body := callJSON(t, s, addOp, serverSharing("10002", "a@example.com"))
	if g := decodeGateway(t, body); status != 429 || g.Error.ErrorCode != "410" {
		t.Fatalf("faulted add: %d %s", status, body)
	}
	if img, _ := s.Image("10002"); len(img.SharedLoginIDs) != 0 {
		t.Errorf("a faulted add was applied: %q", img.SharedLoginIDs)
	}
	ok(t, s, addOp, serverSharing("10002", "a@example.com", "b+tag@example.com"))
	fails(t, s, removeOp, serverSharing("10002", "a@example.com"), 400, codeImageNotFound)
	if img, _ := s.Image("10002"); !slices.Equal(img.SharedLoginIDs, []string{"a@example.com", "b+tag@example.com"}) {
		t.Errorf("a faulted remove was applied: %q", img.SharedLoginIDs)
	}
	if s.Calls(addOp) != 2 || s.Calls(removeOp) != 1 || s.TotalCalls() != 3 {
		t.Errorf("calls: add %d, remove %d, total %d", s.Calls(addOp), s.Calls(removeOp), s.TotalCalls())
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[1].Operation != addOp || reqs[1].Method != http.MethodGet || reqs[1].Status != 200 ||
		reqs[1].Params.Get("serverImageNo") != "10002" || reqs[1].Params.Get("targetLoginIdList.2") != "b+tag@example.com" ||
		reqs[2].Operation != removeOp || reqs[2].Status != 400 {
		t.Errorf("recorded: %+v", reqs)
	}

	// A lost answer to an applied add: its repeat is refused. A dropped
	// remove is not applied: its repeat goes through.
	s.InjectFault(Fault{Operation: addOp, Count: 1, DropAfterApply: true})
	if err := post(t, s, addOp, serverSharing("10002", "c@example.com")); err == nil {
		t.Fatal("dropped call got a response")
	}
	fails(t, s, addOp, serverSharing("10002", "c@example.com"), 400, codeAlreadyShared)
	s.InjectFault(Fault{Operation: removeOp, Count: 1, Drop: true})
	if err := post(t, s, removeOp, serverSharing("10002", "c@example.com")); err == nil {
		t.Fatal("dropped call got a response")
	}
	ok(t, s, removeOp, serverSharing("10002", "c@example.com"))
	if r := s.Requests(); r[len(r)-1].Method != http.MethodGet || r[len(r)-2].Method != http.MethodPost || r[len(r)-2].Status != 0 {
		t.Errorf("recorded: %+v", r[len(r)-2:])
	}
}
