package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func sharing(no string, ids ...string) url.Values {
	p := url.Values{"memberServerImageInstanceNo": {no}}
	for i, id := range ids {
		p.Set(fmt.Sprintf("targetLoginIdList.%d", i+1), id)
	}
	return p
}

// shared runs a member sharing operation and returns the image it reports.
func shared(t *testing.T, s *Server, op string, p url.Values) memberImage {
	t.Helper()
	out := ok(t, s, op, p)
	if out.TotalRows != 1 || len(out.Members) != 1 {
		t.Fatalf("%s: want one image, got %+v", op, out)
	}
	return out.Members[0]
}

func TestSharingSemantics(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	check := func(img memberImage, wantCode string, want ...string) {
		t.Helper()
		if img.ShareStatus.Code != wantCode || !slices.Equal(img.SharedIDs, want) || img.SharedIDs == nil {
			t.Errorf("got %s %q, want %s %q", img.ShareStatus.Code, img.SharedIDs, wantCode, want)
		}
		if got, _ := s.Image("10001"); !slices.Equal(got.SharedLoginIDs, want) {
			t.Errorf("Image(): %q, want %q", got.SharedLoginIDs, want)
		}
	}

	img := shared(t, s, "setMemberServerImageSharingPermission", sharing("10001", "b@example.com", "a@example.com"))
	check(img, "SHARE", "a@example.com", "b@example.com")
	if img.ShareStatus.CodeName != "NSI Share SHARE State" || img.Status.Code != "CREAT" || img.StatusName != "created" ||
		img.Operation != (codeName{"NULL", "NSI NULLOP"}) || img.CreateDate != "2025-06-26T11:09:07+0900" {
		t.Errorf("image fields: %+v", img)
	}
	check(shared(t, s, "addMemberServerImageSharingPermission", sharing("10001", "c@example.com", "a@example.com")),
		"SHARE", "a@example.com", "b@example.com", "c@example.com")
	check(shared(t, s, "removeMemberServerImageSharingPermission", sharing("10001", "b@example.com", "nobody@example.com")),
		"SHARE", "a@example.com", "c@example.com")
	check(shared(t, s, "setMemberServerImageSharingPermission", sharing("10001", "d@example.com")), "SHARE", "d@example.com")

	img = shared(t, s, "setMemberServerImageSharingPermission", sharing("10001"))
	check(img, "NULL")
	if img.ShareStatus.CodeName != "NSI Share NULL State" {
		t.Errorf("empty share status: %+v", img.ShareStatus)
	}
	_, body := callJSON(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"10001"}})
	if !strings.Contains(string(body), `"sharedLoginIdList":[]`) {
		t.Errorf("an empty list must be []: %s", body)
	}

	// Removing the last one also leaves NULL.
	shared(t, s, "addMemberServerImageSharingPermission", sharing("10001", "e@example.com"))
	check(shared(t, s, "removeMemberServerImageSharingPermission", sharing("10001", "e@example.com")), "NULL")
}

func TestLoginIDValidationAndEscaping(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	// Encode escapes + and @; a server that decoded + as a space would trim it.
	ids := []string{"first+tag@example.com", "  spaced@example.com ", "first+tag@example.com", "x@y.com"}
	img := shared(t, s, "setMemberServerImageSharingPermission", sharing("10001", ids...))
	if want := []string{"first+tag@example.com", "spaced@example.com", "x@y.com"}; !slices.Equal(img.SharedIDs, want) {
		t.Errorf("got %q, want %q", img.SharedIDs, want)
	}

	// Indexes need not be contiguous, but must be well-formed.
	p := url.Values{"memberServerImageInstanceNo": {"10001"}, "targetLoginIdList.7": {"late@example.com"}}
	if img := shared(t, s, "setMemberServerImageSharingPermission", p); !slices.Equal(img.SharedIDs, []string{"late@example.com"}) {
		t.Errorf("gap in indexes: %q", img.SharedIDs)
	}
	for _, bad := range []url.Values{
		sharing("10001", "ok@example.com", "   "),
		{"memberServerImageInstanceNo": {"10001"}, "targetLoginIdList.0": {"a@example.com"}},
		{"memberServerImageInstanceNo": {"10001"}, "targetLoginIdList.x": {"a@example.com"}},
		{"targetLoginIdList.1": {"a@example.com"}},
	} {
		fails(t, s, "setMemberServerImageSharingPermission", bad, 400, "1300")
	}
	for _, op := range []string{"addMemberServerImageSharingPermission", "removeMemberServerImageSharingPermission"} {
		if msg := fails(t, s, op, sharing("10001"), 400, "1300"); msg != "Invalid parameter: targetLoginIdList" {
			t.Errorf("%s without a list: %q", op, msg)
		}
	}
	if got, _ := s.Image("10001"); !slices.Equal(got.SharedLoginIDs, []string{"late@example.com"}) {
		t.Errorf("a rejected call changed the image: %q", got.SharedLoginIDs)
	}
}

