package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// failThenOK answers the first `failures` requests with fail and then 200.
func failThenOK(t *testing.T, failures int, fail func(w http.ResponseWriter)) *fakeServer {
	return newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n <= failures {
			fail(w)
			return
		}
		writeJSONBody(w, http.StatusOK, map[string]any{"balance": 4200})
	})
}

func status(code int) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { writeJSONBody(w, code, map[string]any{"message": http.StatusText(code)}) }
}

func TestRetrySafe_transientFailuresAreRetried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		fail func(t *testing.T) func(http.ResponseWriter)
	}{
		{"429", func(*testing.T) func(http.ResponseWriter) { return status(429) }},
		{"500", func(*testing.T) func(http.ResponseWriter) { return status(500) }},
		{"502", func(*testing.T) func(http.ResponseWriter) { return status(502) }},
		{"503", func(*testing.T) func(http.ResponseWriter) { return status(503) }},
		{"504", func(*testing.T) func(http.ResponseWriter) { return status(504) }},
		{"network error", func(t *testing.T) func(http.ResponseWriter) {
			return func(w http.ResponseWriter) { hangUp(t, w) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := failThenOK(t, 2, tc.fail(t))
			// Without keep-alive every attempt is a new connection, so Go's
			// transport never repeats a request on its own and the count
			// below is the client's alone.
			srv.Config.SetKeepAlivesEnabled(false)
			c := newTestClient(t, testConfig(srv.URL))
			balance, err := c.GetLedgerBalance(context.Background())
			if err != nil {
				t.Fatalf("want success after two retries, got %v", err)
			}
			if balance != 4200 {
				t.Errorf("balance = %d", balance)
			}
			if n := srv.count(); n != 3 {
				t.Errorf("server saw %d requests, want 3 (two failures, one success)", n)
			}
		})
	}
}

func TestRetrySafe_stateTransitionsAreRetried(t *testing.T) {
	t.Parallel()
	srv := failThenOK(t, 1, status(502))
	c := newTestClient(t, testConfig(srv.URL))
	err := c.do(context.Background(), request{api: APIBilling, method: "PUT", path: "/v3/recurrent_charge/livechat/x/activate"})
	if err != nil {
		t.Fatal(err)
	}
	if srv.count() != 2 {
		t.Fatalf("server saw %d requests, want 2", srv.count())
	}
}

func TestRetrySafe_clientErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	for _, code := range []int{400, 401, 403, 404, 409, 422, 501} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			srv := failThenOK(t, 100, status(code))
			c := newTestClient(t, testConfig(srv.URL))
			_, err := c.GetLedgerBalance(context.Background())
			apiErr, ok := AsAPIError(err)
			if !ok || apiErr.Status != code {
				t.Fatalf("want APIError %d, got %v", code, err)
			}
			if srv.count() != 1 {
				t.Fatalf("a %d was retried: server saw %d requests", code, srv.count())
			}
		})
	}
}

func TestMaxRetriesBound(t *testing.T) {
	t.Parallel()
	for _, maxRetries := range []int{0, 1, 4} {
		t.Run(strconv.Itoa(maxRetries), func(t *testing.T) {
			t.Parallel()
			srv := failThenOK(t, 100, status(500))
			cfg := testConfig(srv.URL)
			cfg.MaxRetries = maxRetries
			c := newTestClient(t, cfg)
			_, err := c.GetLedgerBalance(context.Background())
			apiErr, ok := AsAPIError(err)
			if !ok || apiErr.Status != 500 {
				t.Fatalf("want the last 500 as APIError, got %v", err)
			}
			if want := maxRetries + 1; srv.count() != want || apiErr.Attempts != want {
				t.Fatalf("server saw %d requests and the error reports %d attempts, want %d",
					srv.count(), apiErr.Attempts, want)
			}
			if maxRetries > 0 && !strings.Contains(err.Error(), fmt.Sprintf("after %d attempts", maxRetries+1)) {
				t.Errorf("error %q does not say how many attempts were made", err)
			}
		})
	}
}

