// Package imageread coalesces concurrent image lookups into list calls of
// the API client: the gateway throttles on calls, not on images, and a plan
// over hundreds of images would otherwise make hundreds of calls. One
// Reader serves one image kind; one call per region is in flight at a time,
// and lookups that arrive meanwhile gather into the next one, so batches
// grow to Terraform's parallelism.
//
// Batches still cost a round trip per Terraform's parallelism of
// resources, one after another. So once a run has looked up enough images
// of a region, the Reader reads ahead: it lists the region's images of its
// kind, in pages read at once, and answers later lookups from that listing
// without a call. A listing is read only in place of a lookup call that is
// due anyway, and only as far as its pages cost no more calls than the run
// has made already (see readAhead).
package imageread

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

const (
	// readWindow is how long a batch gathers lookups before its call,
	// counted from the last one that joined, up to gatherMax from the
	// first: Terraform starts up to ten resources at once, within a few
	// milliseconds (more when the machine is busy), and starts the next
	// ones as those finish. It is small beside a gateway round trip, so a
	// lone read hardly notices it.
	readWindow = 10 * time.Millisecond
	// gatherMax bounds how long a call waits for lookups to join: the
	// first batch after its first lookup, the next after a call (see
	// gather).
	gatherMax = 30 * time.Millisecond
	// maxBatch images per call; the client splits larger lists anyway.
	maxBatch = 100
	// batchTimeout bounds a batch's call, which no single caller owns.
	batchTimeout = 5 * time.Minute
	// recentFor is how long an answer may stand in for a new lookup by a
	// create: Terraform plans a resource again, in the same process, just
	// before it creates it. A listing answers lookups as long: as fresh as
	// a lookup made earlier in the same plan.
	recentFor = time.Minute
	// readAheadAfter is how many images of a region a run looks up before
	// the Reader lists the region: more than two rounds of Terraform's
	// default parallelism, so that the listing replaces the third round's
	// lookup. A configuration of a few images never pays for a listing of
	// a large account, and the calls made by then tell what later lookups
	// would cost.
	readAheadAfter = 21
	// pagesAtOnce bounds the listing's calls in flight.
	pagesAtOnce = 4
)

// Fetch reads the images among nos in region with as few calls as the API
// allows; images that do not exist are absent from the result.
type Fetch[T any] func(ctx context.Context, region string, nos []string) ([]T, error)

// List reads page pageNo (from 1) of the region's images of the kind.
type List[T any] func(ctx context.Context, region string, pageNo int) (ncloud.Page[T], error)

// Reader coalesces the lookups of one image kind.
type Reader[T any] struct {
	fetch Fetch[T]
	list  List[T]
	no    func(*T) string // an image's number
	kind  string          // "member server image", for errors

	mu      sync.Mutex
	regions map[string]*regionReads[T]
	recent  map[ncloud.ImageKey]recent[T]
	// changing holds the images this process writes: a listing read
	// before the write no longer tells what NCP holds.
	changing map[ncloud.ImageKey]bool
}

// regionReads is the batching and listing state of one region.
type regionReads[T any] struct {
	next   *batch[T]     // gathering; nil when none
	flying bool          // a call is in flight
	joined chan struct{} // signalled when a lookup joins next

	// looked holds the images looked up that a listing could answer
	// (not written by this process), for readAheadAfter; calls counts the
	// lookup calls of such images, made or replaced by the listing.
	looked map[string]bool
	calls  int
	// listing holds the images of the pages read so far, of pages
	// known to exist (0 while unknown), read at listedAt.
	listing  map[string]*T
	have     int
	pages    int
	listedAt time.Time
	failed   bool // a listing call failed: lookups only, for this run
}

// batch is one list call shared by the lookups that joined it.
type batch[T any] struct {
	// ctx is the first lookup's context, for the call's logs. The batch
	// outlives that lookup's cancellation (others wait on it), and a
	// released request context only loses its logger.
	ctx context.Context
	// last is the call's last failed attempt, for the lookups whose
	// context ends while the call still retries.
	last *ncloud.LastFailure
	nos  []string
	seen map[string]bool
	// window flushes a batch that no call in flight will; opened is when
	// its first lookup came.
	window *time.Timer
	opened time.Time
	done   chan struct{} // closed when images and err are set
	images map[string]*T
	err    error
}

