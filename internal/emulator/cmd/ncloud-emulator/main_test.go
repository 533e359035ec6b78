package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// startEmulator runs the command with args until the test ends and returns
// its URL and a function that stops it and returns what it printed.
func startEmulator(t *testing.T, args ...string) (string, func() string) {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0", "-url-file", urlFile}, args...), &stdout, &stderr)
	}()
	stopped := false
	stop := func() string {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v (stderr: %s)", err, stderr.String())
			}
		}
		return stdout.String()
	}
	t.Cleanup(func() { stop() })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(urlFile); err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b)), stop
		}
		select {
		case err := <-done:
			t.Fatalf("the emulator exited before it was listening: %v (stderr: %s)", err, stderr.String())
		default:
		}
	}
	t.Fatal("the emulator did not write its URL within 10s")
	return "", nil
}

func listImages(url, accessKey, secretKey string) error {
	c, err := ncloud.New(ncloud.Config{AccessKey: accessKey, SecretKey: secretKey, BaseURL: url, RetryMax: -1})
	if err != nil {
		return err
	}
	_, err = c.GetMemberServerImages(context.Background(), "KR", []string{"1"})
	return err
}

// TestDocumentedKeysWhateverTheEnvironment: the README's steps use the
// emulator's documented keys; a user's own NCLOUD_ACCESS_KEY and
// NCLOUD_SECRET_KEY in the environment must not replace them.
func TestDocumentedKeysWhateverTheEnvironment(t *testing.T) {
	t.Setenv("NCLOUD_ACCESS_KEY", "users-real-access-key")
	t.Setenv("NCLOUD_SECRET_KEY", "users-real-secret-key")
	url, stop := startEmulator(t)
	if err := listImages(url, defaultAccessKey, defaultSecretKey); err != nil {
		t.Errorf("the documented keys were refused: %v", err)
	}
	if err := listImages(url, "users-real-access-key", "users-real-secret-key"); err == nil {
		t.Error("the emulator accepted the keys of the environment")
	}
	out := stop()
	for _, want := range []string{
		"export NCLOUD_API_GW=" + url + " NCLOUD_ACCESS_KEY=" + defaultAccessKey + " NCLOUD_SECRET_KEY=" + defaultSecretKey,
		"does not use it",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "users-real-secret-key") || strings.Contains(out, "users-real-access-key") {
		t.Errorf("output shows the environment's keys:\n%s", out)
	}
}

// TestKeysFromFlags: flags set the keys, and a secret given on the command
// line is not printed.
func TestKeysFromFlags(t *testing.T) {
	t.Setenv("NCLOUD_ACCESS_KEY", "")
	url, stop := startEmulator(t, "-access-key", "flag-access", "-secret-key", "flag-secret-value")
	if err := listImages(url, "flag-access", "flag-secret-value"); err != nil {
		t.Errorf("the keys given as flags were refused: %v", err)
	}
	out := stop()
	if !strings.Contains(out, "NCLOUD_ACCESS_KEY=flag-access") || strings.Contains(out, "flag-secret-value") {
		t.Errorf("want the access key and not the secret in the output:\n%s", out)
	}
	if strings.Contains(out, "does not use it") {
		t.Errorf("a note about NCLOUD_ACCESS_KEY, which is not set:\n%s", out)
	}
}
