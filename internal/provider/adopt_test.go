package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	goversion "github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// TestAccAdopt_queryGeneratesImports walks the adoption guide with the real
// CLI: `terraform query -generate-config-out` against images shared by hand
// writes import and resource blocks, for both resource types, whose plan is
// imports only; the apply imports them, and the next plan is empty.
// plugin-testing's query mode does not generate configuration, so this
// test drives terraform itself (Terraform 1.14 and later).
func TestAccAdopt_queryGeneratesImports(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make test does)", resource.EnvTfAcc)
	}
	if liveMode() {
		t.Skip("needs the NCP emulator, seeded with images shared by hand: skipped in live mode")
	}
	t.Parallel()
	terraform, err := acctest.FindTerraform()
	if err != nil {
		t.Fatal(err)
	}
	v, err := acctest.TerraformVersion(t.Context(), terraform)
	if err != nil {
		t.Fatal(err)
	}
	if goversion.Must(goversion.NewVersion(v)).LessThan(goversion.Must(goversion.NewVersion("1.14.0"))) {
		t.Skipf("terraform query needs Terraform 1.14 or later; %s is %s", terraform, v)
	}
	binDir := t.TempDir()
	if _, err := acctest.BuildProvider(t.Context(), binDir); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	if err := acctest.WriteCLIConfig(cliConfig, binDir); err != nil {
		t.Fatal(err)
	}
	emu := emulator.New(emulator.Options{AccessKey: testAccessKey, SecretKey: testSecretKey})
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	env := &testEnv{emu: emu}
	seedSharedByHand(env, memberKindT) // XEN 21001-21003, KVM 21004 shared, XEN 21005 in SGN, NCP's 21006
	emu.PutImage(emulator.Image{No: "22001", Name: "golden-kvm-web", Hypervisor: "KVM", SharedLoginIDs: []string{"erin@example.com", "Frank@Example.com"}})

	dir := t.TempDir()
	tf := acctest.Terraform{Path: terraform, Dir: dir, Env: acctest.Env(cliConfig, "HOME="+t.TempDir())}
	run := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := tf.Run(t.Context(), &out, args...); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		return out.String()
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", fmt.Sprintf(`terraform {
  required_providers {
    ncloudimage = { source = "ncloudimage/ncloudimage" }
  }
}
provider "ncloudimage" {
  endpoint   = %q
  access_key = %q
  secret_key = %q
}
`, emu.URL(), testAccessKey, testSecretKey))
	write("adopt.tfquery.hcl", `list "ncloudimage_member_server_image_sharing_permission" "xen" {
  provider         = ncloudimage
  include_resource = true
}
list "ncloudimage_server_image_sharing_permission" "kvm" {
  provider         = ncloudimage
  include_resource = true
}
`)

	out := run("query", "-generate-config-out=shared.tf")
	for _, want := range []string{"golden-web (21001)", "golden-db (21002)", "golden-kvm-web (22001)"} {
		if !strings.Contains(out, want) {
			t.Errorf("terraform query does not list %q:\n%s", want, out)
		}
	}
	generated, err := os.ReadFile(filepath.Join(dir, "shared.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"import {", `member_server_image_no = "21001"`, `member_server_image_no = "21002"`, `server_image_no = "21004"`, `server_image_no = "22001"`, "Frank@Example.com"} {
		if !strings.Contains(string(generated), want) {
			t.Errorf("the generated configuration lacks %q:\n%s", want, generated)
		}
	}
	for _, unwanted := range []string{"21003", "21005", "21006"} { // unshared, another region, NCP's
		if strings.Contains(string(generated), unwanted) {
			t.Errorf("the generated configuration holds image %s:\n%s", unwanted, generated)
		}
	}

	run("plan", "-out=adopt.plan")
	var plan struct {
		ResourceChanges []struct {
			Address string
			Change  struct {
				Actions   []string
				Importing any
			}
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(run("show", "-json", "adopt.plan")), &plan); err != nil {
		t.Fatal(err)
	}
	var imported []string
	for _, rc := range plan.ResourceChanges {
		if rc.Change.Importing == nil || !slices.Equal(rc.Change.Actions, []string{"no-op"}) {
			t.Errorf("%s: actions %v, importing %v; want an import and no change", rc.Address, rc.Change.Actions, rc.Change.Importing)
		}
		imported = append(imported, rc.Address)
	}
	if len(imported) != 4 {
		t.Errorf("the plan imports %q, want the four images shared by hand (two XEN, two KVM)", imported)
	}
	run("apply", "adopt.plan")
	if out := run("plan", "-detailed-exitcode"); !strings.Contains(out, "No changes") {
		t.Errorf("after the import, the plan is not empty:\n%s", out)
	}
	if n := emu.Calls(setOperation) + emu.Calls(addOperation) + emu.Calls(removeOperation); n != 0 {
		t.Errorf("%d write calls: adopting must not write", n)
	}
}
