// Package sandbox is a stateful local stand-in for the LiveChat platform:
// the Billing, Partner Program, Accounts and Developer Console APIs behind
// one net/http handler, plus the control API of platform-api.md §5.4 under /_sandbox/.
// Acceptance tests start it in-process with httptest; cmd/livechat-sandbox
// serves it to users. It imports neither Terraform nor the provider's client.
//
// Each API family lives in its own file (ledger.go, coupons.go, …) with a
// routes method registered in New, and keeps its objects in typed tables
// that the Server persists.
package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Default credentials of a sandbox (platform-api.md §5.1).
const (
	DefaultAccessToken     = "sandbox-access-token"
	DefaultPartnerToken    = "sandbox-partner-token"
	DefaultPartnerPassword = "sandbox-partner-password"
	DefaultClientID        = "sandbox-client-id"
	DefaultClientSecret    = "sandbox-client-secret"
	DefaultRefreshToken    = "sandbox-refresh-token"
	// DefaultPersonalAccessToken and DefaultAccountID make up the Basic
	// credential (base64 of "<account_id>:<PAT>") that Billing and the
	// Developer Console accept besides Bearer tokens.
	DefaultPersonalAccessToken = "sandbox-pat"
	DefaultAccountID           = "sandbox-account"
)

// AllScopes are the OAuth scopes a sandbox token has unless told otherwise.
var AllScopes = []string{"billing_manage", "billing--all:rw", "billing_admin", "ledger_read"}

// Options configure a sandbox. Zero values take the defaults of platform-api.md §5.1.
type Options struct {
	AccessToken     string
	PartnerToken    string
	PartnerPassword string
	// DataFile, when set, persists every acknowledged change there.
	DataFile string
	// Scopes granted to every access token; nil means AllScopes.
	Scopes []string

	// OAuth client and the refresh token the accounts API accepts.
	ClientID     string
	ClientSecret string
	RefreshToken string
	// PersonalAccessToken and AccountID form the Basic credential that
	// Billing and the Developer Console accept (platform-api.md §0.2).
	PersonalAccessToken string
	AccountID           string

	// RotateRefreshTokens makes every exchange issue a new refresh token and
	// revoke the old one.
	RotateRefreshTokens bool

	// WebhookTimeout bounds one delivery of an in-app upgrade webhook by the
	// control API; 0 means 5 seconds.
	WebhookTimeout time.Duration

	// Now is the real clock; the sandbox clock is Now plus the time advanced
	// through the control API. Defaults to time.Now.
	Now func() time.Time

	// FaultSeed seeds the random draws of fault rules' error_rate, so a test
	// can repeat a run; 0 picks a random seed.
	FaultSeed uint64
}

// Server is the sandbox handler.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu      sync.RWMutex
	tables  map[string]anyTable
	journal *journal
	st      *state

	statsMu sync.Mutex
	stats   map[string]int64 // requests per route pattern; their sum is the total

	faults *faultSet

	// clockOffset mirrors meta's ClockOffsetSeconds for the Date header,
	// which is written without the state lock (see publishClockLocked).
	clockOffset atomic.Int64
}

// state holds every table of every family. Families add their tables here
// and register them in newState.
type state struct {
	meta    *table[meta]
	ledger  *table[ledgerEntry]
	coupons *table[coupon]
	tokens  *table[issuedToken]

	apps               *table[app]
	upgrades           *table[inAppUpgrade]
	upgradeSecrets     *table[upgradeSecret]
	upgradeEnablements *table[upgradeEnablement]
	campaigns          *table[campaign]
	earnings           *table[partnerEarnings]
	organizations      *table[organization]
	licenses           *table[license]
	recurrent          *table[recurrentCharge]
	direct             *table[directCharge]
}

// meta is the sandbox's own bookkeeping (the clock offset).
type meta struct {
	ClockOffsetSeconds int64 `json:"clock_offset_seconds"`
	NextSerial         int64 `json:"next_serial"`
}

