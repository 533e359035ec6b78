package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The reliability guide's fault and bad-input tables are rendered from the
// tables the acceptance tests run (faults_test.go, bad_input_test.go), so
// the guide states what the suite shows. UPDATE_GUIDE=1 rewrites them.

const guideTemplate = "../../templates/guides/reliability.md.tmpl"

func TestReliabilityGuideIsCurrent(t *testing.T) {
	raw, err := os.ReadFile(guideTemplate)
	if err != nil {
		t.Fatal(err)
	}
	guide := string(raw)
	for marker, table := range map[string]string{"fault table": faultTable(), "bad input table": badInputTable()} {
		begin, end := "<!-- BEGIN "+marker+" -->\n", "<!-- END "+marker+" -->"
		i, j := strings.Index(guide, begin), strings.Index(guide, end)
		if i < 0 || j < i {
			t.Fatalf("%s: markers %q and %q not found", guideTemplate, begin, end)
		}
		guide = guide[:i+len(begin)] + table + guide[j:]
	}
	if guide == string(raw) {
		return
	}
	if os.Getenv("UPDATE_GUIDE") == "1" {
		if err := os.WriteFile(guideTemplate, []byte(guide), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s", filepath.Clean(guideTemplate))
		return
	}
	t.Errorf("%s does not match the test tables: run UPDATE_GUIDE=1 go test ./internal/provider -run TestReliabilityGuideIsCurrent, then make generate", guideTemplate)
}

func faultTable() string {
	var b strings.Builder
	b.WriteString("| fault injected |")
	for _, p := range faultPhases {
		fmt.Fprintf(&b, " %s (`%s`) |", p.name, p.operation)
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(faultPhases)) + "\n")
	cases := faultCases()
	for _, sc := range faultScenarios {
		fmt.Fprintf(&b, "| %s |", sc.name)
		for _, p := range faultPhases {
			cell := "not run"
			if p.name == "set (update)" {
				cell = "as create (same call)"
			}
			for _, c := range cases {
				if c.phase.name == p.name && c.scenario.name == sc.name {
					cell = outcomeText(sc)
				}
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func outcomeText(sc faultScenario) string {
	switch sc.outcome {
	case failsWithoutRetry:
		return "not retried: error"
	case failsAfterRetries:
		return fmt.Sprintf("error after %d attempts (`max_retries = %d`)", testMaxRetries+1, testMaxRetries)
	default:
		return "retried: succeeds"
	}
}

func badInputTable() string {
	var b strings.Builder
	b.WriteString("| input | fails, before any write, with |\n|---|---|\n")
	for _, in := range badInputs {
		quoted := make([]string, len(in.want))
		for i, w := range in.want {
			quoted[i] = "`" + strings.ReplaceAll(w, "|", `\|`) + "`"
		}
		when := ""
		if in.atApply {
			when = " (at apply; the plan warns, so that a destroy is not blocked)"
		}
		fmt.Fprintf(&b, "| %s | %s%s |\n", in.name, strings.Join(quoted, " … "), when)
	}
	return b.String()
}
