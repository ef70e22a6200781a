// Package client is the LiveChat platform API client used by the Terraform
// provider. It knows the wire contract of the Billing, Partner Program,
// Accounts and Developer Console APIs and nothing about Terraform: the
// provider hands it a Config and a Logger and gets plain Go values back.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/net/idna"
	"golang.org/x/time/rate"
)

// Default base URLs of the four APIs (platform-api.md §0.1).
const (
	DefaultBillingURL          = "https://billing.text.com"
	DefaultPartnersURL         = "https://api.livechatinc.com"
	DefaultAccountsURL         = "https://accounts.livechat.com"
	DefaultDeveloperConsoleURL = "https://dev-platform.livechatinc.com"

	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 30 * time.Second
)

// API names one of the platform's APIs; it selects the base URL and the
// credentials a request carries.
type API string

// The platform's APIs.
const (
	APIBilling          API = "Billing"
	APIPartners         API = "Partner Program"
	APIAccounts         API = "Accounts"
	APIDeveloperConsole API = "Developer Console"
)

// Endpoints holds the base URL of each API.
type Endpoints struct {
	Billing          string
	Partners         string
	Accounts         string
	DeveloperConsole string
}

// DefaultEndpoints returns the documented production base URLs.
func DefaultEndpoints() Endpoints {
	return Endpoints{
		Billing:          DefaultBillingURL,
		Partners:         DefaultPartnersURL,
		Accounts:         DefaultAccountsURL,
		DeveloperConsole: DefaultDeveloperConsoleURL,
	}
}

// OAuthConfig is the refresh-token grant a pipeline uses instead of a
// browser login.
type OAuthConfig struct {
	ClientID     string
	ClientSecret string
	RefreshToken string
}

// Config configures a Client. Zero values take documented defaults.
type Config struct {
	Endpoints Endpoints

	// AccessToken is the OAuth Bearer token for Billing and the Developer Console.
	AccessToken string
	// PersonalAccessToken and AccountID build a Basic credential instead.
	PersonalAccessToken string
	AccountID           string
	// OAuth, when set, is the refresh-token grant the caller exchanges
	// through TokenExchanges; the client only keeps its secrets out of logs.
	OAuth *OAuthConfig
	// PartnerToken is the Partner Program API token (not OAuth).
	PartnerToken string
	// PartnerPassword is required to close partner client subscriptions.
	PartnerPassword string

	// MaxRetries bounds the retries of one call (not counting the first attempt).
	MaxRetries int
	// RequestTimeout bounds one call, retries and waits included.
	RequestTimeout time.Duration
	// RequestsPerSecond limits the request rate client-side; 0 means no limit.
	RequestsPerSecond float64

	// RetryWaitMin and RetryWaitMax bound the jittered backoff between
	// attempts; tests shrink them.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration

	// UserAgent overrides the default "terraform-provider-livechat/<Version>".
	UserAgent string
	// Version is the provider version reported in the User-Agent.
	Version string

	// Logger receives redacted request and response logs; nil discards them.
	Logger Logger
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
}

// Client talks to the LiveChat APIs. It is safe for concurrent use.
type Client struct {
	cfg       Config
	endpoints map[API]*url.URL
	retry     *retryablehttp.Client
	limiter   *rate.Limiter
	logger    Logger
	userAgent string

	mu          sync.RWMutex
	accessToken string

	// secrets are the secret values masked in every log line.
	secrets *SecretSet

	// campaigns shares the Partner Program campaign list between callers.
	campaigns campaignCache
	// creates keeps concurrent creating calls from adopting each other's objects.
	creates createLedger
}

