package emulator

import (
	"cmp"
	"context"
	"time"

	"golang.org/x/time/rate"
)

// Fault makes matching calls misbehave. Faults form a queue: a call takes
// the first fault that matches its operation and has calls left.
type Fault struct {
	Operation      string        // operation name; "" = every operation
	Count          int           // matching calls affected; 0 (or less) = every one until ClearFaults
	HTTPStatus     int           // status of the error (default: the gateway table's, or 400 for an API error)
	ErrorCode      string        // gateway errorCode ("410", "500", ...): an {"error":{...}} body
	ReturnCode     string        // API returnCode: a {"responseError":{...}} body
	Message        string        // default: the code's name in the reference's table
	Latency        time.Duration // sleep before handling; the call is abandoned when the client goes away
	Drop           bool          // close the connection with no response, before the operation runs
	DropAfterApply bool          // run the operation, then close the connection with no response
	// DeleteImage deletes this image (as DeleteImage does) when the fault
	// takes a call, before the operation runs: an image deleted in the
	// console at any step of a plan or apply.
	DeleteImage string
}

type queuedFault struct {
	Fault
	left int
}

// gatewayErrors is the reference's gateway error table.
var gatewayErrors = map[string]struct {
	status  int
	message string
}{
	"100": {400, "Bad Request"},
	"200": {401, "Authentication Failed"},
	"210": {401, "Permission Denied"},
	"300": {404, "Not Found"},
	"400": {429, "Quota Exceeded"},
	"410": {429, "Throttle Limited"},
	"420": {429, "Rate Limited"},
	"430": {413, "Request Entity Too Large"},
	"500": {503, "Endpoint Error"},
	"510": {504, "Endpoint Timeout"},
	"900": {500, "Unexpected Error"},
}

// gatewayCodeForStatus picks the errorCode of a fault given only a status.
var gatewayCodeForStatus = map[int]string{
	400: "100", 401: "200", 404: "300", 413: "430", 429: "420", 503: "500", 504: "510",
}

// InjectFault queues a fault.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &queuedFault{Fault: f, left: f.Count})
}

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the fault that applies to this call, if any, and uses up
// one of its calls.
func (s *Server) takeFault(op string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.faults {
		if q.Operation != "" && q.Operation != op {
			continue
		}
		f := q.Fault
		if q.Count > 0 {
			if q.left--; q.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &f
	}
	return nil
}

// faultError is the error response a fault calls for, or nil when it only
// delays or drops.
func faultError(f *Fault) *errorReply {
	switch {
	case f.ErrorCode != "":
		def, ok := gatewayErrors[f.ErrorCode]
		if !ok {
			def = gatewayErrors["900"]
		}
		return gatewayError(cmp.Or(f.HTTPStatus, def.status), f.ErrorCode, cmp.Or(f.Message, def.message), "")
	case f.ReturnCode != "":
		return apiErr(cmp.Or(f.HTTPStatus, 400), f.ReturnCode, cmp.Or(f.Message, apiMessage(f.ReturnCode)))
	case f.HTTPStatus != 0:
		code := cmp.Or(gatewayCodeForStatus[f.HTTPStatus], "900")
		return gatewayError(f.HTTPStatus, code, cmp.Or(f.Message, gatewayErrors[code].message), "")
	}
	return nil
}

// SetLatency adds a delay to every call (a gateway round trip, for benchmarks).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetRateLimit limits calls per second with a token bucket whose burst is
// max(1, perSecond) calls, rounded down; calls beyond it get 429 gateway
// errorCode 420. 0 = off.
func (s *Server) SetRateLimit(perSecond float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perSecond <= 0 {
		s.limiter = nil
		return
	}
	// On the wall clock: throughput is about real time even when a test
	// injects a fixed Options.Now.
	s.limiter = rate.NewLimiter(rate.Limit(perSecond), int(max(1, perSecond)))
}

func (s *Server) allow() bool {
	s.mu.Lock()
	lim := s.limiter
	s.mu.Unlock()
	return lim == nil || lim.Allow()
}

// sleep waits d unless the client goes away or the server closes first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closed:
		return false
	}
}
