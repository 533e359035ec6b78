package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest/reliability"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The bad-input table: every input a user can get wrong, and the diagnostic
// it gets before any write: at plan time, or at apply where an error at plan
// would also block a destroy (AtApply). The rows (package reliability) also
// make the reliability guide's table (see TestReliabilityGuideIsCurrent).

// badInputConfig is a row's configuration against the given emulators.
func badInputConfig(b reliability.BadInput, env *testEnv, skewed *emulator.Server) string {
	url := env.emu.URL()
	switch {
	case b.Endpoint != "":
		url = b.Endpoint
	case b.ClockSkewed:
		url = skewed.URL()
	}
	settings := fmt.Sprintf("endpoint   = %q", url)
	switch b.Credentials {
	case reliability.EmulatorKeys:
		settings += fmt.Sprintf("\n  access_key = %q\n  secret_key = %q", testAccessKey, testSecretKey)
	case reliability.WrongSecretKey:
		settings += fmt.Sprintf("\n  access_key = %q\n  secret_key = \"wrong\"", testAccessKey)
	case reliability.NoKeys:
	}
	settings += "\n  " + b.Settings
	return fmt.Sprintf("provider \"ncloudimage\" {\n  %s\n}\n%s%s", settings, badInputResource(b.Resource), b.Resources)
}

// badInputResource is a row's sharing resource, named "test".
func badInputResource(r reliability.Resource) string {
	if r.Server {
		return serverKindT.resource(r.ImageNo, r.LoginIDs...)
	}
	if r.Region == "" {
		return sharingResource(r.ImageNo, r.LoginIDs...)
	}
	if len(r.LoginIDs) != 1 {
		panic("a bad-input resource with a region shares with one login ID")
	}
	return fmt.Sprintf(`
resource "ncloudimage_member_server_image_sharing_permission" "test" {
  member_server_image_no = %s
  region                 = %s
  shared_login_ids       = [%s]
}
`, hclString(r.ImageNo), hclString(r.Region), hclString(r.LoginIDs[0]))
}

func TestAccBadInput(t *testing.T) {
	env := newTestEnv(t)
	env.needEmulator(t)
	env.emu.PutImage(emulator.Image{No: reliability.FailedImageNo, Name: "broken", Status: "CREFL"})
	env.emu.PutImage(emulator.Image{No: reliability.PublicImageNo, Name: "rocky-8.10", Hypervisor: "KVM", Type: "NCP"})
	env.emu.PutImage(emulator.Image{No: reliability.FailedKVMImageNo, Name: "broken-kvm", Hypervisor: "KVM", Status: "CREFL"})
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

	steps := make([]resource.TestStep, len(reliability.BadInputs))
	for i, b := range reliability.BadInputs {
		steps[i] = resource.TestStep{
			PreConfig: func() {
				for _, name := range envVars {
					t.Setenv(name, b.Env[name])
				}
			},
			Config:      badInputConfig(b, env, skewed),
			PlanOnly:    !b.AtApply,
			ExpectError: wrapped(b.Want...),
		}
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: steps})
	writes := 0
	for _, k := range testKinds {
		writes += env.writes(k) + (&testEnv{emu: skewed}).writes(k)
	}
	if writes != 0 {
		t.Errorf("%d write calls: bad input must fail before any write", writes)
	}
}
