package benchmark

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestConfigMemberSharing(t *testing.T) {
	got := string(Config(MemberSharing, 2, false))
	want := `terraform {
  required_providers {
    ncloudimage = {
      source = "ncloudimage/ncloudimage"
    }
  }
}

# Settings come from NCLOUD_API_GW, NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY.
provider "ncloudimage" {}

resource "ncloudimage_member_server_image_sharing_permission" "image_0" {
  member_server_image_no = "30000"
  shared_login_ids       = ["team-a@example.com", "team-b@example.com"]
}

resource "ncloudimage_member_server_image_sharing_permission" "image_1" {
  member_server_image_no = "30001"
  shared_login_ids       = ["team-a@example.com", "team-b@example.com"]
}
`
	if got != want {
		t.Errorf("Config(MemberSharing, 2, false) =\n%s\nwant\n%s", got, want)
	}
}

func TestConfigServerSharing(t *testing.T) {
	got := string(Config(ServerSharing, 1, true))
	want := `terraform {
  required_providers {
    ncloudimage = {
      source = "ncloudimage/ncloudimage"
    }
  }
}

# Settings come from NCLOUD_API_GW, NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY.
provider "ncloudimage" {}

resource "ncloudimage_server_image_sharing_permission" "image_0" {
  server_image_no  = "40000"
  shared_login_ids = ["team-a@example.com", "team-c@example.com"]
}
`
	if got != want {
		t.Errorf("Config(ServerSharing, 1, true) =\n%s\nwant\n%s", got, want)
	}
}

// The member and the server image configurations share disjoint images.
func TestImageNoRanges(t *testing.T) {
	const n = 500 // the largest N of make bench
	members := map[string]bool{}
	for i := range n {
		members[ImageNo(MemberSharing, i)] = true
	}
	for i := range n {
		if no := ImageNo(ServerSharing, i); members[no] {
			t.Fatalf("image %s is both a member server image (XEN) and a server image (KVM) of the benchmark", no)
		}
	}
	if ImageNo(Floor, 7) != ImageNo(MemberSharing, 7) || ImageNo(NoOp, 7) != ImageNo(MemberSharing, 7) {
		t.Error("the floors do not hold the member server image numbers")
	}
	if ImageNo(PerCall, 7) != ImageNo(MemberSharing, 7) {
		t.Error("the per-call provider does not share the member server images")
	}
	// The images of a large region that no resource manages are above both ranges.
	for _, k := range SharingKinds {
		if last, _ := strconv.Atoi(ImageNo(k, n-1)); last >= FirstOtherImageNo {
			t.Errorf("%s: image %d is in the large region's range, from %d", k, last, FirstOtherImageNo)
		}
	}
}

func TestConfigFloor(t *testing.T) {
	got := string(Config(Floor, 1, true))
	want := `
resource "terraform_data" "image_0" {
  input = {
    member_server_image_no = "30000"
    shared_login_ids       = ["team-a@example.com", "team-c@example.com"]
  }
}
`
	if got != want {
		t.Errorf("Config(Floor, 1, true) =\n%s\nwant\n%s", got, want)
	}
}

func TestConfigPerCall(t *testing.T) {
	got := string(Config(PerCall, 1, true))
	want := `terraform {
  required_providers {
    percall = {
      source = "ncloudimage/percall"
    }
  }
}

# Settings come from NCLOUD_API_GW, NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY.
provider "percall" {}

resource "percall_member_server_image_sharing_permission" "image_0" {
  member_server_image_no = "30000"
  shared_login_ids       = ["team-a@example.com", "team-c@example.com"]
}
`
	if got != want {
		t.Errorf("Config(PerCall, 1, true) =\n%s\nwant\n%s", got, want)
	}
}

func TestConfigNoOp(t *testing.T) {
	got := string(Config(NoOp, 1, false))
	want := `terraform {
  required_providers {
    noop = {
      source = "ncloudimage/noop"
    }
  }
}

resource "noop_member_server_image_sharing_permission" "image_0" {
  member_server_image_no = "30000"
  shared_login_ids       = ["team-a@example.com", "team-b@example.com"]
}
`
	if got != want {
		t.Errorf("Config(NoOp, 1, false) =\n%s\nwant\n%s", got, want)
	}
}

// The update changes the login set of every tenth resource, and nothing else.
func TestConfigUpdateChangesEveryTenth(t *testing.T) {
	for _, k := range []Kind{MemberSharing, ServerSharing, Floor, NoOp, PerCall} {
		for _, n := range []int{1, 10, 25, 500} {
			before := strings.Split(string(Config(k, n, false)), "\n")
			after := strings.Split(string(Config(k, n, true)), "\n")
			if len(before) != len(after) {
				t.Fatalf("%s N=%d: %d lines before the update, %d after", k, n, len(before), len(after))
			}
			if got := strings.Count(string(Config(k, n, false)), `resource "`); got != n {
				t.Errorf("%s N=%d: %d resource blocks", k, n, got)
			}
			var diff int
			for i := range before {
				if before[i] != after[i] {
					diff++
					if !strings.Contains(after[i], "team-c@example.com") {
						t.Errorf("%s N=%d: unexpected change %q -> %q", k, n, before[i], after[i])
					}
				}
			}
			if diff != ChangedCount(n) {
				t.Errorf("%s N=%d: %d lines changed, want ChangedCount = %d", k, n, diff, ChangedCount(n))
			}
		}
	}
}

func TestChangedCount(t *testing.T) {
	for n, want := range map[int]int{1: 1, 9: 1, 10: 1, 11: 2, 100: 10, 500: 50} {
		if got := ChangedCount(n); got != want {
			t.Errorf("ChangedCount(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestParseCounts(t *testing.T) {
	got, err := ParseCounts("10, 100,500")
	if err != nil || !slices.Equal(got, []int{10, 100, 500}) {
		t.Errorf("ParseCounts = %v, %v", got, err)
	}
	for _, bad := range []string{"", "10,", "0", "-5", "ten"} {
		if _, err := ParseCounts(bad); err == nil {
			t.Errorf("ParseCounts(%q): no error", bad)
		}
	}
}
