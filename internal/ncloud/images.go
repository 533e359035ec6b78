package ncloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

const (
	// noListChunk bounds the numbers sent per list request, keeping a GET
	// URL far below the 8 KiB that proxies commonly accept.
	noListChunk = 100
	pageSize    = 1000 // the API's maximum
)

// CommonCode is NCP's {code, codeName} pair.
type CommonCode struct{ Code, CodeName string }

// MemberServerImage is a XEN "my server image" of the member server image API.
type MemberServerImage struct {
	InstanceNo  string
	Name        string
	Description string
	Status      CommonCode // StatusInit, StatusCreated, StatusFailed
	Operation   CommonCode
	ShareStatus CommonCode // ShareStatusShare while shared, ShareStatusNull (or another code) otherwise
	// SharedLoginIDs is never nil: empty when shared with nobody.
	SharedLoginIDs []string
	CreateDate     string
}

// ServerImage is an image of the newer server image API, which also covers KVM.
type ServerImage struct {
	No         string
	Name       string
	Type       CommonCode // ServerImageTypeSelf or ServerImageTypeNCP
	Hypervisor CommonCode // HypervisorXEN, HypervisorKVM (or RHV, in gov)
	// Status is StatusInit, StatusCreated, StatusFailed or another code
	// (an image being deleted, say): NCP shares only StatusCreated images.
	Status      CommonCode
	ShareStatus CommonCode // as MemberServerImage.ShareStatus
	// SharedLoginIDs is never nil: empty when shared with nobody.
	SharedLoginIDs []string
}

type memberServerImageJSON struct {
	InstanceNo     flexString `json:"memberServerImageInstanceNo"`
	Name           string     `json:"memberServerImageName"`
	Description    string     `json:"memberServerImageDescription"`
	Status         CommonCode `json:"memberServerImageInstanceStatus"`
	Operation      CommonCode `json:"memberServerImageInstanceOperation"`
	ShareStatus    CommonCode `json:"shareStatus"`
	SharedLoginIDs []string   `json:"sharedLoginIdList"`
	CreateDate     string     `json:"createDate"`
}

// memberServerImageList is the payload of every member server image operation.
type memberServerImageList struct {
	TotalRows flexString              `json:"totalRows"`
	Images    []memberServerImageJSON `json:"memberServerImageInstanceList"`
}

func (l memberServerImageList) page() ([]MemberServerImage, flexString) {
	images := make([]MemberServerImage, len(l.Images))
	for i, m := range l.Images {
		images[i] = m.image()
	}
	return images, l.TotalRows
}

func (m memberServerImageJSON) image() MemberServerImage {
	return MemberServerImage{
		InstanceNo: string(m.InstanceNo), Name: m.Name, Description: m.Description,
		Status: m.Status, Operation: m.Operation, ShareStatus: m.ShareStatus,
		SharedLoginIDs: nonNil(m.SharedLoginIDs), CreateDate: m.CreateDate,
	}
}

type serverImageJSON struct {
	No             flexString `json:"serverImageNo"`
	Name           string     `json:"serverImageName"`
	Type           CommonCode `json:"serverImageType"`
	Hypervisor     CommonCode `json:"hypervisorType"`
	Status         CommonCode `json:"serverImageStatus"`
	ShareStatus    CommonCode `json:"shareStatus"`
	SharedLoginIDs []string   `json:"sharedLoginIdList"`
}

func (s serverImageJSON) image() ServerImage {
	return ServerImage{
		No: string(s.No), Name: s.Name, Type: s.Type, Hypervisor: s.Hypervisor,
		Status: s.Status, ShareStatus: s.ShareStatus, SharedLoginIDs: nonNil(s.SharedLoginIDs),
	}
}

// serverImageList is the payload of the server image operations.
type serverImageList struct {
	TotalRows flexString        `json:"totalRows"`
	Images    []serverImageJSON `json:"serverImageList"`
}

func (l serverImageList) page() ([]ServerImage, flexString) {
	images := make([]ServerImage, len(l.Images))
	for i, s := range l.Images {
		images[i] = s.image()
	}
	return images, l.TotalRows
}

// GetMemberServerImages reads the member server images among nos, in as few
// list calls as the API allows. Images that do not exist are absent from the
// result.
func (c *Client) GetMemberServerImages(ctx context.Context, region string, nos []string) ([]MemberServerImage, error) {
	return listByNumbers[MemberServerImage, memberServerImageList](ctx, c,
		"getMemberServerImageInstanceList", "memberServerImageInstanceNoList", region, nos)
}

// GetServerImages reads the images among nos from the server image API
// (getServerImageList), which covers KVM and XEN images, in as few list calls
// as the API allows. Images that do not exist are absent from the result.
func (c *Client) GetServerImages(ctx context.Context, region string, nos []string) ([]ServerImage, error) {
	return listByNumbers[ServerImage, serverImageList](ctx, c,
		"getServerImageList", "serverImageNoList", region, nos)
}

