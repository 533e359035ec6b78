package provider

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// Distinctive values, so that a hit in the log cannot be a coincidence. They
// use only characters that URL and JSON encoding leave alone.
const (
	logTestAccessKey = "AKIDLOGTEST1234567"
	logTestSecretKey = "S3cr3t-Never-Log-Me-7f3a9c2e"
	logTestImageNo   = "30001"
	logTestImportNo  = "30002"
)

// Login IDs: the first two are created, the next applies swap one, the
// fourth is the share of the image imported.
var logTestLoginIDs = []string{
	"alice.logtest@example.com", "bob.logtest@example.com", "carol.logtest@example.com", "dave.logtest@example.com",
}

// TestAccLogging_noSecretsInTraceLog runs the real terraform CLI with
// TF_LOG=trace against the built provider and the emulator, through create,
// update, plan, import and destroy, with the credentials first in the
// environment, then in the provider block. The log must hold neither the
// secret key nor any signature the emulator received, the access key only in
// its masked form, and login IDs only on TRACE entries.
func TestAccLogging_noSecretsInTraceLog(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make test does)", resource.EnvTfAcc)
	}
	if liveMode() {
		t.Skip("needs the NCP emulator, whose recorded signatures it looks for: skipped in live mode")
	}
	terraform, err := acctest.FindTerraform()
	if err != nil {
		t.Fatal(err)
	}
	binDir := t.TempDir()
	if _, err := acctest.BuildProvider(t.Context(), binDir); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	if err := acctest.WriteCLIConfig(cliConfig, binDir); err != nil {
		t.Fatal(err)
	}

	for _, credentialsInBlock := range []bool{false, true} {
		name := "credentials_in_environment"
		if credentialsInBlock {
			name = "credentials_in_provider_block"
		}
		t.Run(name, func(t *testing.T) {
			emu := emulator.New(emulator.Options{AccessKey: logTestAccessKey, SecretKey: logTestSecretKey})
			if err := emu.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(emu.Close)
			emu.PutImage(emulator.Image{No: logTestImageNo, Name: "golden-log"})
			emu.PutImage(emulator.Image{No: logTestImportNo, Name: "shared-by-hand", SharedLoginIDs: logTestLoginIDs[3:]})

			logPath := filepath.Join(t.TempDir(), "trace.log")
			tf := &tfRunner{t: t, tf: acctest.Terraform{Path: terraform, Dir: t.TempDir(), Env: acctest.Env(cliConfig,
				"TF_LOG=trace", "TF_LOG_PATH="+logPath,
				"HOME="+t.TempDir(), // no ~/.ncloud/configure, no ~/.terraformrc
			)}}
			// The source matches the dev_overrides entry, so no init is needed.
			provider := "terraform {\n  required_providers {\n    ncloudimage = { source = \"ncloudimage/ncloudimage\" }\n  }\n}\n"
			if credentialsInBlock {
				provider += fmt.Sprintf("provider \"ncloudimage\" {\n  endpoint   = %q\n  access_key = %q\n  secret_key = %q\n}\n",
					emu.URL(), logTestAccessKey, logTestSecretKey)
			} else {
				provider += "provider \"ncloudimage\" {}\n"
				tf.tf.Env = append(tf.tf.Env, "NCLOUD_API_GW="+emu.URL(),
					"NCLOUD_ACCESS_KEY="+logTestAccessKey, "NCLOUD_SECRET_KEY="+logTestSecretKey)
			}

			tf.config(provider + sharingBlock("golden", logTestImageNo, logTestLoginIDs[:2]))
			tf.run("apply", "-auto-approve")
			tf.config(provider + sharingBlock("golden", logTestImageNo, logTestLoginIDs[1:3]))
			tf.run("apply", "-auto-approve")
			tf.run("plan", "-detailed-exitcode") // exit 2 (changes) fails the run

			imported := sharingBlock("imported", logTestImportNo, logTestLoginIDs[3:])
			if credentialsInBlock { // an import block here, the import command in the other run
				tf.config(provider + sharingBlock("golden", logTestImageNo, logTestLoginIDs[1:3]) + imported +
					fmt.Sprintf("import {\n  to = ncloudimage_member_server_image_sharing_permission.imported\n  id = %q\n}\n", logTestImportNo))
				tf.run("apply", "-auto-approve")
			} else {
				tf.config(provider + sharingBlock("golden", logTestImageNo, logTestLoginIDs[1:3]) + imported)
				tf.run("import", "ncloudimage_member_server_image_sharing_permission.imported", logTestImportNo)
			}
			tf.run("plan", "-detailed-exitcode")
			tf.run("destroy", "-auto-approve")

			checkTraceLog(t, logPath, emu.Requests())
		})
	}
}

