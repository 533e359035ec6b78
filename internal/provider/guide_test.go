package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest/reliability"
)

// TestReliabilityGuideIsCurrent: the reliability guide's fault and bad-input
// tables are rendered from the scenarios that TestAccFaults and
// TestAccBadInput run (package reliability), so that the guide states what
// the suite shows. `make generate` writes them; this test only compares.
func TestReliabilityGuideIsCurrent(t *testing.T) {
	template := filepath.Join("..", "..", filepath.FromSlash(reliability.GuideTemplate))
	raw, err := os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}
	want, err := reliability.UpdateGuide(string(raw))
	if err != nil {
		t.Fatalf("%s: %v", template, err)
	}
	if want != string(raw) {
		t.Errorf("%s: its fault or bad-input table differs from the scenarios the tests run: run make generate, and commit the template and docs/", filepath.Clean(template))
	}
}