func TestNotFoundShapes(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	// Unknown, KVM and other-region numbers: an empty list in the member API.
	for _, p := range []url.Values{
		{"memberServerImageInstanceNo": {"99999"}},
		{"memberServerImageInstanceNo": {"10002"}},
		{"memberServerImageInstanceNo": {"10003"}},
		{"memberServerImageInstanceNo": {"10001"}, "regionCode": {"JPN"}},
	} {
		if out := ok(t, s, "getMemberServerImageInstanceDetail", p); out.TotalRows != 0 || out.Members == nil || len(out.Members) != 0 {
			t.Errorf("detail %v: %+v", p, out)
		}
		p.Set("memberServerImageInstanceNoList.1", p.Get("memberServerImageInstanceNo"))
		if out := ok(t, s, "getMemberServerImageInstanceList", p); out.TotalRows != 0 {
			t.Errorf("list %v: %+v", p, out)
		}
	}
	if out := ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"10003"}, "regionCode": {"SGN"}}); out.TotalRows != 1 {
		t.Errorf("SGN image in SGN: %+v", out)
	}

	fails(t, s, "getServerImageDetail", url.Values{"serverImageNo": {"99999"}}, 400, "1104037")
	fails(t, s, "setMemberServerImageSharingPermission", sharing("99999", "a@example.com"), 400, "1104037")
	fails(t, s, "addServerImageSharingPermission", url.Values{"serverImageNo": {"99999"}, "targetLoginIdList.1": {"a@example.com"}}, 400, "1104037")
	for _, op := range []string{"setMemberServerImageSharingPermission", "addMemberServerImageSharingPermission", "removeMemberServerImageSharingPermission"} {
		if msg := fails(t, s, op, sharing("10002", "a@example.com"), 400, "1100096"); msg != "KVM-based server images are not supported" {
			t.Errorf("%s on KVM: %q", op, msg)
		}
	}
	if msg := fails(t, s, "getMemberServerImageInstanceList", url.Values{"regionCode": {"MARS"}}, 400, "1300"); msg != "Invalid regionCode" {
		t.Errorf("bad region: %q", msg)
	}
	if msg := fails(t, s, "getMemberServerImageInstanceDetail", nil, 400, "1300"); msg != "Invalid parameter: memberServerImageInstanceNo" {
		t.Errorf("missing parameter: %q", msg)
	}
	fails(t, s, "getServerImageDetail", nil, 400, "1300")
}

