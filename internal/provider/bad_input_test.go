package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The bad-input table: every input a user can get wrong, and the diagnostic
// it gets before any write: at plan time, or at apply where an error at plan
// would also block a destroy (atApply). The reliability guide's table is
// generated from these rows (see TestReliabilityGuideIsCurrent).

const (
	testFailedImageNo = "20011"
	testRightKeys     = "right keys"
	testNoKeys        = "no keys"
)

type badInput struct {
	name string
	// keys is how the provider block gets its credentials: testRightKeys,
	// testNoKeys, or literal provider settings.
	keys     string
	settings string            // more provider settings
	env      map[string]string // NCLOUD_* variables set for this row
	resource string            // "" = image testImageNo shared with validID
	skewed   bool              // the API's clock is 10 minutes ahead of this machine's
	atApply  bool              // the plan only warns; the apply fails before any write
	want     []string          // phrases of the diagnostic, in order
}

const (
	validID     = "alice@example.com"
	badIDDetail = "must not contain whitespace (any Unicode space) or control characters"
)

// withIDs and withImage are the resource sharing one image with some IDs.
func withIDs(ids ...string) string { return sharingResource(testImageNo, ids...) }
func withImage(no string) string   { return sharingResource(no, validID) }

func withRegion(region string) string {
	return fmt.Sprintf(`
resource "ncloudimage_member_server_image_sharing_permission" "test" {
  member_server_image_no = %q
  region                 = %q
  shared_login_ids       = [%q]
}
`, testImageNo, region, validID)
}

var badInputs = []badInput{
	{name: "login ID empty", resource: withIDs(""), want: []string{"character count must be between 1 and 100"}},
	{name: "login ID blank", resource: withIDs("   "), want: []string{badIDDetail}},
	{name: "login ID padded with whitespace", resource: withIDs(" alice@example.com"), want: []string{badIDDetail}},
	{name: "login ID with a control character", resource: withIDs("ali\u0007ce@example.com"), want: []string{badIDDetail}},
	{name: "login ID with a no-break space (U+00A0)", resource: withIDs("alice\u00a0@example.com"), want: []string{badIDDetail}},
	{name: "login ID with an ideographic space (U+3000)", resource: withIDs("alice@example.com\u3000"), want: []string{badIDDetail}},
	{name: "login ID with a zero-width space (U+200B)", resource: withIDs("ali\u200bce@example.com"), want: []string{badIDDetail}},
	{name: "login ID over 100 characters", resource: withIDs(strings.Repeat("a", 89) + "@example.com"),
		want: []string{"character count must be between 1 and 100, got: 101"}},
	{name: "login IDs equal ignoring case", resource: withIDs("Alice@Example.com", "alice@example.com"),
		want: []string{"Duplicate login ID", "differ only in letter case"}},
	{name: "image number empty", resource: withImage(""), want: []string{"must be a member server image number (digits only)"}},
	{name: "image number not numeric", resource: withImage("12ab"), want: []string{"must be a member server image number (digits only)"}},
	{name: "image number unknown", resource: withImage(testMissingImage), atApply: true,
		want: []string{"Member server image " + testMissingImage + " not found", "Check member_server_image_no and region"}},
	{name: "KVM image", resource: withImage(testKVMImageNo), want: []string{"Server image " + testKVMImageNo + " is a KVM image",
		"KVM images are not supported by member server image sharing", "addServerImageSharingPermission"}},
	{name: "image failed to create (CREFL)", resource: withImage(testFailedImageNo),
		want: []string{"Member server image " + testFailedImageNo + " failed to create", "CREFL"}},
	{name: "region not a region code", resource: withRegion("kr"), want: []string{"must be an NCP region code"}},
	{name: "region unknown to NCP", resource: withRegion("XX"), want: []string{"Cannot look up member server image " + testImageNo, "HTTP 400", "Invalid regionCode"}},
	{name: "site unknown", settings: `site = "moon"`, want: []string{"value must be one of", `"public"`}},
	{name: "site unknown, from NCLOUD_SITE", env: map[string]string{"NCLOUD_SITE": "moon"}, want: []string{"Invalid NCP site", "NCLOUD_SITE"}},
	{name: "endpoint: plain http to a remote host", keys: `access_key = "a"
  secret_key = "s"
  endpoint   = "http://ncloud.example.com"`, want: []string{"Invalid NCP API endpoint", "not loopback"}},
	{name: "endpoint with a path", keys: `access_key = "a"
  secret_key = "s"
  endpoint   = "https://ncloud.example.com/vserver/v2"`, want: []string{"Invalid NCP API endpoint", "not a base URL"}},
	{name: "credentials missing", keys: testNoKeys, want: []string{"Missing NCP access key", "NCLOUD_ACCESS_KEY"}},
	{name: "secret key missing", keys: testNoKeys, settings: `access_key = "a"`, want: []string{"Missing NCP secret key", "NCLOUD_SECRET_KEY"}},
	{name: "provider setting unknown until apply", keys: testNoKeys, settings: `access_key = terraform_data.key.output
  secret_key = "s"`, want: []string{"Unknown ncloudimage provider access_key"}},
	{name: "credentials wrong", keys: fmt.Sprintf("access_key = %q\n  secret_key = \"wrong\"", testAccessKey),
		want: []string{"Cannot look up member server image " + testImageNo, "HTTP 401", "code 200", "Authentication Failed",
			"Check access_key and secret_key"}},
	{name: "clock more than 5 minutes off", skewed: true,
		want: []string{"Cannot look up member server image " + testImageNo, "HTTP 401", "code 200", "Invalid timestamp",
			"check this machine's clock"}},
}

