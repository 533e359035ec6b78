package loginid

import (
	"slices"
	"testing"
)

func TestPatternRejectsEveryUnicodeSpaceAndControl(t *testing.T) {
	for _, bad := range []string{
		"a b", "a\tb", "a\nb", "a\u00a0b", "a\u3000b", "a\u2003b", "a\u2028b", "a\u0085b", "a\u200bb", "a\ufeffb", "a\x00b", "a\x7fb", "\u00a0",
	} {
		if pattern.MatchString(bad) {
			t.Errorf("%q is accepted", bad)
		}
	}
	for _, good := range []string{"alice@example.com", "Bob.Smith+x@example.co.kr", "사용자@example.com"} {
		if !pattern.MatchString(good) {
			t.Errorf("%q is rejected", good)
		}
	}
}

func TestSettleLogins(t *testing.T) {
	// NCP answers one login in two cases: one element, in the known spelling.
	settled, extra := Settle([]string{"A@x.com"}, []string{"a@x.com", "A@X.COM", "b@x.com"})
	if !slices.Equal(settled, []string{"A@x.com", "b@x.com"}) || !slices.Equal(extra, []string{"A@X.COM"}) {
		t.Errorf("settled %q, extra %q", settled, extra)
	}
	// Nothing known (after an import): the first spelling NCP returned.
	settled, extra = Settle(nil, []string{"A@X.COM", "a@x.com"})
	if !slices.Equal(settled, []string{"A@X.COM"}) || !slices.Equal(extra, []string{"a@x.com"}) {
		t.Errorf("settled %q, extra %q", settled, extra)
	}
}

func TestSameAndNotIn(t *testing.T) {
	if !Same([]string{"a@x.com", "B@x.com"}, []string{"b@X.com", "A@x.com"}) {
		t.Error("the same logins in another order and case differ")
	}
	if Same([]string{"a@x.com"}, []string{"a@x.com", "b@x.com"}) {
		t.Error("a subset is the same")
	}
	if got := NotIn([]string{"a@x.com", "B@x.com", "c@x.com"}, []string{"b@x.com"}); !slices.Equal(got, []string{"a@x.com", "c@x.com"}) {
		t.Errorf("NotIn = %q", got)
	}
}

func TestListNamesAFewAndCounts(t *testing.T) {
	if got := List([]string{"a", "b"}); got != "a, b" {
		t.Errorf("got %q", got)
	}
	if got := List([]string{"a", "b", "c", "d", "e", "f", "g"}); got != "a, b, c, d, e and 2 more" {
		t.Errorf("got %q", got)
	}
}

func TestDiff(t *testing.T) {
	for _, c := range []struct {
		name                string
		held, want          []string
		wantRemove, wantAdd []string
	}{
		{"nothing to do", []string{"a@x.com"}, []string{"a@x.com"}, nil, nil},
		{"another case is the same login", []string{"A@X.com"}, []string{"a@x.com"}, nil, nil},
		{"add and remove", []string{"a@x.com", "b@x.com"}, []string{"b@x.com", "c@x.com"}, []string{"a@x.com"}, []string{"c@x.com"}},
		{"everything goes", []string{"a@x.com", "b@x.com"}, nil, []string{"a@x.com", "b@x.com"}, nil},
		{"two spellings: keep the wanted one", []string{"A@X.COM", "a@x.com"}, []string{"a@x.com"}, []string{"A@X.COM"}, nil},
		{"two spellings, neither wanted: keep the first", []string{"A@X.COM", "a@X.com"}, []string{"a@x.com"}, []string{"a@X.com"}, nil},
	} {
		remove, add := Diff(c.held, c.want)
		if !slices.Equal(remove, c.wantRemove) || !slices.Equal(add, c.wantAdd) {
			t.Errorf("%s: remove %q, add %q; want %q, %q", c.name, remove, add, c.wantRemove, c.wantAdd)
		}
	}
}
