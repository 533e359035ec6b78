package provider

import "testing"

// TestCheckEndpoint: plain HTTP only to a loopback host, including for
// names and addresses that look loopback but are not.
func TestCheckEndpoint(t *testing.T) {
	for _, endpoint := range []string{
		"http://127.0.0.2:8080",
		"http://127.0.0.1:18787/",
		"http://[::1]:1",
		"http://[::ffff:127.0.0.1]:1", // IPv4-mapped loopback
		"http://localhost:9",
		"http://LOCALHOST:9",
		"HTTP://127.0.0.1:1",
		"https://anything",
		"https://ncloud.apigw.ntruss.com",
		"HTTPS://ncloud.apigw.ntruss.com/",
	} {
		if err := checkEndpoint(endpoint); err != nil {
			t.Errorf("checkEndpoint(%q) = %v, want accepted", endpoint, err)
		}
	}
	for _, endpoint := range []string{
		"http://ncloud.apigw.ntruss.com",
		"HTTP://ncloud.apigw.ntruss.com",
		"http://127.0.0.1.nip.io",        // a name: DNS decides where it goes
		"http://localhost.evil.com",      // likewise
		"http://localhost.",              // not the name localhost
		"http://[::ffff:10.0.0.1]",       // IPv4-mapped, not loopback
		"http://0.0.0.0",                 // unspecified, not loopback
		"http://[::]:1",                  // likewise
		"http://127.1",                   // not an IP literal to Go: a name
		"http://2130706433",              // likewise (127.0.0.1 as a number)
		"http://0x7f.0.0.1",              // likewise
		"http://127.0.0.1@evil.com",      // user info: the host is evil.com
		"http://user:pw@127.0.0.1",       // user info would be logged with the URL
		"https://user:pw@ncloud.example", // likewise
		"http://evil.com#@127.0.0.1",     // fragment: the host is evil.com
		"https://ncloud.example#",        // a fragment would swallow the API path
		"https://ncloud.example?",        // so would a query
		"https://ncloud.example/vserver/v2",
		"ftp://127.0.0.1",
		"127.0.0.1:8080",
		"//127.0.0.1",
		"http://",
		" http://127.0.0.1",
		"",
	} {
		if err := checkEndpoint(endpoint); err == nil {
			t.Errorf("checkEndpoint(%q) accepted it", endpoint)
		}
	}
}