// ListMemberServerImages reads every member server image of the region
// (getMemberServerImageInstanceList with no number list), page by page on
// totalRows. An error on any page returns the error and no images: never a
// short list.
func (c *Client) ListMemberServerImages(ctx context.Context, region string) ([]MemberServerImage, error) {
	return listPages[MemberServerImage, memberServerImageList](ctx, c,
		"getMemberServerImageInstanceList", regionParams(region), 0)
}

// ListServerImages reads every image of the region of the server image type
// imageType (ServerImageTypeSelf, ServerImageTypeNCP; "" = every type) from
// getServerImageList, page by page on totalRows. An error on any page
// returns the error and no images: never a short list.
func (c *Client) ListServerImages(ctx context.Context, region, imageType string) ([]ServerImage, error) {
	return listPages[ServerImage, serverImageList](ctx, c, "getServerImageList", serverImageParams(region, imageType), 0)
}

// serverImageParams selects the region's images of one server image type
// ("" = every type).
func serverImageParams(region, imageType string) url.Values {
	params := regionParams(region)
	if imageType != "" {
		addList(params, "serverImageTypeCodeList", []string{imageType})
	}
	return params
}

// Page is one page of a list operation: its items, and the rows the whole
// listing holds as the API reports them (totalRows), or -1 when the answer
// carries no usable count.
type Page[T any] struct {
	Items     []T
	TotalRows int
}

// MemberServerImagePage reads page pageNo (from 1) of the region's member
// server images, up to 1000 a page: for a caller that reads pages at once,
// where ListMemberServerImages reads them one after another.
func (c *Client) MemberServerImagePage(ctx context.Context, region string, pageNo int) (Page[MemberServerImage], error) {
	return readPage[MemberServerImage, memberServerImageList](ctx, c, "getMemberServerImageInstanceList", regionParams(region), pageNo)
}

// ServerImagePage reads page pageNo (from 1) of the region's images of the
// server image type imageType ("" = every type), as ListServerImages does.
func (c *Client) ServerImagePage(ctx context.Context, region, imageType string, pageNo int) (Page[ServerImage], error) {
	return readPage[ServerImage, serverImageList](ctx, c, "getServerImageList", serverImageParams(region, imageType), pageNo)
}

// pager is a list operation's payload: one page of items and totalRows.
type pager[T any] interface{ page() ([]T, flexString) }

// listByNumbers reads the images among nos with the list operation op,
// which takes them as noList.1, noList.2, ...: in chunks of noListChunk
// numbers, each read page by page on totalRows.
func listByNumbers[T any, L pager[T]](ctx context.Context, c *Client, op, noList, region string, nos []string) ([]T, error) {
	var images []T
	for chunk := range slices.Chunk(unique(nos), noListChunk) {
		params := regionParams(region)
		addList(params, noList, chunk)
		// A chunk cannot match more images than it has numbers, which
		// also bounds a misbehaving server.
		rows, err := listPages[T, L](ctx, c, op, params, len(chunk))
		if err != nil {
			return nil, err
		}
		images = append(images, rows...)
	}
	return images, nil
}

// listPages reads every page of the list operation op with params, and
// returns all pages' items, or the first error and no items. It pages on
// totalRows, not on pageSize: the API may serve smaller pages than asked.
// It stops when it has read totalRows items, on an empty page (a server that
// reports more rows than it serves), or, when limit > 0, once it has read
// limit items. When a page carries no usable totalRows, it reads on to an
// empty page rather than take one page as all there is. Pages are read one
// after another.
func listPages[T any, L pager[T]](ctx context.Context, c *Client, op string, params url.Values, limit int) ([]T, error) {
	var items []T
	for pageNo := 1; ; pageNo++ {
		page, err := readPage[T, L](ctx, c, op, params, pageNo)
		if err != nil {
			return nil, err
		}
		items = append(items, page.Items...)
		if len(page.Items) == 0 || (page.TotalRows >= 0 && len(items) >= page.TotalRows) || (limit > 0 && len(items) >= limit) {
			return items, nil
		}
	}
}

// readPage reads page pageNo of the list operation op with params, to which
// it adds pageNo and pageSize.
func readPage[T any, L pager[T]](ctx context.Context, c *Client, op string, params url.Values, pageNo int) (Page[T], error) {
	params.Set("pageSize", strconv.Itoa(pageSize))
	params.Set("pageNo", strconv.Itoa(pageNo))
	var out L
	if err := c.call(ctx, op, http.MethodGet, params, &out); err != nil {
		return Page[T]{}, err
	}
	rows, totalRows := out.page()
	total, err := strconv.Atoi(string(totalRows))
	if err != nil || total < 0 {
		total = -1
	}
	return Page[T]{Items: rows, TotalRows: total}, nil
}

