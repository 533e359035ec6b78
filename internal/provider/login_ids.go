package provider

import (
	"fmt"
	"regexp"
	"strings"
)

// NCP login IDs are account e-mail addresses, and NCP may return one in
// another letter case than it was sent. This file is the one place that
// says what two login IDs being "the same" means: equal ignoring case.

// loginIDPattern rejects any whitespace (every Unicode space, \p{Z}, not
// only ASCII's \s) and any control or format character (\p{C}).
var loginIDPattern = regexp.MustCompile(`^[^\s\p{Z}\p{C}]+$`)

// loginKey is a login ID's identity: IDs with the same key are one login.
func loginKey(id string) string {
	return strings.ToLower(id)
}

// sameLogins reports whether two login lists name the same logins,
// ignoring case and order.
func sameLogins(a, b []string) bool {
	ka, kb := loginKeys(a), loginKeys(b)
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

// loginKeys maps each login's key to its first spelling in ids.
func loginKeys(ids []string) map[string]string {
	keys := make(map[string]string, len(ids))
	for _, id := range ids {
		if _, seen := keys[loginKey(id)]; !seen {
			keys[loginKey(id)] = id
		}
	}
	return keys
}

// settleLogins turns the logins NCP returned into a set Terraform can hold:
// one spelling per login, the known (configured or prior) one where there is
// one, else the first NCP returned. extra lists the spellings dropped
// because NCP returned one login more than once, in different cases.
func settleLogins(known, got []string) (settled, extra []string) {
	spelling := loginKeys(known)
	settled = make([]string, 0, len(got)) // empty, not null: shared with nobody
	seen := make(map[string]bool, len(got))
	for _, id := range got {
		k := loginKey(id)
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

// loginsNotIn lists the logins of have that keep does not name.
func loginsNotIn(have, keep []string) []string {
	keys := loginKeys(keep)
	var out []string
	for _, id := range have {
		if _, ok := keys[loginKey(id)]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// maxNamedLogins bounds how many login IDs one diagnostic lists.
const maxNamedLogins = 5

// listLogins names the first few logins and counts the rest, so that a
// diagnostic stays readable when an image is shared with hundreds.
func listLogins(ids []string) string {
	if len(ids) <= maxNamedLogins {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:maxNamedLogins], ", "), len(ids)-maxNamedLogins)
}
