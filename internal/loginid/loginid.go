// Package loginid defines what an NCP login ID is to this provider: the
// Terraform element type of a set of them, its validation, and sameness.
// NCP login IDs are account e-mail addresses, and NCP may return one in
// another letter case than it was sent: two IDs are the same login when
// they are equal ignoring case. Every image kind's resource uses this
// package; none writes these rules again.
package loginid

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// pattern rejects any whitespace (every Unicode space, \p{Z}, not only
// ASCII's \s) and any control or format character (\p{C}).
var pattern = regexp.MustCompile(`^[^\s\p{Z}\p{C}]+$`)

// key is a login ID's identity: IDs with the same key are one login.
func key(id string) string {
	return strings.ToLower(id)
}

// Same reports whether two lists name the same logins, ignoring case and
// order.
func Same(a, b []string) bool {
	ka, kb := keys(a), keys(b)
	if len(ka) != len(kb) {
		return false
	}
	for k := range ka {
		if _, ok := kb[k]; !ok {
			return false
		}
	}
	return true
}

// keys maps each login's key to its first spelling in ids.
func keys(ids []string) map[string]string {
	m := make(map[string]string, len(ids))
	for _, id := range ids {
		if _, seen := m[key(id)]; !seen {
			m[key(id)] = id
		}
	}
	return m
}

// Settle turns the logins NCP returned into a set Terraform can hold: one
// spelling per login, the known (configured or prior) one where there is
// one, else the first NCP returned. extra lists the spellings dropped
// because NCP returned one login more than once, in different cases.
// settled is empty, never nil, when got is.
func Settle(known, got []string) (settled, extra []string) {
	spelling := keys(known)
	settled = make([]string, 0, len(got))
	seen := make(map[string]bool, len(got))
	for _, id := range got {
		k := key(id)
		if seen[k] {
			extra = append(extra, id)
			continue
		}
		seen[k] = true
		if s, ok := spelling[k]; ok {
			id = s
		}
		settled = append(settled, id)
	}
	return settled, extra
}

// NotIn lists the logins of have that keep does not name.
func NotIn(have, keep []string) []string {
	k := keys(keep)
	var out []string
	for _, id := range have {
		if _, ok := k[key(id)]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// Diff is what to remove from held and add to it so that it names exactly
// the logins of want, for an API that adds and removes rather than sets. A
// login wanted and held in more than one spelling keeps one (the wanted
// spelling, when held): the others are removed.
func Diff(held, want []string) (remove, add []string) {
	wanted := keys(want)
	kept := map[string]string{} // key: the held spelling kept
	for _, id := range held {
		k := key(id)
		w, ok := wanted[k]
		cur, has := kept[k]
		switch {
		case !ok:
			remove = append(remove, id)
		case !has:
			kept[k] = id
		case id == w && cur != w:
			remove = append(remove, cur)
			kept[k] = id
		default:
			remove = append(remove, id)
		}
	}
	for k, id := range wanted {
		if _, ok := kept[k]; !ok {
			add = append(add, id)
		}
	}
	slices.Sort(add)
	return remove, add
}

// maxNamed bounds how many login IDs one diagnostic lists.
const maxNamed = 5

// List names the first few logins and counts the rest, so that a
// diagnostic stays readable when an image is shared with hundreds.
func List(ids []string) string {
	if len(ids) <= maxNamed {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:maxNamed], ", "), len(ids)-maxNamed)
}
