package emulator

import (
	"fmt"
	"hash/fnv"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// operation answers one API call; it runs with s.mu held and returns the
// fields that follow requestId, returnCode and returnMessage.
type operation func(s *Server, p url.Values) (obj, *errorReply)

var operations = map[string]operation{
	"getRegionList":                            opRegionList,
	"getMemberServerImageInstanceList":         opMemberList,
	"getMemberServerImageInstanceDetail":       opMemberDetail,
	"setMemberServerImageSharingPermission":    memberSharing(shareSet),
	"addMemberServerImageSharingPermission":    memberSharing(shareAdd),
	"removeMemberServerImageSharingPermission": memberSharing(shareRemove),
	"getServerImageList":                       opServerImageList,
	"getServerImageDetail":                     opServerImageDetail,
	"addServerImageSharingPermission":          serverImageSharing(shareAdd),
	"removeServerImageSharingPermission":       serverImageSharing(shareRemove),
}

// API returnCodes (see the package documentation for which are assumed).
const (
	codeInvalidParam   = "1300"
	codeImageNotFound  = "1104037"
	codeKVMUnsupported = "1100096"
	codeNotShareable   = "1100070"
	// The emulator's own codes for what NCP leaves undocumented: sharing
	// one of NCP's public images, adding a login already shared, removing
	// one not shared (server image API only).
	codeNCPImage      = "1100071"
	codeAlreadyShared = "1100072"
	codeNotShared     = "1100073"
)

var apiMessages = map[string]string{
	codeInvalidParam:   "Invalid parameter",
	"1401":             "product not found",
	codeImageNotFound:  "server image not found",
	codeKVMUnsupported: "KVM-based server images are not supported",
	codeNotShareable:   "The member server image is not in a state that allows sharing",
	codeNCPImage:       "NCP server images cannot be shared",
	codeAlreadyShared:  "The server image is already shared with the login ID",
	codeNotShared:      "The server image is not shared with the login ID",
}

func apiMessage(code string) string {
	if m, ok := apiMessages[code]; ok {
		return m
	}
	return "emulated API error"
}

func apiErr(status int, code, message string) *errorReply {
	return &errorReply{status: status, body: obj{{"responseError", obj{{"returnCode", code}, {"returnMessage", message}}}}}
}

func invalidParam(name string) *errorReply {
	return apiErr(http.StatusBadRequest, codeInvalidParam, "Invalid parameter: "+name)
}

func opRegionList(_ *Server, _ url.Values) (obj, *errorReply) {
	items := make([]any, len(regions))
	for i, r := range regions {
		items[i] = obj{{"regionCode", r.code}, {"regionName", r.name}}
	}
	return obj{{"totalRows", len(items)}, {"regionList", list{"region", items}}}, nil
}

func opMemberList(s *Server, p url.Values) (obj, *errorReply) {
	region, e := regionOf(p)
	if e != nil {
		return nil, e
	}
	nos, e := indexedList(p, "memberServerImageInstanceNoList")
	if e != nil {
		return nil, e
	}
	name, status := p.Get("memberServerImageName"), p.Get("memberServerImageInstanceStatusCode")
	var match []*image
	for _, im := range s.imagesLocked(region) {
		if inMemberAPI(im) && (len(nos) == 0 || slices.Contains(nos, im.No)) &&
			(name == "" || im.Name == name) && (status == "" || im.Status == status) {
			match = append(match, im)
		}
	}
	return pagedReply(p, match, memberReply)
}

func opMemberDetail(s *Server, p url.Values) (obj, *errorReply) {
	region, e := regionOf(p)
	if e != nil {
		return nil, e
	}
	no, e := required(p, "memberServerImageInstanceNo")
	if e != nil {
		return nil, e
	}
	var match []*image
	if im := s.lookupLocked(no); im != nil && im.Region == region && inMemberAPI(im) {
		match = append(match, im)
	}
	return memberReply(len(match), match), nil
}

func opServerImageList(s *Server, p url.Values) (obj, *errorReply) {
	region, e := regionOf(p)
	if e != nil {
		return nil, e
	}
	var lists [4][]string
	for i, name := range []string{"serverImageNoList", "hypervisorTypeCodeList", "hypervisorCodeList", "serverImageTypeCodeList"} {
		if lists[i], e = indexedList(p, name); e != nil {
			return nil, e
		}
	}
	nos, hypervisors, types := lists[0], append(lists[1], lists[2]...), lists[3]
	name, status := p.Get("serverImageName"), p.Get("serverImageStatusCode")
	var match []*image
	for _, im := range s.imagesLocked(region) {
		if (len(nos) == 0 || slices.Contains(nos, im.No)) && (len(hypervisors) == 0 || slices.Contains(hypervisors, im.Hypervisor)) &&
			(len(types) == 0 || slices.Contains(types, im.Type)) &&
			(name == "" || im.Name == name) && (status == "" || im.Status == status) {
			match = append(match, im)
		}
	}
	return pagedReply(p, match, serverImageReply)
}

func opServerImageDetail(s *Server, p url.Values) (obj, *errorReply) {
	region, e := regionOf(p)
	if e != nil {
		return nil, e
	}
	no, e := required(p, "serverImageNo")
	if e != nil {
		return nil, e
	}
	im := s.lookupLocked(no)
	if im == nil || im.Region != region {
		return nil, apiErr(http.StatusBadRequest, codeImageNotFound, apiMessage(codeImageNotFound))
	}
	return serverImageReply(1, []*image{im}), nil
}

type shareMode int

const (
	shareSet shareMode = iota // replace the set; no list = nobody
	shareAdd
	shareRemove
)

// inMemberAPI reports whether the member server image API shows an image:
// the account's own XEN images.
func inMemberAPI(im *image) bool { return im.Hypervisor == hvXEN && im.Type == typeSelf }

// memberSharing answers with the image, as NCP's example of the set
// operation does.
func memberSharing(mode shareMode) operation {
	return func(s *Server, p url.Values) (obj, *errorReply) {
		im, e := s.share(p, "memberServerImageInstanceNo", mode, true)
		if e != nil {
			return nil, e
		}
		return memberReply(1, []*image{im}), nil
	}
}

// serverImageSharing answers with requestId, returnCode and returnMessage
// only: the documented answer (the SDK's type also has a serverImageList,
// which a client must not count on).
func serverImageSharing(mode shareMode) operation {
	return func(s *Server, p url.Values) (obj, *errorReply) {
		if _, e := s.share(p, "serverImageNo", mode, false); e != nil {
			return nil, e
		}
		return nil, nil
	}
}

// share validates a sharing call and applies it, or rejects it whole, and
// returns the image.
func (s *Server) share(p url.Values, noParam string, mode shareMode, memberAPI bool) (*image, *errorReply) {
	region, e := regionOf(p)
	if e != nil {
		return nil, e
	}
	no, e := required(p, noParam)
	if e != nil {
		return nil, e
	}
	ids, e := loginIDs(p, mode != shareSet)
	if e != nil {
		return nil, e
	}
	im := s.lookupLocked(no)
	switch {
	case im == nil || im.Region != region || (memberAPI && im.Type == typeNCP):
		return nil, apiErr(http.StatusBadRequest, codeImageNotFound, apiMessage(codeImageNotFound))
	case memberAPI && im.Hypervisor == hvKVM:
		return nil, apiErr(http.StatusBadRequest, codeKVMUnsupported, apiMessage(codeKVMUnsupported))
	case im.Type == typeNCP:
		return nil, apiErr(http.StatusBadRequest, codeNCPImage, apiMessage(codeNCPImage))
	case im.Status != statusCreat:
		what := "server image"
		if memberAPI {
			what = "member server image"
		}
		return nil, apiErr(http.StatusBadRequest, codeNotShareable,
			fmt.Sprintf("The %s is not in a state that allows sharing (status %s)", what, im.Status))
	}
	if s.lowercaseIDs {
		lower := make([]string, 0, len(ids))
		for _, id := range ids {
			if id = strings.ToLower(id); !slices.Contains(lower, id) {
				lower = append(lower, id)
			}
		}
		ids = lower
	}
	// A write builds on the last write, visible or not yet.
	base := im.shared
	if im.pending != nil {
		base = im.pending
	}
	if !memberAPI {
		if e := checkDelta(base, ids, mode); e != nil {
			return nil, e
		}
	}
	next := maps.Clone(base)
	switch mode {
	case shareSet:
		next = idSet(ids)
	case shareAdd:
		for _, id := range ids {
			next[id] = struct{}{}
		}
	case shareRemove:
		for _, id := range ids {
			delete(next, id)
		}
	}
	if s.writeDelay > 0 {
		im.pending, im.pendingAt = next, s.now().Add(s.writeDelay)
	} else {
		im.shared = next
	}
	return im, nil
}

// checkDelta rejects, in the server image API, an add of a login ID already
// shared and a remove of one not shared, naming every such ID: NCP does not
// document these cases, and a caller that sends them worked from stale data.
// IDs compare exactly (after the lowercasing of SetLowercaseLoginIDs).
func checkDelta(shared map[string]struct{}, ids []string, mode shareMode) *errorReply {
	var bad []string
	for _, id := range ids {
		if _, ok := shared[id]; ok == (mode == shareAdd) {
			bad = append(bad, id)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	code := codeAlreadyShared
	if mode == shareRemove {
		code = codeNotShared
	}
	return apiErr(http.StatusBadRequest, code, apiMessage(code)+": "+strings.Join(bad, ", "))
}

// loginIDs reads targetLoginIdList.N: trimmed, non-empty, duplicates collapsed.
func loginIDs(p url.Values, mandatory bool) ([]string, *errorReply) {
	raw, e := indexedList(p, "targetLoginIdList")
	if e != nil {
		return nil, e
	}
	if mandatory && len(raw) == 0 {
		return nil, invalidParam("targetLoginIdList")
	}
	var ids []string
	for _, id := range raw {
		id = strings.TrimSpace(id)
		if id == "" {
			return nil, invalidParam("targetLoginIdList (empty login ID)")
		}
		// Responses cannot carry such an ID (JSON and XML both turn invalid
		// UTF-8, and XML control characters, into U+FFFD), so two distinct
		// IDs could be listed as one.
		if !utf8.ValidString(id) || strings.ContainsFunc(id, unicode.IsControl) {
			return nil, invalidParam("targetLoginIdList (login ID is not printable UTF-8)")
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func regionOf(p url.Values) (string, *errorReply) {
	r := p.Get("regionCode")
	if r == "" {
		return "KR", nil
	}
	if !knownRegion(r) {
		return "", apiErr(http.StatusBadRequest, codeInvalidParam, "Invalid regionCode")
	}
	return r, nil
}

func required(p url.Values, name string) (string, *errorReply) {
	v := strings.TrimSpace(p.Get(name))
	if v == "" {
		return "", invalidParam(name)
	}
	return v, nil
}

// indexedList reads a flattened list (name.1, name.2, ...) in index order;
// gaps are allowed, malformed indexes are not.
func indexedList(p url.Values, name string) ([]string, *errorReply) {
	type entry struct {
		n int
		v string
	}
	var entries []entry
	for k, vs := range p {
		rest, ok := strings.CutPrefix(k, name+".")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 || rest != strconv.Itoa(n) {
			return nil, invalidParam(k)
		}
		entries = append(entries, entry{n, vs[0]})
	}
	slices.SortFunc(entries, func(a, b entry) int { return a.n - b.n })
	out := make([]string, len(entries))
	for i, en := range entries {
		out[i] = en.v
	}
	return out, nil
}

// pagedReply applies pageNo (1-based) and pageSize (1-1000; absent = all).
func pagedReply(p url.Values, match []*image, reply func(int, []*image) obj) (obj, *errorReply) {
	no, size := 1, 0
	if v := p.Get("pageNo"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, invalidParam("pageNo")
		}
		no = n
	}
	if v := p.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, invalidParam("pageSize")
		}
		size = n
	}
	page := match
	switch {
	case size == 0 && no > 1:
		page = nil
	case size > 0:
		lo := len(match)
		if no-1 < (len(match)+size-1)/size {
			lo = (no - 1) * size
		}
		page = match[lo:min(lo+size, len(match))]
	}
	return reply(len(match), page), nil
}

// Views of an image in each API.

const (
	dateLayout     = "2006-01-02T15:04:05-0700"
	productCode    = "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050"
	blockStorageSz = int64(53687091200) // 50 GiB, as in the reference's example
)

var kst = time.FixedZone("KST", 9*60*60)

var statusCodeNames = map[string]string{
	statusInit:  "NSI INIT state",
	statusCreat: "NSI CREATED state",
	statusCrefl: "NSI CREATE FAIL state",
	statusTermt: "NSI TERMINATING state",
}

var statusNames = map[string]string{statusInit: "creating", statusCreat: "created", statusCrefl: "fail", statusTermt: "terminating"}

func code(c, name string) obj { return obj{{"code", c}, {"codeName", name}} }

func shareStatus(ids []string) obj {
	if len(ids) == 0 {
		return code("NULL", "NSI Share NULL State")
	}
	return code("SHARE", "NSI Share SHARE State")
}

func memberReply(total int, ims []*image) obj {
	items := make([]any, len(ims))
	for i, im := range ims {
		ids := im.sharedIDs()
		items[i] = obj{
			{"memberServerImageInstanceNo", im.No},
			{"memberServerImageName", im.Name},
			{"memberServerImageDescription", im.Description},
			{"originalServerInstanceNo", originalServerNo(im.No)},
			{"originalServerImageProductCode", productCode},
			{"memberServerImageInstanceStatus", code(im.Status, statusCodeNames[im.Status])},
			{"memberServerImageInstanceOperation", code("NULL", "NSI NULLOP")},
			{"memberServerImageInstanceStatusName", statusNames[im.Status]},
			{"createDate", im.created.In(kst).Format(dateLayout)},
			{"memberServerImageBlockStorageTotalRows", 1},
			{"memberServerImageBlockStorageTotalSize", blockStorageSz},
			{"shareStatus", shareStatus(ids)},
			{"sharedLoginIdList", stringList("sharedLoginId", ids)},
		}
	}
	return obj{{"totalRows", total}, {"memberServerImageInstanceList", list{"memberServerImageInstance", items}}}
}

func serverImageReply(total int, ims []*image) obj {
	items := make([]any, len(ims))
	for i, im := range ims {
		ids := im.sharedIDs()
		items[i] = obj{
			{"serverImageNo", im.No},
			{"serverImageName", im.Name},
			{"serverImageDescription", im.Description},
			{"serverImageType", code(im.Type, im.Type)},
			{"hypervisorType", code(im.Hypervisor, im.Hypervisor)},
			{"serverImageStatus", code(im.Status, statusCodeNames[im.Status])},
			{"serverImageStatusName", statusNames[im.Status]},
			{"shareStatus", shareStatus(ids)},
			{"sharedLoginIdList", stringList("sharedLoginId", ids)},
			{"createDate", im.created.In(kst).Format(dateLayout)},
		}
	}
	return obj{{"totalRows", total}, {"serverImageList", list{"serverImage", items}}}
}

// originalServerNo invents a stable server instance number for an image.
func originalServerNo(no string) string {
	h := fnv.New32a()
	h.Write([]byte(no))
	return strconv.FormatUint(uint64(h.Sum32()%9000000+1000000), 10)
}