func newState() (*state, map[string]anyTable) {
	st := &state{
		meta:    newTable[meta]("meta"),
		ledger:  newTable[ledgerEntry]("ledger"),
		coupons: newTable[coupon]("coupons"),
		tokens:  newTable[issuedToken]("tokens"),

		apps:               newTable[app]("apps"),
		upgrades:           newTable[inAppUpgrade]("upgrades"),
		upgradeSecrets:     newTable[upgradeSecret]("upgrade_secrets"),
		upgradeEnablements: newTable[upgradeEnablement]("upgrade_enablements"),
		campaigns:          newTable[campaign]("campaigns"),
		earnings:           newTable[partnerEarnings]("partner_earnings"),
		organizations:      newTable[organization]("organizations"),
		licenses:           newTable[license]("licenses"),
		recurrent:          newTable[recurrentCharge]("recurrent_charges"),
		direct:             newTable[directCharge]("direct_charges"),
	}
	tables := map[string]anyTable{
		st.meta.name:    st.meta,
		st.ledger.name:  st.ledger,
		st.coupons.name: st.coupons,
		st.tokens.name:  st.tokens,

		st.apps.name:               st.apps,
		st.upgrades.name:           st.upgrades,
		st.upgradeSecrets.name:     st.upgradeSecrets,
		st.upgradeEnablements.name: st.upgradeEnablements,
		st.campaigns.name:          st.campaigns,
		st.earnings.name:           st.earnings,
		st.organizations.name:      st.organizations,
		st.licenses.name:           st.licenses,
		st.recurrent.name:          st.recurrent,
		st.direct.name:             st.direct,
	}
	return st, tables
}

// New builds a sandbox. With Options.DataFile it loads the saved state (or
// seeds a new one) and persists every change.
func New(opts Options) (*Server, error) {
	if opts.AccessToken == "" {
		opts.AccessToken = DefaultAccessToken
	}
	if opts.PartnerToken == "" {
		opts.PartnerToken = DefaultPartnerToken
	}
	if opts.PartnerPassword == "" {
		opts.PartnerPassword = DefaultPartnerPassword
	}
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = DefaultClientSecret
	}
	if opts.RefreshToken == "" {
		opts.RefreshToken = DefaultRefreshToken
	}
	if opts.PersonalAccessToken == "" {
		opts.PersonalAccessToken = DefaultPersonalAccessToken
	}
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if opts.Scopes == nil {
		opts.Scopes = AllScopes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, stats: map[string]int64{}, faults: newFaultSet(opts.FaultSeed)}
	s.st, s.tables = newState()

	if opts.DataFile != "" {
		if err := s.openDataFile(); err != nil {
			return nil, err
		}
	} else {
		s.seed(nil)
	}
	s.publishClockLocked()

	s.mux = http.NewServeMux()
	s.controlRoutes()
	s.accountsRoutes()
	s.ledgerRoutes()
	s.couponsRoutes()
	s.upgradesRoutes()
	s.campaignsRoutes()
	s.earningsRoutes()
	s.subscriptionsRoutes()
	s.recurrentChargesRoutes()
	s.directChargesRoutes()
	s.chargeControlRoutes()
	s.clockRoutes()
	s.checkoutRoutes()
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

// openDataFile loads the data file (or seeds a new one) and keeps it open,
// and locked, for every later change.
func (s *Server) openDataFile() error {
	loaded := false
	j, err := openJournal(s.opts.DataFile, func(c change) error {
		loaded = true
		t, ok := s.tables[c.Table]
		if !ok {
			return fmt.Errorf("unknown table %q", c.Table)
		}
		return t.apply(c.ID, c.Row)
	}, s.snapshot)
	if err != nil {
		return err
	}
	for _, t := range s.tables {
		t.settle()
	}
	s.journal = j
	if !loaded {
		if err := s.update(func(x *tx) error { s.seed(x); return nil }); err != nil {
			_ = j.close() // release the lock: this sandbox will not serve
			return err
		}
	}
	return nil
}

// Close flushes and closes the data file; later changes fail. It may be
// called more than once.
func (s *Server) Close() error {
	if s.journal == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.journal.close()
}

