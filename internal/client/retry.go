package client

import (
	"context"
	"errors"
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
// answered 429/503 with Retry-After, which the platform sends before
// processing (API.md §4).
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	class, _ := ctx.Value(retryClassKey{}).(retryClass)
	if err != nil {
		if isPermanentTransportError(err) {
			return false, err
		}
		if class == retryIfNotActed {
			return isConnectionRefused(err), err
		}
		return true, err
	}
	if resp == nil {
		return false, nil
	}
	status := resp.StatusCode
	if class == retryIfNotActed {
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			_, ok := retryAfter(resp, time.Now())
			return ok, nil
		}
		return false, nil
	}
	if status == http.StatusTooManyRequests {
		return true, nil
	}
	if status >= 500 && status != http.StatusNotImplemented {
		return true, nil
	}
	return false, nil
}

// isPermanentTransportError reports errors that a retry cannot fix.
func isPermanentTransportError(err error) bool {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg := uerr.Err.Error()
		if strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "stopped after") {
			return true
		}
	}
	return strings.Contains(err.Error(), "x509:") || strings.Contains(err.Error(), "tls:")
}

// isConnectionRefused reports whether the request never reached a server.
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

// backoff waits as long as Retry-After asks when the server says so, and
// otherwise grows exponentially from min with full jitter, capped at max.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp, time.Now()); ok {
			return d
		}
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
	return minWait + rand.N(ceiling-minWait+1)
}

// retryAfter parses a Retry-After header given as delay seconds or as an
// HTTP date.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
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
