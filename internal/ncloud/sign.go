package ncloud

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Header names of API Gateway signature v2.
const (
	headerTimestamp = "x-ncp-apigw-timestamp"
	headerAccessKey = "x-ncp-iam-access-key"
	headerSignature = "x-ncp-apigw-signature-v2"
)

// signature computes API Gateway signature v2:
// base64(HMAC-SHA256(secret, METHOD + " " + URI + "\n" + timestamp + "\n" + accessKey)).
func signature(secretKey, method, uri, timestamp, accessKey string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(method + " " + uri + "\n" + timestamp + "\n" + accessKey))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// sign sets the signature v2 headers of one attempt, with a fresh timestamp:
// the gateway rejects timestamps more than 5 minutes old, which a retry after
// long backoffs can reach. It signs a copy of the headers: the previous
// attempt's request, whose headers req shares after retryablehttp's shallow
// copy, may still be read by its connection.
func sign(req *http.Request, accessKey, secretKey string, now time.Time) {
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	req.Header = req.Header.Clone()
	req.Header.Set(headerTimestamp, ts)
	req.Header.Set(headerAccessKey, accessKey)
	// RequestURI is exactly what goes on the request line: the path, plus
	// "?query" only when there is one (a POST form body has none).
	req.Header.Set(headerSignature, signature(secretKey, req.Method, req.URL.RequestURI(), ts, accessKey))
}

// maskKey shows only enough of an access key to tell keys apart in logs.
func maskKey(k string) string {
	if len(k) <= 4 {
		return "***"
	}
	return k[:4] + "***"
}

// signatureInText matches the signature header as a request dump shows it.
var signatureInText = regexp.MustCompile(`(?i)` + headerSignature + `["']?\s*[:=]\s*["']?[A-Za-z0-9+/=]+`)

// MaskCredentials registers tflog masks on ctx, so that no line logged with
// it can show the keys or a signature, whatever it is given to log. The keys
// are masked wherever they occur (maskKey's short prefix is left alone); an
// empty key is not a key, and masking "" would mask everything. A signature
// is computed per attempt, below the logging, so it is masked by its header
// name: as a field key, and in request dumps.
func MaskCredentials(ctx context.Context, accessKey, secretKey string) context.Context {
	var keys []string
	for _, k := range []string{secretKey, accessKey} {
		if k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, keys...)
		ctx = tflog.MaskMessageStrings(ctx, keys...)
	}
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, headerSignature)
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, signatureInText)
	return tflog.MaskMessageRegexes(ctx, signatureInText)
}