// checkTraceLog reads a TF_LOG=trace log and fails on any leak; it also
// checks that the provider did log its API calls, so that the test cannot
// pass on a log with nothing in it.
func checkTraceLog(t *testing.T, logPath string, requests []emulator.RecordedRequest) {
	t.Helper()
	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)

	// Secrets, also in part: any 8-character piece of the secret, or 12 of a
	// signature (base64 of 32 random bytes), would be a leak.
	forbidden := map[string]string{}
	for _, piece := range pieces(logTestSecretKey, 8) {
		forbidden[piece] = "the secret key"
	}
	for _, r := range requests {
		if r.Signature == "" {
			t.Fatalf("the emulator recorded no signature for %s", r.Operation)
		}
		forbidden[url.QueryEscape(r.Signature)] = "a request signature"
		for _, piece := range pieces(r.Signature, 12) {
			forbidden[piece] = "a request signature"
		}
	}
	// The access key may appear only masked (its first four characters and
	// "***"): any 8 characters of it in a row are too many.
	for _, piece := range pieces(logTestAccessKey, 8) {
		forbidden[piece] = "the unmasked access key"
	}
	for piece, what := range forbidden {
		if i := strings.Index(log, piece); i >= 0 {
			t.Errorf("the log contains %s (%q): %s", what, piece, lineAt(log, i))
		}
	}

	entries := parseLog(log)
	levels := map[string]int{}
	providerLevels := map[string]int{}
	var attempts, masked, traceLoginIDs int
	for _, e := range entries {
		levels[e.level]++
		if !e.provider {
			if coreDriftLog.MatchString(e.text) {
				continue
			}
			for _, id := range logTestLoginIDs {
				if e.level != "TRACE" && containsLoginID(e.text, id) {
					t.Errorf("terraform core logged login ID %s at %s (not the provider: report upstream): %s", id, e.level, e.text)
				}
			}
			continue
		}
		providerLevels[e.level]++
		if strings.Contains(e.text, "ncloud API attempt") {
			attempts++
		}
		if strings.Contains(e.text, logTestAccessKey[:4]+"***") {
			masked++
		}
		for _, id := range logTestLoginIDs {
			if !containsLoginID(e.text, id) {
				continue
			}
			if e.level == "TRACE" {
				traceLoginIDs++
			} else {
				// @module tells the provider's own lines (ncloudimage) from
				// the framework's (sdk.framework), which log attribute paths:
				// a set element's path embeds the element's String().
				t.Errorf("the provider (%s) logged login ID %s at %s; only TRACE may show them: %s",
					logModule.FindString(e.text), id, e.level, e.text)
			}
		}
	}
	t.Logf("log: %d bytes, %d entries by level %v; provider entries by level %v; %d API attempt entries for %d API requests",
		len(log), len(entries), levels, providerLevels, attempts, len(requests))

	// Every request the emulator received must have been logged: a log that
	// lost them would pass the checks above without proving anything.
	if len(requests) == 0 || attempts != len(requests) {
		t.Errorf("%d \"ncloud API attempt\" entries for %d API requests", attempts, len(requests))
	}
	if masked == 0 {
		t.Error("no entry shows the masked access key: the TRACE request entries are missing")
	}
	if traceLoginIDs == 0 {
		t.Error("no TRACE entry shows a login ID: the request parameters are not logged, or the level parsing is wrong")
	}
}