func TestKVMInServerImageAPIOnly(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	if out := ok(t, s, "getMemberServerImageInstanceList", nil); out.TotalRows != 1 || out.Members[0].No != "10001" {
		t.Errorf("member list: %+v", out)
	}
	out := ok(t, s, "getServerImageList", nil)
	if out.TotalRows != 2 || out.ServerImages[0].Hypervisor.Code != "XEN" || out.ServerImages[1].Hypervisor.Code != "KVM" ||
		out.ServerImages[1].Type.Code != "SELF" || out.ServerImages[1].Status.Code != "CREAT" {
		t.Errorf("server image list: %+v", out)
	}
	for _, p := range []url.Values{{"hypervisorTypeCodeList.1": {"KVM"}}, {"hypervisorCodeList.1": {"KVM"}}, {"serverImageNoList.1": {"10002"}}} {
		if out := ok(t, s, "getServerImageList", p); out.TotalRows != 1 || out.ServerImages[0].No != "10002" {
			t.Errorf("filter %v: %+v", p, out)
		}
	}

	p := url.Values{"serverImageNo": {"10002"}, "targetLoginIdList.1": {"k@example.com"}}
	ok(t, s, "addServerImageSharingPermission", p)
	if img := serverImageDetail(t, s, "10002"); img.ShareStatus.Code != "SHARE" || !slices.Equal(img.SharedIDs, []string{"k@example.com"}) {
		t.Errorf("KVM after add: %+v", img)
	}
	ok(t, s, "removeServerImageSharingPermission", p)
	if img := serverImageDetail(t, s, "10002"); img.ShareStatus.Code != "NULL" || img.SharedIDs == nil || len(img.SharedIDs) != 0 {
		t.Errorf("KVM after remove: %+v", img)
	}
	// The server image API shares XEN images too, in the same state.
	p.Set("serverImageNo", "10001")
	ok(t, s, "addServerImageSharingPermission", p)
	if out := ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"10001"}}); out.Members[0].SharedIDs[0] != "k@example.com" {
		t.Errorf("one number space: %+v", out)
	}
	fails(t, s, "addServerImageSharingPermission", url.Values{"serverImageNo": {"10002"}}, 400, "1300")
}

func TestInitBecomesCreat(t *testing.T) {
	t.Parallel()
	s, clock := newTestServer(t)
	s.PutImage(Image{No: "20001", Name: "fresh", Status: "INIT", ReadyAfter: 30 * time.Second})
	s.PutImage(Image{No: "20002", Name: "stuck", Status: "INIT"})

	img := ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"20001"}}).Members[0]
	if img.Status != (codeName{"INIT", "NSI INIT state"}) || img.StatusName != "creating" {
		t.Errorf("INIT image: %+v", img)
	}
	msg := fails(t, s, "setMemberServerImageSharingPermission", sharing("20001", "a@example.com"), 400, "1100070")
	if msg != "The member server image is not in a state that allows sharing (status INIT)" {
		t.Errorf("message: %q", msg)
	}
	fails(t, s, "addServerImageSharingPermission", url.Values{"serverImageNo": {"20001"}, "targetLoginIdList.1": {"a@example.com"}}, 400, "1100070")

	clock.Advance(29 * time.Second)
	if img, _ := s.Image("20001"); img.Status != "INIT" {
		t.Errorf("ready too early: %+v", img)
	}
	clock.Advance(time.Second)
	if img, _ := s.Image("20001"); img.Status != "CREAT" {
		t.Errorf("not ready: %+v", img)
	}
	if img := shared(t, s, "setMemberServerImageSharingPermission", sharing("20001", "a@example.com")); img.Status.Code != "CREAT" {
		t.Errorf("after ready: %+v", img)
	}
	clock.Advance(-time.Hour) // a clock going back does not undo it
	if img, _ := s.Image("20001"); img.Status != "CREAT" {
		t.Errorf("went back to %s", img.Status)
	}

	clock.Advance(24 * time.Hour)
	if out := ok(t, s, "getMemberServerImageInstanceList", url.Values{"memberServerImageInstanceStatusCode": {"INIT"}}); out.TotalRows != 1 || out.Members[0].No != "20002" {
		t.Errorf("INIT without ReadyAfter must stay INIT: %+v", out)
	}
}

func TestCreateFailed(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.PutImage(Image{No: "20003", Name: "broken", Status: "CREFL"})
	img := ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"20003"}}).Members[0]
	if img.Status != (codeName{"CREFL", "NSI CREATE FAIL state"}) || img.StatusName != "fail" {
		t.Errorf("CREFL image: %+v", img)
	}
	if msg := fails(t, s, "addMemberServerImageSharingPermission", sharing("20003", "a@example.com"), 400, "1100070"); !strings.HasSuffix(msg, "(status CREFL)") {
		t.Errorf("message: %q", msg)
	}
}