// New validates cfg and builds a Client with one reused HTTP client.
func New(cfg Config) (*Client, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:         cfg,
		endpoints:   map[API]*url.URL{},
		logger:      cfg.Logger,
		accessToken: cfg.AccessToken,
		secrets:     configuredSecrets(cfg),
	}
	if c.logger == nil {
		c.logger = nopLogger{}
	} else {
		c.logger = maskingLogger{next: c.logger, secrets: c.secrets}
	}
	for api, raw := range map[API]string{
		APIBilling:          cfg.Endpoints.Billing,
		APIPartners:         cfg.Endpoints.Partners,
		APIAccounts:         cfg.Endpoints.Accounts,
		APIDeveloperConsole: cfg.Endpoints.DeveloperConsole,
	} {
		u, err := ValidateEndpoint(raw)
		if err != nil {
			return nil, fmt.Errorf("%s endpoint: %w", api, err)
		}
		c.endpoints[api] = u
	}
	c.userAgent = cfg.UserAgent
	if c.userAgent == "" {
		v := cfg.Version
		if v == "" {
			v = "dev"
		}
		c.userAgent = "terraform-provider-livechat/" + v
	}
	if cfg.RequestsPerSecond > 0 {
		// A burst of one spaces requests evenly: a limit of N per second
		// never lets N requests through at once, which is what an
		// undocumented server-side limit is most likely to punish.
		c.limiter = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), 1)
	}
	c.retry = c.newRetryClient()
	return c, nil
}

