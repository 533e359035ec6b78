package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// errorDetail turns an API client error into a diagnostic detail: what NCP
// said, with its request ID for NCP support, and what the user can do.
func errorDetail(err error) string {
	var apiErr *ncloud.Error
	if !errors.As(err, &apiErr) {
		if errors.Is(err, context.DeadlineExceeded) {
			return err.Error() + "\n\nThe operation ran out of time: apply again, or raise the resource's timeouts."
		}
		return err.Error()
	}
	return fmt.Sprintf("%s\n\n%s", apiErr.Error(), remedy(apiErr))
}

func remedy(e *ncloud.Error) string {
	switch {
	case e.StatusCode == http.StatusUnauthorized && e.Gateway && e.Code == "200" &&
		strings.Contains(strings.ToLower(e.Message+" "+e.Details), "timestamp"):
		return "NCP rejected the request's timestamp: check this machine's clock. NCP rejects requests signed more than 5 minutes " +
			"away from its own time; synchronise the clock (NTP) and apply again."
	case e.StatusCode == http.StatusUnauthorized && e.Gateway && e.Code == "200":
		return "NCP rejected the credentials. Check access_key and secret_key (or NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY). " +
			"If they are right, check this machine's clock: NCP rejects requests more than 5 minutes off."
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		return "The API key has no permission for " + e.Operation + ": grant the server (vserver) API to it in Sub Account, or use another key."
	case e.StatusCode == http.StatusTooManyRequests && e.Code == "400":
		return "The API quota is exhausted; retrying would not help. Apply again when the quota resets, or ask NCP to raise it."
	case e.Retryable():
		return fmt.Sprintf("NCP kept failing after %d attempts. Apply again later.", e.Attempts)
	default:
		return "Check the image number, the region and the login IDs in the configuration."
	}
}
