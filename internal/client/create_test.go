package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// What a test server does to a creating POST before (or instead of) the
// sandbox answering it.
type createFault string

const (
	faultNone          createFault = ""
	fault429           createFault = "429 before processing"
	fault429Bare       createFault = "429 without Retry-After before processing"
	fault429Committed  createFault = "429 without Retry-After after the sandbox committed"
	fault503RetryAfter createFault = "503 with Retry-After once, then through"
	fault400           createFault = "400 before processing"
	fault502Committed  createFault = "502 after the sandbox committed"
	fault502Nothing    createFault = "502 without reaching the sandbox"
	faultEmpty201      createFault = "201 with an empty body after commit"
	faultGarbage201    createFault = "201 with a body that is not JSON after commit"
	faultNoID201       createFault = "201 without the id after commit"
	faultResetCommit   createFault = "connection closed after commit"
	faultSlowCommit    createFault = "answer slower than the request timeout after commit"
)

// faultyCreates serves a sandbox whose creating POSTs suffer fault (the
// first POST only, for the 503 case) and counts them.
type faultyCreates struct {
	sbx   *sandbox.Server
	url   string
	fault atomic.Value // createFault
	posts atomic.Int64
}

func newFaultyCreates(t *testing.T) *faultyCreates {
	t.Helper()
	f := &faultyCreates{}
	f.fault.Store(faultNone)
	f.sbx, f.url = startSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || strings.HasPrefix(r.URL.Path, "/_sandbox") || r.URL.Path == "/v2/token" {
				next.ServeHTTP(w, r)
				return
			}
			n := f.posts.Add(1)
			f.serve(t, w, r, next, f.fault.Load().(createFault), n)
		})
	})
	return f
}

func (f *faultyCreates) serve(t *testing.T, w http.ResponseWriter, r *http.Request, next http.Handler, fault createFault, n int64) {
	commit := func() { next.ServeHTTP(httptest.NewRecorder(), r) }
	switch fault {
	case fault429:
		w.Header().Set("Retry-After", "0")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case fault429Bare:
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case fault429Committed:
		// A proxy that forwarded the request, then rate limited the answer.
		commit()
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case fault503RetryAfter:
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	case fault400:
		http.Error(w, `{"error":"invalid_request","error_description":"bad"}`, http.StatusBadRequest)
	case fault502Committed:
		commit()
		http.Error(w, "bad gateway", http.StatusBadGateway)
	case fault502Nothing:
		http.Error(w, "bad gateway", http.StatusBadGateway)
	case faultEmpty201:
		commit()
		w.WriteHeader(http.StatusCreated)
	case faultGarbage201:
		commit()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("<html>created</html>"))
	case faultNoID201:
		commit()
		writeJSONBody(w, http.StatusCreated, map[string]any{"name": "no id here"})
	case faultResetCommit:
		commit()
		hangUp(t, w)
	case faultSlowCommit:
		commit()
		time.Sleep(400 * time.Millisecond)
		w.WriteHeader(http.StatusCreated)
	default:
		next.ServeHTTP(w, r)
	}
}

func (f *faultyCreates) client(t *testing.T) *Client {
	return newTestClient(t, Config{
		Endpoints: endpointsAt(f.url), AccessToken: sandbox.DefaultAccessToken,
		PartnerToken: sandbox.DefaultPartnerToken, PartnerPassword: sandbox.DefaultPartnerPassword,
		MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		RequestTimeout: 200 * time.Millisecond,
	})
}

// rows returns the objects of a table in the sandbox's own state.
func (f *faultyCreates) rows(t *testing.T, table string) []map[string]any {
	t.Helper()
	resp, err := http.Get(f.url + "/_sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(st[table], &rows); err != nil {
		t.Fatalf("table %s: %v", table, err)
	}
	return rows
}

// stored counts the objects of a table in the sandbox's own state.
func (f *faultyCreates) stored(t *testing.T, table string) int {
	t.Helper()
	return len(f.rows(t, table))
}

// createFamily creates one object of a family through the client and
// counts the family's objects in the sandbox.
type createFamily struct {
	name string
	// setup runs once per case, before any fault: it returns the create.
	setup func(t *testing.T, f *faultyCreates, c *Client) func() (id string, adopted bool, err error)
	count func(t *testing.T, f *faultyCreates) int
	// reconcilable is false where the platform cannot list the family.
	reconcilable bool
}