// withDefaults checks the numeric settings of cfg and fills what is unset.
func withDefaults(cfg Config) (Config, error) {
	// An endpoint left empty takes its production default, so a caller can
	// point one API elsewhere without repeating the other three.
	def := DefaultEndpoints()
	for _, e := range []struct {
		dst *string
		def string
	}{
		{&cfg.Endpoints.Billing, def.Billing},
		{&cfg.Endpoints.Partners, def.Partners},
		{&cfg.Endpoints.Accounts, def.Accounts},
		{&cfg.Endpoints.DeveloperConsole, def.DeveloperConsole},
	} {
		if *e.dst == "" {
			*e.dst = e.def
		}
	}
	if cfg.MaxRetries < 0 {
		return cfg, fmt.Errorf("max retries must be 0 or more, got %d", cfg.MaxRetries)
	}
	if cfg.RequestsPerSecond < 0 || math.IsNaN(cfg.RequestsPerSecond) || math.IsInf(cfg.RequestsPerSecond, 0) {
		return cfg, fmt.Errorf("requests per second must be a finite number, 0 or more, got %v", cfg.RequestsPerSecond)
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = 500 * time.Millisecond
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 15 * time.Second
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	return cfg, nil
}

// newRetryClient builds the one HTTP client of c: go-retryablehttp with the
// client's retry policy, over the guard, the rate limiter and the transport.
func (c *Client) newRetryClient() *retryablehttp.Client {
	transport := c.cfg.Transport
	if transport == nil {
		transport = newDefaultTransport()
	}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{
		Transport: &guardTransport{
			next:      &limitedTransport{next: transport, limiter: c.limiter},
			endpoints: c.endpoints,
			secrets:   c.secrets,
		},
		// guardTransport already turns a redirect into a RedirectError;
		// this keeps net/http from following one should a response ever
		// reach it, since it would resend the body and, to the same host
		// on another port or scheme, the Authorization header.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	rc.Logger = nil
	// checkRetry keeps the two budgets of callState.takeRetry; this is only
	// their sum, so that go-retryablehttp never stops before them.
	rc.RetryMax = c.cfg.MaxRetries * (1 + rateLimitRetriesPerRetry)
	rc.RetryWaitMin = c.cfg.RetryWaitMin
	rc.RetryWaitMax = c.cfg.RetryWaitMax
	rc.CheckRetry = checkRetry
	rc.Backoff = backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.RequestLogHook = func(_ retryablehttp.Logger, r *http.Request, attempt int) {
		if attempt > 0 {
			c.logger.Debug(r.Context(), "retrying LiveChat API request", map[string]any{
				"method": r.Method, "url": RedactURL(r.URL), "attempt": attempt + 1,
			})
		}
	}
	return rc
}

// newDefaultTransport is the pooled transport used when the caller brings
// none. cleanhttp leaves TLSClientConfig nil, so the TLS floor would be
// whatever crypto/tls defaults to; the platform speaks TLS 1.2 and later,
// so the floor is stated here and no older protocol is ever negotiated.
// cleanhttp keeps GOMAXPROCS+1 idle connections per host, fewer than the
// ten operations Terraform runs at once: on a small CI runner most calls
// would then open a new connection and handshake TLS again.
func newDefaultTransport() *http.Transport {
	t := cleanhttp.DefaultPooledTransport()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	t.MaxIdleConnsPerHost = idleConnsPerHost
	return t
}

// idleConnsPerHost covers Terraform's default parallelism of 10 and the
// larger values pipelines pass with -parallelism.
const idleConnsPerHost = 32

// configuredSecrets collects the secret values of cfg, to be masked in
// every log line.
func configuredSecrets(cfg Config) *SecretSet {
	s := &SecretSet{}
	s.Add(cfg.AccessToken, cfg.PersonalAccessToken, cfg.PartnerToken, cfg.PartnerPassword)
	if cfg.PersonalAccessToken != "" {
		s.Add(basicCredential(cfg.AccountID, cfg.PersonalAccessToken))
	}
	if cfg.OAuth != nil {
		s.Add(cfg.OAuth.ClientSecret, cfg.OAuth.RefreshToken)
	}
	return s
}

func basicCredential(accountID, pat string) string {
	return base64.StdEncoding.EncodeToString([]byte(accountID + ":" + pat))
}

// ValidateEndpoint checks that raw is an absolute http(s) URL without user
// info, and that plain http is used only for a loopback address (the
// sandbox). Its messages never show the user info of raw.
func ValidateEndpoint(raw string) (*url.URL, error) {
	shown, hasUserinfo := withoutUserinfo(raw)
	if hasUserinfo {
		return nil, fmt.Errorf("%q must not carry user info (user:password@): no user info is allowed in an endpoint, "+
			"credentials are sent only from the provider's credential settings", shown)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse repeats the whole URL in its error; its reason is enough.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("%q is not a valid URL: %v", shown, err)
	}
	if u.User != nil {
		u.User = nil
		return nil, fmt.Errorf("%q must not carry user info (user:password@)", u.String())
	}
	if !isAbsoluteHTTPURL(u) {
		return nil, fmt.Errorf("%q must be an absolute http(s) URL such as https://billing.text.com", shown)
	}
	if PlainHTTPOffLoopback(u) {
		return nil, fmt.Errorf("%q uses plain http, which is allowed only for a loopback address (127.0.0.1, ::1, localhost); use https", shown)
	}
	if p := PortProblem(u); p != "" {
		return nil, fmt.Errorf("%q is not a usable endpoint: %s", shown, p)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not carry a query or fragment", shown)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

// schemePrefix matches "scheme:/" at the start of a URL written with a
// single slash, where the authority follows the slashes.
var schemePrefix = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:/+`)

// withoutUserinfo returns raw with anything that reads as user info
// ("user:password@" before the host) removed, and whether there was some.
// It works on the text, so that even a URL that does not parse is shown
// without its password.
// WithoutUserinfo returns raw with any user info (user:password@) cut out,
// for messages, and whether it had some: a URL's credentials must never be
// shown, nor kept in plain state.
func WithoutUserinfo(raw string) (string, bool) { return withoutUserinfo(raw) }

func withoutUserinfo(raw string) (string, bool) {
	firstAt := strings.Index(raw, "@")
	if firstAt < 0 {
		return raw, false
	}
	// The authority starts after the "//" (or "scheme:/") that precedes
	// the first "@"; without one, the text starts with it ("user:pw@host").
	start := 0
	if i := strings.Index(raw, "//"); i >= 0 && i < firstAt {
		start = i + 2
	} else if m := schemePrefix.FindString(raw); m != "" && len(m) <= firstAt {
		start = len(m)
	}
	end := len(raw)
	if j := strings.IndexAny(raw[start:], "/?#"); j >= 0 {
		end = start + j
	}
	at := strings.LastIndex(raw[start:end], "@")
	if at < 0 {
		return raw, false
	}
	return raw[:start] + raw[start+at+1:], true
}

// PartnerPassword returns the configured partner password (for closing
// subscriptions); empty when unset.
func (c *Client) PartnerPassword() string { return c.cfg.PartnerPassword }

// SetAccessToken replaces the Bearer token used for Billing and the
// Developer Console (after a refresh-token exchange) and masks it in every
// later log line.
func (c *Client) SetAccessToken(token string) {
	c.secrets.Add(token)
	c.mu.Lock()
	c.accessToken = token
	c.mu.Unlock()
}

func (c *Client) currentAccessToken() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.accessToken
}

// MissingCredentialsError says which credential an API call needed and how
// to provide it. It is returned before any request is sent.
type MissingCredentialsError struct {
	API  API
	Hint string
}

func (e *MissingCredentialsError) Error() string {
	return fmt.Sprintf("no credentials for the LiveChat %s API: %s", e.API, e.Hint)
}

// IsMissingCredentials reports whether err is a MissingCredentialsError.
func IsMissingCredentials(err error) bool {
	var m *MissingCredentialsError
	return errors.As(err, &m)
}

// authorization returns the Authorization header value for api.
func (c *Client) authorization(api API) (string, error) {
	switch api {
	case APIBilling, APIDeveloperConsole:
		if tok := c.currentAccessToken(); tok != "" {
			return "Bearer " + tok, nil
		}
		if c.cfg.PersonalAccessToken != "" && c.cfg.AccountID != "" {
			return "Basic " + basicCredential(c.cfg.AccountID, c.cfg.PersonalAccessToken), nil
		}
		return "", &MissingCredentialsError{API: api, Hint: "set the provider's access_token (or LIVECHAT_ACCESS_TOKEN), " +
			"an oauth block (or LIVECHAT_CLIENT_ID, LIVECHAT_CLIENT_SECRET and LIVECHAT_REFRESH_TOKEN), " +
			"or personal_access_token and account_id (or LIVECHAT_PAT and LIVECHAT_ACCOUNT_ID)"}
	case APIPartners:
		if c.cfg.PartnerToken == "" {
			return "", &MissingCredentialsError{API: api, Hint: "set the provider's partner_token (or LIVECHAT_PARTNER_TOKEN)"}
		}
		return "Bearer " + c.cfg.PartnerToken, nil
	default:
		return "", nil
	}
}

// retryClass tells checkRetry how safe it is to repeat a request.
type retryClass int

const (
	// retrySafe: reads and state transitions, repeated on 429, 5xx and network errors.
	retrySafe retryClass = iota
	// retryIfNotActed: creating requests, repeated only when the server
	// provably did not act on them.
	retryIfNotActed
)

// callState follows one call through its attempts; checkRetry updates it
// and do reads it to explain a failure.
type callState struct {
	class    retryClass
	attempts int
	// maxRetries is max_retries; failureRetries and waitRetries count the
	// retries of failed answers and of answers that asked to wait.
	maxRetries, failureRetries, waitRetries int
	// lastFailure describes the last failed attempt ("HTTP 503", a network error).
	lastFailure string
	// stopped says why retrying stopped before max retries, if it did.
	stopped string
	// interrupted is closed when the caller of a creating call asked to
	// stop: the request in flight finishes, but it is not repeated.
	interrupted <-chan struct{}
}

type callStateKey struct{}

// errRequestTimeout is the cause of a call's context when the client's own
// request timeout ends it (as opposed to the caller cancelling). net/http
// reports the cause, so it wraps context.DeadlineExceeded for callers that
// test for that.
var errRequestTimeout = fmt.Errorf("request timeout: %w", context.DeadlineExceeded)

// request describes one API call.
type request struct {
	api    API
	method string
	path   string
	query  url.Values
	// body is marshalled as JSON unless form is set.
	body any
	form url.Values
	// retry is the retry class; zero is retrySafe.
	retry retryClass
	// out receives the decoded JSON response when non-nil.
	out any
	// date, when set, receives the server's Date header: the platform's
	// clock, which object timestamps are compared with.
	date *time.Time
}

// do performs r and decodes a 2xx JSON answer into r.out. Non-2xx answers
// become *APIError.
func (c *Client) do(ctx context.Context, r request) error {
	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.RequestTimeout, errRequestTimeout)
	defer cancel()
	st := &callState{class: r.retry, maxRetries: c.cfg.MaxRetries}
	st.interrupted, _ = ctx.Value(interruptKey{}).(<-chan struct{})
	ctx = context.WithValue(ctx, callStateKey{}, st)

	out, err := c.newOutgoing(ctx, r)
	if err != nil {
		return &notSentError{err}
	}
	c.logger.Debug(ctx, "LiveChat API request", map[string]any{
		"api": string(r.api), "method": r.method, "url": out.logURL,
	})
	c.logger.Trace(ctx, "LiveChat API request detail", map[string]any{
		"headers": RedactHeaders(out.req.Header), "body": RedactBody(out.contentType, out.payload),
	})

	start := time.Now()
	resp, err := c.retry.Do(out.req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return c.transportError(ctx, r, st, err)
	}
	defer resp.Body.Close()
	if r.date != nil {
		*r.date, _ = http.ParseTime(resp.Header.Get("Date"))
	}
	data, err := c.readAnswer(ctx, r, resp)
	if err != nil {
		return err
	}
	c.logger.Debug(ctx, "LiveChat API response", map[string]any{
		"api": string(r.api), "method": r.method, "url": out.logURL, "status": resp.StatusCode,
		"attempts": st.attempts, "duration_ms": time.Since(start).Milliseconds(),
	})
	c.logger.Trace(ctx, "LiveChat API response detail", map[string]any{
		"headers": RedactHeaders(resp.Header), "body": RedactBody(resp.Header.Get("Content-Type"), data),
	})
	return decodeAnswer(r, st, resp, data)
}

// outgoing is a request ready to send, with what its logs show.
type outgoing struct {
	req         *retryablehttp.Request
	payload     []byte
	contentType string
	logURL      string
}

// newOutgoing builds the HTTP request of r: its URL, encoded body and
// headers. Any error means nothing was sent.
func (c *Client) newOutgoing(ctx context.Context, r request) (outgoing, error) {
	auth, err := c.authorization(r.api)
	if err != nil {
		return outgoing{}, err
	}
	base := c.endpoints[r.api]
	u := *base
	u.Path = base.Path + r.path
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	out := outgoing{logURL: RedactURL(&u)}
	switch {
	case r.form != nil:
		out.payload, out.contentType = []byte(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.body != nil:
		if out.payload, err = json.Marshal(r.body); err != nil {
			return outgoing{}, fmt.Errorf("encoding %s %s request: %w", r.method, r.path, err)
		}
		out.contentType = "application/json"
	}
	var bodyArg any
	if out.payload != nil {
		bodyArg = out.payload
	}
	if out.req, err = retryablehttp.NewRequestWithContext(ctx, r.method, u.String(), bodyArg); err != nil {
		return outgoing{}, fmt.Errorf("building %s %s request: %w", r.method, r.path, err)
	}
	out.req.Header.Set("User-Agent", c.userAgent)
	out.req.Header.Set("Accept", "application/json")
	if out.contentType != "" {
		out.req.Header.Set("Content-Type", out.contentType)
	}
	if auth != "" {
		out.req.Header.Set("Authorization", auth)
	}
	return out, nil
}

// readAnswer reads a response body, up to 32 MiB.
func (c *Client) readAnswer(ctx context.Context, r request, resp *http.Response) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	switch {
	case err == nil:
		return data, nil
	case errors.Is(context.Cause(ctx), errRequestTimeout):
		return nil, fmt.Errorf("%s %s: reading the response took longer than the request timeout (%s): %w",
			r.method, r.path, c.cfg.RequestTimeout, err)
	default:
		return nil, fmt.Errorf("%s %s: reading response: %w", r.method, r.path, err)
	}
}

// decodeAnswer turns a non-2xx answer into an *APIError and decodes a 2xx
// JSON answer into r.out.
func decodeAnswer(r request, st *callState, resp *http.Response, data []byte) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(r.api, r.method, r.path, resp, data)
		apiErr.Attempts = st.attempts
		apiErr.GaveUp = st.stopped
		return apiErr
	}
	if r.out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, r.out); err != nil {
		return fmt.Errorf("%s %s: decoding response (HTTP %d): %w", r.method, r.path, resp.StatusCode, err)
	}
	return nil
}

// transportError explains a call that ended without a response: the
// request timeout, the caller's cancellation or a network failure.
func (c *Client) transportError(ctx context.Context, r request, st *callState, err error) error {
	attempts := "1 attempt"
	if st.attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", st.attempts)
	}
	last := ""
	if st.lastFailure != "" && !strings.Contains(err.Error(), st.lastFailure) {
		last = "; last failure: " + st.lastFailure
	}
	switch {
	case errors.Is(context.Cause(ctx), errRequestTimeout):
		return fmt.Errorf("%s %s: gave up when the request timeout (%s) ran out, after %s%s: %w",
			r.method, r.path, c.cfg.RequestTimeout, attempts, last, err)
	case ctx.Err() != nil:
		return fmt.Errorf("%s %s: cancelled after %s%s: %w", r.method, r.path, attempts, last, err)
	case st.attempts > 1:
		return fmt.Errorf("%s %s: failed after %s: %w", r.method, r.path, attempts, err)
	default:
		return fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
}

// limitedTransport waits for the client-side rate limiter before every
// attempt, retries included, and sends no retry of a creating request
// whose caller was interrupted while it waited to retry.
type limitedTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
}

func (t *limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if st, ok := r.Context().Value(callStateKey{}).(*callState); ok && st.attempts > 0 && interrupted(st) {
		return nil, errInterruptedRetry
	}
	if t.limiter != nil {
		if err := t.limiter.Wait(r.Context()); err != nil {
			if ctxErr := r.Context().Err(); ctxErr != nil {
				return nil, ctxErr
			}
			// The wait would outlast the request timeout: retrying cannot help.
			return nil, &rateLimitWaitError{err: err}
		}
	}
	return t.next.RoundTrip(r)
}

// rateLimitWaitError is returned when the client-side rate limit would
// delay a request past its deadline.
type rateLimitWaitError struct{ err error }

func (e *rateLimitWaitError) Error() string {
	return "the client-side rate limit (requests per second) would delay the request past its timeout: " + e.err.Error()
}

func (e *rateLimitWaitError) Unwrap() error { return e.err }

// guardTransport is the first RoundTripper of every attempt. It keeps a
// creating request from being replayed by any layer below the client's
// retry policy, and it never lets a redirect through.
type guardTransport struct {
	next      http.RoundTripper
	endpoints map[API]*url.URL
	secrets   *SecretSet
}

func (t *guardTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(withoutReplay(r))
	if err != nil || !isRedirect(resp) {
		return resp, err
	}
	rerr := t.redirectError(r, resp)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return nil, rerr
}

// withoutReplay returns a creating request (retryIfNotActed) as a copy
// without GetBody. go-retryablehttp sets GetBody on every request, and with
// it net/http may send the request again on its own: HTTP/1 when a reused
// connection fails (shouldRetryRequest: a replayable request, which a POST
// becomes with an Idempotency-Key header, or nothing written and GetBody
// set), HTTP/2 when a stream is refused or the connection goes away after
// the body was sent (http2shouldRetryRequest rewinds through GetBody).
// Without GetBody a body that was written cannot be rewound
// (errCannotRewind), so the failure reaches checkRetry, which alone decides
// whether the server may have acted. Other requests keep GetBody: net/http
// replaying a read is harmless.
func withoutReplay(r *http.Request) *http.Request {
	st, _ := r.Context().Value(callStateKey{}).(*callState)
	if st == nil || st.class != retryIfNotActed || r.GetBody == nil {
		return r
	}
	clone := *r // a RoundTripper must not change the caller's request
	clone.GetBody = nil
	return &clone
}

// isRedirect reports an answer that net/http would follow: a 3xx with a
// Location header.
func isRedirect(resp *http.Response) bool {
	return resp.StatusCode >= 300 && resp.StatusCode <= 399 && resp.Header.Get("Location") != ""
}

// RedirectError is returned when an API answers with a redirect. The client
// never follows one, whatever the method: the platform's APIs do not
// redirect, so a redirect means the endpoint is configured wrongly, and
// following it would send the Authorization header and the request body
// (passwords, card tokens, client secrets) to an address nobody configured.
type RedirectError struct {
	// APIs are the APIs whose configured endpoint the request went to
	// (several when they share one endpoint).
	APIs []API
	// Endpoint is that configured endpoint.
	Endpoint string
	// Status is the HTTP status of the redirect.
	Status int
	// Location is where the redirect pointed, with user info removed and
	// secret query parameters and known secret values masked.
	Location string
}

func (e *RedirectError) Error() string {
	names := make([]string, len(e.APIs))
	for i, api := range e.APIs {
		names[i] = string(api)
	}
	which := "LiveChat"
	if n := len(names); n > 0 {
		which += " " + strings.Join(names[:n-1], ", ")
		if n > 1 {
			which += " and "
		}
		which += names[n-1]
	}
	return fmt.Sprintf("the %s API endpoint %s answered %d %s with Location %s; redirects are not followed, so that "+
		"credentials and request bodies never leave the configured endpoint: set the endpoint to the address the "+
		"API is served at", which, e.Endpoint, e.Status, http.StatusText(e.Status), e.Location)
}

// IsRedirect reports whether err is a RedirectError.
func IsRedirect(err error) bool {
	var r *RedirectError
	return errors.As(err, &r)
}

func (t *guardTransport) redirectError(r *http.Request, resp *http.Response) *RedirectError {
	location := Redacted
	if loc, err := r.URL.Parse(resp.Header.Get("Location")); err == nil {
		location = t.secrets.Mask(RedactURL(loc))
	}
	apis, endpoint := t.endpointOf(r.URL)
	return &RedirectError{APIs: apis, Endpoint: endpoint, Status: resp.StatusCode, Location: location}
}

// endpointOf finds the configured endpoint u was built from: the one of the
// same origin with the longest path that prefixes u's path.
func (t *guardTransport) endpointOf(u *url.URL) ([]API, string) {
	var apis []API
	best := (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
	bestLen := -1
	for _, api := range []API{APIBilling, APIPartners, APIAccounts, APIDeveloperConsole} {
		e := t.endpoints[api]
		if e == nil || e.Scheme != u.Scheme || !strings.EqualFold(e.Host, u.Host) || !strings.HasPrefix(u.Path, e.Path) {
			continue
		}
		switch {
		case len(e.Path) > bestLen:
			apis, best, bestLen = []API{api}, e.String(), len(e.Path)
		case len(e.Path) == bestLen:
			apis = append(apis, api)
		}
	}
	return apis, best
}

// ParseAbsoluteHTTPURL parses raw and reports whether it is an absolute
// http or https URL, the rule every URL the platform is given follows.
func ParseAbsoluteHTTPURL(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, false
	}
	return u, isAbsoluteHTTPURL(u)
}

// PortProblem says why the port of u cannot be dialled, or "" when u has
// none or one from 1 to 65535: url.Parse accepts any digits, and a port out
// of range would fail only when the request is sent.
func PortProblem(u *url.URL) string {
	p := u.Port()
	if p == "" {
		return ""
	}
	if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("its port must be a number from 1 to 65535, not %s", p)
	}
	return ""
}

// HostProblem says why an absolute http(s) URL that the platform is given
// (a return URL, a landing page, a webhook, an icon) names no host it can
// be sure to reach as written, or "": a port out of range, or a host that
// is not ASCII. The platform documents no handling of international domain
// names, and an answer that repeats the host in its xn-- form would show as
// a change in every plan.
func HostProblem(u *url.URL) string {
	if p := PortProblem(u); p != "" {
		return p
	}
	host := u.Hostname()
	for _, r := range host {
		if r > unicode.MaxASCII {
			msg := "its host must be ASCII: write an international domain name in its xn-- (punycode) form"
			if ascii, err := idna.Lookup.ToASCII(host); err == nil {
				msg += ", " + ascii
			}
			return msg
		}
	}
	return ""
}

// isAbsoluteHTTPURL needs a host name, not only an authority: Go dials
// "https://:443" on this machine, which no URL the platform is given means.
func isAbsoluteHTTPURL(u *url.URL) bool {
	return u.Hostname() != "" && (u.Scheme == "https" || u.Scheme == "http")
}

// PlainHTTPOffLoopback reports whether u sends plain http to another
// machine: only a local sandbox may be reached without TLS.
func PlainHTTPOffLoopback(u *url.URL) bool {
	return u.Scheme == "http" && !isLoopbackHost(u.Hostname())
}

// isLoopbackHost reports whether host names this machine: localhost or a
// loopback IP address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
