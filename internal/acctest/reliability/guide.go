package reliability

import (
	"fmt"
	"strings"
)

// GuideTemplate is the reliability guide's template, from the module's root.
const GuideTemplate = "templates/guides/reliability.md.tmpl"

// Tables are the guide's generated tables, by the name of their markers:
// "<!-- BEGIN name -->" and "<!-- END name -->" enclose each.
func Tables() map[string]string {
	return map[string]string{"fault table": FaultTable(), "bad input table": BadInputTable()}
}

// UpdateGuide returns the guide with the text between each pair of markers
// replaced by its table.
func UpdateGuide(guide string) (string, error) {
	for marker, table := range Tables() {
		begin, end := "<!-- BEGIN "+marker+" -->\n", "<!-- END "+marker+" -->"
		i, j := strings.Index(guide, begin), strings.Index(guide, end)
		if i < 0 || j < i {
			return "", fmt.Errorf("markers %q and %q not found", begin, end)
		}
		guide = guide[:i+len(begin)] + table + guide[j:]
	}
	return guide, nil
}

// FaultTable is the guide's fault table: a row per scenario, a column per
// phase, and in each cell the outcome the suite checks.
func FaultTable() string {
	var b strings.Builder
	b.WriteString("| fault injected |")
	for _, p := range FaultPhases {
		fmt.Fprintf(&b, " %s (`%s`) |", p.Name, p.Operation)
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(FaultPhases)) + "\n")
	for _, sc := range FaultScenarios {
		fmt.Fprintf(&b, "| %s |", sc.Name)
		for _, p := range FaultPhases {
			var cell string
			switch {
			case p.Runs(sc) && sc.Fault.DropAfterApply && !p.idempotent():
				cell = "retry refused (already done); the re-read shows it: succeeds"
			case p.Runs(sc):
				cell = sc.Outcome.text()
			case p.Kind == Update:
				cell = "as create (same call)"
			default:
				cell = "not run"
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// text is the outcome as a cell of the fault table shows it.
func (o Outcome) text() string {
	switch o {
	case FailsWithoutRetry:
		return "not retried: error"
	case FailsAfterRetries:
		return fmt.Sprintf("error after %d attempts (`max_retries = %d`)", MaxRetries+1, MaxRetries)
	default:
		return "retried: succeeds"
	}
}

// BadInputTable is the guide's bad-input table: a row per input, with the
// phrases its diagnostic must hold.
func BadInputTable() string {
	var b strings.Builder
	b.WriteString("| input | fails, before any write, with |\n|---|---|\n")
	for _, in := range BadInputs {
		quoted := make([]string, len(in.Want))
		for i, w := range in.Want {
			quoted[i] = "`" + strings.ReplaceAll(w, "|", `\|`) + "`"
		}
		when := ""
		if in.AtApply {
			when = " (at apply; the plan warns, so that a destroy is not blocked)"
		}
		fmt.Fprintf(&b, "| %s | %s%s |\n", in.Name, strings.Join(quoted, " … "), when)
	}
	return b.String()
}
