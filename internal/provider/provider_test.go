package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest/reliability"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/contextleak"
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
//	NCLOUDIMAGE_ACC_KVM_IMAGE_NO  a KVM server image of the account in status CREAT whose sharing
//	                              the tests may overwrite (the server image resource's tests and
//	                              the member resource's KVM test; skipped if unset)
//	NCLOUDIMAGE_ACC_KVM_IMAGE_NO_2 a second such image (skipped if unset)
//
// Tests that change the API's state out of band or inject faults need the
// emulator and are skipped in live mode.
const (
	testAccessKey = "test-access-key"
	testSecretKey = "test-secret-key"

	// The images the fault and bad-input scenarios (package reliability) name.
	testImageNo      = reliability.ImageNo
	testImageNo2     = "20002"
	testKVMImageNo   = reliability.KVMImageNo
	testKVMImageNo2  = "20004"
	testMissingImage = reliability.MissingImageNo
	resourceAddress  = "ncloudimage_member_server_image_sharing_permission.test"
)

var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"ncloudimage": func() (tfprotov6.ProviderServer, error) { return testServer(), nil },
}

// testServer is the provider's server as main serves it.
func testServer() tfprotov6.ProviderServer {
	return contextleak.Wrap(providerserver.NewProtocol6(New("test")()))()
}

func liveMode() bool { return os.Getenv("NCLOUDIMAGE_ACC_LIVE") == "1" }

// testEnv is the NCP one acceptance test runs against.
type testEnv struct {
	emu         *emulator.Server // nil in live mode
	imageNo     string
	imageNo2    string
	kvmImageNo  string
	kvmImageNo2 string
	loginIDs    []string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make test does)", resource.EnvTfAcc)
	}
	if liveMode() {
		env := &testEnv{
			imageNo:     os.Getenv("NCLOUDIMAGE_ACC_IMAGE_NO"),
			imageNo2:    os.Getenv("NCLOUDIMAGE_ACC_IMAGE_NO_2"),
			kvmImageNo:  os.Getenv("NCLOUDIMAGE_ACC_KVM_IMAGE_NO"),
			kvmImageNo2: os.Getenv("NCLOUDIMAGE_ACC_KVM_IMAGE_NO_2"),
			loginIDs:    strings.Split(os.Getenv("NCLOUDIMAGE_ACC_LOGIN_IDS"), ","),
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
	emu.PutImage(emulator.Image{No: testKVMImageNo2, Name: "golden-kvm-2", Hypervisor: "KVM", Status: "CREAT"})
	return &testEnv{
		emu:         emu,
		imageNo:     testImageNo,
		imageNo2:    testImageNo2,
		kvmImageNo:  testKVMImageNo,
		kvmImageNo2: testKVMImageNo2,
		loginIDs:    []string{"alice@example.com", "bob@example.com"},
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
	return e.configWith("", resources)
}

// configWith is config with extra provider settings.
func (e *testEnv) configWith(settings, resources string) string {
	if e.emu != nil {
		settings = fmt.Sprintf("endpoint   = %q\n  access_key = %q\n  secret_key = %q\n  %s", e.emu.URL(), testAccessKey, testSecretKey, settings)
	}
	return fmt.Sprintf("provider \"ncloudimage\" {\n  %s\n}\n%s", settings, resources)
}

// sharing is the configuration of one sharing resource named "test".
func (e *testEnv) sharing(imageNo string, loginIDs ...string) string {
	return e.config(sharingResource(imageNo, loginIDs...))
}

func sharingResource(imageNo string, loginIDs ...string) string {
	quoted := make([]string, len(loginIDs))
	for i, id := range loginIDs {
		quoted[i] = hclString(id)
	}
	return fmt.Sprintf(`
resource "ncloudimage_member_server_image_sharing_permission" "test" {
  member_server_image_no = %s
  shared_login_ids       = [%s]
}
`, hclString(imageNo), strings.Join(quoted, ", "))
}

// hclString quotes s for HCL: JSON's escapes (\uNNNN for control
// characters) are valid HCL, where Go's %q (\a, \x01) is not.
func hclString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
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

// TestAccProvider_officialProviderBlock: the settings of the official ncloud
// provider's block (access_key, secret_key, region, site, support_vpc) work
// here as they are; support_vpc = false, NCP's Classic platform, fails the
// plan with what to do.
func TestAccProvider_officialProviderBlock(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	settings := func(vpc bool) string {
		s := fmt.Sprintf("support_vpc = %t", vpc)
		if env.emu != nil { // live mode: region and site come from the environment
			s = fmt.Sprintf("region      = %q\n  site        = \"public\"\n  %s", defaultRegion, s)
		}
		return s
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      env.configWith(settings(false), sharingResource(env.imageNo, env.loginIDs[0])),
				PlanOnly:    true,
				ExpectError: wrapped("Classic platform not supported", "support_vpc = false", "only VPC (vserver v2)", "Remove support_vpc", "or set it to true"),
			},
			{
				Config: env.configWith(settings(true), sharingResource(env.imageNo, env.loginIDs[0])),
				Check:  env.checkRemote(env.imageNo, env.loginIDs[0]),
			},
		},
	})
}

// TestProviderSchemaDocumentsRanges: the descriptions that generate the
// docs state the ranges the validators enforce, and that
// max_requests_per_second caps one provider block, not an account.
func TestProviderSchemaDocumentsRanges(t *testing.T) {
	var resp fwprovider.SchemaResponse
	New("test")().Schema(context.Background(), fwprovider.SchemaRequest{}, &resp)
	for name, want := range map[string][]string{
		"max_retries":             {"From 0 to 20", "default 6", "`0` disables retries", "An API error (`returnCode`) is never retried"},
		"max_requests_per_second": {"At least 0.1", "no upper bound", "Unset, there is no fixed limit", "per provider block", "`alias`", "share of the account's limit"},
		"support_vpc":             {"official `ncloud` provider", "only VPC (vserver v2)", "`false`", "is an error"},
	} {
		attr, ok := resp.Schema.Attributes[name]
		if !ok {
			t.Errorf("no attribute %s", name)
			continue
		}
		for _, w := range want {
			if !strings.Contains(attr.GetMarkdownDescription(), w) {
				t.Errorf("%s: description %q lacks %q", name, attr.GetMarkdownDescription(), w)
			}
		}
	}
}

func TestConfiguredData(t *testing.T) {
	var diags diag.Diagnostics
	if d := configuredData(nil, &diags); d != nil || diags.HasError() {
		t.Errorf("before Configure: %v, %v; want nil and no error", d, diags)
	}
	want := &providerData{region: "KR"}
	if d := configuredData(want, &diags); d != want || diags.HasError() {
		t.Errorf("got %v, %v; want the provider's data", d, diags)
	}
	if d := configuredData("not provider data", &diags); d != nil || !diags.HasError() {
		t.Errorf("another type: %v, %v; want nil and an error", d, diags)
	}
}