func TestPagingAndFilters(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	for i := range 24 { // 24 more XEN images in KR: 25 with 10001
		s.PutImage(Image{No: fmt.Sprint(30000 + i), Name: fmt.Sprintf("img-%02d", i)})
	}
	nos := func(out success) []string {
		var n []string
		for _, m := range out.Members {
			n = append(n, m.No)
		}
		return n
	}
	cases := []struct {
		params    url.Values
		total     int
		first     string
		pageItems int
	}{
		{url.Values{}, 25, "10001", 25},
		{url.Values{"pageSize": {"10"}}, 25, "10001", 10},
		{url.Values{"pageSize": {"10"}, "pageNo": {"2"}}, 25, "30009", 10},
		{url.Values{"pageSize": {"10"}, "pageNo": {"3"}}, 25, "30019", 5},
		{url.Values{"pageSize": {"10"}, "pageNo": {"4"}}, 25, "", 0},
		{url.Values{"pageNo": {"2"}}, 25, "", 0},
		{url.Values{"pageSize": {"1000"}, "pageNo": {"1"}}, 25, "10001", 25},
		{url.Values{"memberServerImageName": {"img-07"}}, 1, "30007", 1},
		{url.Values{"memberServerImageInstanceNoList.1": {"30003"}, "memberServerImageInstanceNoList.2": {"10001"}, "memberServerImageInstanceNoList.3": {"10002"}}, 2, "10001", 2},
		{url.Values{"memberServerImageInstanceStatusCode": {"CREAT"}, "pageSize": {"5"}, "pageNo": {"5"}}, 25, "30019", 5},
	}
	for _, c := range cases {
		out := ok(t, s, "getMemberServerImageInstanceList", c.params)
		got := nos(out)
		if out.TotalRows != c.total || len(got) != c.pageItems || (c.pageItems > 0 && got[0] != c.first) {
			t.Errorf("%v: totalRows %d, page %v", c.params, out.TotalRows, got)
		}
	}
	for _, bad := range []url.Values{{"pageSize": {"0"}}, {"pageSize": {"1001"}}, {"pageSize": {"ten"}}, {"pageNo": {"0"}}} {
		fails(t, s, "getMemberServerImageInstanceList", bad, 400, "1300")
		fails(t, s, "getServerImageList", bad, 400, "1300")
	}
	if out := ok(t, s, "getServerImageList", url.Values{"pageSize": {"20"}, "pageNo": {"2"}}); out.TotalRows != 26 || len(out.ServerImages) != 6 {
		t.Errorf("server image paging: %d rows, %d items", out.TotalRows, len(out.ServerImages))
	}
}

func TestOutOfBandChanges(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.SetSharedLoginIDs("10001", []string{"z@example.com", "console@example.com", "z@example.com"})
	img := ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"10001"}}).Members[0]
	if !slices.Equal(img.SharedIDs, []string{"console@example.com", "z@example.com"}) {
		t.Errorf("console change not seen: %q", img.SharedIDs)
	}
	s.SetSharedLoginIDs("424242", []string{"ignored@example.com"})
	if _, found := s.Image("424242"); found {
		t.Error("SetSharedLoginIDs created an image")
	}
	s.DeleteImage("10001")
	if out := ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"10001"}}); out.TotalRows != 0 {
		t.Errorf("deleted image still there: %+v", out)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("PutImage accepted a non-digit number")
			}
		}()
		s.PutImage(Image{No: "abc", Name: "x"})
	}()
	if status, _ := callJSON(t, s, "getRegionList", nil); status != http.StatusOK {
		t.Error("server unusable after a PutImage panic")
	}
}