func TestMaxRetriesBound_networkError(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { hangUp(t, w) })
	srv.Config.SetKeepAlivesEnabled(false)
	cfg := testConfig(srv.URL)
	cfg.MaxRetries = 2
	c := newTestClient(t, cfg)
	_, err := c.GetLedgerBalance(context.Background())
	if err == nil || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Fatalf("want a network error after 3 attempts, got %v", err)
	}
	if srv.count() != 3 {
		t.Fatalf("server saw %d requests, want 3", srv.count())
	}
}

func TestRetryAfterSecondsIsHonoured(t *testing.T) {
	t.Parallel()
	for _, code := range []int{429, 503} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			srv := failThenOK(t, 1, func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "1")
				status(code)(w)
			})
			expectRetryWaited(t, srv, "Retry-After: 1")
		})
	}
}

// expectRetryWaited reads the balance through srv, which fails once with a
// Retry-After of about a second (what), and checks that the one retry
// waited for it: backoff alone would wait at most 5ms.
func expectRetryWaited(t *testing.T, srv *fakeServer, what string) {
	t.Helper()
	c := newTestClient(t, testConfig(srv.URL))
	start := time.Now()
	if _, err := c.GetLedgerBalance(context.Background()); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Fatalf("%s was not honoured: retried after %s", what, elapsed)
	}
	if srv.count() != 2 {
		t.Fatalf("server saw %d requests, want 2", srv.count())
	}
}

func TestRetryAfterHTTPDateIsHonoured(t *testing.T) {
	t.Parallel()
	srv := failThenOK(t, 1, func(w http.ResponseWriter) {
		// An HTTP date has whole seconds: two seconds ahead is at least one
		// second ahead once truncated.
		w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
		status(503)(w)
	})
	expectRetryWaited(t, srv, "a Retry-After date two seconds ahead")
}

// A server that always asks for a long wait cannot hold a call past its
// request timeout: the client gives up at once with the server's answer.
func TestRequestTimeoutBound_retryAfterBeyondTimeout(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "30")
		writeJSONBody(w, 503, map[string]any{"message": "maintenance"})
	})
	cfg := testConfig(srv.URL)
	cfg.RequestTimeout = 300 * time.Millisecond
	c := newTestClient(t, cfg)
	start := time.Now()
	_, err := c.GetLedgerBalance(context.Background())
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("the call took %s, far beyond its 300ms timeout", elapsed)
	}
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Status != 503 || apiErr.Message != "maintenance" {
		t.Fatalf("want the 503 answer, got %v", err)
	}
	if !strings.Contains(err.Error(), "request timeout") || !strings.Contains(err.Error(), "Retry-After") {
		t.Fatalf("error %q does not explain that the wait would pass the request timeout", err)
	}
	if srv.count() != 1 {
		t.Fatalf("server saw %d requests, want 1", srv.count())
	}
}

// The timeout also ends a backoff wait and a slow answer.
func TestRequestTimeoutBound_waitAndSlowServer(t *testing.T) {
	t.Parallel()
	t.Run("backoff", func(t *testing.T) {
		t.Parallel()
		srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { status(503)(w) })
		cfg := testConfig(srv.URL)
		cfg.RequestTimeout = 300 * time.Millisecond
		cfg.RetryWaitMin, cfg.RetryWaitMax = 200*time.Millisecond, 200*time.Millisecond
		cfg.MaxRetries = 10
		c := newTestClient(t, cfg)
		start := time.Now()
		_, err := c.GetLedgerBalance(context.Background())
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Fatalf("the call took %s, far beyond its 300ms timeout", elapsed)
		}
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "request timeout (300ms)") ||
			!strings.Contains(err.Error(), "HTTP 503") {
			t.Fatalf("want a timeout error naming the timeout and the last failure, got %v", err)
		}
		if n := srv.count(); n < 1 || n > 2 {
			t.Fatalf("server saw %d requests; 200ms waits fit at most twice in 300ms", n)
		}
	})
	t.Run("slow server", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			writeJSONBody(w, 200, map[string]any{"balance": 1})
		})
		defer close(release)
		cfg := testConfig(srv.URL)
		cfg.RequestTimeout = 300 * time.Millisecond
		c := newTestClient(t, cfg)
		start := time.Now()
		_, err := c.GetLedgerBalance(context.Background())
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Fatalf("the call took %s, far beyond its 300ms timeout", elapsed)
		}
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "request timeout") {
			t.Fatalf("want a request timeout error, got %v", err)
		}
	})
}

func TestContextCancellationStopsAtOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "20") // within the 30s timeout: the client would wait
		status(429)(w)
		// Cancel while the client waits to retry.
		time.AfterFunc(100*time.Millisecond, cancel)
	})
	c := newTestClient(t, testConfig(srv.URL))
	start := time.Now()
	_, err := c.GetLedgerBalance(ctx)
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("cancellation did not stop the 20s wait: the call took %s", elapsed)
	}
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("want a cancellation error, got %v", err)
	}
	if strings.Contains(err.Error(), "request timeout") {
		t.Errorf("a cancellation must not be reported as the request timeout: %v", err)
	}
	if srv.count() != 1 {
		t.Fatalf("server saw %d requests, want 1", srv.count())
	}

	// Already cancelled: nothing is sent.
	before := srv.count()
	if _, err := c.GetLedgerBalance(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: got %v", err)
	}
	if srv.count() != before {
		t.Fatal("a request was sent with a cancelled context")
	}
}

func createCharge(c *Client) error {
	return c.do(context.Background(), request{api: APIBilling, method: "POST", path: "/v3/direct_charge/livechat",
		body: map[string]any{"name": "x", "price": 100}, retry: retryIfNotActed})
}

func TestCreatingPOST_notRetriedWhenTheServerMayHaveActed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		fail func(t *testing.T) func(http.ResponseWriter)
	}{
		{"500", func(*testing.T) func(http.ResponseWriter) { return status(500) }},
		{"502", func(*testing.T) func(http.ResponseWriter) { return status(502) }},
		{"503 without Retry-After", func(*testing.T) func(http.ResponseWriter) { return status(503) }},
		// A 429 that does not say when to come back may come from a proxy
		// that forwarded the request first: a retry could charge twice.
		{"429 without Retry-After", func(*testing.T) func(http.ResponseWriter) { return status(429) }},
		{"429 with a Retry-After that is no delay", func(*testing.T) func(http.ResponseWriter) {
			return func(w http.ResponseWriter) { w.Header().Set("Retry-After", "soon"); status(429)(w) }
		}},
		{"504 with Retry-After", func(*testing.T) func(http.ResponseWriter) {
			return func(w http.ResponseWriter) { w.Header().Set("Retry-After", "0"); status(504)(w) }
		}},
		{"connection dropped after the request", func(t *testing.T) func(http.ResponseWriter) {
			return func(w http.ResponseWriter) { hangUp(t, w) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := failThenOK(t, 100, tc.fail(t))
			srv.Config.SetKeepAlivesEnabled(false)
			c := newTestClient(t, testConfig(srv.URL))
			if err := createCharge(c); err == nil {
				t.Fatal("want an error")
			}
			if srv.count() != 1 {
				t.Fatalf("a creating POST was repeated after %s: server saw %d requests", tc.name, srv.count())
			}
		})
	}
}

func TestCreatingPOST_notRetriedOnTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		writeJSONBody(w, 201, map[string]any{})
	})
	defer close(release)
	cfg := testConfig(srv.URL)
	cfg.RequestTimeout = 200 * time.Millisecond
	c := newTestClient(t, cfg)
	err := createCharge(c)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a timeout, got %v", err)
	}
	if srv.count() != 1 {
		t.Fatalf("a creating POST that timed out was repeated: server saw %d requests", srv.count())
	}
}

