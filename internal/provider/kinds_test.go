package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/loginid"
)

// The sharing resources of the two image kinds share one implementation,
// and the tests of what they share run for each kind: testKind says what
// differs.

const (
	addOperation    = "addServerImageSharingPermission"
	removeOperation = "removeServerImageSharingPermission"
)

type testKind struct {
	name     string // the subtest's name
	typeName string
	noun     string
	// hypervisor of the kind's images in the emulator.
	hypervisor string
	noAttr     string
	writeOps   []string
	listOp     string // the batched and paged read
	// images returns the two shareable images of the kind ("" where the
	// live environment names none).
	images func(*testEnv) (string, string)
}

var (
	memberKindT = testKind{
		name: "member", typeName: "ncloudimage_member_server_image_sharing_permission", noun: "member server image", hypervisor: "XEN", noAttr: "member_server_image_no",
		writeOps: []string{setOperation}, listOp: "getMemberServerImageInstanceList",
		images: func(e *testEnv) (string, string) { return e.imageNo, e.imageNo2 },
	}
	serverKindT = testKind{
		name: "server", typeName: "ncloudimage_server_image_sharing_permission", noun: "server image", hypervisor: "KVM", noAttr: "server_image_no",
		writeOps: []string{removeOperation, addOperation}, listOp: "getServerImageList",
		images: func(e *testEnv) (string, string) { return e.kvmImageNo, e.kvmImageNo2 },
	}
	testKinds = []testKind{memberKindT, serverKindT}
)

func (k testKind) address() string { return k.typeName + ".test" }

// eachKind runs the test for each kind, in parallel, each with its own
// environment; a kind whose live environment names no image is skipped.
func eachKind(t *testing.T, test func(t *testing.T, env *testEnv, k testKind)) {
	t.Helper()
	for _, k := range testKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			if no, _ := k.images(env); no == "" {
				t.Skipf("set the live environment's image of the %s kind (provider_test.go lists the variables)", k.name)
			}
			test(t, env, k)
		})
	}
}

// resource is the configuration of the kind's resource "test".
func (k testKind) resource(imageNo string, loginIDs ...string) string {
	quoted := make([]string, len(loginIDs))
	for i, id := range loginIDs {
		quoted[i] = hclString(id)
	}
	return fmt.Sprintf(`
resource %q "test" {
  %s = %s
  shared_login_ids = [%s]
}
`, k.typeName, k.noAttr, hclString(imageNo), strings.Join(quoted, ", "))
}

// sharingOf is the whole configuration of the kind's resource "test".
func (e *testEnv) sharingOf(k testKind, imageNo string, loginIDs ...string) string {
	return e.config(k.resource(imageNo, loginIDs...))
}

// writes is how many write calls of the kind the emulator received.
func (e *testEnv) writes(k testKind) int {
	n := 0
	for _, op := range k.writeOps {
		n += e.emu.Calls(op)
	}
	return n
}

// writeCount asserts the kind's write calls so far (emulator only).
func (e *testEnv) writeCount(k testKind, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if e.emu == nil {
			return nil
		}
		if n := e.writes(k); n != want {
			return fmt.Errorf("%d write calls (%s), want %d", n, strings.Join(k.writeOps, ", "), want)
		}
		return nil
	}
}

// checkRemoteLogins asserts the logins the API holds, ignoring case: the
// member API stores the spelling sent, the server image API keeps a login
// it already holds in its spelling.
func (e *testEnv) checkRemoteLogins(imageNo string, loginIDs ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if e.emu == nil {
			return nil
		}
		img, ok := e.emu.Image(imageNo)
		if !ok {
			return fmt.Errorf("image %s is missing from the emulator", imageNo)
		}
		if !loginid.Same(img.SharedLoginIDs, loginIDs) || len(img.SharedLoginIDs) != len(loginIDs) {
			return fmt.Errorf("image %s is shared with %q, want %q (ignoring case)", imageNo, img.SharedLoginIDs, loginIDs)
		}
		return nil
	}
}
