package ncloud_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// TestAgainstEmulator runs the client against the independently written
// emulator: two implementations of the reference must agree.
func TestAgainstEmulator(t *testing.T) {
	s, c := emulatorAndClient(t, 0)
	s.PutImage(emulator.Image{No: "10003", Name: "fresh", Status: "INIT"})
	ctx := context.Background()

	ids := []string{"b@example.com", "a+tag@example.com"}
	img, err := c.SetMemberServerImageSharingPermission(ctx, "KR", "10001", ids)
	if err != nil || img == nil || img.ShareStatus.Code != "SHARE" || len(img.SharedLoginIDs) != 2 {
		t.Fatalf("set: %+v, %v", img, err)
	}
	got, err := c.GetMemberServerImages(ctx, "", []string{"10001"})
	if err != nil || len(got) != 1 || got[0].InstanceNo != "10001" || !sameSet(got[0].SharedLoginIDs, ids) || got[0].Status.Code != "CREAT" {
		t.Errorf("get: %+v, %v", got, err)
	}
	if img, err = c.SetMemberServerImageSharingPermission(ctx, "", "10001", nil); err != nil ||
		img.ShareStatus.Code == "SHARE" || img.SharedLoginIDs == nil || len(img.SharedLoginIDs) != 0 {
		t.Errorf("unshare: %+v, %v", img, err)
	}

	for _, no := range []string{"99999", "10002"} { // unknown; KVM is not in the member API
		if imgs, err := c.GetMemberServerImages(ctx, "KR", []string{no}); err != nil || len(imgs) != 0 {
			t.Errorf("member image %s: want absent from the answer, got %+v, %v", no, imgs, err)
		}
	}
	if si, err := c.GetServerImage(ctx, "KR", "10002"); err != nil || si.Hypervisor.Code != "KVM" {
		t.Errorf("server image: %+v, %v", si, err)
	}
	if _, err := c.GetServerImage(ctx, "KR", "99999"); !errors.Is(err, ncloud.ErrNotFound) {
		t.Errorf("unknown server image: %v", err)
	}
	var apiErr *ncloud.Error
	if _, err := c.SetMemberServerImageSharingPermission(ctx, "", "10003", ids); !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Errorf("sharing an INIT image: %v", err)
	}
	list, err := c.GetMemberServerImages(ctx, "KR", []string{"10001", "10002", "10003", "99999"})
	if err != nil || len(list) != 2 {
		t.Errorf("list: %+v, %v", list, err)
	}

	// Throttling, then a connection dropped after the change was applied:
	// the set is retried and converges.
	s.InjectFault(emulator.Fault{Operation: "setMemberServerImageSharingPermission", Count: 1, ErrorCode: "410"})
	s.InjectFault(emulator.Fault{Operation: "setMemberServerImageSharingPermission", Count: 1, DropAfterApply: true})
	s.ResetCalls()
	if img, err := c.SetMemberServerImageSharingPermission(ctx, "", "10001", ids); err != nil || !sameSet(img.SharedLoginIDs, ids) {
		t.Errorf("set through faults: %+v, %v", img, err)
	}
	if n := s.Calls("setMemberServerImageSharingPermission"); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