func TestCreatingPOST_retriedWhenTheServerProvablyDidNotAct(t *testing.T) {
	t.Parallel()
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		log := &captureLogger{}
		cfg := testConfig(closedAddress(t))
		cfg.MaxRetries = 2
		cfg.Logger = log
		c := newTestClient(t, cfg)
		err := createCharge(c)
		if err == nil || !isConnectionRefused(err) {
			t.Fatalf("want connection refused, got %v", err)
		}
		if !strings.Contains(err.Error(), "after 3 attempts") {
			t.Errorf("error %q does not report 3 attempts", err)
		}
		if n := log.countContaining("retrying LiveChat API request"); n != 2 {
			t.Errorf("logged %d retries, want 2", n)
		}
	})
	for _, code := range []int{429, 503} {
		t.Run(fmt.Sprintf("%d with Retry-After", code), func(t *testing.T) {
			t.Parallel()
			srv := failThenOK(t, 1, func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "0")
				status(code)(w)
			})
			c := newTestClient(t, testConfig(srv.URL))
			if err := createCharge(c); err != nil {
				t.Fatalf("want success on the second attempt, got %v", err)
			}
			if srv.count() != 2 {
				t.Fatalf("server saw %d requests, want 2", srv.count())
			}
		})
	}
}

func TestCheckRetry_keepsAResponseThatArrivedAsTheContextEnded(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), callStateKey{}, &callState{class: retryIfNotActed}))
	cancel()
	retry, err := checkRetry(ctx, &http.Response{StatusCode: http.StatusCreated, Header: http.Header{}}, nil)
	if retry || err != nil {
		t.Fatalf("a 201 must be returned as it is even after cancellation, got retry=%v err=%v", retry, err)
	}
	retry, err = checkRetry(ctx, &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{}}, nil)
	if retry || err != nil {
		t.Fatalf("a creating POST's 500 is never retried, got retry=%v err=%v", retry, err)
	}
	safe := context.WithValue(context.Background(), callStateKey{}, &callState{class: retrySafe})
	safe, cancelSafe := context.WithCancel(safe)
	cancelSafe()
	retry, err = checkRetry(safe, &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{}}, nil)
	if retry || !errors.Is(err, context.Canceled) {
		t.Fatalf("a retry after cancellation: got retry=%v err=%v", retry, err)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	minWait, maxWait := 10*time.Millisecond, 80*time.Millisecond
	for attempt := 0; attempt < 30; attempt++ {
		for i := 0; i < 50; i++ {
			d := backoff(minWait, maxWait, attempt, nil)
			if d < minWait || d > maxWait {
				t.Fatalf("attempt %d: backoff %s outside [%s, %s]", attempt, d, minWait, maxWait)
			}
		}
	}
	// Jitter: many draws at a later attempt are not all the same.
	seen := map[time.Duration]bool{}
	for i := 0; i < 50; i++ {
		seen[backoff(minWait, maxWait, 3, nil)] = true
	}
	if len(seen) < 2 {
		t.Error("backoff has no jitter")
	}
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}}
	if d := backoff(minWait, maxWait, 0, resp); d != 7*time.Second {
		t.Errorf("Retry-After 7 gave %s", d)
	}
	// A server asking for no wait at all, or for a time already past,
	// still gets the least wait between attempts.
	for _, v := range []string{"0", "Mon, 02 Jan 2006 15:04:05 GMT"} {
		resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {v}}}
		if d := backoff(minWait, maxWait, 4, resp); d != minWait {
			t.Errorf("Retry-After %q gave %s, want the floor %s", v, d, minWait)
		}
	}
}

