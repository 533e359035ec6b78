// Command guide-tables writes the reliability guide's fault and bad-input
// tables, rendered from the scenarios the acceptance tests run (package
// reliability), between their markers in the guide's template. `make
// generate` runs it from tools/tools.go, before tfplugindocs renders the
// template into docs/.
//
//	go run ./internal/acctest/cmd/guide-tables [-guide templates/guides/reliability.md.tmpl]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest/reliability"
)

func main() {
	guide := flag.String("guide", reliability.GuideTemplate, "the guide's template, rewritten in place")
	flag.Parse()
	if err := run(*guide); err != nil {
		fmt.Fprintln(os.Stderr, "guide-tables:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	updated, err := reliability.UpdateGuide(string(raw))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if updated == string(raw) {
		return nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(updated), info.Mode().Perm())
}