// TestGetServerImagesAgainstEmulator reads XEN and KVM images through
// getServerImageList: absent numbers are left out, and 150 numbers take two
// calls.
func TestGetServerImagesAgainstEmulator(t *testing.T) {
	s, c := emulatorAndClient(t, 0)
	ctx := context.Background()
	s.PutImage(emulator.Image{No: "10003", Name: "fresh", Status: "INIT"})
	s.PutImage(emulator.Image{No: "10004", Name: "elsewhere", Region: "JPN"})
	ids := []string{"a@example.com", "b@example.com"}
	if _, err := c.SetMemberServerImageSharingPermission(ctx, "KR", "10001", ids); err != nil {
		t.Fatal(err)
	}

	imgs, err := c.GetServerImages(ctx, "KR", []string{"10001", "10002", "10003", "10004", "99999", "10002"})
	if err != nil {
		t.Fatal(err)
	}
	byNo := map[string]ncloud.ServerImage{}
	for _, img := range imgs {
		byNo[img.No] = img
	}
	if len(imgs) != 3 || len(byNo) != 3 {
		t.Fatalf("got %+v; want images 10001, 10002 and 10003 once each", imgs)
	}
	xen, kvm, fresh := byNo["10001"], byNo["10002"], byNo["10003"]
	if xen.Name != "xen" || xen.Hypervisor.Code != ncloud.HypervisorXEN || xen.Type.Code != ncloud.ServerImageTypeSelf ||
		xen.Status.Code != ncloud.StatusCreated || xen.ShareStatus.Code != ncloud.ShareStatusShare || !sameSet(xen.SharedLoginIDs, ids) {
		t.Errorf("XEN image: %+v", xen)
	}
	if kvm.Hypervisor.Code != ncloud.HypervisorKVM || kvm.ShareStatus.Code != ncloud.ShareStatusNull ||
		kvm.SharedLoginIDs == nil || len(kvm.SharedLoginIDs) != 0 {
		t.Errorf("KVM image: %+v", kvm)
	}
	if fresh.Status.Code != ncloud.StatusInit {
		t.Errorf("INIT image: %+v", fresh)
	}

	var nos []string
	for i := range 150 {
		no := strconv.Itoa(20000 + i)
		s.PutImage(emulator.Image{No: no, Name: "image-" + no, Hypervisor: "KVM"})
		nos = append(nos, no)
	}
	s.ResetCalls()
	imgs, err = c.GetServerImages(ctx, "", nos)
	if err != nil || len(imgs) != 150 {
		t.Fatalf("got %d images, %v; want 150", len(imgs), err)
	}
	if n := s.Calls("getServerImageList"); n != 2 {
		t.Errorf("%d calls for 150 numbers, want 2", n)
	}
}

