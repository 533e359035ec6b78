package ncloud

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestSignatureVector(t *testing.T) {
	got := signature("SECRETKEY", "GET", "/vserver/v2/getRegionList?responseFormatType=json", "1700000000000", "ACCESSKEY")
	if want := "tB6Sk3Kp6cf0hi25tRosAuFbPISe+sk3ZviBdudZETk="; got != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
}

// wireSignatureOK recomputes the signature from the request line as the
// server received it, independently of sign.go.
func wireSignatureOK(r *http.Request) bool {
	mac := hmac.New(sha256.New, []byte(testSecretKey))
	mac.Write([]byte(r.Method + " " + r.RequestURI + "\n" + r.Header.Get("x-ncp-apigw-timestamp") + "\n" + testAccessKey))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	return r.Header.Get("x-ncp-iam-access-key") == testAccessKey && r.Header.Get("x-ncp-apigw-signature-v2") == want
}

// signedServer answers 401 (as the gateway would) unless the signature
// matches the exact request URI.
func signedServer(t *testing.T, body func(op string) string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !wireSignatureOK(r) {
			t.Errorf("%s %s: bad signature", r.Method, r.RequestURI)
			reply(w, 401, `{"error":{"errorCode":"200","message":"Authentication Failed"}}`)
			return
		}
		op := r.URL.Path[len("/vserver/v2/"):]
		reply(w, 200, body(op))
	}))
}

func TestSignatureCoversWireURI(t *testing.T) {
	srv := signedServer(t, func(op string) string { return `{"` + op + `Response":{"returnCode":"0"}}` })
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	ctx := context.Background()
	if _, err := c.GetMemberServerImages(ctx, "KR", []string{"a+b@x.com", "x y", "&", "é"}); err != nil {
		t.Errorf("GET with escaped query: %v", err)
	}
	if _, err := c.SetMemberServerImageSharingPermission(ctx, "KR", "1", []string{"a+b@x.com"}); err != nil {
		t.Errorf("POST with form body: %v", err)
	}
}

func TestFreshTimestampPerAttempt(t *testing.T) {
	var mu sync.Mutex
	var stamps []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !wireSignatureOK(r) {
			t.Error("bad signature")
		}
		mu.Lock()
		stamps = append(stamps, r.Header.Get("x-ncp-apigw-timestamp"))
		n := len(stamps)
		mu.Unlock()
		if n < 3 {
			reply(w, 503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`)
			return
		}
		reply(w, 200, listOK)
	}))
	defer srv.Close()
	// A clock that moves a minute per reading stands in for long backoffs.
	clock := time.UnixMilli(1700000000000)
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	})
	if _, err := c.GetMemberServerImages(context.Background(), "", []string{"1"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(stamps) != 3 {
		t.Fatalf("%d attempts, want 3", len(stamps))
	}
	for i := 1; i < len(stamps); i++ {
		prev, _ := strconv.ParseInt(stamps[i-1], 10, 64)
		cur, _ := strconv.ParseInt(stamps[i], 10, 64)
		if cur-prev != time.Minute.Milliseconds() {
			t.Errorf("attempt %d timestamp %s after %s: not re-signed", i+1, stamps[i], stamps[i-1])
		}
	}
}
