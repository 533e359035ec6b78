package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// Acceptance tests run against a fresh NCP emulator per test. With
// NCLOUDIMAGE_ACC_LIVE=1 they run against the real NCP instead, with the
// credentials from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY (and NCLOUD_REGION,
// NCLOUD_SITE), on the images and logins named by:
//
//	NCLOUDIMAGE_ACC_IMAGE_NO      a XEN member server image in status CREAT whose
//	                              sharing the tests may overwrite (they leave it shared with nobody)
//	NCLOUDIMAGE_ACC_IMAGE_NO_2    a second such image (for the replace test; skipped if unset)
//	NCLOUDIMAGE_ACC_LOGIN_IDS     two or more login IDs of other NCP accounts, comma-separated
//	NCLOUDIMAGE_ACC_KVM_IMAGE_NO  a KVM server image (for the KVM test; skipped if unset)
//
// Tests that change the API's state out of band or inject faults need the
// emulator and are skipped in live mode.
const (
	testAccessKey = "test-access-key"
	testSecretKey = "test-secret-key"

	testImageNo      = "20001"
	testImageNo2     = "20002"
	testKVMImageNo   = "20003"
	testMissingImage = "29999"
	resourceAddress  = "ncloudimage_member_server_image_sharing_permission.test"
)

var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"ncloudimage": providerserver.NewProtocol6WithError(New("test")()),
}

func liveMode() bool { return os.Getenv("NCLOUDIMAGE_ACC_LIVE") == "1" }

// testEnv is the NCP one acceptance test runs against.
type testEnv struct {
	emu        *emulator.Server // nil in live mode
	imageNo    string
	imageNo2   string
	kvmImageNo string
	loginIDs   []string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make test does)", resource.EnvTfAcc)
	}
	if liveMode() {
		env := &testEnv{
			imageNo:    os.Getenv("NCLOUDIMAGE_ACC_IMAGE_NO"),
			imageNo2:   os.Getenv("NCLOUDIMAGE_ACC_IMAGE_NO_2"),
			kvmImageNo: os.Getenv("NCLOUDIMAGE_ACC_KVM_IMAGE_NO"),
			loginIDs:   strings.Split(os.Getenv("NCLOUDIMAGE_ACC_LOGIN_IDS"), ","),
		}
		if env.imageNo == "" || len(env.loginIDs) < 2 {
			t.Fatal("live mode needs NCLOUDIMAGE_ACC_IMAGE_NO and NCLOUDIMAGE_ACC_LOGIN_IDS (two or more, comma-separated)")
		}
		return env
	}

	emu := emulator.New(emulator.Options{AccessKey: testAccessKey, SecretKey: testSecretKey})
	if err := emu.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(emu.Close)
	emu.PutImage(emulator.Image{No: testImageNo, Name: "golden-ubuntu", Hypervisor: "XEN", Status: "CREAT"})
	emu.PutImage(emulator.Image{No: testImageNo2, Name: "golden-rocky", Hypervisor: "XEN", Status: "CREAT"})
	emu.PutImage(emulator.Image{No: testKVMImageNo, Name: "golden-kvm", Hypervisor: "KVM", Status: "CREAT"})
	return &testEnv{
		emu:        emu,
		imageNo:    testImageNo,
		imageNo2:   testImageNo2,
		kvmImageNo: testKVMImageNo,
		loginIDs:   []string{"alice@example.com", "bob@example.com"},
	}
}

// needEmulator skips a test that must control the API's state.
func (e *testEnv) needEmulator(t *testing.T) {
	t.Helper()
	if e.emu == nil {
		t.Skip("needs the NCP emulator: skipped in live mode")
	}
}

// config returns a provider block (empty in live mode: the environment
// configures it) followed by the given resources.
func (e *testEnv) config(resources string) string {
	if e.emu == nil {
		return resources
	}
	return fmt.Sprintf(`
provider "ncloudimage" {
  endpoint   = %q
  access_key = %q
  secret_key = %q
}
%s`, e.emu.URL(), testAccessKey, testSecretKey, resources)
}

