package emulator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

const (
	basePath     = "/vserver/v2/"
	maxBodyBytes = 1 << 20 // larger bodies get the gateway's 413 (errorCode 430)
	maxClockSkew = 5 * time.Minute

	headerTimestamp = "x-ncp-apigw-timestamp"
	headerAccessKey = "x-ncp-iam-access-key"
	headerSignature = "x-ncp-apigw-signature-v2"
	headerTraceID   = "x-ncp-trace-id"

	invalidTimestamp = "Invalid timestamp: the request timestamp is more than 5 minutes from the server time"
)

// Options configures a Server.
type Options struct {
	AccessKey, SecretKey string           // required: the only accepted credentials
	Now                  func() time.Time // nil = time.Now; drives the timestamp check and INIT->CREAT
}

// RecordedRequest is one request as the emulator received it.
type RecordedRequest struct {
	Operation string // the path after /vserver/v2/ (the whole path outside it)
	Method    string
	Params    url.Values // decoded query and form parameters
	// Signature is the x-ncp-apigw-signature-v2 header as received, so that
	// tests can check that no signature reaches a log.
	Signature string
	Status    int // HTTP status sent; 0 when no response was sent
}

// Server is the emulator. Every method is safe for concurrent use.
type Server struct {
	opts Options

	mu      sync.Mutex
	images  map[string]*image
	faults  []*queuedFault
	latency time.Duration
	// writeDelay and lowercaseIDs model API behaviour the reference leaves
	// open: eventual consistency of writes, and login IDs in another case.
	writeDelay   time.Duration
	lowercaseIDs bool
	limiter      *rate.Limiter // SetRateLimit; nil = off
	calls        map[string]int
	total        int
	requests     []*RecordedRequest
	started      bool
	closing      bool
	ln           net.Listener
	srv          *http.Server
	closed       chan struct{} // closed by Close: ends latency sleeps
	inflight     sync.WaitGroup
}

// New returns a Server with no images; Start or StartOn makes it listen.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Server{
		opts:   opts,
		images: map[string]*image{},
		calls:  map[string]int{},
		closed: make(chan struct{}),
	}
}

func (s *Server) now() time.Time { return s.opts.Now() }

// Start listens on 127.0.0.1 on a free port.
func (s *Server) Start() error { return s.StartOn("127.0.0.1:0") }

// StartOn listens on addr, which must be a loopback address.
func (s *Server) StartOn(addr string) error {
	if s.opts.AccessKey == "" || s.opts.SecretKey == "" {
		return errors.New("emulator: AccessKey and SecretKey are required")
	}
	if err := checkLoopback(addr); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closing {
		return errors.New("emulator: already started or closed")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("emulator: listen: %w", err)
	}
	s.started, s.ln = true, ln
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return nil
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("emulator: listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("emulator: listen address %q is not a loopback address", addr)
	}
	return nil
}

// URL is the gateway base URL, e.g. "http://127.0.0.1:PORT" (no path).
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops the server, abandons delayed calls and waits for the handlers
// to return.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return
	}
	s.closing = true
	close(s.closed)
	srv := s.srv
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close() // only reports the listener's close error
	}
	s.inflight.Wait()
}

// call is one request being answered.
type call struct {
	w      http.ResponseWriter
	rec    *RecordedRequest
	reqID  string
	asJSON bool
}

// errorReply is an error response; gateway errors are JSON whatever the
// requested format, since the gateway answers before the API does.
type errorReply struct {
	status  int
	body    obj
	gateway bool
}

func gatewayError(status int, code, message, details string) *errorReply {
	e := obj{{"errorCode", code}, {"message", message}}
	if details != "" {
		e = append(e, field{"details", details})
	}
	return &errorReply{status: status, body: obj{{"error", e}}, gateway: true}
}