type recent[T any] struct {
	img *T
	at  time.Time
}

// New returns a Reader of one image kind: fetch reads a batch, list a page
// of the region's images, no gives an image's number, kind names the kind in
// errors.
func New[T any](fetch Fetch[T], list List[T], no func(*T) string, kind string) *Reader[T] {
	return &Reader[T]{fetch: fetch, list: list, no: no, kind: kind,
		regions: map[string]*regionReads[T]{}, recent: map[ncloud.ImageKey]recent[T]{}, changing: map[ncloud.ImageKey]bool{}}
}

// MemberImages reads member server images with getMemberServerImageInstanceList.
func MemberImages(c *ncloud.Client) *Reader[ncloud.MemberServerImage] {
	return New(c.GetMemberServerImages, c.MemberServerImagePage,
		func(img *ncloud.MemberServerImage) string { return img.InstanceNo }, "member server image")
}

// ServerImages reads images of the server image API (KVM and XEN) with
// getServerImageList. Its listing holds the account's own images (type
// SELF), the only ones a sharing resource manages; NCP's public images are
// looked up.
func ServerImages(c *ncloud.Client) *Reader[ncloud.ServerImage] {
	list := func(ctx context.Context, region string, pageNo int) (ncloud.Page[ncloud.ServerImage], error) {
		return c.ServerImagePage(ctx, region, ncloud.ServerImageTypeSelf, pageNo)
	}
	return New(c.GetServerImages, list, func(img *ncloud.ServerImage) string { return img.No }, "server image")
}

