// Package emulator is an in-process emulator of the NAVER Cloud Platform (NCP)
// vserver API: a real HTTP server on loopback that speaks the gateway's wire
// protocol (signature v2, JSON or XML responses, gateway and API error shapes)
// for the member server image and server image sharing operations.
//
// It is an independent implementation of the API: it imports no other
// package of this project, so the API client is tested against a peer that
// was not written from the client's code.
//
// # Seed file
//
// LoadSeed reads JSON of this shape (unknown fields are an error):
//
//	{"images": [
//	  {"no": "10001", "name": "golden-ubuntu-2204", "description": "...", "region": "KR",
//	   "hypervisor": "XEN", "status": "CREAT", "sharedLoginIds": []},
//	  {"no": "10002", "name": "golden-rocky-kvm", "hypervisor": "KVM"},
//	  {"no": "10003", "name": "fresh-image", "status": "INIT", "readyAfterSeconds": 20},
//	  {"no": "50001", "name": "rocky-8.10-base", "type": "NCP", "hypervisor": "KVM"}
//	]}
//
// "no" (digits) and "name" are required; region defaults to KR, hypervisor
// (XEN or KVM) to XEN, type (SELF or NCP) to SELF, status (INIT, CREAT, CREFL
// or TERMT) to CREAT. An INIT image with readyAfterSeconds becomes CREAT that
// long after loading. An NCP image cannot have sharedLoginIds. Seeded images
// are added to (or replace) existing ones.
//
// # Modelling choices where NCP's documentation is silent
//
//   - One number space: a member server image's number is its serverImageNo,
//     and both APIs show one shared set per image. The account's XEN images
//     (type SELF) appear in both APIs; KVM images, and NCP's public images
//     (type NCP, on either hypervisor), only in the server image API.
//   - Routing comes before authentication: an unknown operation or path, or a
//     method other than GET and POST, is a 404 gateway error (errorCode 300)
//     whatever the credentials.
//   - Gateway errors are always JSON (the gateway does not know the API's
//     format); API errors and successes follow responseFormatType.
//   - Unknown, KVM, NCP or other-region numbers: an empty list from the member
//     list and detail operations; 400 API error 1104037 from
//     getServerImageDetail and the sharing operations (1100096 for KVM in the
//     member API, 1104037 for an NCP image there).
//   - Image statuses: INIT, CREAT, CREFL (creation failed), and TERMT for an
//     image being deleted (NCP documents no such status for images; TERMT is
//     its code for a terminating server instance). INIT becomes CREAT after
//     Image.ReadyAfter on KVM as on XEN.
//   - Sharing requires status CREAT (else 400 API error 1100070), in either
//     API, and never applies to an NCP image (400 API error 1100071 from the
//     server image API).
//   - addServerImageSharingPermission and removeServerImageSharingPermission
//     answer requestId, returnCode and returnMessage only, as documented (the
//     SDK's type also has a serverImageList). An add of a login ID already
//     shared is 400 API error 1100072, a remove of one not shared 400 API
//     error 1100073, naming each such ID; the whole request is then rejected
//     and nothing applied. NCP documents neither case: a caller must never
//     send them, and one that diffs from stale data fails. Login IDs compare
//     exactly, as stored.
//   - In the member server image API, adding a login ID already shared or
//     removing one that is not shared is not an error.
//   - Sharing writes build on the last write, visible or not yet
//     (SetWriteDelay), so that the checks above see a write a read does not
//     show yet.
//   - Name, status, hypervisor and server image type filters match exactly;
//     sortedBy, sortingOrder and the OS and platform code lists are accepted
//     and ignored. Lists are ordered by
//     image number.
//   - Paging: pageNo is 1-based (default 1); pageSize is 1-1000 and, when
//     absent, the page holds every match. totalRows counts all matches.
//   - Invalid parameters (bad region, missing required value, login ID empty
//     or not printable UTF-8, malformed list index or paging value) are 400
//     API error 1300.
//   - createDate is the time the image was put, in KST (+0900).
//   - The rate limiter and SetLatency use the wall clock; Options.Now drives
//     only the signature timestamp check and INIT->CREAT transitions.
package emulator
