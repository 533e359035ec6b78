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
//	  {"no": "10003", "name": "fresh-image", "status": "INIT", "readyAfterSeconds": 20}
//	]}
//
// "no" (digits) and "name" are required; region defaults to KR, hypervisor to
// XEN, status to CREAT. An INIT image with readyAfterSeconds becomes CREAT that
// long after loading. Seeded images are added to (or replace) existing ones.
//
// # Modelling choices where NCP's documentation is silent
//
//   - One number space: a member server image's number is its serverImageNo.
//     XEN images appear in both APIs, KVM images only in the server image API.
//   - Routing comes before authentication: an unknown operation or path, or a
//     method other than GET and POST, is a 404 gateway error (errorCode 300)
//     whatever the credentials.
//   - Gateway errors are always JSON (the gateway does not know the API's
//     format); API errors and successes follow responseFormatType.
//   - Unknown, KVM or other-region numbers: an empty list from the member list
//     and detail operations; 400 API error 1104037 from getServerImageDetail
//     and the sharing operations (1100096 for KVM in the member API).
//   - Sharing requires status CREAT (else 400 API error 1100070).
//   - Removing a login ID that is not shared is not an error.
//   - Name and status filters match exactly; sortedBy, sortingOrder and the
//     platform code lists are accepted and ignored. Lists are ordered by
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
