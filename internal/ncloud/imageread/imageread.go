// Package imageread coalesces concurrent image lookups into list calls of
// the API client: the gateway throttles on calls, not on images, and a plan
// over hundreds of images would otherwise make hundreds of calls. One
// Reader serves one image kind; one call per region is in flight at a time,
// and lookups that arrive meanwhile gather into the next one, so batches
// grow to Terraform's parallelism.
package imageread

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

const (
	// readWindow is how long a batch gathers lookups before its call:
	// Terraform starts up to ten resources at once, within a few
	// milliseconds, and starts the next ones as those finish. It is small
	// beside a gateway round trip, so a lone read hardly notices it.
	readWindow = 10 * time.Millisecond
	// gatherMax bounds how long the next call waits for lookups to join
	// after a call (see gather).
	gatherMax = 30 * time.Millisecond
	// maxBatch images per call; the client splits larger lists anyway.
	maxBatch = 100
	// batchTimeout bounds a batch's call, which no single caller owns.
	batchTimeout = 5 * time.Minute
	// recentFor is how long an answer may stand in for a new lookup by a
	// create: Terraform plans a resource again, in the same process, just
	// before it creates it.
	recentFor = time.Minute
)

// Fetch reads the images among nos in region with as few calls as the API
// allows; images that do not exist are absent from the result.
type Fetch[T any] func(ctx context.Context, region string, nos []string) ([]T, error)

// Reader coalesces the lookups of one image kind.
type Reader[T any] struct {
	fetch Fetch[T]
	no    func(*T) string // an image's number
	kind  string          // "member server image", for errors

	mu      sync.Mutex
	regions map[string]*regionReads[T]
	recent  map[ncloud.ImageKey]recent[T]
}

// regionReads is the batching state of one region.
type regionReads[T any] struct {
	next   *batch[T]     // gathering; nil when none
	flying bool          // a call is in flight
	joined chan struct{} // signalled when a lookup joins next
}

// batch is one list call shared by the lookups that joined it.
type batch[T any] struct {
	// ctx is the first lookup's context, for the call's logs. The batch
	// outlives that lookup's cancellation (others wait on it), and a
	// released request context only loses its logger.
	ctx context.Context
	// last is the call's last failed attempt, for the lookups whose
	// context ends while the call still retries.
	last   *ncloud.LastFailure
	nos    []string
	seen   map[string]bool
	done   chan struct{} // closed when images and err are set
	images map[string]*T
	err    error
}

type recent[T any] struct {
	img *T
	at  time.Time
}

// New returns a Reader of one image kind: fetch reads a batch, no gives an
// image's number, kind names the kind in errors.
func New[T any](fetch Fetch[T], no func(*T) string, kind string) *Reader[T] {
	return &Reader[T]{fetch: fetch, no: no, kind: kind, regions: map[string]*regionReads[T]{}, recent: map[ncloud.ImageKey]recent[T]{}}
}

// MemberImages reads member server images with getMemberServerImageInstanceList.
func MemberImages(c *ncloud.Client) *Reader[ncloud.MemberServerImage] {
	return New(c.GetMemberServerImages, func(img *ncloud.MemberServerImage) string { return img.InstanceNo }, "member server image")
}

// ServerImages reads images of the server image API (KVM and XEN) with
// getServerImageList.
func ServerImages(c *ncloud.Client) *Reader[ncloud.ServerImage] {
	return New(c.GetServerImages, func(img *ncloud.ServerImage) string { return img.No }, "server image")
}

// Get returns the image, or an error wrapping ncloud.ErrNotFound when the
// API does not hold it.
func (r *Reader[T]) Get(ctx context.Context, k ncloud.ImageKey) (*T, error) {
	r.mu.Lock()
	rr := r.regions[k.Region]
	if rr == nil {
		rr = &regionReads[T]{joined: make(chan struct{}, 1)}
		r.regions[k.Region] = rr
	}
	b := rr.next
	if b == nil {
		last := &ncloud.LastFailure{}
		b = &batch[T]{ctx: ncloud.WithLastFailure(context.WithoutCancel(ctx), last), last: last, seen: map[string]bool{}, done: make(chan struct{})}
		rr.next = b
		if !rr.flying {
			time.AfterFunc(readWindow, func() { r.flush(k.Region, b) })
		}
	}
	if !b.seen[k.No] {
		b.seen[k.No] = true
		b.nos = append(b.nos, k.No)
		select {
		case rr.joined <- struct{}{}:
		default:
		}
	}
	if len(b.nos) >= maxBatch && !rr.flying {
		go r.flush(k.Region, b)
	}
	r.mu.Unlock()

	select {
	case <-ctx.Done():
		return nil, b.last.Stopped(ctx.Err())
	case <-b.done:
	}
	if b.err != nil {
		return nil, b.err
	}
	img, ok := b.images[k.No]
	if !ok {
		return nil, fmt.Errorf("%s %s in region %s: %w", r.kind, k.No, k.Region, ncloud.ErrNotFound)
	}
	return img, nil
}

// Recent returns an answer to a lookup of this process made within
// recentFor, if any.
func (r *Reader[T]) Recent(k ncloud.ImageKey) (*T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.recent[k]
	if !ok || time.Since(e.at) > recentFor {
		return nil, false
	}
	return e.img, true
}

// flush makes the batch's call unless it was already made or another call
// of the region is in flight (that call's end flushes it), then flushes the
// batch that gathered meanwhile.
func (r *Reader[T]) flush(region string, b *batch[T]) {
	for b != nil {
		r.mu.Lock()
		rr := r.regions[region]
		if rr.next != b || rr.flying {
			r.mu.Unlock()
			return
		}
		rr.next, rr.flying = nil, true
		nos := b.nos
		r.mu.Unlock()

		r.call(region, nos, b)
		r.gather(rr, len(nos))

		r.mu.Lock()
		rr.flying = false
		b = rr.next // gathered during the call: its turn now
		r.mu.Unlock()
	}
}

// gather holds the next call until every lookup that was outstanding when
// the last call returned is waiting again, for at most gatherMax: those that
// waited meanwhile, and the ones just answered, whose resources Terraform
// finishes and follows with as many new ones. So each call carries
// Terraform's whole parallelism, instead of the lookups alternating between
// two half-full calls, each waiting for the other's round trip.
func (r *Reader[T]) gather(rr *regionReads[T], answered int) {
	want := min(answered+r.waiting(rr), maxBatch)
	deadline := time.NewTimer(gatherMax)
	defer deadline.Stop()
	for r.waiting(rr) < want {
		select {
		case <-rr.joined:
		case <-deadline.C:
			return
		}
	}
}

// waiting is the number of lookups gathered for the region's next call.
func (r *Reader[T]) waiting(rr *regionReads[T]) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rr.next == nil {
		return 0
	}
	return len(rr.next.nos)
}

func (r *Reader[T]) call(region string, nos []string, b *batch[T]) {
	ctx, cancel := context.WithTimeout(b.ctx, batchTimeout)
	defer cancel()
	images, err := r.fetch(ctx, region, nos)
	b.images = make(map[string]*T, len(images))
	now := time.Now()
	r.mu.Lock()
	for i := range images {
		img := &images[i]
		b.images[r.no(img)] = img
		r.recent[ncloud.ImageKey{Region: region, No: r.no(img)}] = recent[T]{img, now}
	}
	r.mu.Unlock()
	b.err = err
	close(b.done)
}
