package provider

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// readCLIConfig reads the keys from the ncloud CLI file ~/.ncloud/configure:
// plain "key = value" lines, other lines ignored. The ncloud CLI keeps one
// profile per "[name]" section; the keys are those of the [DEFAULT] section
// (and of lines before any section header), never of another profile's
// section, wherever it stands in the file.
// A missing file is not an error: it yields empty keys.
func readCLIConfig() (accessKey, secretKey string, err error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", "", nil
	}
	name := filepath.Join(home, ".ncloud", "configure")
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()

	scanner := bufio.NewScanner(f)
	inDefault := true // lines before any section header
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			inDefault = strings.EqualFold(strings.TrimSpace(line[1:len(line)-1]), "DEFAULT")
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok || !inDefault {
			continue
		}
		switch strings.TrimSpace(key) {
		case "ncloud_access_key_id":
			accessKey = strings.TrimSpace(value)
		case "ncloud_secret_access_key":
			secretKey = strings.TrimSpace(value)
		}
	}
	if err := scanner.Err(); err != nil {
		return "", "", fmt.Errorf("read %s: %w", name, err)
	}
	return accessKey, secretKey, nil
}
