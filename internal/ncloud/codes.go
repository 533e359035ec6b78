package ncloud

// Image status codes: memberServerImageInstanceStatus.code and
// serverImageStatus.code.
const (
	StatusInit    = "INIT"  // being created; NCP shares only created images
	StatusCreated = "CREAT" // created
	StatusFailed  = "CREFL" // creation failed
)

// Hypervisor codes: hypervisorType.code of a server image. The member server
// image API serves XEN images only.
const (
	HypervisorXEN = "XEN"
	HypervisorKVM = "KVM"
)

// Share status codes: shareStatus.code. Any code other than ShareStatusShare
// means "shared with nobody".
const (
	ShareStatusShare = "SHARE" // shared with the logins in sharedLoginIdList
	ShareStatusNull  = "NULL"  // shared with nobody
)

// Server image type codes: serverImageType.code.
const (
	ServerImageTypeSelf = "SELF" // made by the account (a "my server image")
	ServerImageTypeNCP  = "NCP"  // provided by NCP
)

// ReturnCodeServerImageNotFound is the vserver API's returnCode for a server
// image number that names no image.
const ReturnCodeServerImageNotFound = "1104037"
