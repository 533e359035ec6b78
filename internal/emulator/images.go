package emulator

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Image is an image as the tests and the seed see it.
type Image struct {
	No          string // digits
	Name        string // required
	Description string
	Region      string // "" = "KR"
	Hypervisor  string // "XEN" (default when "") or "KVM"
	// Type is the serverImageType: "SELF" (default when ""), an image of
	// the account, or "NCP", one of NCP's public images, which only the
	// server image API shows and which cannot be shared.
	Type string
	// Status is "INIT", "CREAT" (default when ""), "CREFL" (creation
	// failed) or "TERMT" (being deleted).
	Status         string
	ReadyAfter     time.Duration // with Status INIT: becomes CREAT this long after PutImage (0 = stays INIT)
	SharedLoginIDs []string      // login IDs the image is shared with; none for an NCP image
}

// Image statuses, hypervisors and server image types.
const (
	statusInit  = "INIT"
	statusCreat = "CREAT"
	statusCrefl = "CREFL"
	// statusTermt is the emulator's status of an image being deleted: NCP
	// documents no such code for images ("TERMT" is its server instances'
	// "terminating").
	statusTermt = "TERMT"
	hvXEN       = "XEN"
	hvKVM       = "KVM"
	typeSelf    = "SELF"
	typeNCP     = "NCP"
)

var statuses = []string{statusInit, statusCreat, statusCrefl, statusTermt}

var regions = []struct{ code, name string }{
	{"KR", "Korea"}, {"SGN", "Singapore"}, {"JPN", "Japan"},
}

func knownRegion(code string) bool {
	return slices.ContainsFunc(regions, func(r struct{ code, name string }) bool { return r.code == code })
}

// image is the stored state of one image.
type image struct {
	Image
	created time.Time
	readyAt time.Time // zero unless INIT with a ReadyAfter
	shared  map[string]struct{}
	// pending is a write not yet visible (SetWriteDelay) until pendingAt.
	pending   map[string]struct{}
	pendingAt time.Time
}

// resolve applies a due INIT->CREAT transition and a due pending write; they
// persist so that an injected clock going backwards does not undo them.
func (im *image) resolve(now time.Time) {
	if im.Status == statusInit && !im.readyAt.IsZero() && !now.Before(im.readyAt) {
		im.Status = statusCreat
	}
	if im.pending != nil && !now.Before(im.pendingAt) {
		im.shared, im.pending = im.pending, nil
	}
}