// TestServerImageSharingAgainstEmulator shares KVM and XEN images through
// the server image API and reads them back, and meets each refusal.
func TestServerImageSharingAgainstEmulator(t *testing.T) {
	s, c := emulatorAndClient(t, 0)
	ctx := context.Background()
	s.PutImage(emulator.Image{No: "10003", Name: "fresh-kvm", Hypervisor: "KVM", Status: "INIT"})
	s.PutImage(emulator.Image{No: "10004", Name: "going", Hypervisor: "KVM", Status: "TERMT"})
	s.PutImage(emulator.Image{No: "50001", Name: "rocky-base", Hypervisor: "KVM", Type: "NCP"})
	read := func(no string) ncloud.ServerImage {
		t.Helper()
		imgs, err := c.GetServerImages(ctx, "KR", []string{no})
		if err != nil || len(imgs) != 1 {
			t.Fatalf("read %s: %+v, %v", no, imgs, err)
		}
		return imgs[0]
	}
	apiError := func(err error, code string) {
		t.Helper()
		var apiErr *ncloud.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != code || apiErr.Gateway ||
			apiErr.Attempts != 1 || errors.Is(err, ncloud.ErrNotFound) {
			t.Errorf("want API error %s, got %v", code, err)
		}
	}

	ids := []string{"b@example.com", "a+tag@example.com"}
	if err := c.AddServerImageSharingPermission(ctx, "KR", "10002", ids); err != nil {
		t.Fatal(err)
	}
	if img := read("10002"); img.ShareStatus.Code != ncloud.ShareStatusShare || !sameSet(img.SharedLoginIDs, ids) ||
		img.Hypervisor.Code != ncloud.HypervisorKVM || img.Type.Code != ncloud.ServerImageTypeSelf || img.Status.Code != ncloud.StatusCreated {
		t.Errorf("after add: %+v", img)
	}
	apiError(c.AddServerImageSharingPermission(ctx, "", "10002", []string{"c@example.com", "b@example.com"}), "1100072")
	apiError(c.RemoveServerImageSharingPermission(ctx, "", "10002", []string{"b@example.com", "c@example.com"}), "1100073")
	if img := read("10002"); !sameSet(img.SharedLoginIDs, ids) {
		t.Errorf("a refused write changed the image: %+v", img)
	}
	if err := c.RemoveServerImageSharingPermission(ctx, "KR", "10002", ids); err != nil {
		t.Fatal(err)
	}
	if img := read("10002"); img.ShareStatus.Code == ncloud.ShareStatusShare || img.SharedLoginIDs == nil || len(img.SharedLoginIDs) != 0 {
		t.Errorf("after remove: %+v", img)
	}

	// XEN through the server image API: the member API sees the same set.
	if err := c.AddServerImageSharingPermission(ctx, "KR", "10001", ids); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetMemberServerImages(ctx, "KR", []string{"10001"}); err != nil || len(got) != 1 || !sameSet(got[0].SharedLoginIDs, ids) {
		t.Errorf("member view: %+v, %v", got, err)
	}

	for _, call := range []func(context.Context, string, string, []string) error{c.AddServerImageSharingPermission, c.RemoveServerImageSharingPermission} {
		if err := call(ctx, "KR", "99999", ids); !errors.Is(err, ncloud.ErrNotFound) {
			t.Errorf("unknown image: %v", err)
		}
		if err := call(ctx, "JPN", "10002", ids); !errors.Is(err, ncloud.ErrNotFound) {
			t.Errorf("image of another region: %v", err)
		}
		apiError(call(ctx, "KR", "10003", ids), "1100070") // INIT
		apiError(call(ctx, "KR", "10004", ids), "1100070") // TERMT
		apiError(call(ctx, "KR", "50001", ids), "1100071") // NCP's
	}
	if img := read("50001"); img.Type.Code != ncloud.ServerImageTypeNCP || img.SharedLoginIDs == nil {
		t.Errorf("NCP image: %+v", img)
	}
	if img := read("10004"); img.Status.Code != "TERMT" || img.Status.CodeName == "" {
		t.Errorf("TERMT image: %+v", img)
	}
}

