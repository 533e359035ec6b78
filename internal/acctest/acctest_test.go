package acctest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCLIConfig(t *testing.T) {
	got := cliConfig("/tmp/x/bin", "registry.terraform.io/ncloudimage/noop")
	want := `provider_installation {
  dev_overrides {
    "registry.terraform.io/ncloudimage/ncloudimage" = "/tmp/x/bin"
    "registry.terraform.io/ncloudimage/noop" = "/tmp/x/bin"
  }
  direct {}
}
`
	if got != want {
		t.Errorf("cliConfig =\n%s\nwant\n%s", got, want)
	}
}

func TestWriteCLIConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraformrc")
	if err := WriteCLIConfig(path, "/tmp/x/bin"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != cliConfig("/tmp/x/bin") || !strings.Contains(string(got), `"`+ProviderSource+`" = "/tmp/x/bin"`) {
		t.Errorf("wrote\n%s", got)
	}
}

func TestEnv(t *testing.T) {
	t.Setenv("TF_LOG", "trace")
	t.Setenv("TF_CLI_CONFIG_FILE", "/root/.terraformrc")
	t.Setenv("NCLOUD_REGION", "JPN")
	t.Setenv("NCLOUDIMAGE_ACC_LIVE", "1")
	t.Setenv("ACCTEST_KEPT", "yes")
	got := Env("/w/rc", "NCLOUD_API_GW=http://127.0.0.1:1", "TF_LOG=debug")
	for _, kv := range got {
		for _, dropped := range []string{"TF_LOG=trace", "TF_CLI_CONFIG_FILE=/root/.terraformrc", "NCLOUD_REGION=", "NCLOUDIMAGE_ACC_LIVE="} {
			if strings.HasPrefix(kv, dropped) {
				t.Errorf("Env kept %s", kv)
			}
		}
	}
	for _, want := range []string{"ACCTEST_KEPT=yes", "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"TF_CLI_CONFIG_FILE=/w/rc", "NCLOUD_API_GW=http://127.0.0.1:1", "TF_LOG=debug"} {
		if !slices.Contains(got, want) {
			t.Errorf("Env lacks %s:\n%q", want, got)
		}
	}
	if i := slices.Index(got, "TF_LOG=debug"); i != len(got)-1 {
		t.Errorf("the extra variables must come last, to win over the others:\n%q", got)
	}
	if slices.ContainsFunc(Env(""), func(kv string) bool { return strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") }) {
		t.Error(`Env("") sets TF_CLI_CONFIG_FILE`)
	}
}

func TestFindTerraform(t *testing.T) {
	t.Setenv(EnvTerraformPath, "/opt/terraform/bin/terraform")
	if got, err := FindTerraform(); got != "/opt/terraform/bin/terraform" || err != nil {
		t.Errorf("FindTerraform() = %q, %v; want %s's value", got, err, EnvTerraformPath)
	}
	t.Setenv(EnvTerraformPath, "")
	t.Setenv("PATH", t.TempDir())
	if got, err := FindTerraform(); err == nil {
		t.Errorf("FindTerraform() = %q without terraform on PATH; want an error", got)
	}
}
