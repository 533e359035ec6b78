package provider

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadCLIConfigSections: with several profiles in ~/.ncloud/configure,
// the keys are those of [DEFAULT] (or of the lines before any section),
// wherever the other sections stand.
func TestReadCLIConfigSections(t *testing.T) {
	tests := []struct {
		name, content      string
		wantAccess, wantSK string
	}{
		{"DEFAULT first", "[DEFAULT]\nncloud_access_key_id = DEF_AK\nncloud_secret_access_key = DEF_SK\n\n" +
			"[staging]\nncloud_access_key_id = STG_AK\nncloud_secret_access_key = STG_SK\n", "DEF_AK", "DEF_SK"},
		{"DEFAULT last", "[prod]\nncloud_access_key_id = PROD_AK\nncloud_secret_access_key = PROD_SK\n" +
			"[DEFAULT]\nncloud_access_key_id = DEF_AK\nncloud_secret_access_key = DEF_SK\n", "DEF_AK", "DEF_SK"},
		{"DEFAULT between", "[a]\nncloud_access_key_id = A_AK\n[DEFAULT]\nncloud_access_key_id = DEF_AK\nncloud_secret_access_key = DEF_SK\n" +
			"[b]\nncloud_access_key_id = B_AK\nncloud_secret_access_key = B_SK\n", "DEF_AK", "DEF_SK"},
		{"lines before any section", "ncloud_access_key_id = TOP_AK\nncloud_secret_access_key = TOP_SK\n" +
			"[other]\nncloud_access_key_id = OTHER_AK\nncloud_secret_access_key = OTHER_SK\n", "TOP_AK", "TOP_SK"},
		{"header spacing and case", "  [ default ]  \nncloud_access_key_id=DEF_AK\nncloud_secret_access_key=DEF_SK\n[x]\nncloud_access_key_id=X\n", "DEF_AK", "DEF_SK"},
		{"only another profile", "[staging]\nncloud_access_key_id = STG_AK\nncloud_secret_access_key = STG_SK\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			if err := os.MkdirAll(filepath.Join(home, ".ncloud"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(home, ".ncloud", "configure"), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			a, s, err := readCLIConfig()
			if a != tt.wantAccess || s != tt.wantSK || err != nil {
				t.Errorf("got %q, %q, %v; want %q, %q, nil", a, s, err, tt.wantAccess, tt.wantSK)
			}
		})
	}
}