// TestServerImageSharingRetries: add and remove are retried like every
// call. A retry after throttling goes through; a retry after an applied
// add whose answer was lost is refused, and the error is NCP's answer.
func TestServerImageSharingRetries(t *testing.T) {
	s, c := emulatorAndClient(t, 0)
	ctx := context.Background()
	s.InjectFault(emulator.Fault{Operation: "addServerImageSharingPermission", Count: 1, ErrorCode: "410"})
	if err := c.AddServerImageSharingPermission(ctx, "KR", "10002", []string{"a@example.com"}); err != nil {
		t.Fatalf("add after throttling: %v", err)
	}
	if n := s.Calls("addServerImageSharingPermission"); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}

	s.ResetCalls()
	s.InjectFault(emulator.Fault{Operation: "addServerImageSharingPermission", Count: 1, DropAfterApply: true})
	err := c.AddServerImageSharingPermission(ctx, "KR", "10002", []string{"b@example.com"})
	var apiErr *ncloud.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "1100072" || apiErr.Attempts != 2 ||
		!strings.Contains(apiErr.Message, "b@example.com") {
		t.Errorf("add retried after a lost answer: %v", err)
	}
	if img, _ := s.Image("10002"); !slices.Equal(img.SharedLoginIDs, []string{"a@example.com", "b@example.com"}) {
		t.Errorf("the first attempt was not applied: %q", img.SharedLoginIDs)
	}

	s.ResetCalls()
	s.InjectFault(emulator.Fault{Operation: "removeServerImageSharingPermission", Count: 1, DropAfterApply: true})
	err = c.RemoveServerImageSharingPermission(ctx, "KR", "10002", []string{"a@example.com"})
	if !errors.As(err, &apiErr) || apiErr.Code != "1100073" || apiErr.Attempts != 2 {
		t.Errorf("remove retried after a lost answer: %v", err)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Status != 0 || reqs[1].Status != 400 || reqs[1].Method != "POST" ||
		reqs[1].Params.Get("targetLoginIdList.1") != "a@example.com" || reqs[1].Params.Get("serverImageNo") != "10002" {
		t.Errorf("recorded: %+v", reqs)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestSlowResponseIsRetried: an answer slower than the per-attempt timeout
// is given up and the call retried, for each operation the provider makes.
// (The emulator abandons the slow attempt when its client goes away; a real
// API may apply it, which the retry of a set repeats harmlessly, and the
// retry of an add or remove may then be refused: see
// TestServerImageSharingRetries.)
func TestSlowResponseIsRetried(t *testing.T) {
	s, c := emulatorAndClient(t, 200*time.Millisecond)
	ctx := context.Background()
	calls := []struct {
		op   string
		call func() error
	}{
		{"getMemberServerImageInstanceList", func() error {
			imgs, err := c.GetMemberServerImages(ctx, "KR", []string{"10001"})
			if err == nil && len(imgs) != 1 {
				err = errors.New("image 10001 missing from the answer")
			}
			return err
		}},
		{"setMemberServerImageSharingPermission", func() error {
			img, err := c.SetMemberServerImageSharingPermission(ctx, "KR", "10001", []string{"a@example.com"})
			if err == nil && !sameSet(img.SharedLoginIDs, []string{"a@example.com"}) {
				err = errors.New("the retried set's answer does not show the new set")
			}
			return err
		}},
		{"getServerImageDetail", func() error {
			_, err := c.GetServerImage(ctx, "KR", "10002")
			return err
		}},
		{"getServerImageList", func() error {
			imgs, err := c.GetServerImages(ctx, "KR", []string{"10002"})
			if err == nil && len(imgs) != 1 {
				err = errors.New("image 10002 missing from the answer")
			}
			return err
		}},
		{"addServerImageSharingPermission", func() error {
			return c.AddServerImageSharingPermission(ctx, "KR", "10002", []string{"a@example.com"})
		}},
		{"removeServerImageSharingPermission", func() error {
			return c.RemoveServerImageSharingPermission(ctx, "KR", "10002", []string{"a@example.com"})
		}},
	}
	for _, tc := range calls {
		s.ResetCalls()
		s.InjectFault(emulator.Fault{Operation: tc.op, Count: 1, Latency: 2 * time.Second})
		start := time.Now()
		if err := tc.call(); err != nil {
			t.Errorf("%s: %v", tc.op, err)
		}
		if n := s.Calls(tc.op); n != 2 {
			t.Errorf("%s: %d attempts, want 2 (the slow one, then a retry)", tc.op, n)
		}
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Errorf("%s took %s: the slow attempt was not cut at the request timeout", tc.op, elapsed)
		}
	}
}

// emulatorAndClient starts an emulator holding images 10001 (XEN) and 10002
// (KVM), and a client of it with short retry waits and the given
// per-attempt timeout (0 = the default).
func emulatorAndClient(t *testing.T, requestTimeout time.Duration) (*emulator.Server, *ncloud.Client) {
	t.Helper()
	const ak, sk = "EMULATORACCESS", "EMULATORSECRET"
	s := emulator.New(emulator.Options{AccessKey: ak, SecretKey: sk})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.PutImage(emulator.Image{No: "10001", Name: "xen"})
	s.PutImage(emulator.Image{No: "10002", Name: "kvm", Hypervisor: "KVM"})
	c, err := ncloud.New(ncloud.Config{AccessKey: ak, SecretKey: sk, BaseURL: s.URL(), RequestTimeout: requestTimeout,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}