func createFamilies() []createFamily {
	return []createFamily{
		{
			name: "direct charge", reconcilable: true,
			setup: func(_ *testing.T, _ *faultyCreates, c *Client) func() (string, bool, error) {
				return func() (string, bool, error) {
					res, err := c.CreateDirectCharge(context.Background(), ProductLiveChat, DirectChargeRequest{
						Name: "seats", Price: 700, Quantity: 3, ReturnURL: "https://example.com/done"})
					return resultID(res, err, func(dc *DirectCharge) string { return dc.ID })
				}
			},
			count: func(t *testing.T, f *faultyCreates) int { return f.stored(t, "direct_charges") },
		},
		{
			name: "recurrent charge",
			setup: func(_ *testing.T, _ *faultyCreates, c *Client) func() (string, bool, error) {
				return func() (string, bool, error) {
					res, err := c.CreateRecurrentCharge(context.Background(), ProductLiveChat, RecurrentChargeRequest{
						Name: "plan", Price: 1900, ReturnURL: "https://example.com/done"})
					return resultID(res, err, func(rc *RecurrentCharge) string { return rc.ID })
				}
			},
			count: func(t *testing.T, f *faultyCreates) int { return f.stored(t, "recurrent_charges") },
		},
		{
			name: "campaign", reconcilable: true,
			setup: func(_ *testing.T, _ *faultyCreates, c *Client) func() (string, bool, error) {
				return func() (string, bool, error) {
					res, err := c.CreateCampaign(context.Background(), CampaignCreate{Product: ProductLiveChat,
						Name: "Winter campaign", TrialDuration: 21})
					return resultID(res, err, func(cc *CreatedCampaign) string { return cc.Slug })
				}
			},
			count: func(t *testing.T, f *faultyCreates) int { return f.stored(t, "campaigns") },
		},
		{
			name: "in-app upgrade", reconcilable: true,
			setup: func(_ *testing.T, _ *faultyCreates, c *Client) func() (string, bool, error) {
				return func() (string, bool, error) {
					res, _, err := c.CreateInAppUpgrade(context.Background(), sandbox.SandboxAppID, upgCreateBody())
					return resultID(res, err, func(u *InAppUpgrade) string { return u.ID })
				}
			},
			count: func(t *testing.T, f *faultyCreates) int { return f.stored(t, "upgrades") },
		},
		{
			name: "partner subscription", reconcilable: true,
			setup: func(t *testing.T, f *faultyCreates, c *Client) func() (string, bool, error) {
				lic, err := f.sbx.NewClientLicense("livechat", "Acme", "Joe Doe", "joe@example.com")
				if err != nil {
					t.Fatal(err)
				}
				return func() (string, bool, error) {
					res, err := c.CreateSubscription(context.Background(), "livechat", lic, SubscriptionCreate{
						Token: "tok_card", Plan: PlanTeam, BillingCycle: BillingMonthly, Seats: 2})
					return resultID(res, err, func(*License) string { return lic })
				}
			},
			count: func(t *testing.T, f *faultyCreates) int {
				n := 0
				for _, l := range f.rows(t, "licenses") {
					if l["recurrent"] == true {
						n++
					}
				}
				return n
			},
		},
	}
}

func resultID[T any](res CreateResult[T], err error, id func(*T) string) (string, bool, error) {
	if err != nil {
		return "", false, err
	}
	return id(res.Object), res.Adopted, nil
}