// SetMemberServerImageSharingPermission replaces the set of login IDs the
// image is shared with; an empty loginIDs shares it with nobody. It returns
// the image as the response shows it, or nil when the response has none.
func (c *Client) SetMemberServerImageSharingPermission(ctx context.Context, region, no string, loginIDs []string) (*MemberServerImage, error) {
	params := regionParams(region)
	params.Set("memberServerImageInstanceNo", no)
	addList(params, "targetLoginIdList", loginIDs)
	var out memberServerImageList
	if err := c.call(ctx, "setMemberServerImageSharingPermission", http.MethodPost, params, &out); err != nil {
		return nil, err
	}
	if len(out.Images) == 0 {
		return nil, nil
	}
	img := out.Images[0].image()
	return &img, nil
}

// GetServerImage reads one image of the server image API; an error wrapping
// ErrNotFound when the API returns none or answers
// ReturnCodeServerImageNotFound.
func (c *Client) GetServerImage(ctx context.Context, region, no string) (*ServerImage, error) {
	params := regionParams(region)
	params.Set("serverImageNo", no)
	var out serverImageList
	if err := c.call(ctx, "getServerImageDetail", http.MethodGet, params, &out); err != nil {
		return nil, serverImageError(no, err)
	}
	if len(out.Images) == 0 {
		return nil, fmt.Errorf("ncloud: server image %s: %w", no, ErrNotFound)
	}
	img := out.Images[0].image()
	return &img, nil
}

// AddServerImageSharingPermission shares a server image (KVM or XEN) with
// loginIDs, in addition to the logins it is shared with already
// (addServerImageSharingPermission). RemoveServerImageSharingPermission
// undoes it; there is no operation that sets the whole list.
//
// loginIDs must not be empty: the API requires at least one, so an empty
// list is the caller's mistake and returns an error without any call. An
// image the API does not hold gives an error wrapping ErrNotFound.
//
// The documented answer carries no image: read the image to learn its
// share status. The call is not idempotent, and is retried like every
// other (after throttling, a gateway error, a lost connection or an
// attempt with no answer in time): when an attempt was applied but its
// answer lost, the retry may meet an API error (the login is shared
// already), returned as an *Error with the API's returnCode. Whatever the
// error, read the image to learn what the API holds.
func (c *Client) AddServerImageSharingPermission(ctx context.Context, region, no string, loginIDs []string) error {
	return c.serverImageSharing(ctx, "addServerImageSharingPermission", region, no, loginIDs)
}

// RemoveServerImageSharingPermission stops sharing a server image with
// loginIDs (removeServerImageSharingPermission). It is
// AddServerImageSharingPermission's opposite, with the same rules: at least
// one login ID, ErrNotFound for an unknown image, no image in the answer,
// and an API error on a retry whose first attempt was applied (the login is
// no longer shared).
func (c *Client) RemoveServerImageSharingPermission(ctx context.Context, region, no string, loginIDs []string) error {
	return c.serverImageSharing(ctx, "removeServerImageSharingPermission", region, no, loginIDs)
}

func (c *Client) serverImageSharing(ctx context.Context, op, region, no string, loginIDs []string) error {
	if len(loginIDs) == 0 {
		return fmt.Errorf("ncloud %s: server image %s: no login IDs given (the API takes at least one)", op, no)
	}
	params := regionParams(region)
	params.Set("serverImageNo", no)
	addList(params, "targetLoginIdList", loginIDs)
	// The answer's header is checked by call; what may follow it (the SDK's
	// type has a serverImageList) is not documented, so it is not read.
	var out struct{}
	if err := c.call(ctx, op, http.MethodPost, params, &out); err != nil {
		return serverImageError(no, err)
	}
	return nil
}

// serverImageError wraps ErrNotFound around an API error answering
// ReturnCodeServerImageNotFound, and returns any other error as it is.
func serverImageError(no string, err error) error {
	var apiErr *Error
	if errors.As(err, &apiErr) && !apiErr.Gateway && apiErr.Code == ReturnCodeServerImageNotFound {
		return fmt.Errorf("ncloud: server image %s: %w: %w", no, ErrNotFound, err)
	}
	return err
}

// regionParams starts a parameter set; an empty region sends no regionCode,
// so that NCP picks its default region.
func regionParams(region string) url.Values {
	v := url.Values{}
	if region != "" {
		v.Set("regionCode", region)
	}
	return v
}

// addList flattens a list the NCP way: name.1, name.2, ...
func addList(v url.Values, name string, items []string) {
	for i, s := range items {
		v.Set(name+"."+strconv.Itoa(i+1), s)
	}
}

func unique(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
