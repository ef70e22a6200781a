package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault injection (platform-api.md §5.4): POST /_sandbox/faults adds a rule, rules
// accumulate, DELETE /_sandbox/faults clears them all.
//
// A rule matches a request whose "METHOD /path" starts with its route ("*":
// every request outside the control API). Each matching rule fires with
// probability error_rate (default 1, also when status is given and
// error_rate is not); rules are tried in the order they were added. A rule
// that fires delays the request by latency_ms, then:
//   - with status, answers that status in the API family's error envelope
//     (with Retry-After when retry_after_s is given) before the request is
//     processed, so nothing changed;
//   - with drop_after_commit, lets the request be processed (its change is
//     committed and durable) and then closes the connection without an
//     answer: the ambiguous failure a client must reconcile;
//   - with reset, resets the connection (TCP RST) after the whole request
//     was read, before it is processed, so nothing changed; with reset and
//     drop_after_commit, after it was processed (platform-api.md §5.8);
//   - with none of them, lets the request through (latency only).
//
// The first rule that fires with status, drop_after_commit or reset
// decides; later rules are not tried. count limits how many times a rule
// fires, after which it is removed.

const (
	maxFaultLatencyMS  = 60_000
	maxFaultRetryAfter = 86_400
)

// faultRule is one rule as stored and listed.
type faultRule struct {
	ID              int64   `json:"id"`
	Route           string  `json:"route"`
	LatencyMS       int64   `json:"latency_ms"`
	ErrorRate       float64 `json:"error_rate"`
	Status          *int    `json:"status"`
	RetryAfterS     *int64  `json:"retry_after_s"`
	DropAfterCommit bool    `json:"drop_after_commit"`
	Reset           bool    `json:"reset"`
	// Count is the limit given (nil: none); Remaining how many firings are left.
	Count     *int64 `json:"count"`
	Remaining *int64 `json:"remaining"`
	Fired     int64  `json:"fired"`
}

func (r *faultRule) matches(key string) bool {
	return r.Route == "*" || strings.HasPrefix(key, r.Route)
}

// faultRuleBody is the POST body; pointers tell omitted from zero.
type faultRuleBody struct {
	Route           *string  `json:"route"`
	LatencyMS       *int64   `json:"latency_ms"`
	ErrorRate       *float64 `json:"error_rate"`
	Status          *int     `json:"status"`
	RetryAfterS     *int64   `json:"retry_after_s"`
	DropAfterCommit *bool    `json:"drop_after_commit"`
	Reset           *bool    `json:"reset"`
	Count           *int64   `json:"count"`
}

var faultMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// faultRoute checks a rule's route and writes it as "*" or "<METHOD> <path
// prefix>" with the method in capitals.
func faultRoute(given *string) (string, error) {
	if given == nil || strings.TrimSpace(*given) == "" {
		return "", errors.New(`route is required: "*" or "<METHOD> <path prefix>" such as "POST /v3/recurrent_charge"`)
	}
	route := strings.TrimSpace(*given)
	if route == "*" {
		return route, nil
	}
	method, prefix, _ := strings.Cut(route, " ")
	method = strings.ToUpper(method)
	prefix = strings.TrimSpace(prefix)
	if !slices.Contains(faultMethods, method) {
		return "", fmt.Errorf(`route must be "*" or start with a method (%s), got %q`, strings.Join(faultMethods, ", "), route)
	}
	if prefix == "" {
		prefix = "/"
	}
	if !strings.HasPrefix(prefix, "/") {
		return "", fmt.Errorf(`route's path prefix must start with "/", got %q`, route)
	}
	if strings.HasPrefix(prefix, "/_sandbox") {
		return "", fmt.Errorf("route must not target the control API (/_sandbox/), got %q", route)
	}
	return method + " " + prefix, nil
}