// Every creating call ends in one of three outcomes, and an unknown one is
// reconciled: the object the platform made is adopted, nothing is created
// twice, and nothing is reported created that the platform did not make.
func TestCreate_outcomes(t *testing.T) {
	type want struct {
		stored  int
		posts   int64
		outcome CreateOutcome // of the CreateError, when the create fails
		adopted bool
		fails   bool
	}
	cases := []struct {
		fault createFault
		want  want
	}{
		{faultNone, want{stored: 1, posts: 1}},
		// A 429 asks to wait: the first POST and five times max_retries (2) more.
		{fault429, want{stored: 0, posts: 11, fails: true, outcome: NotCreated}},
		// Without Retry-After a 429 is never sent again, and reconciled.
		{fault429Bare, want{stored: 0, posts: 1, fails: true, outcome: NotCreated}},
		{fault429Committed, want{stored: 1, posts: 1, adopted: true}},
		{fault503RetryAfter, want{stored: 1, posts: 2}},
		{fault400, want{stored: 0, posts: 1, fails: true, outcome: NotCreated}},
		{fault502Committed, want{stored: 1, posts: 1, adopted: true}},
		{fault502Nothing, want{stored: 0, posts: 1, fails: true, outcome: NotCreated}},
		{faultEmpty201, want{stored: 1, posts: 1, adopted: true}},
		{faultGarbage201, want{stored: 1, posts: 1, adopted: true}},
		{faultNoID201, want{stored: 1, posts: 1, adopted: true}},
		{faultResetCommit, want{stored: 1, posts: 1, adopted: true}},
		{faultSlowCommit, want{stored: 1, posts: 1, adopted: true}},
	}
	for _, fam := range createFamilies() {
		for _, tc := range cases {
			t.Run(fam.name+"/"+string(tc.fault), func(t *testing.T) {
				f := newFaultyCreates(t)
				c := f.client(t)
				run := fam.setup(t, f, c)
				f.fault.Store(tc.fault)
				id, adopted, err := run()
				w := tc.want
				switch {
				case fam.name == "partner subscription" && w.adopted && tc.fault != faultResetCommit && tc.fault != faultSlowCommit && tc.fault != fault502Committed &&
					tc.fault != fault429Committed:
					// Any 201 is the platform's whole answer to this create: its body says nothing.
					w.adopted = false
				case !fam.reconcilable && w.adopted:
					w = want{stored: 1, posts: 1, fails: true, outcome: OutcomeUnknown}
				case !fam.reconcilable && (tc.fault == fault502Nothing || tc.fault == fault429Bare):
					// Nothing can tell that the 502 made nothing.
					w.outcome = OutcomeUnknown
				}
				checkCreate(t, err, id, adopted, w.fails, w.outcome, w.adopted)
				if got := fam.count(t, f); got != w.stored {
					t.Errorf("the sandbox holds %d objects, want %d", got, w.stored)
				}
				if got := f.posts.Load(); got != w.posts {
					t.Errorf("the create was sent %d times, want %d", got, w.posts)
				}
			})
		}
	}
}

func checkCreate(t *testing.T, err error, id string, adopted, fails bool, outcome CreateOutcome, wantAdopted bool) {
	t.Helper()
	if !fails {
		if err != nil || id == "" {
			t.Fatalf("want an object, got id %q, %v", id, err)
		}
		if adopted != wantAdopted {
			t.Errorf("adopted = %v, want %v", adopted, wantAdopted)
		}
		return
	}
	ce, ok := AsCreateError(err)
	if !ok {
		t.Fatalf("want a CreateError (%s), got id %q, %v", outcome, id, err)
	}
	if ce.Outcome != outcome {
		t.Errorf("outcome %s, want %s (%v)", ce.Outcome, outcome, err)
	}
	if outcome == OutcomeUnknown && !ce.Unreconcilable {
		t.Errorf("an unknown outcome of an unlistable family must say it cannot be reconciled: %+v", ce)
	}
}

// An object that matched before the request was sent is never adopted,
// and when the request did make one, the new one is adopted, not the old.
func TestCreate_neverAdoptsWhatExistedBefore(t *testing.T) {
	for _, fam := range createFamilies() {
		if !fam.reconcilable || fam.name == "campaign" || fam.name == "partner subscription" {
			continue // a second campaign of a name, or subscription of a license, is refused: see below
		}
		t.Run(fam.name, func(t *testing.T) {
			f := newFaultyCreates(t)
			c := f.client(t)
			run := fam.setup(t, f, c)
			old, _, err := run()
			if err != nil {
				t.Fatal(err)
			}
			f.fault.Store(fault502Nothing)
			if _, _, err := run(); !isNotCreated(err) {
				t.Fatalf("a lost create that made nothing must not adopt the older twin %s: %v", old, err)
			}
			f.fault.Store(fault502Committed)
			made, adopted, err := run()
			if err != nil || !adopted || made == old {
				t.Fatalf("want the new twin adopted, got %q (adopted %v, old %s), %v", made, adopted, old, err)
			}
		})
	}
	t.Run("campaign and subscription", func(t *testing.T) {
		for _, fam := range createFamilies() {
			if fam.name != "campaign" && fam.name != "partner subscription" {
				continue
			}
			f := newFaultyCreates(t)
			c := f.client(t)
			run := fam.setup(t, f, c)
			if _, _, err := run(); err != nil {
				t.Fatal(err)
			}
			// The platform refused the repeat (409) but the answer was lost.
			f.fault.Store(fault502Committed)
			if _, _, err := run(); !isNotCreated(err) {
				t.Fatalf("%s: the one that existed before must not be adopted: %v", fam.name, err)
			}
		}
	})
}

