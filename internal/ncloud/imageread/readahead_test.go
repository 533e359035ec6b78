package imageread

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// fakeAPI is a region of images behind a Fetch and a List with a round
// trip of latency, recording the calls.
type fakeAPI struct {
	latency  time.Duration
	pageSize int
	failPage int // a page whose read fails; 0 = none

	mu      sync.Mutex
	images  []ncloud.MemberServerImage
	fetches [][]string
	pages   []int
}

func newFakeAPI(n int) *fakeAPI {
	f := &fakeAPI{latency: 5 * time.Millisecond, pageSize: 1000}
	for i := range n {
		f.images = append(f.images, ncloud.MemberServerImage{InstanceNo: strconv.Itoa(30000 + i), Name: "listed"})
	}
	return f
}

func (f *fakeAPI) reader() *Reader[ncloud.MemberServerImage] {
	return New(f.fetch, f.list, func(img *ncloud.MemberServerImage) string { return img.InstanceNo }, "member server image")
}

func (f *fakeAPI) fetch(_ context.Context, _ string, nos []string) ([]ncloud.MemberServerImage, error) {
	time.Sleep(f.latency)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetches = append(f.fetches, nos)
	var out []ncloud.MemberServerImage
	for _, img := range f.images {
		if slices.Contains(nos, img.InstanceNo) {
			img.Name = "looked up"
			out = append(out, img)
		}
	}
	return out, nil
}

func (f *fakeAPI) list(_ context.Context, _ string, pageNo int) (ncloud.Page[ncloud.MemberServerImage], error) {
	time.Sleep(f.latency)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages = append(f.pages, pageNo)
	if pageNo == f.failPage {
		return ncloud.Page[ncloud.MemberServerImage]{}, errors.New("gateway timeout")
	}
	from := min((pageNo-1)*f.pageSize, len(f.images))
	to := min(from+f.pageSize, len(f.images))
	return ncloud.Page[ncloud.MemberServerImage]{Items: slices.Clone(f.images[from:to]), TotalRows: len(f.images)}, nil
}

// calls is the lookup calls and the pages read so far.
func (f *fakeAPI) calls() (fetches int, pages []int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.fetches), slices.Sorted(slices.Values(f.pages))
}

func (f *fakeAPI) no(i int) string { return f.images[i].InstanceNo }

// lookUp looks up nos with workers at a time, as Terraform's parallelism
// reads resources, and fails the test on a wrong answer.
func lookUp(t *testing.T, r *Reader[ncloud.MemberServerImage], nos []string, workers int) {
	t.Helper()
	next := make(chan string)
	var wg sync.WaitGroup
	errs := make(chan error, len(nos))
	for range workers {
		wg.Go(func() {
			for no := range next {
				img, err := r.Get(t.Context(), ncloud.ImageKey{Region: "KR", No: no})
				if err == nil && img.InstanceNo != no {
					err = errors.New("lookup of " + no + " answered with " + img.InstanceNo)
				}
				errs <- err
				time.Sleep(time.Millisecond) // Terraform finishing the resource and starting the next
			}
		})
	}
	for _, no := range nos {
		next <- no
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fakeAPI) nos(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, f.no(i))
	}
	return out
}

// TestReadAheadAnswersTheRun: a run over 500 images of a region of 500
// makes a few lookups, then reads the one page of the listing in place of
// the next lookup, and answers every later lookup from it: the calls no
// longer grow with the images.
func TestReadAheadAnswersTheRun(t *testing.T) {
	f := newFakeAPI(500)
	r := f.reader()
	lookUp(t, r, f.nos(0, 500), 10)
	fetches, pages := f.calls()
	if !slices.Equal(pages, []int{1}) {
		t.Errorf("pages read: %v, want [1]", pages)
	}
	// About readAheadAfter/10 lookups of ten before the listing, and the
	// lookups gathered while it was read that it answers.
	if fetches > readAheadAfter/10+2 {
		t.Errorf("%d lookup calls besides the listing, want at most %d", fetches, readAheadAfter/10+2)
	}
	img, err := r.Get(t.Context(), ncloud.ImageKey{Region: "KR", No: f.no(499)})
	if err != nil || img.Name != "listed" {
		t.Errorf("last image: %v, %v; want the listing's answer", img, err)
	}
	if img, ok := r.Recent(ncloud.ImageKey{Region: "KR", No: f.no(499)}); !ok || img.Name != "listed" {
		t.Errorf("Recent after the listing = %v, %v; want the listing's answer", img, ok)
	}
}

// TestFewImagesNeverList: 20 resources in a region of 5,000 images make
// the same lookups as without read-ahead, and no listing call.
func TestFewImagesNeverList(t *testing.T) {
	f := newFakeAPI(5000)
	r := f.reader()
	lookUp(t, r, f.nos(4980, 5000), 10)
	lookUp(t, r, f.nos(4980, 5000), 10) // a second pass, as a create's apply plans again
	fetches, pages := f.calls()
	if len(pages) != 0 {
		t.Errorf("pages read: %v, want none for %d images", pages, 20)
	}
	if fetches > 6 {
		t.Errorf("%d lookup calls for 2 x 20 lookups by 10 workers, want at most 6", fetches)
	}
}