// ruleFrom validates a body; the error names the field and the rule.
func ruleFrom(b faultRuleBody) (faultRule, error) {
	var r faultRule
	route, err := faultRoute(b.Route)
	if err != nil {
		return r, err
	}
	r.Route = route
	if b.LatencyMS != nil {
		if *b.LatencyMS < 0 || *b.LatencyMS > maxFaultLatencyMS {
			return r, fmt.Errorf("latency_ms must be between 0 and %d, got %d", maxFaultLatencyMS, *b.LatencyMS)
		}
		r.LatencyMS = *b.LatencyMS
	}
	r.ErrorRate = 1
	if b.ErrorRate != nil {
		if !(*b.ErrorRate >= 0 && *b.ErrorRate <= 1) {
			return r, fmt.Errorf("error_rate must be between 0 and 1, got %v", *b.ErrorRate)
		}
		r.ErrorRate = *b.ErrorRate
	}
	if b.Status != nil {
		if *b.Status < 400 || *b.Status > 599 {
			return r, fmt.Errorf("status must be between 400 and 599, got %d", *b.Status)
		}
		r.Status = b.Status
	}
	if b.RetryAfterS != nil {
		if b.Status == nil {
			return r, errors.New("retry_after_s needs status: Retry-After is sent with the injected error")
		}
		if *b.RetryAfterS < 0 || *b.RetryAfterS > maxFaultRetryAfter {
			return r, fmt.Errorf("retry_after_s must be between 0 and %d, got %d", maxFaultRetryAfter, *b.RetryAfterS)
		}
		r.RetryAfterS = b.RetryAfterS
	}
	if b.DropAfterCommit != nil && *b.DropAfterCommit {
		if b.Status != nil {
			return r, errors.New("drop_after_commit cannot be combined with status: a rule either answers an error before the request is processed or drops the connection after it")
		}
		r.DropAfterCommit = true
	}
	if b.Reset != nil && *b.Reset {
		if b.Status != nil {
			return r, errors.New("reset cannot be combined with status: a rule either answers an error or resets the connection")
		}
		r.Reset = true
	}
	if b.Count != nil {
		if *b.Count < 1 {
			return r, fmt.Errorf("count must be at least 1 (omit it for no limit), got %d", *b.Count)
		}
		c, left := *b.Count, *b.Count
		r.Count, r.Remaining = &c, &left
	}
	if r.LatencyMS == 0 && r.Status == nil && !r.DropAfterCommit && !r.Reset {
		return r, errors.New("the rule does nothing: set latency_ms, status, drop_after_commit or reset")
	}
	return r, nil
}

// faultSet holds the rules and the seeded random source of error_rate.
type faultSet struct {
	mu     sync.Mutex
	rules  []*faultRule
	nextID int64
	rng    *rand.Rand
}

func newFaultSet(seed uint64) *faultSet {
	if seed == 0 {
		seed = rand.Uint64() //nolint:gosec // fault injection needs repeatable, not secret, randomness
	}
	return &faultSet{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} //nolint:gosec // as above: a seedable generator on purpose
}

func (fs *faultSet) add(r faultRule) faultRule {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.nextID++
	r.ID = fs.nextID
	fs.rules = append(fs.rules, &r)
	return r.copy()
}

func (fs *faultSet) clear() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := len(fs.rules)
	fs.rules = nil
	return n
}

func (fs *faultSet) list() []faultRule {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]faultRule, 0, len(fs.rules))
	for _, r := range fs.rules {
		out = append(out, r.copy())
	}
	return out
}

// copy detaches the pointers so a listing cannot race with decide.
func (r *faultRule) copy() faultRule {
	c := *r
	if r.Remaining != nil {
		left := *r.Remaining
		c.Remaining = &left
	}
	return c
}

// faultOutcome is what the rules do to one request.
type faultOutcome struct {
	latency    time.Duration
	rule       int64
	status     int
	retryAfter *int64
	drop       bool
	reset      bool
}

// decide applies the rules to the request key "METHOD /path".
func (fs *faultSet) decide(key string) faultOutcome {
	var o faultOutcome
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.rules) == 0 {
		return o
	}
	expired := false
	for _, r := range fs.rules {
		if !r.matches(key) {
			continue
		}
		if r.ErrorRate < 1 && fs.rng.Float64() >= r.ErrorRate {
			continue
		}
		r.Fired++
		if r.Remaining != nil {
			*r.Remaining--
			expired = expired || *r.Remaining == 0
		}
		o.latency += time.Duration(r.LatencyMS) * time.Millisecond
		if r.Status != nil {
			o.rule, o.status, o.retryAfter = r.ID, *r.Status, r.RetryAfterS
			break
		}
		if r.DropAfterCommit || r.Reset {
			o.rule, o.drop, o.reset = r.ID, r.DropAfterCommit, r.Reset
			break
		}
	}
	if expired {
		kept := fs.rules[:0]
		for _, r := range fs.rules {
			if r.Remaining == nil || *r.Remaining > 0 {
				kept = append(kept, r)
			}
		}
		clear(fs.rules[len(kept):])
		fs.rules = kept
	}
	return o
}