// isNotCreated reports a CreateError saying the platform did not act.
func isNotCreated(err error) bool {
	ce, ok := AsCreateError(err)
	return ok && ce.Outcome == NotCreated
}

// Creates of identical charges at once, some of whose answers are lost,
// never hand one charge to two callers, and every stored charge is either
// returned or named as a candidate; as the twins are interchangeable, the
// lost ones share out the charges they made.
func TestCreate_concurrentTwinsNeverShareACharge(t *testing.T) {
	// Every third POST loses its answer after the commit.
	wrapped := newFaultyEvery(t, 3)
	c := wrapped.client(t)
	c.cfg.RequestTimeout = 5 * time.Second
	var lost atomic.Int64

	const n = 12
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.CreateDirectCharge(context.Background(), ProductLiveChat, DirectChargeRequest{
				Name: "twin", Price: 100, Quantity: 1, ReturnURL: "https://example.com/"})
			errs[i] = err
			if err == nil {
				ids[i] = res.Object.ID
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	named := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			lost.Add(1)
			ce, ok := AsCreateError(errs[i])
			if !ok {
				t.Fatalf("create %d: %v", i, errs[i])
			}
			for _, id := range ce.Candidates {
				named[id] = true
			}
			continue
		}
		if seen[ids[i]] {
			t.Fatalf("charge %s was handed to two creates", ids[i])
		}
		seen[ids[i]] = true
	}
	stored := wrapped.stored(t, "direct_charges")
	if stored != n {
		t.Fatalf("%d creates stored %d charges", n, stored)
	}
	if len(seen)+len(named) < stored {
		t.Fatalf("%d charges stored, %d returned and %d named: some are lost", stored, len(seen), len(named))
	}
	if wrapped.dropped.Load() == 0 {
		t.Fatal("no answer was dropped: the test proves nothing")
	}
	// Every dropped create had committed, and twins are interchangeable:
	// each create ends with a charge of its own.
	if len(seen) != n {
		t.Fatalf("%d of %d creates ended without a charge though every one was made", n-len(seen), n)
	}
	t.Logf("%d creates, %d answers dropped, %d adopted or created, %d failed naming %d candidates",
		n, wrapped.dropped.Load(), len(seen), lost.Load(), len(named))
}

// faultyEvery loses the answer of every k-th creating POST after commit.
type faultyEvery struct {
	*faultyCreates
	dropped atomic.Int64
}

func newFaultyEvery(t *testing.T, k int64) *faultyEvery {
	t.Helper()
	f := &faultyEvery{faultyCreates: &faultyCreates{}}
	f.sbx, f.url = startSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || strings.HasPrefix(r.URL.Path, "/_sandbox") {
				next.ServeHTTP(w, r)
				return
			}
			if f.posts.Add(1)%k == 0 {
				f.dropped.Add(1)
				next.ServeHTTP(httptest.NewRecorder(), r)
				http.Error(w, "bad gateway", http.StatusBadGateway)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	return f
}

// An interrupt does not cut a creating request in flight: its answer is
// awaited, so the object reaches the caller. An interrupt before the
// request is sent sends nothing, and one during a retry wait sends no retry.
func TestCreate_interrupt(t *testing.T) {
	t.Run("in flight", func(t *testing.T) {
		release := make(chan struct{})
		_, url := startSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, r) // committed
					<-release              // the caller is interrupted meanwhile
					for k, v := range rec.Header() {
						w.Header()[k] = v
					}
					w.WriteHeader(rec.Code)
					_, _ = w.Write(rec.Body.Bytes())
					return
				}
				next.ServeHTTP(w, r)
			})
		})
		c := newTestClient(t, Config{Endpoints: endpointsAt(url), AccessToken: sandbox.DefaultAccessToken, RequestTimeout: 5 * time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			time.Sleep(100 * time.Millisecond)
			cancel()
			time.Sleep(100 * time.Millisecond)
			close(release)
		}()
		res, err := c.CreateRecurrentCharge(ctx, ProductLiveChat, RecurrentChargeRequest{Name: "p", Price: 100, ReturnURL: "https://e.com/"})
		if err != nil || res.Object == nil || res.Object.ID == "" {
			t.Fatalf("the committed charge must reach the interrupted caller: %+v, %v", res, err)
		}
	})
	t.Run("before sending", func(t *testing.T) {
		f := newFaultyCreates(t)
		c := f.client(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.CreateRecurrentCharge(ctx, ProductLiveChat, RecurrentChargeRequest{Name: "p", Price: 100, ReturnURL: "https://e.com/"})
		if !isNotCreated(err) || f.posts.Load() != 0 {
			t.Fatalf("want not created and nothing sent, got %v after %d posts", err, f.posts.Load())
		}
	})
	t.Run("during a retry wait", func(t *testing.T) {
		var posts atomic.Int64
		_, url := startSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					posts.Add(1)
					w.Header().Set("Retry-After", "1")
					http.Error(w, "slow down", http.StatusTooManyRequests)
					return
				}
				next.ServeHTTP(w, r)
			})
		})
		c := newTestClient(t, Config{Endpoints: endpointsAt(url), AccessToken: sandbox.DefaultAccessToken,
			MaxRetries: 5, RequestTimeout: 10 * time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.CreateRecurrentCharge(ctx, ProductLiveChat, RecurrentChargeRequest{Name: "p", Price: 100, ReturnURL: "https://e.com/"})
		if !isNotCreated(err) || posts.Load() != 1 {
			t.Fatalf("want not created after one POST, got %v after %d posts", err, posts.Load())
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("the interrupted create took %s", d)
		}
	})
}

