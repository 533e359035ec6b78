// Command ncloud-emulator serves the NCP vserver API emulator on loopback,
// for demos and manual testing of the provider. Point NCLOUD_API_GW at the
// URL it prints, with the keys it prints.
//
// Its keys are its flags, else the documented defaults emulator-access-key
// and emulator-secret-key: never NCLOUD_ACCESS_KEY or NCLOUD_SECRET_KEY from
// the environment, which hold a user's real keys as often as not, so that
// the documented steps work whatever the environment holds.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

const (
	defaultAccessKey = "emulator-access-key"
	defaultSecretKey = "emulator-secret-key"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ncloud-emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ncloud-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:18787", "loopback address to listen on")
	seed := fs.String("seed", "", "JSON seed file with the initial images")
	accessKey := fs.String("access-key", defaultAccessKey, "the accepted access key (NCLOUD_ACCESS_KEY in the environment is not used)")
	secretKey := fs.String("secret-key", "", "the accepted secret key (default "+defaultSecretKey+"; NCLOUD_SECRET_KEY in the environment is not used)")
	latency := fs.Duration("latency", 0, "delay added to every call")
	rateLimit := fs.Float64("rate-limit", 0, "calls per second before 429 Rate Limited (0 = off)")
	urlFile := fs.String("url-file", "", "write the base URL to this file once listening")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	// The secret's default is resolved here, not in the flag, so that a
	// secret given on the command line is never echoed back by -h or below.
	secretGiven := *secretKey != ""
	if !secretGiven {
		*secretKey = defaultSecretKey
	}

	srv := emulator.New(emulator.Options{AccessKey: *accessKey, SecretKey: *secretKey})
	if *seed != "" {
		if err := srv.LoadSeedFile(*seed); err != nil {
			return err
		}
	}
	srv.SetLatency(*latency)
	srv.SetRateLimit(*rateLimit)
	if err := srv.StartOn(*listen); err != nil {
		return err
	}
	defer srv.Close()
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(srv.URL()+"\n"), 0o600); err != nil {
			return fmt.Errorf("write url file: %w", err)
		}
	}
	secretShown := *secretKey // the default is documented, not a secret
	if secretGiven {
		secretShown = "<the -secret-key value>"
	}
	fmt.Fprintln(stdout, "ncloud-emulator listening on", srv.URL())
	fmt.Fprintf(stdout, "It accepts the access key %s and the secret key %s. Point the provider at it with:\n", *accessKey, secretShown)
	fmt.Fprintf(stdout, "  export NCLOUD_API_GW=%s NCLOUD_ACCESS_KEY=%s NCLOUD_SECRET_KEY=%s\n", srv.URL(), *accessKey, secretShown)
	if env := os.Getenv("NCLOUD_ACCESS_KEY"); env != "" && env != *accessKey {
		fmt.Fprintln(stdout, "NCLOUD_ACCESS_KEY in this environment holds another key: the emulator does not use it, "+
			"so export the keys above where you run terraform.")
	}

	<-ctx.Done()
	return nil
}
