package provider

import (
	"sync"
)

// imageKey names one image: numbers are unique within a region only.
type imageKey struct{ region, no string }

// writeLocks serializes the writes to each image within the provider
// process: a set replaces the whole list, so two writes racing on one image
// leave whichever came last. It also remembers which images a create or
// update of this process shared.
type writeLocks struct {
	mu      sync.Mutex
	locks   map[imageKey]*sync.Mutex
	written map[imageKey]bool
}

func (w *writeLocks) lock(region, no string) (unlock func()) {
	w.mu.Lock()
	if w.locks == nil {
		w.locks = map[imageKey]*sync.Mutex{}
	}
	l, ok := w.locks[imageKey{region, no}]
	if !ok {
		l = &sync.Mutex{}
		w.locks[imageKey{region, no}] = l
	}
	w.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// markWritten records that a create or update of this apply shared the
// image. The caller holds the image's lock.
func (w *writeLocks) markWritten(region, no string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.written == nil {
		w.written = map[imageKey]bool{}
	}
	w.written[imageKey{region, no}] = true
}

// writtenHere reports whether a create or update of this apply shared the
// image: then it belongs to that resource instance, and the delete of
// another instance (the old object of a create_before_destroy replacement,
// a resource renamed without a moved block) must not unshare it.
func (w *writeLocks) writtenHere(region, no string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.written[imageKey{region, no}]
}

// planClaims records which resource instance planned each image in this
// run: one image has one owner, or removing either resource later unshares
// the image for both. Terraform does not tell providers resource addresses,
// so each planned instance carries a random token in its private state.
type planClaims struct {
	mu    sync.Mutex
	owner map[imageKey]string
}

// claim records the token as the image's owner and reports a conflict when
// another instance planned the image first.
func (p *planClaims) claim(region, no, token string) (conflict bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.owner == nil {
		p.owner = map[imageKey]string{}
	}
	key := imageKey{region, no}
	if owner, ok := p.owner[key]; ok && owner != token {
		return true
	}
	p.owner[key] = token
	return false
}
