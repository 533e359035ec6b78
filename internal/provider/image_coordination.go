package provider

import (
	"slices"
	"strings"
	"sync"
)

// writeLocks serializes the writes to each image within the provider
// process: a set replaces the whole list, so two writes racing on one image
// leave whichever came last.
type writeLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (w *writeLocks) lock(region, no string) (unlock func()) {
	w.mu.Lock()
	if w.locks == nil {
		w.locks = map[string]*sync.Mutex{}
	}
	l, ok := w.locks[region+"/"+no]
	if !ok {
		l = &sync.Mutex{}
		w.locks[region+"/"+no] = l
	}
	w.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// planClaims remembers the login set each image was planned with in this
// run. Terraform plans each resource instance once per run and provider
// process, so the same image planned with two different sets means two
// resources manage it, and each apply would undo the other's.
type planClaims struct {
	mu      sync.Mutex
	planned map[string][]string
}

// claim records ids for the image and returns the other set when another
// resource planned the image with a different one.
func (p *planClaims) claim(region, no string, ids []string) (other []string, conflict bool) {
	key := region + "/" + no
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.planned == nil {
		p.planned = map[string][]string{}
	}
	prev, ok := p.planned[key]
	if ok && !sameLogins(prev, ids) {
		return prev, true
	}
	p.planned[key] = ids
	return nil, false
}

// sameLogins compares two login sets ignoring case and order.
func sameLogins(a, b []string) bool {
	return slices.Equal(foldedSorted(a), foldedSorted(b))
}

// foldedSorted is the case-insensitive identity of a login set.
func foldedSorted(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strings.ToLower(id)
	}
	slices.Sort(out)
	return out
}
