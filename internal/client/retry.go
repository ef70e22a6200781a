package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// checkRetry decides whether go-retryablehttp repeats a request. Reads and
// state transitions are repeated on 429, 5xx and network errors. Creating
// requests move money or make unique objects, so they are repeated only when
// the server provably did not act: the connection was refused, or it
// answered 429 or 503 with Retry-After, a server pacing its clients before
// processing (platform-api.md §6.1). A 429 without Retry-After does not say
// who refused or when: a proxy may answer it after forwarding the request.
//
// A retry never outlives the call: when the context is done, or when the
// server asks to wait past the request timeout, the last answer is returned
// at once instead of waiting for nothing.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	if st == nil {
		st = &callState{}
	}
	st.attempts++
	retry := shouldRetry(st.class, resp, err)
	switch {
	case err != nil:
		st.lastFailure = err.Error()
	case retry && resp != nil:
		st.lastFailure = "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	if !retry {
		// A response that is not retried, even one that arrived just as
		// the context ended, is returned as it is: a creating request that
		// succeeded must not be reported as failed.
		return false, err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if interrupted(st) {
		st.stopped = "the operation was interrupted, and a request the platform did not act on is not sent again"
		return false, err
	}
	if !st.takeRetry(asksToWait(resp)) {
		return false, err
	}
	if wait, ok := retryAfter(resp, time.Now()); ok {
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
			st.stopped = fmt.Sprintf("the server asked to retry after %s (Retry-After), later than the request timeout allows", wait)
			return false, nil
		}
	}
	return true, err
}

// rateLimitRetriesPerRetry is how many answers that ask to wait one retry
// of max_retries is worth. Such an answer is the platform pacing its
// clients, not a failure: a run of hundreds of objects under a rate limit
// has to wait it out, while a server that fails keeps its tight bound.
const rateLimitRetriesPerRetry = 5

// takeRetry counts a retry against its budget: answers that ask to wait
// against the rate-limit budget, everything else against max_retries. It
// reports false when the budget is spent.
func (st *callState) takeRetry(waitAnswer bool) bool {
	if waitAnswer {
		st.waitRetries++
		return st.waitRetries <= st.maxRetries*rateLimitRetriesPerRetry
	}
	st.failureRetries++
	return st.failureRetries <= st.maxRetries
}

// asksToWait reports an answer that asks the client to come back later: a
// 429, or a 503 with Retry-After.
func asksToWait(resp *http.Response) bool {
	if resp == nil {
		return false
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return true
	}
	_, ok := retryAfter(resp, time.Now())
	return ok && resp.StatusCode == http.StatusServiceUnavailable
}

// interrupted reports whether the caller of a creating call asked to stop.
func interrupted(st *callState) bool {
	select {
	case <-st.interrupted:
		return true
	default:
		return false
	}
}

// shouldRetry is the retry policy of a request class, before the limits of
// time and attempts.
func shouldRetry(class retryClass, resp *http.Response, err error) bool {
	if err != nil {
		if isPermanentTransportError(err) {
			return false
		}
		if class == retryIfNotActed {
			return isConnectionRefused(err)
		}
		return true
	}
	if resp == nil {
		return false
	}
	status := resp.StatusCode
	if class == retryIfNotActed {
		_, asked := retryAfter(resp, time.Now())
		return asked && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable)
	}
	if status == http.StatusTooManyRequests {
		return true
	}
	return status >= 500 && status != http.StatusNotImplemented
}

// isPermanentTransportError reports errors that a retry cannot fix.
func isPermanentTransportError(err error) bool {
	var limitErr *rateLimitWaitError
	if errors.As(err, &limitErr) || IsRedirect(err) {
		return true
	}
	var uerr *url.Error
	if errors.As(err, &uerr) && strings.Contains(uerr.Err.Error(), "unsupported protocol scheme") {
		return true
	}
	return strings.Contains(err.Error(), "x509:") || strings.Contains(err.Error(), "tls:")
}

// isConnectionRefused reports whether the request never reached a server:
// the connection was refused, could not be dialled, or the name did not
// resolve.
func isConnectionRefused(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// backoff waits as long as Retry-After asks when the server says so, but
// never less than min, and otherwise grows exponentially from min with full
// jitter, capped at max. The floor keeps a server that answers
// "Retry-After: 0" to every request from being sent the whole retry budget
// in a burst.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if d, ok := retryAfter(resp, time.Now()); ok {
		return max(d, minWait)
	}
	ceiling := minWait << min(attempt, 20)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	if ceiling <= minWait {
		return minWait
	}
	// Full jitter between min and the ceiling spreads retries of many
	// clients that failed together.
	return minWait + rand.N(ceiling-minWait+1) //nolint:gosec // backoff jitter needs no cryptographic randomness

}

// retryAfter parses the Retry-After header of a 429 or 503 answer, given as
// delay seconds or as an HTTP date. Other statuses and a missing or
// malformed header give false.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	return parseRetryAfter(resp.Header.Get("Retry-After"), now)
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
func parseRetryAfter(raw string, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Beyond a day the value is nonsense; a wait that long is capped
		// so the arithmetic cannot overflow (the request timeout ends it).
		if secs > 86400 {
			secs = 86400
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
