// Command ncloud-emulator serves the NCP vserver API emulator on loopback,
// for demos and manual testing of the provider. Point NCLOUD_API_GW at the
// URL it prints.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ncloud-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("ncloud-emulator", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:18787", "loopback address to listen on")
	seed := fs.String("seed", "", "JSON seed file with the initial images")
	// The key defaults are resolved after parsing so that -h never prints a secret.
	accessKey := fs.String("access-key", "", "the accepted access key (default $NCLOUD_ACCESS_KEY, else emulator-access-key)")
	secretKey := fs.String("secret-key", "", "the accepted secret key (default $NCLOUD_SECRET_KEY, else emulator-secret-key)")
	latency := fs.Duration("latency", 0, "delay added to every call")
	rateLimit := fs.Float64("rate-limit", 0, "calls per second before 429 Rate Limited (0 = off)")
	urlFile := fs.String("url-file", "", "write the base URL to this file once listening")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}

	srv := emulator.New(emulator.Options{
		AccessKey: orDefault(*accessKey, os.Getenv("NCLOUD_ACCESS_KEY"), "emulator-access-key"),
		SecretKey: orDefault(*secretKey, os.Getenv("NCLOUD_SECRET_KEY"), "emulator-secret-key"),
	})
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
	fmt.Println("ncloud-emulator listening on", srv.URL())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}

// orDefault returns the first non-empty value.
func orDefault(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
