package ncloud

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestTLSVerificationStaysOn: the default transport verifies certificates,
// so a server with a self-signed certificate gets no request.
func TestTLSVerificationStaysOn(t *testing.T) {
	var reached atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		reply(w, 200, fmt.Sprintf(emptyMemberList, "getMemberServerImageInstanceList"))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are the point
	srv.StartTLS()
	defer srv.Close()

	c := newTestClient(t, srv.URL, nil)  // no HTTPClient: the default transport
	next := c.retry.HTTPClient.Transport // signing and pacing sit above the transport
	tr, ok := next.(*http.Transport)
	if !ok {
		t.Fatalf("default transport is %T, want *http.Transport", next)
	}
	if tr.TLSClientConfig != nil && tr.TLSClientConfig.InsecureSkipVerify {
		t.Fatal("the default transport skips TLS verification")
	}

	_, err := c.GetMemberServerImages(context.Background(), "KR", []string{"1"})
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) {
		t.Fatalf("got %v, want a certificate verification error", err)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("%d request(s) reached the server with the untrusted certificate", n)
	}
}