// ServeHTTP runs the gateway pipeline: routing and authentication, counting,
// rate limit, latency, faults, then the operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		return
	}
	defer s.inflight.Done()

	c := &call{w: w, reqID: newRequestID()}
	w.Header().Set(headerTraceID, c.reqID)
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	parseErr := r.ParseForm()
	c.asJSON = strings.EqualFold(r.Form.Get("responseFormatType"), "json")
	name := strings.TrimPrefix(r.URL.Path, basePath)
	c.rec = s.record(name, r.Method, r.Header.Get(headerSignature), r.Form)

	op, known := operations[name]
	if !known || !strings.HasPrefix(r.URL.Path, basePath) || (r.Method != http.MethodGet && r.Method != http.MethodPost) {
		s.fail(c, gatewayError(404, "300", "Not Found", ""))
		return
	}
	if parseErr != nil {
		var tooBig *http.MaxBytesError
		if errors.As(parseErr, &tooBig) {
			s.fail(c, gatewayError(413, "430", "Request Entity Too Large", ""))
		} else {
			s.fail(c, gatewayError(400, "100", "Bad Request", parseErr.Error()))
		}
		return
	}
	if details := s.authenticate(r); details != "" {
		s.fail(c, gatewayError(401, "200", "Authentication Failed", details))
		return
	}
	s.count(name)
	if !s.allow() {
		s.fail(c, gatewayError(429, "420", "Rate Limited", ""))
		return
	}
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if !s.sleep(r.Context(), latency) {
		return
	}
	f := s.takeFault(name)
	if f != nil {
		if !s.sleep(r.Context(), f.Latency) {
			return
		}
		if f.DeleteImage != "" {
			s.DeleteImage(f.DeleteImage)
		}
		if f.Drop {
			drop(w)
			return
		}
		if e := faultError(f); e != nil {
			s.fail(c, e)
			return
		}
	}

	s.mu.Lock()
	result, apiErr := op(s, r.Form)
	s.mu.Unlock()
	if f != nil && f.DropAfterApply {
		drop(w)
		return
	}
	if apiErr != nil {
		s.fail(c, apiErr)
		return
	}
	head := obj{{"requestId", c.reqID}, {"returnCode", "0"}, {"returnMessage", "success"}}
	s.reply(c, http.StatusOK, obj{{name + "Response", append(head, result...)}}, c.asJSON)
}

// enter registers a handler unless the server is closing.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.inflight.Add(1)
	return true
}

// authenticate checks the signature v2 headers; it returns the failure's
// details, or "" when the request is authentic.
func (s *Server) authenticate(r *http.Request) string {
	ts, key, sig := r.Header.Get(headerTimestamp), r.Header.Get(headerAccessKey), r.Header.Get(headerSignature)
	switch {
	case ts == "":
		return "Missing header " + headerTimestamp
	case key == "":
		return "Missing header " + headerAccessKey
	case sig == "":
		return "Missing header " + headerSignature
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || s.now().Sub(time.UnixMilli(ms)).Abs() > maxClockSkew {
		return invalidTimestamp
	}
	if !hmac.Equal([]byte(key), []byte(s.opts.AccessKey)) {
		return "Invalid access key"
	}
	mac := hmac.New(sha256.New, []byte(s.opts.SecretKey))
	mac.Write([]byte(r.Method + " " + signedURI(r) + "\n" + ts + "\n" + key))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return "Invalid signature"
	}
	return ""
}

// signedURI is the request target exactly as sent: the raw path, plus
// "?query" when the query is not empty.
func signedURI(r *http.Request) string {
	path, query, _ := strings.Cut(r.RequestURI, "?")
	if query == "" {
		return path
	}
	return path + "?" + query
}

func (s *Server) fail(c *call, e *errorReply) {
	s.reply(c, e.status, e.body, e.gateway || c.asJSON)
}

func (s *Server) reply(c *call, status int, body obj, asJSON bool) {
	data, err := encode(body, asJSON)
	if err != nil {
		status, asJSON = http.StatusInternalServerError, true
		data = []byte(`{"error":{"errorCode":"900","message":"Unexpected Error"}}`)
	}
	if asJSON {
		c.w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	} else {
		c.w.Header().Set("Content-Type", "application/xml;charset=UTF-8")
	}
	c.w.WriteHeader(status)
	_, _ = c.w.Write(data) // a client that went away is not our error
	s.mu.Lock()
	c.rec.Status = status
	s.mu.Unlock()
}

// drop closes the connection without a response.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // makes net/http abort the response
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (s *Server) record(op, method, signature string, params url.Values) *RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := &RecordedRequest{Operation: op, Method: method, Params: cloneValues(params), Signature: signature}
	s.requests = append(s.requests, rec)
	return rec
}

func (s *Server) count(op string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[op]++
	s.total++
}

// Calls is the number of authenticated requests for an operation, including
// rate-limited and faulted ones.
func (s *Server) Calls(operation string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[operation]
}

// TotalCalls is the number of authenticated requests for any operation.
func (s *Server) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// ResetCalls zeroes the counters and forgets the recorded requests.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls, s.total, s.requests = map[string]int{}, 0, nil
}

// Requests returns every request received (authenticated or not) in order
// of arrival.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
		out[i].Params = cloneValues(r.Params)
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
