package benchmark

import (
	"fmt"
	"strconv"
	"strings"
)

// Resource i of a member server image configuration shares image
// FirstImageNo+i, a XEN image; resource i of a server image configuration
// shares image FirstServerImageNo+i, a KVM image. The ranges do not meet at
// any N the benchmark runs. The images of a large region that no resource
// manages (Runner.LargeRegion) are numbered from FirstOtherImageNo, above
// both.
const (
	FirstImageNo       = 30000
	FirstServerImageNo = 40000
	FirstOtherImageNo  = 100000
)

// Every resource shares its image with initialLogins; the update swaps one
// login of every tenth resource, so that it is an in-place change that both
// drops a login and adds one.
var (
	initialLogins = []string{"team-a@example.com", "team-b@example.com"}
	updatedLogins = []string{"team-a@example.com", "team-c@example.com"}
)

// Kind is what a benchmark configuration manages.
type Kind int

const (
	// MemberSharing is N ncloudimage_member_server_image_sharing_permission
	// resources, on XEN images.
	MemberSharing Kind = iota
	// ServerSharing is N ncloudimage_server_image_sharing_permission
	// resources, on KVM images.
	ServerSharing
	// Floor is N terraform_data resources holding the same values as
	// MemberSharing: Terraform's own cost for N resources, with no provider
	// process and no API.
	Floor
	// NoOp is N resources of cmd/noop-provider, with MemberSharing's
	// schema and arguments: what Terraform and terraform-plugin-framework
	// cost a provider, with no API.
	NoOp
	// PerCall is N resources of cmd/percall-provider on MemberSharing's
	// images, with its schema and arguments: a provider written the usual
	// way, one API call per read, which is what ncloudimage's batching is
	// measured against.
	PerCall
)

// SharingKinds are the kinds of the provider's resources, in the order they
// run and are reported.
var SharingKinds = []Kind{MemberSharing, ServerSharing}

func (k Kind) String() string {
	return [...]string{"ncloudimage member", "ncloudimage server", "terraform_data", "no-op provider", "per-call provider"}[k]
}

// ResourceType is the resource type of a configuration of kind k.
func (k Kind) ResourceType() string {
	return [...]string{
		"ncloudimage_member_server_image_sharing_permission",
		"ncloudimage_server_image_sharing_permission",
		"terraform_data",
		"noop_member_server_image_sharing_permission",
		"percall_member_server_image_sharing_permission",
	}[k]
}

// slug names the kind's work directories.
func (k Kind) slug() string { return [...]string{"member", "server", "floor", "noop", "percall"}[k] }

// ImageNo is the image number resource i of kind k shares; the floors and
// the per-call provider hold the member server image numbers.
func ImageNo(k Kind, i int) string {
	if k == ServerSharing {
		return strconv.Itoa(FirstServerImageNo + i)
	}
	return strconv.Itoa(FirstImageNo + i)
}

// changed reports whether the update phase changes resource i.
func changed(i int) bool { return i%10 == 0 }

// ChangedCount is the number of resources the update phase changes among n.
func ChangedCount(n int) int { return (n + 9) / 10 }

// Config returns main.tf for n resources of kind k; updated selects the
// login sets of the update phase.
func Config(k Kind, n int, updated bool) []byte {
	var b strings.Builder
	switch k {
	case MemberSharing, ServerSharing:
		b.WriteString(`terraform {
  required_providers {
    ncloudimage = {
      source = "ncloudimage/ncloudimage"
    }
  }
}

# Settings come from NCLOUD_API_GW, NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY.
provider "ncloudimage" {}
`)
	case NoOp:
		b.WriteString(`terraform {
  required_providers {
    noop = {
      source = "ncloudimage/noop"
    }
  }
}
`)
	case PerCall:
		b.WriteString(`terraform {
  required_providers {
    percall = {
      source = "ncloudimage/percall"
    }
  }
}

# Settings come from NCLOUD_API_GW, NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY.
provider "percall" {}
`)
	}
	for i := range n {
		logins := initialLogins
		if updated && changed(i) {
			logins = updatedLogins
		}
		ids := make([]string, len(logins))
		for j, id := range logins {
			ids[j] = strconv.Quote(id)
		}
		set := "[" + strings.Join(ids, ", ") + "]"
		switch k {
		case MemberSharing, NoOp, PerCall:
			fmt.Fprintf(&b, `
resource %q "image_%d" {
  member_server_image_no = %q
  shared_login_ids       = %s
}
`, k.ResourceType(), i, ImageNo(k, i), set)
		case ServerSharing:
			fmt.Fprintf(&b, `
resource %q "image_%d" {
  server_image_no  = %q
  shared_login_ids = %s
}
`, k.ResourceType(), i, ImageNo(k, i), set)
		case Floor:
			fmt.Fprintf(&b, `
resource "terraform_data" "image_%d" {
  input = {
    member_server_image_no = %q
    shared_login_ids       = %s
  }
}
`, i, ImageNo(k, i), set)
		}
	}
	return []byte(b.String())
}

// The addresses of the no-op and the per-call providers: configurations
// name them as source = "ncloudimage/noop" and "ncloudimage/percall".
const (
	noOpSource    = "registry.terraform.io/ncloudimage/noop"
	perCallSource = "registry.terraform.io/ncloudimage/percall"
)

// ParseCounts parses a comma-separated list of resource counts, e.g.
// "10,100,500".
func ParseCounts(s string) ([]int, error) {
	var counts []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("resource count %q: want a positive integer", f)
		}
		counts = append(counts, n)
	}
	return counts, nil
}