// A retried activation whose first attempt succeeded but lost its answer is
// refused 422 by the platform; the client reads the charge and accepts it.
func TestActivate_retriedAnd422(t *testing.T) {
	var puts atomic.Int64
	sbx, url := startSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/activate") && puts.Add(1) == 1 {
				next.ServeHTTP(httptest.NewRecorder(), r)
				http.Error(w, "bad gateway", http.StatusBadGateway)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	c := newTestClient(t, Config{Endpoints: endpointsAt(url), AccessToken: sandbox.DefaultAccessToken,
		MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	ctx := context.Background()
	res, err := c.CreateDirectCharge(ctx, ProductLiveChat, DirectChargeRequest{Name: "x", Price: 100, Quantity: 1, ReturnURL: "https://e.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sbx.AcceptCharge(res.Object.ID); err != nil {
		t.Fatal(err)
	}
	got, err := c.ActivateDirectCharge(ctx, ProductLiveChat, res.Object.ID)
	if err != nil || got.Status == ChargeAccepted {
		t.Fatalf("the activation that took effect must be accepted: %+v, %v", got, err)
	}
	if puts.Load() != 2 {
		t.Fatalf("activate sent %d times, want 2 (one lost, one refused)", puts.Load())
	}
	// A 422 on the first attempt is the platform's refusal, kept as it is.
	if _, err := c.ActivateDirectCharge(ctx, ProductLiveChat, res.Object.ID); err == nil {
		t.Fatalf("activating a %s charge again must fail", got.Status)
	}
}

// The classification of a failed creating request, one case per kind of
// failure the outcome rules name.
func TestOutcomeOf(t *testing.T) {
	refused := &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		name string
		err  error
		want CreateOutcome
	}{
		{"connection refused", fmt.Errorf("POST /x: %w", refused), NotCreated},
		{"missing credentials", &notSentError{&MissingCredentialsError{API: APIBilling}}, NotCreated},
		{"never sent", &notSentError{errors.New("building")}, NotCreated},
		{"rate limit wait", &rateLimitWaitError{err: errors.New("wait")}, NotCreated},
		{"interrupted retry", fmt.Errorf("POST /x: %w", errInterruptedRetry), NotCreated},
		{"429 with Retry-After", &APIError{Status: 429, RetryAfter: "0"}, NotCreated},
		{"429 without Retry-After", &APIError{Status: 429}, OutcomeUnknown},
		{"429 with a Retry-After that is no delay", &APIError{Status: 429, RetryAfter: "soon"}, OutcomeUnknown},
		{"503 with a Retry-After that is no delay", &APIError{Status: 503, RetryAfter: "soon"}, OutcomeUnknown},
		{"503 with Retry-After", &APIError{Status: 503, RetryAfter: "1"}, NotCreated},
		{"400", &APIError{Status: 400}, NotCreated},
		{"409", &APIError{Status: 409}, NotCreated},
		{"422", &APIError{Status: 422}, NotCreated},
		{"503 without Retry-After", &APIError{Status: 503}, OutcomeUnknown},
		{"500", &APIError{Status: 500}, OutcomeUnknown},
		{"502", &APIError{Status: 502}, OutcomeUnknown},
		{"timeout", fmt.Errorf("POST /x: %w", errRequestTimeout), OutcomeUnknown},
		{"reset", fmt.Errorf("POST /x: %w", syscall.ECONNRESET), OutcomeUnknown},
		{"cancelled in flight", fmt.Errorf("POST /x: %w", context.Canceled), OutcomeUnknown},
		{"incomplete answer", errAnswerIncomplete, OutcomeUnknown},
		{"undecodable answer", errors.New("POST /x: decoding response (HTTP 201): invalid character"), OutcomeUnknown},
	} {
		if got := outcomeOf(tc.err); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// One lost answer and two new twins (another client made one meanwhile):
// nobody can tell which is this create's, so none is adopted and both are
// named.
func TestCreate_moreNewTwinsThanLostAnswers(t *testing.T) {
	_, url := startSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			body, _ := io.ReadAll(r.Body)
			for range 2 { // this create, and a stranger's identical one
				again := r.Clone(r.Context())
				again.Body = io.NopCloser(bytes.NewReader(body))
				next.ServeHTTP(httptest.NewRecorder(), again)
			}
			http.Error(w, "bad gateway", http.StatusBadGateway)
		})
	})
	c := newTestClient(t, Config{Endpoints: endpointsAt(url), AccessToken: sandbox.DefaultAccessToken})
	_, err := c.CreateDirectCharge(context.Background(), ProductLiveChat, DirectChargeRequest{
		Name: "twin", Price: 100, Quantity: 1, ReturnURL: "https://example.com/"})
	ce, ok := AsCreateError(err)
	if !ok || ce.Outcome != OutcomeUnknown || len(ce.Candidates) != 2 {
		t.Fatalf("want an unknown outcome naming 2 candidates, got %v", err)
	}
}

