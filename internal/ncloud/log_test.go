package ncloud

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestLogsHoldNoSecrets runs a retried call at TRACE level and checks the
// output for the secret, the signatures, the bare access key and, above
// TRACE, login IDs and query strings.
func TestLogsHoldNoSecrets(t *testing.T) {
	const loginID = "someone.private@example.com"
	var mu sync.Mutex
	var signatures []string
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("targetLoginIdList.1") != loginID {
			t.Errorf("attempt without the form body: %q", r.PostForm)
		}
		mu.Lock()
		signatures = append(signatures, r.Header.Get("x-ncp-apigw-signature-v2"))
		n++
		first := n == 1
		mu.Unlock()
		if first {
			reply(w, 429, `{"error":{"errorCode":"410","message":"Throttle Limited"}}`)
			return
		}
		reply(w, 200, `{"setMemberServerImageSharingPermissionResponse":{"requestId":"req-9","returnCode":"0",
			"memberServerImageInstanceList":[{"memberServerImageInstanceNo":"1","sharedLoginIdList":["`+loginID+`"]}]}}`)
	}))
	defer srv.Close()

	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := newTestClient(t, srv.URL, nil)
	if _, err := c.SetMemberServerImageSharingPermission(ctx, "KR", "1", []string{loginID}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	mu.Lock()
	defer mu.Unlock()
	for _, secret := range append([]string{testSecretKey, testAccessKey}, signatures...) {
		if secret != "" && strings.Contains(out, secret) {
			t.Errorf("log output contains %q", secret)
		}
	}
	if !strings.Contains(out, maskKey(testAccessKey)) {
		t.Error("masked access key not logged at TRACE")
	}

	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var attempts, warns int
	for _, e := range entries {
		msg, _ := e["@message"].(string)
		line := strings.ToLower(msg + " " + mapString(e))
		if e["@level"] != "trace" && (strings.Contains(line, strings.ToLower(loginID)) ||
			strings.Contains(line, strings.ToLower(url.QueryEscape(loginID))) || strings.Contains(line, "responseformattype")) {
			t.Errorf("%s entry shows request values: %v", e["@level"], e)
		}
		switch {
		case e["@level"] == "debug" && e["@message"] == "ncloud API attempt":
			attempts++
			for _, k := range []string{"operation", "attempt", "http_status", "duration_ms", "request_id"} {
				if _, ok := e[k]; !ok {
					t.Errorf("attempt entry lacks %s: %v", k, e)
				}
			}
		case e["@level"] == "warn":
			warns++
			if e["reason"] == nil || e["wait"] == nil {
				t.Errorf("retry entry lacks reason or wait: %v", e)
			}
		}
	}
	if attempts != 2 || warns != 1 {
		t.Errorf("%d attempt entries and %d retry warnings; want 2 and 1:\n%s", attempts, warns, out)
	}
}

func mapString(m map[string]any) string {
	var b strings.Builder
	for k, v := range m {
		b.WriteString(k + "=")
		if s, ok := v.(string); ok {
			b.WriteString(s)
		}
		b.WriteString(" ")
	}
	return b.String()
}

// TestMaskCredentials: whatever a line logged on a call's context is given,
// the keys and the signature header's value come out masked.
func TestMaskCredentials(t *testing.T) {
	const sig = "tB6Sk3Kp6cf0hi25tRosAuFbPISe+sk3ZviBdudZETk="
	var buf bytes.Buffer
	ctx := MaskCredentials(tflogtest.RootLogger(context.Background(), &buf), testAccessKey, testSecretKey)
	tflog.Trace(ctx, "dump: "+testSecretKey+" "+testAccessKey+"\nX-Ncp-Apigw-Signature-V2: "+sig, map[string]any{
		"secret": "key=" + testSecretKey, "access": testAccessKey, headerSignature: sig,
		"request": headerSignature + `="` + sig + `"`, "masked": maskKey(testAccessKey),
	})
	out := buf.String()
	for _, leak := range []string{testSecretKey, testAccessKey, sig} {
		if strings.Contains(out, leak) {
			t.Errorf("log shows %q: %s", leak, out)
		}
	}
	if !strings.Contains(out, maskKey(testAccessKey)) {
		t.Errorf("the masked access key was masked away too: %s", out)
	}
}

// Configure masks the keys before it knows both: a missing key must not
// mask the rest of the line.
func TestMaskCredentialsWithAMissingKey(t *testing.T) {
	var buf bytes.Buffer
	ctx := MaskCredentials(tflogtest.RootLogger(context.Background(), &buf), "", testSecretKey)
	tflog.Debug(ctx, "configured with "+testSecretKey, map[string]any{"region": "KR"})
	out := buf.String()
	if strings.Contains(out, testSecretKey) {
		t.Errorf("log shows the secret key: %s", out)
	}
	if !strings.Contains(out, "configured with") || !strings.Contains(out, `"region":"KR"`) {
		t.Errorf("the rest of the line was masked away: %s", out)
	}
}