func (im *image) sharedIDs() []string {
	ids := make([]string, 0, len(im.shared))
	for id := range im.shared {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (im *image) public() Image {
	img := im.Image
	img.SharedLoginIDs = im.sharedIDs()
	return img
}

// normalize fills defaults and rejects what the API could never return.
func normalize(img Image) (Image, error) {
	if img.No == "" || strings.Trim(img.No, "0123456789") != "" {
		return img, fmt.Errorf("image number %q: must be digits", img.No)
	}
	if strings.TrimSpace(img.Name) == "" {
		return img, fmt.Errorf("image %s: name is required", img.No)
	}
	img.Region = cmp.Or(img.Region, "KR")
	img.Hypervisor = cmp.Or(img.Hypervisor, hvXEN)
	img.Type = cmp.Or(img.Type, typeSelf)
	img.Status = cmp.Or(img.Status, statusCreat)
	var errs []error
	if !knownRegion(img.Region) {
		errs = append(errs, fmt.Errorf("unknown region %q", img.Region))
	}
	if img.Hypervisor != hvXEN && img.Hypervisor != hvKVM {
		errs = append(errs, fmt.Errorf("hypervisor %q: want XEN or KVM", img.Hypervisor))
	}
	if img.Type != typeSelf && img.Type != typeNCP {
		errs = append(errs, fmt.Errorf("type %q: want SELF or NCP", img.Type))
	}
	if !slices.Contains(statuses, img.Status) {
		errs = append(errs, fmt.Errorf("status %q: want INIT, CREAT, CREFL or TERMT", img.Status))
	}
	if img.Type == typeNCP && len(img.SharedLoginIDs) > 0 {
		errs = append(errs, errors.New("an NCP image cannot be shared"))
	}
	if img.ReadyAfter < 0 {
		errs = append(errs, errors.New("negative ready-after duration"))
	}
	for _, id := range img.SharedLoginIDs {
		if strings.TrimSpace(id) == "" {
			errs = append(errs, errors.New("empty shared login ID"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return img, fmt.Errorf("image %s: %w", img.No, err)
	}
	return img, nil
}

func idSet(ids []string) map[string]struct{} {
	set := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		set[strings.TrimSpace(id)] = struct{}{}
	}
	return set
}

// PutImage creates or replaces an image. It panics on an invalid image
// (non-digit number, empty name, unknown region, hypervisor, type or
// status, an NCP image with shared login IDs): that is a mistake in the
// test, not a condition to handle.
func (s *Server) PutImage(img Image) {
	img, err := normalize(img)
	if err != nil {
		panic("emulator: PutImage: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putLocked(img)
}

func (s *Server) putLocked(img Image) {
	now := s.now()
	im := &image{Image: img, created: now, shared: idSet(img.SharedLoginIDs)}
	im.SharedLoginIDs = nil // the set is the truth
	if img.Status == statusInit && img.ReadyAfter > 0 {
		im.readyAt = now.Add(img.ReadyAfter)
	}
	s.images[img.No] = im
}

// SetWriteDelay makes later sharing writes visible only after d, in their
// own response and in reads alike: an eventually consistent API.
func (s *Server) SetWriteDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writeDelay = d
}

// SetLowercaseLoginIDs makes the API store (and so return) login IDs in
// lower case, whatever case they were sent in.
func (s *Server) SetLowercaseLoginIDs(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lowercaseIDs = on
}

// SetStatus changes an image's status out of band, keeping its shares: an
// image whose deletion started in the console (TERMT), say. A pending
// INIT->CREAT transition is dropped. It does nothing when the image does not
// exist, and panics on an unknown status.
func (s *Server) SetStatus(no, status string) {
	if !slices.Contains(statuses, status) {
		panic(fmt.Sprintf("emulator: SetStatus: status %q: want INIT, CREAT, CREFL or TERMT", status))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if im := s.lookupLocked(no); im != nil {
		im.Status, im.readyAt = status, time.Time{}
	}
}

// DeleteImage removes an image, as if deleted in the console.
func (s *Server) DeleteImage(no string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.images, no)
}

// Image returns an image's current state: a due INIT is reported as CREAT and
// SharedLoginIDs are sorted.
func (s *Server) Image(no string) (Image, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	im := s.lookupLocked(no)
	if im == nil {
		return Image{}, false
	}
	return im.public(), true
}

// SetSharedLoginIDs replaces an image's shared set out of band, as if changed
// in the console. It does nothing when the image does not exist or is an
// NCP image (which cannot be shared).
func (s *Server) SetSharedLoginIDs(no string, ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if im := s.lookupLocked(no); im != nil && im.Type != typeNCP {
		im.shared = idSet(ids)
		delete(im.shared, "")
	}
}

// lookupLocked finds an image in any region and resolves its status.
func (s *Server) lookupLocked(no string) *image {
	im := s.images[no]
	if im != nil {
		im.resolve(s.now())
	}
	return im
}

// imagesLocked returns the region's images (resolved) ordered by number.
func (s *Server) imagesLocked(region string) []*image {
	var out []*image
	now := s.now()
	for _, im := range s.images {
		if im.Region == region {
			im.resolve(now)
			out = append(out, im)
		}
	}
	slices.SortFunc(out, func(a, b *image) int { return compareNo(a.No, b.No) })
	return out
}

// compareNo orders digit strings numerically without overflow.
func compareNo(a, b string) int {
	ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(ta) != len(tb) {
		return len(ta) - len(tb)
	}
	if c := strings.Compare(ta, tb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
