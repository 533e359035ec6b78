package emulator

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoadExampleSeed(t *testing.T) {
	t.Parallel()
	s, clock := newTestServer(t)
	if err := s.LoadSeedFile(filepath.Join("..", "..", "examples", "emulator", "seed.json")); err != nil {
		t.Fatal(err)
	}
	want := map[string]Image{
		"10001": {Name: "golden-ubuntu-2204", Hypervisor: "XEN", Status: "CREAT"},
		"10002": {Name: "golden-rocky-kvm", Hypervisor: "KVM", Status: "CREAT"},
		"10003": {Name: "fresh-image", Hypervisor: "XEN", Status: "INIT"},
		"10004": {Name: "golden-centos", Hypervisor: "XEN", Status: "CREAT"},
		"10005": {Name: "broken-image", Hypervisor: "XEN", Status: "CREFL"},
	}
	for no, w := range want {
		img, found := s.Image(no)
		if !found || img.Name != w.Name || img.Hypervisor != w.Hypervisor || img.Status != w.Status || img.Region != "KR" || img.Type != "SELF" {
			t.Errorf("image %s: %+v", no, img)
		}
	}
	if img, _ := s.Image("10004"); !slices.Equal(img.SharedLoginIDs, []string{"partner-ops@example.com"}) {
		t.Errorf("seeded shares: %q", img.SharedLoginIDs)
	}
	clock.Advance(10 * time.Second)
	if img, _ := s.Image("10003"); img.Status != "CREAT" {
		t.Errorf("10003 not ready after 10 s: %s", img.Status)
	}
}

func TestLoadSeedRejects(t *testing.T) {
	t.Parallel()
	for name, seed := range map[string]string{
		"unknown field":    `{"images": [{"no": "1", "name": "a", "colour": "red"}]}`,
		"unknown top":      `{"images": [], "servers": []}`,
		"non-digit number": `{"images": [{"no": "a1", "name": "a"}]}`,
		"no name":          `{"images": [{"no": "1"}]}`,
		"bad hypervisor":   `{"images": [{"no": "1", "name": "a", "hypervisor": "RHV"}]}`,
		"bad status":       `{"images": [{"no": "1", "name": "a", "status": "GONE"}]}`,
		"bad type":         `{"images": [{"no": "1", "name": "a", "type": "PUBLIC"}]}`,
		"shared NCP image": `{"images": [{"no": "1", "name": "a", "type": "NCP", "sharedLoginIds": ["a@example.com"]}]}`,
		"bad region":       `{"images": [{"no": "1", "name": "a", "region": "MARS"}]}`,
		"empty login ID":   `{"images": [{"no": "1", "name": "a", "sharedLoginIds": [" "]}]}`,
		"duplicate":        `{"images": [{"no": "1", "name": "a"}, {"no": "1", "name": "b"}]}`,
		"trailing data":    `{"images": []} {}`,
		"not JSON":         `images:`,
	} {
		s := New(Options{AccessKey: "a", SecretKey: "b"})
		if err := s.LoadSeed(strings.NewReader(`{"images": [{"no": "5", "name": "ok"}]}`)); err != nil {
			t.Fatal(err)
		}
		if err := s.LoadSeed(strings.NewReader(strings.Replace(seed, `{"images": [{`, `{"images": [{"no": "6", "name": "partial"}, {`, 1))); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, found := s.Image("6"); found {
			t.Errorf("%s: a failed seed loaded images", name)
		}
		if _, found := s.Image("5"); !found {
			t.Errorf("%s: a failed seed removed images", name)
		}
	}
	if err := New(Options{}).LoadSeedFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

func TestLoadSeedTypesAndStatuses(t *testing.T) {
	t.Parallel()
	s := New(Options{AccessKey: "a", SecretKey: "b"})
	err := s.LoadSeed(strings.NewReader(`{"images": [
		{"no": "1", "name": "ubuntu-base", "type": "NCP"},
		{"no": "2", "name": "rocky-base", "type": "NCP", "hypervisor": "KVM", "sharedLoginIds": []},
		{"no": "3", "name": "mine", "type": "SELF", "hypervisor": "KVM", "status": "TERMT"},
		{"no": "4", "name": "default"}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Image{
		"1": {Type: "NCP", Hypervisor: "XEN", Status: "CREAT"},
		"2": {Type: "NCP", Hypervisor: "KVM", Status: "CREAT"},
		"3": {Type: "SELF", Hypervisor: "KVM", Status: "TERMT"},
		"4": {Type: "SELF", Hypervisor: "XEN", Status: "CREAT"},
	}
	for no, w := range want {
		if img, found := s.Image(no); !found || img.Type != w.Type || img.Hypervisor != w.Hypervisor || img.Status != w.Status {
			t.Errorf("image %s: %+v, want %+v", no, img, w)
		}
	}
}
