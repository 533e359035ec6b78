package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// seedFile is the JSON shape LoadSeed accepts (see the package documentation).
type seedFile struct {
	Images []struct {
		No                string   `json:"no"`
		Name              string   `json:"name"`
		Description       string   `json:"description"`
		Region            string   `json:"region"`
		Hypervisor        string   `json:"hypervisor"`
		Type              string   `json:"type"`
		Status            string   `json:"status"`
		ReadyAfterSeconds float64  `json:"readyAfterSeconds"`
		SharedLoginIDs    []string `json:"sharedLoginIds"`
	} `json:"images"`
}

// LoadSeed adds (or replaces) the images of a JSON seed. It loads all of
// them or, on any error, none.
func (s *Server) LoadSeed(r io.Reader) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var seed seedFile
	if err := dec.Decode(&seed); err != nil {
		return fmt.Errorf("emulator: seed: %w", err)
	}
	if dec.More() {
		return errors.New("emulator: seed: data after the JSON object")
	}
	imgs := make([]Image, 0, len(seed.Images))
	seen := map[string]bool{}
	for _, si := range seed.Images {
		img, err := normalize(Image{
			No: si.No, Name: si.Name, Description: si.Description, Region: si.Region,
			Hypervisor: si.Hypervisor, Type: si.Type, Status: si.Status, SharedLoginIDs: si.SharedLoginIDs,
			ReadyAfter: time.Duration(si.ReadyAfterSeconds * float64(time.Second)),
		})
		if err != nil {
			return fmt.Errorf("emulator: seed: %w", err)
		}
		if seen[img.No] {
			return fmt.Errorf("emulator: seed: image %s appears twice", img.No)
		}
		seen[img.No] = true
		imgs = append(imgs, img)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, img := range imgs {
		s.putLocked(img)
	}
	return nil
}

// LoadSeedFile loads a seed from a file.
func (s *Server) LoadSeedFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("emulator: seed: %w", err)
	}
	defer f.Close()
	return s.LoadSeed(f)
}
