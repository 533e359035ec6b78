package reliability

import "strings"

// The emulator's images that the rows name. The provider's acceptance tests
// seed ImageNo and KVMImageNo for every test; the bad-input test seeds
// FailedImageNo.
const (
	ImageNo        = "20001" // a XEN member server image in status CREAT
	KVMImageNo     = "20003" // a KVM server image
	FailedImageNo  = "20011" // a member server image in status CREFL
	MissingImageNo = "29999" // no image has this number

	// The server image resource's rows; the bad-input test seeds them.
	PublicImageNo    = "20012" // one of NCP's public KVM images (type NCP)
	FailedKVMImageNo = "20013" // a KVM server image in status CREFL
)

// ValidLoginID is the login ID of the rows whose resource is valid.
const ValidLoginID = "alice@example.com"

// Credentials is how a bad-input row's provider block gets its keys. The
// block always has an endpoint: the emulator's, or the row's Endpoint.
type Credentials int

const (
	EmulatorKeys   Credentials = iota // the emulator's access and secret keys
	NoKeys                            // none; the row's Settings may give some
	WrongSecretKey                    // the emulator's access key, a wrong secret key
)

// Resource is the sharing resource of a bad-input row.
type Resource struct {
	Server   bool // the server image resource, not the member one
	ImageNo  string
	LoginIDs []string
	Region   string // "" = no region argument
}

// BadInput is an input a user can get wrong, and the diagnostic it gets
// before any write: at plan time, or at apply where an error at plan would
// also block a destroy (AtApply).
type BadInput struct {
	Name        string // as the guide shows it
	Credentials Credentials
	Endpoint    string            // the provider's endpoint instead of the emulator's URL
	Settings    string            // more provider settings (HCL)
	Env         map[string]string // NCLOUD_* variables set for this row
	Resource    Resource
	Resources   string   // more resources (HCL), e.g. one a setting refers to
	ClockSkewed bool     // the API's clock is 10 minutes ahead of this machine's
	AtApply     bool     // the plan only warns; the apply fails before any write
	Want        []string // phrases of the diagnostic, in order
}

const badIDDetail = "must not contain whitespace (any Unicode space) or control characters"

// withIDs, withImage and withRegion are the resource sharing one image with
// some IDs; validResource is ImageNo shared with ValidLoginID.
func withIDs(ids ...string) Resource { return Resource{ImageNo: ImageNo, LoginIDs: ids} }
func withImage(no string) Resource   { return Resource{ImageNo: no, LoginIDs: []string{ValidLoginID}} }
func withRegion(region string) Resource {
	return Resource{ImageNo: ImageNo, LoginIDs: []string{ValidLoginID}, Region: region}
}

var validResource = withIDs(ValidLoginID)

// serverImage is the server image resource sharing one image with some IDs.
func serverImage(no string, ids ...string) Resource {
	if len(ids) == 0 {
		ids = []string{ValidLoginID}
	}
	return Resource{Server: true, ImageNo: no, LoginIDs: ids}
}

