package reliability

import "testing"

func TestUpdateGuide(t *testing.T) {
	guide := "intro\n<!-- BEGIN fault table -->\nstale\n<!-- END fault table -->\nmiddle\n" +
		"<!-- BEGIN bad input table -->\n<!-- END bad input table -->\nend\n"
	got, err := UpdateGuide(guide)
	if err != nil {
		t.Fatal(err)
	}
	want := "intro\n<!-- BEGIN fault table -->\n" + FaultTable() + "<!-- END fault table -->\nmiddle\n" +
		"<!-- BEGIN bad input table -->\n" + BadInputTable() + "<!-- END bad input table -->\nend\n"
	if got != want {
		t.Errorf("UpdateGuide =\n%s\nwant\n%s", got, want)
	}
	if again, err := UpdateGuide(got); again != got || err != nil {
		t.Errorf("UpdateGuide of an updated guide changed it (%v)", err)
	}
	if _, err := UpdateGuide("<!-- BEGIN fault table -->\n<!-- END fault table -->\n"); err == nil {
		t.Error("UpdateGuide without the bad input table's markers: no error")
	}
}

// Test names are made of the rows' names, so each must be unique.
func TestNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	add := func(name string) {
		if seen[name] {
			t.Errorf("name %q repeated", name)
		}
		seen[name] = true
	}
	for _, p := range FaultPhases {
		add("phase " + p.Name)
	}
	for _, sc := range FaultScenarios {
		add(sc.Name)
	}
	for _, in := range BadInputs {
		add(in.Name)
	}
}

func TestFaultCases(t *testing.T) {
	var update, writesOnly int
	for _, c := range FaultCases() {
		if c.Phase.Kind == Update {
			update++
			if c.Scenario.Outcome != FailsAfterRetries {
				t.Errorf("update runs %q: it makes the same call as create", c.Scenario.Name)
			}
		}
		if c.Scenario.WritesOnly {
			writesOnly++
			if !c.Phase.Kind.Writes() {
				t.Errorf("%s runs %q, which only means something for a write", c.Phase.Name, c.Scenario.Name)
			}
		}
	}
	if update == 0 || writesOnly == 0 {
		t.Errorf("%d update cases and %d write-only cases, want some of each", update, writesOnly)
	}
}