// sharing is the configuration of one sharing resource named "test".
func (e *testEnv) sharing(imageNo string, loginIDs ...string) string {
	quoted := make([]string, len(loginIDs))
	for i, id := range loginIDs {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return e.config(fmt.Sprintf(`
resource "ncloudimage_member_server_image_sharing_permission" "test" {
  member_server_image_no = %q
  shared_login_ids       = [%s]
}
`, imageNo, strings.Join(quoted, ", ")))
}

// TestAccProvider_configErrors checks that each misconfiguration fails with a
// diagnostic naming the setting that fixes it.
func TestAccProvider_configErrors(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	// No credentials anywhere: an empty environment and a home without ~/.ncloud.
	for _, name := range []string{"NCLOUD_ACCESS_KEY", "NCLOUD_ACCESS_KEY_ID", "NCLOUD_SECRET_KEY", "NCLOUD_SECRET_ACCESS_KEY",
		"NCLOUD_REGION", "NCLOUD_SITE", "NCLOUD_API_GW"} {
		t.Setenv(name, "")
	}
	t.Setenv("HOME", t.TempDir())

	resourceBlock := `
resource "ncloudimage_member_server_image_sharing_permission" "test" {
  member_server_image_no = "1"
  shared_login_ids       = []
}`
	cases := []struct {
		name     string
		provider string
		want     string
	}{
		{"missing access key", `secret_key = "s"`, `Missing NCP access key(.|\n)*NCLOUD_ACCESS_KEY`},
		{"missing secret key", `access_key = "a"`, `Missing NCP secret key(.|\n)*NCLOUD_SECRET_KEY`},
		{"bad site", `site = "moon"`, `value must be one of(.|\n)*"public"`},
		{"bad region", `region = "kr"`, `must be an NCP region code`},
		{"plain http to a remote host", `access_key = "a"
  secret_key = "s"
  endpoint = "http://ncloud.example.com"`, `Invalid NCP API endpoint(.|\n)*not loopback`},
		{"endpoint with a path", `access_key = "a"
  secret_key = "s"
  endpoint = "https://ncloud.example.com/vserver/v2"`, `Invalid NCP API endpoint(.|\n)*not a base URL`},
	}
	steps := make([]resource.TestStep, 0, len(cases)+1)
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      fmt.Sprintf("provider \"ncloudimage\" {\n  %s\n}\n%s", c.provider, resourceBlock),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	// A setting that is only known after apply cannot configure the provider.
	steps = append(steps, resource.TestStep{
		Config: `
resource "terraform_data" "key" {
  input = "a"
}
provider "ncloudimage" {
  access_key = terraform_data.key.output
  secret_key = "s"
}` + resourceBlock,
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`Unknown ncloudimage provider access_key`),
	})
	// An environment variable is named when it holds the bad value.
	steps = append(steps, resource.TestStep{
		PreConfig: func() {
			t.Setenv("NCLOUD_ACCESS_KEY", "a")
			t.Setenv("NCLOUD_SECRET_KEY", "s")
			t.Setenv("NCLOUD_SITE", "moon")
		},
		Config:      resourceBlock,
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`Invalid NCP site(.|\n)*NCLOUD_SITE`),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: steps})
}

func TestReadCLIConfig(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if a, s, err := readCLIConfig(); a != "" || s != "" || err != nil {
		t.Fatalf("without a file: got %q, %q, %v; want empty keys and no error", a, s, err)
	}
	if err := os.MkdirAll(filepath.Join(home, ".ncloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	content := "[DEFAULT]\nncloud_access_key_id = AKID\nncloud_secret_access_key=SECRET \nncloud_api_url = https://ncloud.apigw.ntruss.com\n"
	if err := os.WriteFile(filepath.Join(home, ".ncloud", "configure"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	a, s, err := readCLIConfig()
	if a != "AKID" || s != "SECRET" || err != nil {
		t.Fatalf("got %q, %q, %v; want AKID, SECRET, nil", a, s, err)
	}
}

func TestAccProvider_cliConfigFile(t *testing.T) {
	env := newTestEnv(t)
	env.needEmulator(t)
	for _, name := range []string{"NCLOUD_ACCESS_KEY", "NCLOUD_ACCESS_KEY_ID", "NCLOUD_SECRET_KEY", "NCLOUD_SECRET_ACCESS_KEY"} {
		t.Setenv(name, "")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.MkdirAll(filepath.Join(home, ".ncloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	content := fmt.Sprintf("[DEFAULT]\nncloud_access_key_id = %s\nncloud_secret_access_key = %s\n", testAccessKey, testSecretKey)
	if err := os.WriteFile(filepath.Join(home, ".ncloud", "configure"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`
provider "ncloudimage" {
  endpoint = %q
}
resource "ncloudimage_member_server_image_sharing_permission" "test" {
  member_server_image_no = %q
  shared_login_ids       = [%q]
}`, env.emu.URL(), env.imageNo, env.loginIDs[0])
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check:  env.checkRemote(env.imageNo, env.loginIDs[0]),
		}},
	})
}