// BadInputs are the guide's rows, in order; the test runs them as the
// steps of one test case, in this order.
var BadInputs = []BadInput{
	{Name: "login ID empty", Resource: withIDs(""), Want: []string{"character count must be between 1 and 100"}},
	{Name: "login ID blank", Resource: withIDs("   "), Want: []string{badIDDetail}},
	{Name: "login ID padded with whitespace", Resource: withIDs(" alice@example.com"), Want: []string{badIDDetail}},
	{Name: "login ID with a control character", Resource: withIDs("ali\u0007ce@example.com"), Want: []string{badIDDetail}},
	{Name: "login ID with a no-break space (U+00A0)", Resource: withIDs("alice\u00a0@example.com"), Want: []string{badIDDetail}},
	{Name: "login ID with an ideographic space (U+3000)", Resource: withIDs("alice@example.com\u3000"), Want: []string{badIDDetail}},
	{Name: "login ID with a zero-width space (U+200B)", Resource: withIDs("ali\u200bce@example.com"), Want: []string{badIDDetail}},
	{Name: "login ID over 100 characters", Resource: withIDs(strings.Repeat("a", 89) + "@example.com"),
		Want: []string{"character count must be between 1 and 100, got: 101"}},
	{Name: "login IDs equal ignoring case", Resource: withIDs("Alice@Example.com", "alice@example.com"),
		Want: []string{"Duplicate login ID", "differ only in letter case"}},
	{Name: "image number empty", Resource: withImage(""), Want: []string{"must be a member server image number (digits only)"}},
	{Name: "image number not numeric", Resource: withImage("12ab"), Want: []string{"must be a member server image number (digits only)"}},
	{Name: "image number unknown", Resource: withImage(MissingImageNo), AtApply: true,
		Want: []string{"Member server image " + MissingImageNo + " not found", "Check member_server_image_no and region"}},
	{Name: "KVM image", Resource: withImage(KVMImageNo), Want: []string{"Server image " + KVMImageNo + " is a KVM image",
		"Share it with ncloudimage_server_image_sharing_permission", `server_image_no = "` + KVMImageNo + `"`}},
	{Name: "image failed to create (CREFL)", Resource: withImage(FailedImageNo),
		Want: []string{"Member server image " + FailedImageNo + " failed to create", "CREFL"}},
	{Name: "server image resource: XEN image", Resource: serverImage(ImageNo), Want: []string{"Server image " + ImageNo + " is a XEN image",
		"XEN images are shared with ncloudimage_member_server_image_sharing_permission", `member_server_image_no = "` + ImageNo + `"`}},
	{Name: "server image resource: NCP public image", Resource: serverImage(PublicImageNo),
		Want: []string{"Server image " + PublicImageNo + " is an NCP public image", "only images of this account"}},
	{Name: "server image resource: image failed to create (CREFL)", Resource: serverImage(FailedKVMImageNo),
		Want: []string{"Server image " + FailedKVMImageNo + " cannot be shared in status CREFL"}},
	{Name: "server image resource: image number unknown", Resource: serverImage(MissingImageNo), AtApply: true,
		Want: []string{"Server image " + MissingImageNo + " not found", "Check server_image_no and region"}},
	{Name: "server image resource: image number not numeric", Resource: serverImage("12ab"), Want: []string{"must be a server image number (digits only)"}},
	{Name: "server image resource: login ID with an ideographic space (U+3000)", Resource: serverImage(KVMImageNo, "alice@example.com\u3000"),
		Want: []string{badIDDetail}},
	{Name: "region not a region code", Resource: withRegion("kr"), Want: []string{"must be an NCP region code"}},
	{Name: "region unknown to NCP", Resource: withRegion("XX"), Want: []string{"Cannot look up member server image " + ImageNo, "HTTP 400", "Invalid regionCode"}},
	{Name: "site unknown", Settings: `site = "moon"`, Resource: validResource, Want: []string{"value must be one of", `"public"`}},
	{Name: "site unknown, from NCLOUD_SITE", Env: map[string]string{"NCLOUD_SITE": "moon"}, Resource: validResource,
		Want: []string{"Invalid NCP site", "NCLOUD_SITE"}},
	{Name: "endpoint: plain http to a remote host", Credentials: NoKeys, Settings: "access_key = \"a\"\n  secret_key = \"s\"",
		Endpoint: "http://ncloud.example.com", Resource: validResource, Want: []string{"Invalid NCP API endpoint", "not loopback"}},
	{Name: "endpoint with a path", Credentials: NoKeys, Settings: "access_key = \"a\"\n  secret_key = \"s\"",
		Endpoint: "https://ncloud.example.com/vserver/v2", Resource: validResource, Want: []string{"Invalid NCP API endpoint", "not a base URL"}},
	{Name: "credentials missing", Credentials: NoKeys, Resource: validResource, Want: []string{"Missing NCP access key", "NCLOUD_ACCESS_KEY"}},
	{Name: "secret key missing", Credentials: NoKeys, Settings: `access_key = "a"`, Resource: validResource,
		Want: []string{"Missing NCP secret key", "NCLOUD_SECRET_KEY"}},
	{Name: "provider setting unknown until apply", Credentials: NoKeys, Settings: "access_key = terraform_data.key.output\n  secret_key = \"s\"",
		Resource: validResource, Resources: "\nresource \"terraform_data\" \"key\" {\n  input = \"a\"\n}\n",
		Want: []string{"Unknown ncloudimage provider access_key"}},
	{Name: "credentials wrong", Credentials: WrongSecretKey, Resource: validResource,
		Want: []string{"Cannot look up member server image " + ImageNo, "HTTP 401", "code 200", "Authentication Failed",
			"Check access_key and secret_key"}},
	{Name: "clock more than 5 minutes off", ClockSkewed: true, Resource: validResource,
		Want: []string{"Cannot look up member server image " + ImageNo, "HTTP 401", "code 200", "Invalid timestamp",
			"check this machine's clock"}},
}