func TestWriteDelayAndLowercase(t *testing.T) {
	s, clock := newTestServer(t)
	s.SetLowercaseLoginIDs(true)
	s.SetWriteDelay(time.Minute)
	set := func(id string) []byte {
		status, body := callJSON(t, s, "setMemberServerImageSharingPermission", url.Values{
			"memberServerImageInstanceNo": {"10001"}, "targetLoginIdList.1": {id},
		})
		if status != http.StatusOK {
			t.Fatalf("set: HTTP %d %s", status, body)
		}
		return body
	}
	if body := set("Alice@Example.com"); strings.Contains(string(body), "alice") {
		t.Fatalf("a delayed write shows in its own response: %s", body)
	}
	if img, _ := s.Image("10001"); len(img.SharedLoginIDs) != 0 {
		t.Fatalf("a delayed write is visible at once: %q", img.SharedLoginIDs)
	}
	clock.Advance(time.Minute)
	if img, _ := s.Image("10001"); !slices.Equal(img.SharedLoginIDs, []string{"alice@example.com"}) {
		t.Fatalf("after the delay: shared with %q, want the lower-cased ID", img.SharedLoginIDs)
	}
}

// serverImageDetail reads one image through getServerImageDetail.
func serverImageDetail(t *testing.T, s *Server, no string) serverImage {
	t.Helper()
	out := ok(t, s, "getServerImageDetail", url.Values{"serverImageNo": {no}})
	if out.TotalRows != 1 || len(out.ServerImages) != 1 {
		t.Fatalf("detail of %s: %+v", no, out)
	}
	return out.ServerImages[0]
}

// serverSharing is the parameters of a server image sharing call.
func serverSharing(no string, ids ...string) url.Values {
	p := url.Values{"serverImageNo": {no}}
	for i, id := range ids {
		p.Set(fmt.Sprintf("targetLoginIdList.%d", i+1), id)
	}
	return p
}

const (
	addOp    = "addServerImageSharingPermission"
	removeOp = "removeServerImageSharingPermission"
)

// TestServerImageSharingAnswer: add and remove answer with the documented
// header only, in JSON and in XML.
func TestServerImageSharingAnswer(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	for _, op := range []string{addOp, removeOp} {
		status, body := callJSON(t, s, op, serverSharing("10002", "a@example.com"))
		var wrapper map[string]map[string]any
		if err := json.Unmarshal(body, &wrapper); status != http.StatusOK || err != nil {
			t.Fatalf("%s: HTTP %d %s", op, status, body)
		}
		fields := wrapper[op+"Response"]
		if len(wrapper) != 1 || len(fields) != 3 || fields["returnCode"] != "0" || fields["returnMessage"] != "success" || fields["requestId"] == "" {
			t.Errorf("%s: want requestId, returnCode and returnMessage only: %s", op, body)
		}
	}
	p := serverSharing("10002", "x@example.com")
	status, body, _ := send(t, request(t, s, http.MethodPost, addOp, p))
	if status != http.StatusOK || !strings.Contains(string(body), "<"+addOp+"Response><requestId>") ||
		!strings.HasSuffix(string(body), "<returnMessage>success</returnMessage></"+addOp+"Response>") {
		t.Errorf("XML answer: HTTP %d %s", status, body)
	}
}