// TestListingOnlyAsFarAsItPays: in a region of 5,000 images (five pages),
// the first page shows that the other four cost more calls than the run
// has made; lookups go on until they have cost as much, then the four are
// read, each once, and answer the rest.
func TestListingOnlyAsFarAsItPays(t *testing.T) {
	f := newFakeAPI(5000)
	r := f.reader()
	// readAheadAfter lookups at once: one call due, which reads page 1.
	lookUp(t, r, f.nos(0, readAheadAfter), readAheadAfter)
	lookUp(t, r, f.nos(readAheadAfter, 1000), 10) // page 1 answers them
	if fetches, pages := f.calls(); fetches != 0 || !slices.Equal(pages, []int{1}) {
		t.Fatalf("lookups within page 1: %d lookup calls, pages read %v; want 0 and [1]", fetches, pages)
	}
	// Three more calls due (rounds of ten images of page 5): the first two
	// are lookups, the third, with four calls due in all, reads pages 2-5.
	for round := range 3 {
		lookUp(t, r, f.nos(4000+10*round, 4010+10*round), 10)
	}
	if fetches, pages := f.calls(); fetches != 2 || !slices.Equal(pages, []int{1, 2, 3, 4, 5}) {
		t.Errorf("after three more calls due: %d lookup calls, pages read %v; want 2 and each of 1 to 5 once", fetches, pages)
	}
	lookUp(t, r, f.nos(1000, 5000), 10)
	if fetches, _ := f.calls(); fetches != 2 {
		t.Errorf("%d lookup calls after the listing was read, want none", fetches-2)
	}
}

// TestChangingImagesAreLookedUp: once this process writes an image, a
// listing read before no longer answers for it.
func TestChangingImagesAreLookedUp(t *testing.T) {
	f := newFakeAPI(100)
	r := f.reader()
	lookUp(t, r, f.nos(0, 100), 10)
	k := ncloud.ImageKey{Region: "KR", No: f.no(7)}
	if img, _ := r.Get(t.Context(), k); img.Name != "listed" {
		t.Fatalf("before Changing: %q, want the listing's answer", img.Name)
	}
	r.Changing(k)
	before, _ := f.calls()
	img, err := r.Get(t.Context(), k)
	if err != nil || img.Name != "looked up" {
		t.Fatalf("after Changing: %v, %v; want a lookup's answer", img, err)
	}
	if after, _ := f.calls(); after != before+1 {
		t.Errorf("%d lookup calls for one changing image, want 1", after-before)
	}
}

// TestWritesAloneNeverList: lookups of images this process writes (a
// KVM apply reads each image before and after its write) never read a
// listing, which could not answer them.
func TestWritesAloneNeverList(t *testing.T) {
	f := newFakeAPI(500)
	r := f.reader()
	for _, no := range f.nos(0, 100) {
		r.Changing(ncloud.ImageKey{Region: "KR", No: no})
	}
	lookUp(t, r, f.nos(0, 100), 10)
	if _, pages := f.calls(); len(pages) != 0 {
		t.Errorf("pages read: %v, want none", pages)
	}
}

// TestFailedPageFallsBack: a listing page that cannot be read ends the
// read-ahead; the pages read answer what they hold, lookups the rest.
func TestFailedPageFallsBack(t *testing.T) {
	f := newFakeAPI(3000)
	f.failPage = 2
	r := f.reader()
	lookUp(t, r, f.nos(0, 3000), 10)
	if _, pages := f.calls(); !slices.Equal(pages, []int{1, 2, 3}) {
		t.Errorf("pages read: %v, want each of 1 to 3 once", pages)
	}
	for i, want := range map[int]string{500: "listed", 1500: "looked up", 2500: "listed"} {
		img, err := r.Get(t.Context(), ncloud.ImageKey{Region: "KR", No: f.no(i)})
		if err != nil || img.Name != want {
			t.Errorf("image %d: %v, %v; want the answer %q", i, img, err, want)
		}
	}
}

// TestReadAheadAgainstEmulator: the listing's images are the lookups'
// images, through the real client and the emulator's paging, for images
// of the server image API too (whose listing holds the account's own).
func TestReadAheadAgainstEmulator(t *testing.T) {
	client, emu := emulatorClient(t)
	const n = 1200 // two pages
	for i := range n {
		emu.PutImage(emulator.Image{No: strconv.Itoa(40000 + i), Name: "kvm-" + strconv.Itoa(i), Hypervisor: "KVM", SharedLoginIDs: []string{"user-" + strconv.Itoa(i)}})
	}
	r := ServerImages(client)
	var wg sync.WaitGroup
	for w := range 10 {
		wg.Go(func() {
			for i := w; i < n; i += 10 {
				no := strconv.Itoa(40000 + i)
				img, err := r.Get(t.Context(), ncloud.ImageKey{No: no})
				if err != nil || img.No != no || !slices.Equal(img.SharedLoginIDs, []string{"user-" + strconv.Itoa(i)}) {
					t.Errorf("lookup of %s: %+v, %v", no, img, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if calls := emu.Calls("getServerImageList"); calls > readAheadAfter/10+4 {
		t.Errorf("%d getServerImageList calls for %d images, want at most %d", calls, n, readAheadAfter/10+4)
	}
}

// TestFirstBatchWaitsForStragglers: Terraform's first ten lookups may
// arrive over more than readWindow on a busy machine; while they keep
// coming, within gatherMax, they make one call, not two.
func TestFirstBatchWaitsForStragglers(t *testing.T) {
	f := newFakeAPI(10)
	r := f.reader()
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if _, err := r.Get(t.Context(), ncloud.ImageKey{Region: "KR", No: f.no(i)}); err != nil {
				t.Error(err)
			}
		})
		time.Sleep(gatherMax / 20) // ten lookups over half gatherMax, more than readWindow
	}
	wg.Wait()
	if fetches, _ := f.calls(); fetches != 1 {
		t.Errorf("ten lookups %s apart took %d calls, want 1", gatherMax/20, fetches)
	}
}