// snapshot lists every stored row as changes (for compaction).
func (s *Server) snapshot() []change {
	var out []change
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for id, r := range s.tables[n].dump() {
			b, _ := json.Marshal(r)
			out = append(out, change{Table: n, ID: id, Row: b})
		}
	}
	return out
}

// update runs fn under the write lock and returns once its changes are on
// disk, so a response written after update is durable. fn must check
// everything before it changes a table. The record is queued under the lock
// and synced after it (group commit, see journal.go).
func (s *Server) update(fn func(x *tx) error) error {
	seq, err := s.updateInMemory(fn)
	if seq > 0 {
		if werr := s.journal.wait(seq); werr != nil {
			return werr
		}
	}
	return err
}

// updateInMemory runs fn under the write lock and queues its record.
func (s *Server) updateInMemory(fn func(x *tx) error) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := &tx{}
	err := fn(x)
	if err == nil {
		err = x.err
	}
	return s.persistLocked(x, err)
}

// view runs fn under the read lock and returns once what fn saw is on disk.
func (s *Server) view(fn func()) {
	seq := func() uint64 {
		s.mu.RLock()
		defer s.mu.RUnlock()
		fn()
		return s.journal.visible()
	}()
	s.journal.awaitVisible(seq)
}

// now is the sandbox clock: real time plus what the control API advanced.
func (s *Server) now() time.Time {
	m, _ := s.st.meta.get("meta")
	return s.opts.Now().UTC().Add(time.Duration(m.ClockOffsetSeconds) * time.Second).Truncate(time.Second)
}

// publishClockLocked makes the clock's offset, as the state now holds it,
// the one the Date header shows. Callers hold the write lock (or, in New,
// are alone) after any change of the offset.
func (s *Server) publishClockLocked() {
	m, _ := s.st.meta.get("meta")
	s.clockOffset.Store(m.ClockOffsetSeconds)
}

// httpDate is the sandbox clock as a Date header, read without the lock.
func (s *Server) httpDate() string {
	offset := time.Duration(s.clockOffset.Load()) * time.Second
	return s.opts.Now().UTC().Add(offset).Format(http.TimeFormat)
}

// nextSerial returns a number unique within the sandbox (inside update).
func (s *Server) nextSerial(x *tx) int64 {
	m, _ := s.st.meta.get("meta")
	m.NextSerial++
	s.st.meta.put(x, "meta", m)
	return m.NextSerial
}

// ServeHTTP counts the request per route pattern and dispatches it.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w := &clockDateWriter{ResponseWriter: rw, s: s}
	w.Header().Set("X-Request-Id", newID(8))
	if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
		s.serveControl(w, r)
		return
	}
	_, pattern := s.mux.Handler(r)
	s.count(pattern)
	if !limitBody(w, r) {
		return
	}
	s.serveAPI(w, r)
}

// clockDateWriter sets the Date header from the sandbox clock when the
// response's header is written (net/http sets Date from the wall clock only
// when the handler did not), so clients that compare object timestamps
// with the server's time see the same clock as the objects.
type clockDateWriter struct {
	http.ResponseWriter
	s     *Server
	wrote bool
}

func (w *clockDateWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		w.Header().Set("Date", w.s.httpDate())
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *clockDateWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (Hijack, Flush).
func (w *clockDateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) count(pattern string) {
	if pattern == "" || pattern == "/" {
		pattern = "unmatched"
	}
	s.statsMu.Lock()
	s.stats[pattern]++
	s.statsMu.Unlock()
}

// notFound answers paths no family serves: 405 when the path exists for
// another method, else 404, both in the family's envelope.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := s.mux.Handler(probe); p != "" && p != "/" {
			allowed = append(allowed, m)
		}
	}
	fam := familyOf(r.URL.Path)
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, fam, http.StatusMethodNotAllowed, "method_not_allowed",
			fmt.Sprintf("method %s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allowed, ", ")))
		return
	}
	writeError(w, fam, http.StatusNotFound, "not_found", fmt.Sprintf("no such endpoint: %s %s", r.Method, r.URL.Path))
}