// TestServerImageSharingDelta: add only logins not shared, remove only
// logins shared; a request with any other is rejected whole.
func TestServerImageSharingDelta(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	check := func(no, wantCode string, want ...string) {
		t.Helper()
		img := serverImageDetail(t, s, no)
		if img.ShareStatus.Code != wantCode || !slices.Equal(img.SharedIDs, want) || img.SharedIDs == nil {
			t.Errorf("image %s: %s %q, want %s %q", no, img.ShareStatus.Code, img.SharedIDs, wantCode, want)
		}
	}

	ok(t, s, addOp, serverSharing("10002", "b@example.com", "a@example.com", "b@example.com"))
	check("10002", "SHARE", "a@example.com", "b@example.com")

	msg := fails(t, s, addOp, serverSharing("10002", "c@example.com", "a@example.com", "b@example.com"), 400, codeAlreadyShared)
	if msg != "The server image is already shared with the login ID: a@example.com, b@example.com" {
		t.Errorf("already shared: %q", msg)
	}
	msg = fails(t, s, removeOp, serverSharing("10002", "a@example.com", "c@example.com"), 400, codeNotShared)
	if msg != "The server image is not shared with the login ID: c@example.com" {
		t.Errorf("not shared: %q", msg)
	}
	check("10002", "SHARE", "a@example.com", "b@example.com") // nothing applied

	// IDs compare exactly, as they are stored.
	fails(t, s, removeOp, serverSharing("10002", "A@example.com"), 400, codeNotShared)
	ok(t, s, addOp, serverSharing("10002", "A@example.com"))
	check("10002", "SHARE", "A@example.com", "a@example.com", "b@example.com")

	ok(t, s, removeOp, serverSharing("10002", "a@example.com", "A@example.com"))
	check("10002", "SHARE", "b@example.com")
	ok(t, s, removeOp, serverSharing("10002", "b@example.com"))
	check("10002", "NULL")
	fails(t, s, removeOp, serverSharing("10002", "b@example.com"), 400, codeNotShared)

	for _, op := range []string{addOp, removeOp} {
		if msg := fails(t, s, op, serverSharing("10002"), 400, codeInvalidParam); msg != "Invalid parameter: targetLoginIdList" {
			t.Errorf("%s without a list: %q", op, msg)
		}
		fails(t, s, op, serverSharing("10002", "a@example.com", " "), 400, codeInvalidParam)
		fails(t, s, op, url.Values{"targetLoginIdList.1": {"a@example.com"}}, 400, codeInvalidParam)
		fails(t, s, op, serverSharing("99999", "a@example.com"), 400, codeImageNotFound)
		fails(t, s, op, serverSharing("10003", "a@example.com"), 400, codeImageNotFound) // in SGN
	}
	check("10002", "NULL")
}

// TestServerImageSharingXEN: the server image API shares the account's XEN
// images too, and both APIs show one shared set per image number.
func TestServerImageSharingXEN(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	shared(t, s, "setMemberServerImageSharingPermission", sharing("10001", "m@example.com"))
	fails(t, s, addOp, serverSharing("10001", "m@example.com"), 400, codeAlreadyShared)
	ok(t, s, addOp, serverSharing("10001", "s@example.com"))
	member := ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"10001"}}).Members[0]
	if member.ShareStatus.Code != "SHARE" || !slices.Equal(member.SharedIDs, []string{"m@example.com", "s@example.com"}) {
		t.Errorf("member view: %+v", member)
	}
	ok(t, s, removeOp, serverSharing("10001", "m@example.com", "s@example.com"))
	member = ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"10001"}}).Members[0]
	if server := serverImageDetail(t, s, "10001"); member.ShareStatus.Code != "NULL" || server.ShareStatus.Code != "NULL" ||
		len(member.SharedIDs) != 0 || len(server.SharedIDs) != 0 || server.Hypervisor.Code != "XEN" || server.Type.Code != "SELF" {
		t.Errorf("after remove: member %+v, server %+v", member, server)
	}
}