// logEntry is one log entry: its header line and any continuation lines.
type logEntry struct {
	level    string // TRACE, DEBUG, INFO, WARN, ERROR; "" before the first header
	provider bool   // logged by the provider, as relayed by terraform
	text     string
}

// entryHeader matches the line that starts a log entry. Terraform writes
// "<timestamp> [LEVEL] <message>" for its own lines and for the provider's
// ("... [DEBUG] provider.terraform-provider-ncloudimage: ncloud API attempt:
// @module=... operation=..."), relaying each provider line at the level the
// provider gave it; "[INFO]" and "[WARN]" are padded with a second space. A
// value with a newline continues on the following lines, which have no
// header and belong to the entry above: so a level is taken only from a
// header at the start of a line (never from a "[WARN]" inside a message),
// and a continuation line inherits its entry's level. Lines before the first
// header get no level, which is not TRACE: they are held to the strict rule.
var entryHeader = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\S+ \[(TRACE|DEBUG|INFO|WARN|ERROR)\] +(provider\.terraform-provider-ncloudimage[^:]*:)?`)

var logModule = regexp.MustCompile(`@module=\S+`)

// coreDriftLog is Terraform's own report, at WARN and with the values, of a
// refresh that changed a resource (here the read after the import, which
// fills in the state). Terraform 1.5 writes it in this test and 1.11 does
// not; either way the line is Terraform's, whatever the provider logs.
var coreDriftLog = regexp.MustCompile(`\[WARN\] +Provider "[^"]+" produced an unexpected new value for \S+ during refresh\.`)

func parseLog(log string) []logEntry {
	var entries []logEntry
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := entryHeader.FindStringSubmatch(line); m != nil {
			entries = append(entries, logEntry{level: m[1], provider: m[2] != "", text: line})
			continue
		}
		if len(entries) == 0 {
			entries = append(entries, logEntry{})
		}
		entries[len(entries)-1].text += "\n" + line
	}
	return entries
}

// containsLoginID finds a login ID as is, URL-encoded (request parameters),
// or by its distinctive local part alone.
func containsLoginID(text, id string) bool {
	local, _, _ := strings.Cut(id, "@")
	return strings.Contains(text, id) || strings.Contains(text, url.QueryEscape(id)) || strings.Contains(text, local)
}

// pieces returns every substring of s of length n (s itself if shorter).
func pieces(s string, n int) []string {
	if len(s) <= n {
		return []string{s}
	}
	out := make([]string, 0, len(s)-n+1)
	for i := 0; i+n <= len(s); i++ {
		out = append(out, s[i:i+n])
	}
	return out
}

// lineAt returns the line of s around byte i, shortened for a test message.
func lineAt(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := strings.IndexByte(s[i:], '\n')
	if end < 0 {
		end = len(s) - i
	}
	line := s[start : i+end]
	if len(line) > 400 {
		line = line[:400] + "..."
	}
	return line
}

func sharingBlock(name, imageNo string, loginIDs []string) string {
	quoted := make([]string, len(loginIDs))
	for i, id := range loginIDs {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("resource \"ncloudimage_member_server_image_sharing_permission\" %q {\n"+
		"  member_server_image_no = %q\n  shared_login_ids       = [%s]\n}\n",
		name, imageNo, strings.Join(quoted, ", "))
}

// tfRunner runs terraform commands in one working directory, failing the
// test on the first that fails.
type tfRunner struct {
	t  *testing.T
	tf acctest.Terraform
}

func (r *tfRunner) config(hcl string) {
	r.t.Helper()
	writeFile(r.t, filepath.Join(r.tf.Dir, "main.tf"), hcl)
}

// run runs one terraform command, which must exit 0; the timeout only
// guards against a hang.
func (r *tfRunner) run(args ...string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.t.Context(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := r.tf.Run(ctx, &out, args...); err != nil {
		r.t.Fatalf("%v\n%s", err, out.String())
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