// A server that answers "Retry-After: 0" to everything is not hammered:
// the retries of one call are spaced by retry_wait_min, and their number
// is the rate-limit budget, five times max_retries.
func TestRetryAfterZeroForeverIsPaced(t *testing.T) {
	t.Parallel()
	srv := failThenOK(t, 1000, func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "0")
		status(429)(w)
	})
	cfg := testConfig(srv.URL)
	cfg.MaxRetries = 2
	cfg.RetryWaitMin = 20 * time.Millisecond
	start := time.Now()
	_, err := newTestClient(t, cfg).GetLedgerBalance(context.Background())
	if err == nil {
		t.Fatal("want the call to fail once the budget is spent")
	}
	if n := srv.count(); n != 1+2*rateLimitRetriesPerRetry {
		t.Errorf("server saw %d requests, want %d", n, 1+2*rateLimitRetriesPerRetry)
	}
	if took, least := time.Since(start), 2*rateLimitRetriesPerRetry*cfg.RetryWaitMin; took < least {
		t.Errorf("%d requests within %s: the retries were not spaced by %s", srv.count(), took, cfg.RetryWaitMin)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		status int
		header string
		want   time.Duration
		ok     bool
	}{
		{503, "3", 3 * time.Second, true},
		{429, " 0 ", 0, true},
		{429, now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{503, now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{503, "-1", 0, false},
		{503, "soon", 0, false},
		{503, "", 0, false},
		{503, "999999999999", 24 * time.Hour, true},
		{500, "3", 0, false},
		{200, "3", 0, false},
	} {
		resp := &http.Response{StatusCode: tc.status, Header: http.Header{}}
		if tc.header != "" {
			resp.Header.Set("Retry-After", tc.header)
		}
		got, ok := retryAfter(resp, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%d Retry-After %q = %s, %v; want %s, %v", tc.status, tc.header, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := retryAfter(nil, now); ok {
		t.Error("a nil response has no Retry-After")
	}
}

func TestPermanentTransportErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	c := newTestClient(t, testConfig(srv.URL))
	_, err := c.GetLedgerBalance(context.Background())
	if !IsRedirect(err) || !strings.Contains(err.Error(), "/loop") {
		t.Fatalf("want a redirect error naming the Location, got %v", err)
	}
	if n := srv.count(); n != 1 {
		t.Fatalf("server saw %d requests; a redirect is neither followed nor retried", n)
	}
}

// Answers that ask to wait are the platform pacing its clients: they have a
// budget of their own, five times max_retries, so that a long run under a
// rate limit waits it out while a failing server keeps the tight bound.
func TestRateLimitedAnswersHaveTheirOwnBudget(t *testing.T) {
	t.Parallel()
	waitThenOK := func(waits int, fail func(http.ResponseWriter)) *fakeServer {
		return failThenOK(t, waits, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			fail(w)
		})
	}
	for _, tc := range []struct {
		name       string
		srv        *fakeServer
		maxRetries int
		wantOK     bool
		wantCalls  int
	}{
		{"429 beyond max_retries, within the budget", waitThenOK(12, status(429)), 3, true, 13},
		{"503 with Retry-After within the budget", waitThenOK(15, status(503)), 3, true, 16},
		{"429 past the budget", waitThenOK(100, status(429)), 2, false, 11},
		{"max_retries 0 retries nothing", waitThenOK(1, status(429)), 0, false, 1},
		{"500 keeps the max_retries bound", failThenOK(t, 100, status(500)), 3, false, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(tc.srv.URL)
			cfg.MaxRetries = tc.maxRetries
			_, err := newTestClient(t, cfg).GetLedgerBalance(context.Background())
			if (err == nil) != tc.wantOK {
				t.Fatalf("success = %v, want %v (err %v)", err == nil, tc.wantOK, err)
			}
			if n := tc.srv.count(); n != tc.wantCalls {
				t.Errorf("server saw %d requests, want %d", n, tc.wantCalls)
			}
		})
	}
}

// The two budgets are apart: waits do not use up the retries of failures.
func TestRateLimitedAnswersDoNotSpendFailureRetries(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		switch {
		case n > 8:
			writeJSONBody(w, http.StatusOK, map[string]any{"balance": 4200})
		case n%2 == 1:
			w.Header().Set("Retry-After", "0")
			status(429)(w)
		default:
			status(502)(w)
		}
	})
	cfg := testConfig(srv.URL)
	cfg.MaxRetries = 4
	if _, err := newTestClient(t, cfg).GetLedgerBalance(context.Background()); err != nil {
		t.Fatalf("four 429s and four 502s with max_retries = 4: want success, got %v", err)
	}
	if n := srv.count(); n != 9 {
		t.Errorf("server saw %d requests, want 9", n)
	}
}