// Get returns the image, or an error wrapping ncloud.ErrNotFound when the
// API does not hold it. It answers from the region's listing when that holds
// the image, and looks it up otherwise.
func (r *Reader[T]) Get(ctx context.Context, k ncloud.ImageKey) (*T, error) {
	r.mu.Lock()
	rr := r.regions[k.Region]
	if rr == nil {
		rr = &regionReads[T]{joined: make(chan struct{}, 1), looked: map[string]bool{}}
		r.regions[k.Region] = rr
	}
	if !r.changing[k] {
		rr.looked[k.No] = true
	}
	if img, ok := r.listed(rr, k); ok {
		r.mu.Unlock()
		return img, nil
	}
	b := rr.next
	if b == nil {
		last := &ncloud.LastFailure{}
		b = &batch[T]{ctx: ncloud.WithLastFailure(context.WithoutCancel(ctx), last), last: last, seen: map[string]bool{}, done: make(chan struct{})}
		rr.next = b
		if !rr.flying {
			b.opened = time.Now()
			b.window = time.AfterFunc(readWindow, func() { r.flush(k.Region, b) })
		}
	}
	if !b.seen[k.No] {
		b.seen[k.No] = true
		b.nos = append(b.nos, k.No)
		if b.window != nil && !rr.flying {
			b.window.Reset(min(readWindow, time.Until(b.opened.Add(gatherMax))))
		}
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
// recentFor, if any, a listing's included.
func (r *Reader[T]) Recent(k ncloud.ImageKey) (*T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.recent[k]; ok && time.Since(e.at) <= recentFor {
		return e.img, true
	}
	if rr := r.regions[k.Region]; rr != nil {
		if img := rr.fresh(k.No); img != nil {
			return img, true
		}
	}
	return nil, false
}

// Changing tells the Reader that this process writes the image: from now
// on Get looks it up, as a listing read before no longer tells what NCP
// holds.
func (r *Reader[T]) Changing(k ncloud.ImageKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changing[k] = true
}

// listed is the listing's answer for k, if it holds one still fresh and
// this process does not write the image.
func (r *Reader[T]) listed(rr *regionReads[T], k ncloud.ImageKey) (*T, bool) {
	img := rr.fresh(k.No)
	if img == nil || r.changing[k] {
		return nil, false
	}
	return img, true
}

// fresh is the listing's image numbered no, or nil when it holds none or
// is older than recentFor.
func (rr *regionReads[T]) fresh(no string) *T {
	if time.Since(rr.listedAt) > recentFor {
		return nil
	}
	return rr.listing[no]
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

// call answers the batch: from the listing what it holds, reading ahead
// when that is due, and with one lookup call for the rest.
func (r *Reader[T]) call(region string, nos []string, b *batch[T]) {
	ctx, cancel := context.WithTimeout(b.ctx, batchTimeout)
	defer cancel()
	b.images = make(map[string]*T, len(nos))
	rr, missing, listable := r.fromListing(region, nos, b)
	if listable {
		r.mu.Lock()
		rr.calls++
		due := r.listingDue(rr)
		r.mu.Unlock()
		if due {
			r.readAhead(ctx, region, rr)
			_, missing, _ = r.fromListing(region, missing, b)
		}
	}
	if len(missing) > 0 {
		images, err := r.fetch(ctx, region, missing)
		now := time.Now()
		r.mu.Lock()
		for i := range images {
			img := &images[i]
			b.images[r.no(img)] = img
			r.recent[ncloud.ImageKey{Region: region, No: r.no(img)}] = recent[T]{img, now}
		}
		r.mu.Unlock()
		b.err = err
	}
	close(b.done)
}

// fromListing answers from the listing what it holds of nos and returns
// the rest, and whether a listing could answer any of those: images this
// process writes need a lookup whatever the listing holds.
func (r *Reader[T]) fromListing(region string, nos []string, b *batch[T]) (rr *regionReads[T], missing []string, listable bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rr = r.regions[region]
	for _, no := range nos {
		k := ncloud.ImageKey{Region: region, No: no}
		if img, ok := r.listed(rr, k); ok {
			b.images[no] = img
		} else {
			missing = append(missing, no)
			listable = listable || !r.changing[k]
		}
	}
	return rr, missing, listable
}

// listingDue tells whether a lookup call due now should read the listing
// (more of it) first: once the run has looked up readAheadAfter images of
// the region, and, when the API has told how many pages the listing has,
// only while the pages left cost no more calls than the lookups made so
// far. A listing older than recentFor is read again.
func (r *Reader[T]) listingDue(rr *regionReads[T]) bool {
	if rr.failed || len(rr.looked) < readAheadAfter {
		return false
	}
	if rr.have > 0 && time.Since(rr.listedAt) > recentFor {
		rr.listing, rr.have, rr.pages = nil, 0, 0
	}
	return rr.have == 0 || (rr.have < rr.pages && rr.pages-rr.have <= rr.calls)
}

// readAhead reads the region's listing in place of a lookup call: its first
// page, when none was read, which tells from totalRows how many pages there
// are, then the pages left, pagesAtOnce at a time, if they cost no more calls
// than the run's lookups have (rr.calls, counting the one this replaces).
// Otherwise the listing holds the first page only, and lookups answer the
// rest until they have cost as much. A page that cannot be read ends the
// read-ahead for the run: lookups answer what the listing lacks.
func (r *Reader[T]) readAhead(ctx context.Context, region string, rr *regionReads[T]) {
	r.mu.Lock()
	have, pages, calls := rr.have, rr.pages, rr.calls
	r.mu.Unlock()
	at := time.Now()
	if have == 0 {
		first, err := r.list(ctx, region, 1)
		if !r.keep(rr, 1, first, err, at) {
			return
		}
		r.mu.Lock()
		have, pages = rr.have, rr.pages
		r.mu.Unlock()
		if pages-have > calls {
			return
		}
	}

	var wg sync.WaitGroup
	slots := make(chan struct{}, pagesAtOnce)
	for pageNo := have + 1; pageNo <= pages; pageNo++ {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			page, err := r.list(ctx, region, pageNo)
			r.keep(rr, pageNo, page, err, at)
		})
	}
	wg.Wait()
}

// keep adds a page read at at to the listing and reports whether the
// read-ahead goes on. The first page sets how many pages there are: from
// totalRows over the rows the API serves a page, or this page alone when it
// reports no totalRows.
func (r *Reader[T]) keep(rr *regionReads[T], pageNo int, page ncloud.Page[T], err error, at time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		rr.failed = true
		return false
	}
	if pageNo == 1 {
		rr.listing, rr.listedAt, rr.pages = make(map[string]*T, max(page.TotalRows, len(page.Items))), at, 1
		if n := len(page.Items); n > 0 && page.TotalRows > n {
			rr.pages = (page.TotalRows + n - 1) / n
		}
	}
	for i := range page.Items {
		rr.listing[r.no(&page.Items[i])] = &page.Items[i]
	}
	rr.have = max(rr.have, pageNo)
	return true
}
