package ncloud_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// seedForLists adds, to emulatorAndClient's 10001 (XEN) and 10002 (KVM),
// n images of the given hypervisor in KR, three XEN images in JPN, and two
// NCP images in KR; it returns the numbers of the n images.
func seedForLists(s *emulator.Server, n int, hypervisor string) []string {
	var nos []string
	for i := range n {
		no := strconv.Itoa(100000 + i)
		s.PutImage(emulator.Image{No: no, Name: "image-" + no, Hypervisor: hypervisor})
		nos = append(nos, no)
	}
	for _, no := range []string{"30001", "30002", "30003"} {
		s.PutImage(emulator.Image{No: no, Name: "jpn-" + no, Region: "JPN"})
	}
	s.PutImage(emulator.Image{No: "50001", Name: "rocky", Hypervisor: "KVM", Type: "NCP"})
	s.PutImage(emulator.Image{No: "50002", Name: "ubuntu", Type: "NCP"})
	return nos
}

// checkPages checks that the recorded requests are op's pages 1..n, each
// asking for 1,000 rows of region with no number list, and carrying want
// (a parameter and its value) when want is not empty.
func checkPages(t *testing.T, s *emulator.Server, op, region string, n int, want ...string) {
	t.Helper()
	reqs := s.Requests()
	if len(reqs) != n {
		t.Fatalf("%s: %d calls, want %d", op, len(reqs), n)
	}
	for i, r := range reqs {
		p := r.Params
		if r.Operation != op || p.Get("pageNo") != strconv.Itoa(i+1) || p.Get("pageSize") != "1000" || p.Get("regionCode") != region ||
			p.Has("memberServerImageInstanceNoList.1") || p.Has("serverImageNoList.1") {
			t.Errorf("call %d: %s %v", i+1, r.Operation, p)
		}
		if len(want) == 2 && p.Get(want[0]) != want[1] {
			t.Errorf("call %d: %s = %q, want %q", i+1, want[0], p.Get(want[0]), want[1])
		}
	}
}

// TestListMemberServerImagesAgainstEmulator lists 2,501 member server images
// in three pages of 1,000, and only the region's XEN images of the account.
func TestListMemberServerImagesAgainstEmulator(t *testing.T) {
	s, c := emulatorAndClient(t, 0)
	ctx := context.Background()
	want := append([]string{"10001"}, seedForLists(s, 2500, "XEN")...)

	s.ResetCalls()
	imgs, err := c.ListMemberServerImages(ctx, "KR")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(imgs))
	for i, img := range imgs {
		got[i] = img.InstanceNo
		if img.SharedLoginIDs == nil || img.Status.Code != ncloud.StatusCreated {
			t.Errorf("image %+v", img)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %d images, want %d (10001 and the 2,500 seeded; no KVM, NCP or JPN image)", len(got), len(want))
	}
	checkPages(t, s, "getMemberServerImageInstanceList", "KR", 3)

	s.ResetCalls()
	imgs, err = c.ListMemberServerImages(ctx, "JPN")
	if err != nil || len(imgs) != 3 {
		t.Fatalf("JPN: %+v, %v; want 30001-30003", imgs, err)
	}
	for _, img := range imgs {
		if !slices.Contains([]string{"30001", "30002", "30003"}, img.InstanceNo) {
			t.Errorf("JPN: image %s", img.InstanceNo)
		}
	}
	checkPages(t, s, "getMemberServerImageInstanceList", "JPN", 1)

	s.ResetCalls()
	if imgs, err := c.ListMemberServerImages(ctx, "SGN"); err != nil || imgs != nil {
		t.Errorf("a region with no image: %+v, %v", imgs, err)
	}
	checkPages(t, s, "getMemberServerImageInstanceList", "SGN", 1)
}