// reversedList lists the direct charges oldest first, as a server that
// ignores the documented order would.
func reversedList(next http.Handler, w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	var out struct {
		Result []json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	for i, j := 0, len(out.Result)-1; i < j; i, j = i+1, j-1 {
		out.Result[i], out.Result[j] = out.Result[j], out.Result[i]
	}
	writeJSONBody(w, rec.Code, out)
}

// Twin B took its snapshot after twin A's charge X was made, so only its
// own charge Y is new to B. When A reconciles first it must take X, which
// B cannot take, whatever order the server lists them in; otherwise B finds
// nothing, says nothing was created, and X is an orphan.
func TestCreate_twinsShareOutWhatEachCanTake(t *testing.T) {
	xMade, bPosted := make(chan struct{}), make(chan struct{})
	var posts atomic.Int64
	_, url := startSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v3/direct_charge/"):
				reversedList(next, w, r)
			case r.Method == http.MethodPost && posts.Add(1) == 1:
				next.ServeHTTP(httptest.NewRecorder(), r) // X
				close(xMade)
				<-bPosted
				http.Error(w, "bad gateway", http.StatusBadGateway)
			case r.Method == http.MethodPost:
				next.ServeHTTP(httptest.NewRecorder(), r) // Y
				close(bPosted)
				time.Sleep(150 * time.Millisecond) // A reconciles first
				http.Error(w, "bad gateway", http.StatusBadGateway)
			default:
				next.ServeHTTP(w, r)
			}
		})
	})
	c := newTestClient(t, Config{Endpoints: endpointsAt(url), AccessToken: sandbox.DefaultAccessToken, RequestTimeout: 5 * time.Second})
	req := DirectChargeRequest{Name: "twin", Price: 100, Quantity: 1, ReturnURL: "https://example.com/"}
	var a, b CreateResult[DirectCharge]
	var aErr, bErr error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a, aErr = c.CreateDirectCharge(context.Background(), ProductLiveChat, req) }()
	<-xMade
	go func() { defer wg.Done(); b, bErr = c.CreateDirectCharge(context.Background(), ProductLiveChat, req) }()
	wg.Wait()
	if aErr != nil || bErr != nil {
		t.Fatalf("both twins' charges were made, both must be adopted: A %v, B %v", aErr, bErr)
	}
	if a.Object.ID == b.Object.ID {
		t.Fatalf("both twins took charge %s", a.Object.ID)
	}
}