// serveAPI serves a request of the four platform APIs: refused while the
// data file is broken, otherwise through the fault rules.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	fam := familyOf(r.URL.Path)
	if err := s.journal.failure(); err != nil {
		writeError(w, fam, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	o := s.faults.decide(r.Method + " " + r.URL.Path)
	if o.latency > 0 {
		t := time.NewTimer(o.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the client gave up; nothing was processed
		}
	}
	switch {
	case o.status != 0:
		if o.retryAfter != nil {
			w.Header().Set("Retry-After", strconv.FormatInt(*o.retryAfter, 10))
		}
		writeError(w, fam, o.status, faultCode(fam, o.status),
			fmt.Sprintf("injected fault (sandbox fault rule %d): %d %s", o.rule, o.status, http.StatusText(o.status)))
	case o.drop:
		s.mux.ServeHTTP(&discardWriter{header: http.Header{}}, r)
		dropConnection(w, o.reset)
	case o.reset:
		dropConnection(w, true)
	default:
		s.mux.ServeHTTP(w, r)
	}
}

// faultCode is the error code an injected status carries.
func faultCode(fam family, status int) string {
	if fam == famAccounts && status >= 500 {
		if status == http.StatusServiceUnavailable {
			return "temporarily_unavailable"
		}
		return "server_error"
	}
	if t := http.StatusText(status); t != "" {
		return strings.ReplaceAll(strings.ToLower(t), " ", "_")
	}
	return "error"
}

// dropConnection closes the client's connection without writing a
// response; with reset, abortively (TCP RST), so the client reads
// "connection reset by peer" rather than an end of file.
func dropConnection(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2, a recorder): net/http closes the stream
		// without a response when a handler aborts.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		// A zero linger makes Close send RST and drop unsent data.
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// discardWriter takes the response of a request whose connection is dropped.
type discardWriter struct {
	header http.Header
	status int
}

func (d *discardWriter) Header() http.Header { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	return len(b), nil
}
func (d *discardWriter) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func (s *Server) faultsRoutes() {
	s.mux.HandleFunc("GET /_sandbox/faults", loopbackOnly(s.listFaults))
	s.mux.HandleFunc("POST /_sandbox/faults", loopbackOnly(s.addFault))
	s.mux.HandleFunc("DELETE /_sandbox/faults", loopbackOnly(s.clearFaults))
}

func (s *Server) listFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"rules": s.faults.list()})
}

func (s *Server) addFault(w http.ResponseWriter, r *http.Request) {
	var b faultRuleBody
	if err := decodeStrictJSON(r, &b); err != nil {
		writeError(w, famControl, http.StatusBadRequest, "validation_error", err.Error())
		return
	}
	rule, err := ruleFrom(b)
	if err != nil {
		writeError(w, famControl, http.StatusBadRequest, "validation_error", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, s.faults.add(rule))
}

func (s *Server) clearFaults(w http.ResponseWriter, _ *http.Request) {
	n := s.faults.clear()
	writeJSON(w, http.StatusOK, map[string]any{"cleared": n})
}

// decodeStrictJSON is decodeJSON refusing unknown fields, so a misspelt
// field of a control call is an error instead of a rule that does less.
func decodeStrictJSON(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body) // bounded by limitBody
	if err != nil {
		return fmt.Errorf("%w: %v", errBadBody, err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%w: the body is empty; a JSON object is required", errBadBody)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return fmt.Errorf("%w: %s must be a %s, got %s", errBadBody, typeErr.Field, jsonKind(typeErr.Type.String()), typeErr.Value)
		case errors.As(err, &typeErr):
			return fmt.Errorf("%w: the body must be a JSON object, got %s", errBadBody, typeErr.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return fmt.Errorf("%w: unknown field %s", errBadBody, strings.TrimPrefix(err.Error(), "json: unknown field "))
		default:
			return fmt.Errorf("%w: invalid JSON: %v", errBadBody, err)
		}
	}
	if dec.More() {
		return fmt.Errorf("%w: one JSON object is expected, got more data after it", errBadBody)
	}
	return nil
}

// jsonKind names a Go type as JSON does.
func jsonKind(goType string) string {
	t := strings.TrimPrefix(goType, "*")
	switch {
	case t == "bool":
		return "boolean"
	case t == "string":
		return "string"
	case strings.HasPrefix(t, "float"):
		return "number"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "whole number"
	default:
		return t
	}
}
