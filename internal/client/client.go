// Package client is the LiveChat platform API client used by the Terraform
// provider. It knows the wire contract of the Billing, Partner Program,
// Accounts and Developer Console APIs and nothing about Terraform: the
// provider hands it a Config and a Logger and gets plain Go values back.
package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Default base URLs of the four APIs (API.md §0).
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
	// OAuth, when set, is exchanged for an access token by ExchangeRefreshToken.
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
	secrets     SecretSet

	// campaigns shares the Partner Program campaign list between callers.
	campaigns campaignCache
}

// New validates cfg and builds a Client with one reused HTTP client.
func New(cfg Config) (*Client, error) {
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
		return nil, fmt.Errorf("max retries must be 0 or more, got %d", cfg.MaxRetries)
	}
	if cfg.RequestsPerSecond < 0 || math.IsNaN(cfg.RequestsPerSecond) || math.IsInf(cfg.RequestsPerSecond, 0) {
		return nil, fmt.Errorf("requests per second must be a finite number, 0 or more, got %v", cfg.RequestsPerSecond)
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
	c := &Client{
		cfg:         cfg,
		endpoints:   map[API]*url.URL{},
		logger:      cfg.Logger,
		accessToken: cfg.AccessToken,
	}
	if c.logger == nil {
		c.logger = nopLogger{}
	}
	c.addConfigSecrets(cfg)
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

	transport := cfg.Transport
	if transport == nil {
		transport = cleanhttp.DefaultPooledTransport()
	}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: &limitedTransport{next: transport, limiter: c.limiter}}
	rc.Logger = nil
	rc.RetryMax = cfg.MaxRetries
	rc.RetryWaitMin = cfg.RetryWaitMin
	rc.RetryWaitMax = cfg.RetryWaitMax
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
	c.retry = rc
	return c, nil
}

// ValidateEndpoint checks that raw is an absolute http(s) URL and that plain
// http is used only for a loopback address (the sandbox).
func ValidateEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid URL: %v", raw, err)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("%q must be an absolute http(s) URL such as https://billing.text.com", raw)
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("%q uses plain http, which is allowed only for a loopback address (127.0.0.1, ::1, localhost); use https", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not carry a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

// PartnerPassword returns the configured partner password (for closing
// subscriptions); empty when unset.
func (c *Client) PartnerPassword() string { return c.cfg.PartnerPassword }

// SetAccessToken replaces the Bearer token used for Billing and the
// Developer Console (after a refresh-token exchange).
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
			cred := base64.StdEncoding.EncodeToString([]byte(c.cfg.AccountID + ":" + c.cfg.PersonalAccessToken))
			return "Basic " + cred, nil
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
	// lastFailure describes the last failed attempt ("HTTP 503", a network error).
	lastFailure string
	// stopped says why retrying stopped before max retries, if it did.
	stopped string
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
	// bearer sends the OAuth access token to an API that otherwise takes
	// none (the accounts token-info endpoint).
	bearer bool
}

// do performs r and decodes a 2xx JSON answer into r.out. Non-2xx answers
// become *APIError.
func (c *Client) do(ctx context.Context, r request) error {
	authAPI := r.api
	if r.bearer {
		authAPI = APIBilling
	}
	auth, err := c.authorization(authAPI)
	if err != nil {
		return err
	}
	base := c.endpoints[r.api]
	u := *base
	u.Path = base.Path + r.path
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}

	var payload []byte
	contentType := ""
	switch {
	case r.form != nil:
		payload = []byte(r.form.Encode())
		contentType = "application/x-www-form-urlencoded"
	case r.body != nil:
		payload, err = json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("encoding %s %s request: %w", r.method, r.path, err)
		}
		contentType = "application/json"
	}

	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.RequestTimeout, errRequestTimeout)
	defer cancel()
	st := &callState{class: r.retry}
	ctx = context.WithValue(ctx, callStateKey{}, st)

	var bodyArg any
	if payload != nil {
		bodyArg = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, u.String(), bodyArg)
	if err != nil {
		return fmt.Errorf("building %s %s request: %w", r.method, r.path, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}

	logURL := RedactURL(&u)
	c.logger.Debug(ctx, "LiveChat API request", map[string]any{
		"api": string(r.api), "method": r.method, "url": logURL,
	})
	c.logger.Trace(ctx, "LiveChat API request detail", map[string]any{
		"headers": RedactHeaders(req.Header), "body": RedactBody(contentType, payload),
	})

	start := time.Now()
	resp, err := c.retry.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return c.transportError(ctx, r, st, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		if errors.Is(context.Cause(ctx), errRequestTimeout) {
			return fmt.Errorf("%s %s: reading the response took longer than the request timeout (%s): %w",
				r.method, r.path, c.cfg.RequestTimeout, err)
		}
		return fmt.Errorf("%s %s: reading response: %w", r.method, r.path, err)
	}
	c.logger.Debug(ctx, "LiveChat API response", map[string]any{
		"api": string(r.api), "method": r.method, "url": logURL, "status": resp.StatusCode,
		"attempts": st.attempts, "duration_ms": time.Since(start).Milliseconds(),
	})
	c.logger.Trace(ctx, "LiveChat API response detail", map[string]any{
		"headers": RedactHeaders(resp.Header), "body": RedactBody(resp.Header.Get("Content-Type"), data),
	})

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
// attempt, retries included.
type limitedTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
}

func (t *limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
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

// IsLoopbackHost reports whether host names this machine: localhost or a
// loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
