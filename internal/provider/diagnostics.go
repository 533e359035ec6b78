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
//
// How the call ended comes first: a cancelled operation (Ctrl-C, Terraform
// stopping) is reported as such, never as a timeout or as NCP failing; an
// operation that ran out of the resource's time says so and shows what NCP
// answered last; a per-attempt timeout is the client's fixed limit, which
// the resource's timeouts do not change.
func errorDetail(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return err.Error() + "\n\n" + interruptedRemedy
	case errors.Is(err, context.DeadlineExceeded):
		return err.Error() + "\n\n" + outOfTimeRemedy(err)
	case errors.Is(err, ncloud.ErrAttemptTimeout):
		return err.Error() + "\n\n" + attemptTimeoutRemedy
	}
	var apiErr *ncloud.Error
	if !errors.As(err, &apiErr) {
		return err.Error()
	}
	return fmt.Sprintf("%s\n\n%s", err.Error(), remedy(apiErr))
}

const (
	interruptedRemedy = "The operation was cancelled: Terraform was interrupted (Ctrl-C) or is stopping, and the provider " +
		"stopped its API calls. A write that was under way may or may not have reached NCP: run terraform plan to see " +
		"what NCP holds, then apply again."
	attemptTimeoutRemedy = "NCP did not answer within the client's fixed time limit per attempt, and the retries that " +
		"max_retries allows were used up. That limit is not one of the resource's timeouts, which cannot change it. " +
		"NCP or the network to it is slow: apply again later, or raise max_retries to allow more attempts."
)

// outOfTimeRemedy is the remedy of an operation that the resource's timeout
// ended, with what NCP answered last when an attempt failed before.
func outOfTimeRemedy(err error) string {
	var b strings.Builder
	b.WriteString("The operation ran out of time: the resource's timeout for it ended")
	var stopped *ncloud.StoppedError
	if errors.As(err, &stopped) && stopped.Last != nil {
		b.WriteString(" while the provider was retrying NCP's failures (the last one is shown above)")
	}
	b.WriteString(". Apply again later, or raise the resource's timeouts " +
		"(timeouts.create, timeouts.read, timeouts.update or timeouts.delete, for the operation that ran out).")
	return b.String()
}

// waitEnded is the diagnostic of a wait, for an image being created, that
// the context ended: the operation was cancelled, or it ran out of
// timeouts.create.
func waitEnded(err error, noun, imageNo, status string) (summary, detail string) {
	if errors.Is(err, context.Canceled) {
		return fmt.Sprintf("Interrupted while waiting for %s %s", noun, imageNo),
			fmt.Sprintf("The image was still in status %s (being created) when Terraform was interrupted (Ctrl-C) or began stopping. "+
				"Nothing was shared. Apply again to continue.", status)
	}
	return fmt.Sprintf("Timed out waiting for %s %s", noun, imageNo),
		fmt.Sprintf("The image is still in status %s (being created). Apply again later, or raise timeouts.create.", status)
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
	case e.StatusCode >= 500:
		return "The NCP API reported a failure of its own while running the request. The provider does not repeat a request " +
			"that the API answered: apply again later, and if it persists, give NCP support the request ID."
	default:
		return "Check the image number, the region and the login IDs in the configuration."
	}
}