// config is the row's configuration against the given emulators.
func (b badInput) config(env *testEnv, skewed *emulator.Server) string {
	url := env.emu.URL()
	if b.skewed {
		url = skewed.URL()
	}
	var settings string
	switch b.keys {
	case "", testRightKeys:
		settings = fmt.Sprintf("endpoint   = %q\n  access_key = %q\n  secret_key = %q", url, testAccessKey, testSecretKey)
	case testNoKeys:
		settings = fmt.Sprintf("endpoint   = %q", url)
	default:
		settings = b.keys
		if !strings.Contains(b.keys, "endpoint") {
			settings += fmt.Sprintf("\n  endpoint   = %q", url)
		}
	}
	settings += "\n  " + b.settings
	res := b.resource
	if res == "" {
		res = withIDs(validID)
	}
	if strings.Contains(b.settings, "terraform_data") {
		res += "\nresource \"terraform_data\" \"key\" {\n  input = \"a\"\n}\n"
	}
	return fmt.Sprintf("provider \"ncloudimage\" {\n  %s\n}\n%s", settings, res)
}

func TestAccBadInput(t *testing.T) {
	env := newTestEnv(t)
	env.needEmulator(t)
	env.emu.PutImage(emulator.Image{No: testFailedImageNo, Name: "broken", Status: "CREFL"})
	skewed := emulator.New(emulator.Options{AccessKey: testAccessKey, SecretKey: testSecretKey,
		Now: func() time.Time { return time.Now().Add(10 * time.Minute) }})
	if err := skewed.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(skewed.Close)

	// Nothing from this machine's environment or ~/.ncloud may configure the provider.
	envVars := []string{"NCLOUD_ACCESS_KEY", "NCLOUD_ACCESS_KEY_ID", "NCLOUD_SECRET_KEY", "NCLOUD_SECRET_ACCESS_KEY",
		"NCLOUD_REGION", "NCLOUD_SITE", "NCLOUD_API_GW"}
	for _, name := range envVars {
		t.Setenv(name, "")
	}
	t.Setenv("HOME", t.TempDir())

	steps := make([]resource.TestStep, len(badInputs))
	for i, b := range badInputs {
		steps[i] = resource.TestStep{
			PreConfig: func() {
				for _, name := range envVars {
					t.Setenv(name, b.env[name])
				}
			},
			Config:      b.config(env, skewed),
			PlanOnly:    !b.atApply,
			ExpectError: wrapped(b.want...),
		}
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: steps})
	if n := env.emu.Calls(setOperation) + skewed.Calls(setOperation); n != 0 {
		t.Errorf("%s was called %d times: bad input must fail before any write", setOperation, n)
	}
}
