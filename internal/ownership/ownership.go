// Package ownership keeps one owner per image within one Terraform run
// (one provider process): writes to an image are serialized, a delete
// never undoes what another resource instance of the same apply wrote, and
// two resource instances that plan one image are caught at plan time.
// Every image kind's resource uses it, keyed by ncloud.ImageKey.
package ownership

import (
	"sync"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// Writes serializes the writes to each image: a sharing write builds on
// what the image holds, so two writes racing on one image leave whichever
// came last. It also remembers which images a create or update shared.
// The zero value is ready to use.
type Writes struct {
	mu      sync.Mutex
	locks   map[ncloud.ImageKey]*sync.Mutex
	written map[ncloud.ImageKey]bool
}

// Lock waits for the image's turn; call unlock when the write is done.
func (w *Writes) Lock(k ncloud.ImageKey) (unlock func()) {
	w.mu.Lock()
	if w.locks == nil {
		w.locks = map[ncloud.ImageKey]*sync.Mutex{}
	}
	l, ok := w.locks[k]
	if !ok {
		l = &sync.Mutex{}
		w.locks[k] = l
	}
	w.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// MarkWritten records that a create or update of this apply shared the
// image. The caller holds the image's lock.
func (w *Writes) MarkWritten(k ncloud.ImageKey) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.written == nil {
		w.written = map[ncloud.ImageKey]bool{}
	}
	w.written[k] = true
}

// WrittenHere reports whether a create or update of this apply shared the
// image: then it belongs to that resource instance, and the delete of
// another instance (the old object of a create_before_destroy replacement,
// a resource renamed without a moved block) must not unshare it.
func (w *Writes) WrittenHere(k ncloud.ImageKey) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.written[k]
}

// Claims records which resource instance planned each image in this run:
// one image has one owner, or removing either resource later unshares the
// image for both. Terraform does not tell providers resource addresses, so
// the caller identifies an instance by a token of its own (see the
// resources' private state). The zero value is ready to use.
type Claims struct {
	mu    sync.Mutex
	owner map[ncloud.ImageKey]string
}

// Claim records token as the image's owner and reports a conflict when
// another instance claimed the image first.
func (c *Claims) Claim(k ncloud.ImageKey, token string) (conflict bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.owner == nil {
		c.owner = map[ncloud.ImageKey]string{}
	}
	if owner, ok := c.owner[k]; ok && owner != token {
		return true
	}
	c.owner[k] = token
	return false
}