// TestListServerImagesAgainstEmulator lists the server images of one type
// (2,502 of the account in three pages; NCP's; every type) and region.
func TestListServerImagesAgainstEmulator(t *testing.T) {
	s, c := emulatorAndClient(t, 0)
	ctx := context.Background()
	self := append([]string{"10001", "10002"}, seedForLists(s, 2500, "KVM")...)
	list := func(region, imageType string) []string {
		t.Helper()
		imgs, err := c.ListServerImages(ctx, region, imageType)
		if err != nil {
			t.Fatalf("%s %q: %v", region, imageType, err)
		}
		nos := make([]string, len(imgs))
		for i, img := range imgs {
			nos[i] = img.No
			if img.SharedLoginIDs == nil || (imageType != "" && img.Type.Code != imageType) {
				t.Errorf("%s %q: image %+v", region, imageType, img)
			}
		}
		slices.Sort(nos)
		return nos
	}

	s.ResetCalls()
	slices.Sort(self)
	if got := list("KR", ncloud.ServerImageTypeSelf); !slices.Equal(got, self) {
		t.Errorf("KR SELF: got %d images, want %d", len(got), len(self))
	}
	checkPages(t, s, "getServerImageList", "KR", 3, "serverImageTypeCodeList.1", "SELF")

	s.ResetCalls()
	if got := list("KR", ncloud.ServerImageTypeNCP); !slices.Equal(got, []string{"50001", "50002"}) {
		t.Errorf("KR NCP: %v", got)
	}
	checkPages(t, s, "getServerImageList", "KR", 1, "serverImageTypeCodeList.1", "NCP")

	s.ResetCalls()
	if got := list("KR", ""); len(got) != len(self)+2 {
		t.Errorf("KR, every type: %d images, want %d", len(got), len(self)+2)
	}
	checkPages(t, s, "getServerImageList", "KR", 3)
	for _, r := range s.Requests() {
		if r.Params.Has("serverImageTypeCodeList.1") {
			t.Errorf("no type given, but sent %v", r.Params)
		}
	}

	s.ResetCalls()
	if got := list("JPN", ncloud.ServerImageTypeSelf); !slices.Equal(got, []string{"30001", "30002", "30003"}) {
		t.Errorf("JPN SELF: %v", got)
	}
	checkPages(t, s, "getServerImageList", "JPN", 1, "serverImageTypeCodeList.1", "SELF")
}

// TestListImagesErrorOnLaterPage: an error on page 2 (bad credentials;
// throttling that outlasts the retries) returns the error and no images,
// not page 1 alone.
func TestListImagesErrorOnLaterPage(t *testing.T) {
	ops := []struct {
		op   string
		list func(*ncloud.Client) (int, error)
	}{
		{"getMemberServerImageInstanceList", func(c *ncloud.Client) (int, error) {
			imgs, err := c.ListMemberServerImages(context.Background(), "KR")
			return len(imgs), err
		}},
		{"getServerImageList", func(c *ncloud.Client) (int, error) {
			imgs, err := c.ListServerImages(context.Background(), "KR", ncloud.ServerImageTypeSelf)
			return len(imgs), err
		}},
	}
	faults := []struct {
		name      string
		errorCode string
		calls     int // page 1, then page 2's attempts
	}{
		{"bad credentials", "200", 2},
		{"throttled", "410", 2 + ncloud.DefaultRetryMax},
	}
	for _, tt := range ops {
		for _, f := range faults {
			t.Run(tt.op+"/"+f.name, func(t *testing.T) {
				t.Parallel() // the throttled case waits out the client's backoff
				s, c := emulatorAndClient(t, 0)
				seedForLists(s, 1500, "XEN")
				s.ResetCalls()
				// The first call takes a fault that does nothing; every
				// later one fails.
				s.InjectFault(emulator.Fault{Operation: tt.op, Count: 1})
				s.InjectFault(emulator.Fault{Operation: tt.op, ErrorCode: f.errorCode})
				n, err := tt.list(c)
				var apiErr *ncloud.Error
				if !errors.As(err, &apiErr) || apiErr.Code != f.errorCode || !apiErr.Gateway || n != 0 {
					t.Errorf("got %d images, %v; want error %s and no images", n, err, f.errorCode)
				}
				if got := s.Calls(tt.op); got != f.calls {
					t.Errorf("%d calls, want %d", got, f.calls)
				}
				if reqs := s.Requests(); len(reqs) < 2 || reqs[0].Status != 200 || reqs[1].Params.Get("pageNo") != "2" {
					t.Errorf("recorded: %+v", reqs)
				}
			})
		}
	}
}