// TestNCPImages: NCP's public images are in the server image API only, with
// serverImageType NCP, and cannot be shared.
func TestNCPImages(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	s.PutImage(Image{No: "50001", Name: "ubuntu-22.04-base", Type: "NCP"})
	s.PutImage(Image{No: "50002", Name: "rocky-8.10-base", Type: "NCP", Hypervisor: "KVM"})

	out := ok(t, s, "getServerImageList", url.Values{"serverImageTypeCodeList.1": {"NCP"}})
	if out.TotalRows != 2 || out.ServerImages[0].No != "50001" || out.ServerImages[0].Type != (codeName{"NCP", "NCP"}) ||
		out.ServerImages[1].Hypervisor.Code != "KVM" || out.ServerImages[1].ShareStatus.Code != "NULL" || out.ServerImages[1].SharedIDs == nil {
		t.Errorf("NCP images: %+v", out)
	}
	if out := ok(t, s, "getServerImageList", url.Values{"serverImageTypeCodeList.1": {"SELF"}}); out.TotalRows != 2 || out.ServerImages[1].No != "10002" {
		t.Errorf("SELF images: %+v", out)
	}
	if out := ok(t, s, "getServerImageList", nil); out.TotalRows != 4 {
		t.Errorf("all images: %+v", out)
	}
	if img := serverImageDetail(t, s, "50001"); img.Type.Code != "NCP" || img.Hypervisor.Code != "XEN" || img.Status.Code != "CREAT" {
		t.Errorf("NCP detail: %+v", img)
	}

	// Not in the member server image API, even on XEN.
	if out := ok(t, s, "getMemberServerImageInstanceList", nil); out.TotalRows != 1 || out.Members[0].No != "10001" {
		t.Errorf("member list: %+v", out)
	}
	if out := ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"50001"}}); out.TotalRows != 0 {
		t.Errorf("member detail: %+v", out)
	}
	fails(t, s, "setMemberServerImageSharingPermission", sharing("50001", "a@example.com"), 400, codeImageNotFound)
	fails(t, s, "addMemberServerImageSharingPermission", sharing("50002", "a@example.com"), 400, codeImageNotFound)

	for _, op := range []string{addOp, removeOp} {
		for _, no := range []string{"50001", "50002"} {
			if msg := fails(t, s, op, serverSharing(no, "a@example.com"), 400, codeNCPImage); msg != "NCP server images cannot be shared" {
				t.Errorf("%s %s: %q", op, no, msg)
			}
		}
	}
	s.SetSharedLoginIDs("50002", []string{"console@example.com"})
	if img, _ := s.Image("50002"); img.Type != "NCP" || len(img.SharedLoginIDs) != 0 {
		t.Errorf("an NCP image got shares: %+v", img)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("PutImage accepted a shared NCP image")
			}
		}()
		s.PutImage(Image{No: "50003", Name: "x", Type: "NCP", SharedLoginIDs: []string{"a@example.com"}})
	}()
}

