// Package acctest drives the real terraform CLI for the tests that need it
// (the provider's acceptance tests that run terraform themselves) and for
// the benchmark (internal/benchmark): it finds terraform, never downloading
// it; builds the provider; writes a CLI configuration whose dev_overrides
// load that build, so that no registry and no `terraform init` are
// involved; and runs terraform commands in an environment of their own.
//
// It is imported only by tests and by internal/benchmark, never by the
// provider. Package reliability, under it, holds the fault and bad-input
// scenarios that the acceptance tests run and the reliability guide shows.
package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

const (
	// ProviderPackage is the import path of the provider's main package.
	ProviderPackage = "github.com/ncloudimage/terraform-provider-ncloudimage"
	// ProviderBinary is the name terraform expects of the provider's executable.
	ProviderBinary = "terraform-provider-ncloudimage"
	// ProviderSource is the provider's address, which configurations name
	// as source = "ncloudimage/ncloudimage".
	ProviderSource = "registry.terraform.io/ncloudimage/ncloudimage"
)

// EnvTerraformPath names the terraform binary to use, as it does for
// terraform-plugin-testing.
const EnvTerraformPath = "TF_ACC_TERRAFORM_PATH"

// FindTerraform returns the terraform binary: TF_ACC_TERRAFORM_PATH when
// set, else terraform on PATH. It never downloads one.
func FindTerraform() (string, error) {
	if tf := os.Getenv(EnvTerraformPath); tf != "" {
		return tf, nil
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return "", fmt.Errorf("no terraform: set %s to an installed terraform or put one on PATH (nothing is downloaded)", EnvTerraformPath)
	}
	return tf, nil
}

// TerraformVersion is the version the terraform binary reports, e.g. "1.11.4".
func TerraformVersion(ctx context.Context, terraform string) (string, error) {
	cmd := exec.CommandContext(ctx, terraform, "version", "-json")
	cmd.Env = Env("")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform version: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return "", fmt.Errorf("terraform version: %w", err)
	}
	return v.Version, nil
}

// Build runs `go build -o out pkg`; pkg is an import path, so the working
// directory may be anywhere in the module. A failure carries the compiler's
// output.
func Build(ctx context.Context, pkg, out string) error {
	build := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	if output, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build of %s: %w\n%s", pkg, err, output)
	}
	return nil
}

// BuildProvider builds the provider into dir and returns the binary's path;
// dir is then the directory for WriteCLIConfig.
func BuildProvider(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, ProviderBinary)
	if err := Build(ctx, ProviderPackage, bin); err != nil {
		return "", err
	}
	return bin, nil
}

// WriteCLIConfig writes at path a terraform CLI configuration whose
// dev_overrides load the provider, and the providers of any other sources
// given (e.g. "registry.terraform.io/ncloudimage/noop"), from dir.
func WriteCLIConfig(path, dir string, sources ...string) error {
	if err := os.WriteFile(path, []byte(cliConfig(dir, sources...)), 0o600); err != nil {
		return fmt.Errorf("write CLI configuration: %w", err)
	}
	return nil
}

func cliConfig(dir string, sources ...string) string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, source := range append([]string{ProviderSource}, sources...) {
		fmt.Fprintf(&b, "    %q = %q\n", source, dir)
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// Env is the environment for terraform commands: this process's, without
// the variables that would change what terraform or the provider does or
// logs (TF_*, and NCLOUD*, which holds the provider's settings and the
// live tests' NCLOUDIMAGE_*); then the settings of an unattended run
// (no version check-in, no prompts), TF_CLI_CONFIG_FILE=cliConfigFile
// unless it is "", and extra ("NAME=value"), which win over all of these.
func Env(cliConfigFile string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "NCLOUD") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	if cliConfigFile != "" {
		env = append(env, "TF_CLI_CONFIG_FILE="+cliConfigFile)
	}
	return append(env, extra...)
}

// Terraform runs terraform commands in one working directory.
type Terraform struct {
	Path string   // the terraform binary (FindTerraform)
	Dir  string   // the working directory
	Env  []string // the whole environment (Env)
}

// Command is `terraform <args[0]> -no-color <args[1:]...>`: the flag goes
// first, before any positional argument of the command (import's address
// and ID). Ending ctx interrupts terraform, so that it stops its provider
// processes and releases the state, and kills it 30 seconds later.
func (tf Terraform) Command(ctx context.Context, args ...string) *exec.Cmd {
	if len(args) == 0 {
		panic("acctest: a terraform command needs a subcommand")
	}
	full := append([]string{args[0], "-no-color"}, args[1:]...)
	cmd := exec.CommandContext(ctx, tf.Path, full...)
	cmd.Dir, cmd.Env = tf.Dir, tf.Env
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	return cmd
}

// Run runs a command, its standard output and error going to out. The
// error names the command; a non-zero exit wraps the *exec.ExitError.
func (tf Terraform) Run(ctx context.Context, out io.Writer, args ...string) error {
	cmd := tf.Command(ctx, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	return nil
}
