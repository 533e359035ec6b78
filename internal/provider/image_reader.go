package provider

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
	batchTimeout = defaultReadTimeout
	// recentFor is how long an answer may stand in for a new lookup by
	// Create: Terraform plans a resource again, in the same process, just
	// before it creates it.
	recentFor = time.Minute
)

// imageReader coalesces concurrent member server image lookups into
// getMemberServerImageInstanceList calls: the gateway throttles on calls,
// not on images, and a plan over hundreds of images would otherwise make
// hundreds of calls. One call per region is in flight at a time; lookups
// that arrive meanwhile gather into the next one, so batches grow to
// Terraform's parallelism.
type imageReader struct {
	client *ncloud.Client

	mu      sync.Mutex
	regions map[string]*regionReads
	recent  map[string]recentImage // by region/no
}

// regionReads is the batching state of one region.
type regionReads struct {
	next   *imageBatch   // gathering; nil when none
	flying bool          // a call is in flight
	joined chan struct{} // signalled when a lookup joins next
}

// imageBatch is one list call shared by the lookups that joined it.
type imageBatch struct {
	// ctx is the first lookup's context, for the call's logs. The batch
	// outlives that lookup's cancellation (others wait on it), and a
	// released request context (see releasableContext) only loses its logger.
	ctx context.Context
	// last is the call's last failed attempt, for the lookups whose
	// context ends while the call still retries.
	last   *ncloud.LastFailure
	nos    []string
	seen   map[string]bool
	done   chan struct{} // closed when images and err are set
	images map[string]*ncloud.MemberServerImage
	err    error
}

type recentImage struct {
	img *ncloud.MemberServerImage
	at  time.Time
}

func newImageReader(client *ncloud.Client) *imageReader {
	return &imageReader{client: client, regions: map[string]*regionReads{}, recent: map[string]recentImage{}}
}

// get returns the member server image, or an error wrapping
// ncloud.ErrNotFound when the member server image API does not hold it.
func (r *imageReader) get(ctx context.Context, region, no string) (*ncloud.MemberServerImage, error) {
	r.mu.Lock()
	rr := r.regions[region]
	if rr == nil {
		rr = &regionReads{joined: make(chan struct{}, 1)}
		r.regions[region] = rr
	}
	b := rr.next
	if b == nil {
		last := &ncloud.LastFailure{}
		b = &imageBatch{ctx: ncloud.WithLastFailure(context.WithoutCancel(ctx), last), last: last, seen: map[string]bool{}, done: make(chan struct{})}
		rr.next = b
		if !rr.flying {
			time.AfterFunc(readWindow, func() { r.flush(region, b) })
		}
	}
	if !b.seen[no] {
		b.seen[no] = true
		b.nos = append(b.nos, no)
		select {
		case rr.joined <- struct{}{}:
		default:
		}
	}
	if len(b.nos) >= maxBatch && !rr.flying {
		go r.flush(region, b)
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
	img, ok := b.images[no]
	if !ok {
		return nil, fmt.Errorf("member server image %s in region %s: %w", no, region, ncloud.ErrNotFound)
	}
	return img, nil
}

// recentImage returns an answer to a lookup of this process made within
// recentFor, if any.
func (r *imageReader) recentImage(region, no string) (*ncloud.MemberServerImage, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.recent[region+"/"+no]
	if !ok || time.Since(e.at) > recentFor {
		return nil, false
	}
	return e.img, true
}

// flush makes the batch's call unless it was already made or another call
// of the region is in flight (that call's end flushes it), then flushes the
// batch that gathered meanwhile.
func (r *imageReader) flush(region string, b *imageBatch) {
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
func (r *imageReader) gather(rr *regionReads, answered int) {
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
func (r *imageReader) waiting(rr *regionReads) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rr.next == nil {
		return 0
	}
	return len(rr.next.nos)
}

func (r *imageReader) call(region string, nos []string, b *imageBatch) {
	ctx, cancel := context.WithTimeout(b.ctx, batchTimeout)
	defer cancel()
	images, err := r.client.GetMemberServerImages(ctx, region, nos)
	b.images = make(map[string]*ncloud.MemberServerImage, len(images))
	now := time.Now()
	r.mu.Lock()
	for i := range images {
		img := &images[i]
		b.images[img.InstanceNo] = img
		r.recent[region+"/"+img.InstanceNo] = recentImage{img, now}
	}
	r.mu.Unlock()
	b.err = err
	close(b.done)
}