// TestServerImageStatuses: only CREAT images are shared; a KVM image in INIT
// becomes CREAT after ReadyAfter as a XEN one does; CREFL and TERMT images
// stay unshareable.
func TestServerImageStatuses(t *testing.T) {
	t.Parallel()
	s, clock := newTestServer(t)
	s.PutImage(Image{No: "20001", Name: "fresh-kvm", Hypervisor: "KVM", Status: "INIT", ReadyAfter: 30 * time.Second})
	s.PutImage(Image{No: "20002", Name: "broken-kvm", Hypervisor: "KVM", Status: "CREFL"})
	s.PutImage(Image{No: "20003", Name: "going-kvm", Hypervisor: "KVM", Status: "TERMT"})

	img := serverImageDetail(t, s, "20001")
	if img.Status != (codeName{"INIT", "NSI INIT state"}) || img.StatusName != "creating" {
		t.Errorf("INIT: %+v", img)
	}
	for _, op := range []string{addOp, removeOp} {
		msg := fails(t, s, op, serverSharing("20001", "a@example.com"), 400, codeNotShareable)
		if msg != "The server image is not in a state that allows sharing (status INIT)" {
			t.Errorf("%s on INIT: %q", op, msg)
		}
	}
	clock.Advance(30 * time.Second)
	ok(t, s, addOp, serverSharing("20001", "a@example.com"))
	if img := serverImageDetail(t, s, "20001"); img.Status.Code != "CREAT" || img.ShareStatus.Code != "SHARE" {
		t.Errorf("after ready: %+v", img)
	}

	if img := serverImageDetail(t, s, "20002"); img.Status != (codeName{"CREFL", "NSI CREATE FAIL state"}) || img.StatusName != "fail" {
		t.Errorf("CREFL: %+v", img)
	}
	if img := serverImageDetail(t, s, "20003"); img.Status != (codeName{"TERMT", "NSI TERMINATING state"}) || img.StatusName != "terminating" {
		t.Errorf("TERMT: %+v", img)
	}
	for _, no := range []string{"20002", "20003"} {
		if msg := fails(t, s, addOp, serverSharing(no, "a@example.com"), 400, codeNotShareable); !strings.HasSuffix(msg, ")") {
			t.Errorf("image %s: %q", no, msg)
		}
	}
	if out := ok(t, s, "getServerImageList", url.Values{"serverImageStatusCode": {"TERMT"}}); out.TotalRows != 1 || out.ServerImages[0].No != "20003" {
		t.Errorf("status filter: %+v", out)
	}

	// An image whose deletion starts while shared keeps its shares, and
	// neither add nor remove applies any more, in either API.
	s.SetStatus("20001", "TERMT")
	if img := serverImageDetail(t, s, "20001"); img.Status.Code != "TERMT" || !slices.Equal(img.SharedIDs, []string{"a@example.com"}) {
		t.Errorf("after SetStatus: %+v", img)
	}
	fails(t, s, removeOp, serverSharing("20001", "a@example.com"), 400, codeNotShareable)
	s.SetStatus("10001", "TERMT")
	if msg := fails(t, s, "setMemberServerImageSharingPermission", sharing("10001"), 400, codeNotShareable); !strings.HasSuffix(msg, "(status TERMT)") {
		t.Errorf("member API on TERMT: %q", msg)
	}
	if m := ok(t, s, "getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {"10001"}}).Members[0]; m.Status.Code != "TERMT" || m.StatusName != "terminating" {
		t.Errorf("member view of TERMT: %+v", m)
	}

	// SetStatus drops a pending INIT->CREAT, does nothing for an unknown
	// image, and panics on an unknown status.
	s.PutImage(Image{No: "20004", Name: "fresh", Status: "INIT", ReadyAfter: time.Second})
	s.SetStatus("20004", "INIT")
	clock.Advance(time.Hour)
	if img, _ := s.Image("20004"); img.Status != "INIT" {
		t.Errorf("SetStatus kept the transition: %+v", img)
	}
	s.SetStatus("424242", "CREAT")
	if _, found := s.Image("424242"); found {
		t.Error("SetStatus created an image")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("SetStatus accepted an unknown status")
			}
		}()
		s.SetStatus("20004", "GONE")
	}()
}

// TestServerImageSharingWriteDelayAndLowercase: the member API's options
// apply to the server image API, and the checks see the last write, visible
// or not: a diff taken from a stale read fails.
func TestServerImageSharingWriteDelayAndLowercase(t *testing.T) {
	s, clock := newTestServer(t)
	s.SetLowercaseLoginIDs(true)
	ok(t, s, addOp, serverSharing("10002", "Alice@Example.com", "ALICE@example.com"))
	if img := serverImageDetail(t, s, "10002"); !slices.Equal(img.SharedIDs, []string{"alice@example.com"}) {
		t.Errorf("lowercased: %q", img.SharedIDs)
	}
	fails(t, s, addOp, serverSharing("10002", "alice@EXAMPLE.com"), 400, codeAlreadyShared)
	ok(t, s, removeOp, serverSharing("10002", "ALICE@example.com"))
	s.SetLowercaseLoginIDs(false)

	s.SetWriteDelay(time.Minute)
	ok(t, s, addOp, serverSharing("10002", "b@example.com"))
	if img := serverImageDetail(t, s, "10002"); len(img.SharedIDs) != 0 {
		t.Fatalf("a delayed write is visible at once: %q", img.SharedIDs)
	}
	// A caller that trusts the read above adds again: refused.
	fails(t, s, addOp, serverSharing("10002", "b@example.com"), 400, codeAlreadyShared)
	ok(t, s, addOp, serverSharing("10002", "c@example.com"))
	ok(t, s, removeOp, serverSharing("10002", "b@example.com"))
	clock.Advance(time.Minute)
	if img := serverImageDetail(t, s, "10002"); !slices.Equal(img.SharedIDs, []string{"c@example.com"}) {
		t.Errorf("after the delay: %q", img.SharedIDs)
	}
}
