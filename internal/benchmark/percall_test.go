package benchmark

import (
	"io"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The per-call provider makes the calls of the reference it stands for: one
// lookup per read, in each plan of a create, and after each write.
func TestPerCallProviderCalls(t *testing.T) {
	if os.Getenv("TF_ACC") == "" { // as terraform-plugin-testing's acceptance tests
		t.Skip("acceptance test: runs terraform against the emulator; set TF_ACC=1 (make test does)")
	}
	tf, err := acctest.FindTerraform()
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	// Only the per-call provider runs: ncloudimage's binary need only exist.
	bin := filepath.Join(dir, acctest.ProviderBinary)
	if err := os.WriteFile(bin, nil, 0o700); err != nil {
		t.Fatal(err)
	}
	perCall := filepath.Join(dir, "terraform-provider-percall")
	if err := acctest.Build(t.Context(), acctest.ProviderPackage+"/internal/benchmark/cmd/percall-provider", perCall); err != nil {
		t.Fatal(err)
	}
	emu := emulator.New(emulator.Options{AccessKey: "percall-access", SecretKey: "percall-secret"})
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	r, err := NewRunner(Options{
		Terraform: tf, ProviderBin: bin, PerCallBin: perCall, Emulator: emu, AccessKey: "percall-access", SecretKey: "percall-secret",
		Parallelism: 10, WorkDir: dir, Progress: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}

	const n = 10
	c := ChangedCount(n)
	r.seed(PerCall, n)
	ms := r.phases(t.Context(), PerCall, n, "")
	want := map[Phase]map[string]int{
		Create:  {list: 3 * n, set: n},
		Plan:    {list: n},
		Update:  {list: n + c, set: c},
		Destroy: {list: n, set: n},
	}
	for _, p := range Phases {
		m, ok := succeeded(ms, p)
		if !ok {
			t.Fatalf("%s did not succeed: %+v", p, ms)
		}
		if !maps.Equal(m.Calls, want[p]) {
			t.Errorf("%s: calls %v, want %v", p, m.Calls, want[p])
		}
	}
	for i := range n {
		if img, _ := emu.Image(ImageNo(PerCall, i)); len(img.SharedLoginIDs) != 0 {
			t.Errorf("image %s is still shared with %v after destroy", img.No, img.SharedLoginIDs)
		}
	}
}
