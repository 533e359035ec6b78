package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

const (
	// readWindow is how long a lookup waits for others to join its batch:
	// Terraform refreshes and plans ten resources at a time, and those
	// arrive within a few milliseconds of each other. It is small beside a
	// gateway round trip, so a lone read hardly notices it.
	readWindow = 10 * time.Millisecond
	// maxBatch images per call; the client splits larger lists anyway.
	maxBatch = 100
	// batchTimeout bounds a batch's call, which no single caller owns.
	batchTimeout = defaultReadTimeout
)

// imageReader coalesces concurrent member server image lookups into one
// getMemberServerImageInstanceList call per region and window: the gateway
// throttles on calls, not on images, and a plan over hundreds of images
// would otherwise make hundreds of calls.
type imageReader struct {
	client *ncloud.Client

	mu      sync.Mutex
	pending map[string]*imageBatch // by region
}

// imageBatch is one list call shared by the lookups that joined it.
type imageBatch struct {
	nos    []string
	seen   map[string]bool
	done   chan struct{} // closed when images and err are set
	images map[string]*ncloud.MemberServerImage
	err    error
}

func newImageReader(client *ncloud.Client) *imageReader {
	return &imageReader{client: client, pending: map[string]*imageBatch{}}
}

// get returns the member server image, or an error wrapping
// ncloud.ErrNotFound when the member server image API does not hold it.
func (r *imageReader) get(ctx context.Context, region, no string) (*ncloud.MemberServerImage, error) {
	r.mu.Lock()
	b := r.pending[region]
	if b == nil {
		b = &imageBatch{seen: map[string]bool{}, done: make(chan struct{})}
		r.pending[region] = b
		// The batch outlives its first caller's cancellation (others wait on
		// it) but keeps its logger and values.
		batchCtx := context.WithoutCancel(ctx)
		time.AfterFunc(readWindow, func() { r.flush(batchCtx, region, b) })
	}
	if !b.seen[no] {
		b.seen[no] = true
		b.nos = append(b.nos, no)
	}
	if len(b.nos) >= maxBatch {
		go r.flush(context.WithoutCancel(ctx), region, b)
	}
	r.mu.Unlock()

	select {
	case <-ctx.Done():
		return nil, ctx.Err()
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

// flush makes the batch's call, once, whichever of the timer and a full
// batch comes first.
func (r *imageReader) flush(ctx context.Context, region string, b *imageBatch) {
	r.mu.Lock()
	if r.pending[region] != b {
		r.mu.Unlock()
		return // already flushed
	}
	delete(r.pending, region)
	nos := b.nos
	r.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, batchTimeout)
	defer cancel()
	images, err := r.client.GetMemberServerImages(ctx, region, nos)
	b.images = make(map[string]*ncloud.MemberServerImage, len(images))
	for i := range images {
		b.images[images[i].InstanceNo] = &images[i]
	}
	b.err = err
	close(b.done)
}