// family identifies an API family for auth and error envelopes.
type family int

const (
	famBilling family = iota
	famPartners
	famAccounts
	famDevConsole
	famControl
)

func familyOf(path string) family {
	switch {
	case strings.HasPrefix(path, "/_sandbox/"):
		return famControl
	case strings.HasPrefix(path, "/v2/partners"):
		return famPartners
	case strings.HasPrefix(path, "/v2/applications"):
		return famDevConsole
	case path == "/v2/token" || path == "/v2/info":
		return famAccounts
	default:
		return famBilling
	}
}

// requireAccess wraps a Billing or Developer Console handler: the Bearer
// token must be the sandbox access token or one the accounts API issued, or
// the Basic credential must be the sandbox's account id and Personal Access
// Token; either must carry one of scopes (none given: any).
func (s *Server) requireAccess(fam family, h http.HandlerFunc, scopes ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var granted []string
		if account, pat, isBasic := r.BasicAuth(); isBasic {
			// Both halves are always compared, so the time says nothing about which was wrong.
			accountOK := secretEqual(account, s.opts.AccountID)
			if !secretEqual(pat, s.opts.PersonalAccessToken) || !accountOK {
				writeOAuthError(w, http.StatusUnauthorized, "invalid_token", "the account id or Personal Access Token is wrong")
				return
			}
			granted = s.opts.Scopes
		} else {
			tok, ok := bearer(r)
			if !ok {
				writeOAuthError(w, http.StatusUnauthorized, "invalid_request",
					"missing Authorization: Bearer <access token> (or Basic <base64 of account_id:personal access token>)")
				return
			}
			var valid bool
			granted, valid = s.tokenScopes(tok)
			if !valid {
				writeOAuthError(w, http.StatusUnauthorized, "invalid_token", "the access token is invalid or expired")
				return
			}
		}
		if len(scopes) > 0 && !hasAny(granted, scopes) {
			writeError(w, fam, http.StatusForbidden, "insufficient_scope",
				fmt.Sprintf("the access token lacks the %s scope", strings.Join(scopes, " or ")))
			return
		}
		h(w, r)
	}
}

// requirePartner wraps a Partner Program handler.
func (s *Server) requirePartner(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r)
		if !ok {
			writeOAuthError(w, http.StatusUnauthorized, "invalid_request", "missing Authorization: Bearer <partner API token>")
			return
		}
		if !secretEqual(tok, s.opts.PartnerToken) {
			writeOAuthError(w, http.StatusUnauthorized, "invalid_token", "the partner API token is invalid")
			return
		}
		h(w, r)
	}
}

func (s *Server) tokenScopes(tok string) ([]string, bool) {
	if secretEqual(tok, s.opts.AccessToken) {
		return s.opts.Scopes, true
	}
	var it issuedToken
	var ok bool
	s.view(func() { it, ok = s.st.tokens.get("access:" + tok) })
	if !ok || !it.ExpiresAt.After(s.opts.Now()) {
		return nil, false
	}
	return s.opts.Scopes, true
}

// secretEqual compares a presented credential with the expected one in a
// time that depends on neither: both are hashed first, so not even the
// length of a guess's correct prefix (or of the secret) shows.
func secretEqual(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	const p = "Bearer "
	if len(h) <= len(p) || !strings.EqualFold(h[:len(p)], p) {
		return "", false
	}
	return strings.TrimSpace(h[len(p):]), true
}

func hasAny(have, want []string) bool {
	for _, w := range want {
		for _, h := range have {
			if h == w {
				return true
			}
		}
	}
	return false
}

// loopbackOnly refuses control API calls from other machines.
func loopbackOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !fromLoopback(r) {
			writeError(w, famControl, http.StatusForbidden, "forbidden", "the control API answers loopback clients only")
			return
		}
		h(w, r)
	}
}

func newID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newUUID returns a random RFC 4122 version 4 UUID.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
