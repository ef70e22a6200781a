package client

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// partnerFixture is a client wired to an in-process sandbox.
type partnerFixture struct {
	sbx    *sandbox.Server
	client *Client
	logs   *captureLogger
}

// newPartnerFixture starts a sandbox, optionally behind wrap, and a client
// with the sandbox's partner credentials and shrunken retry waits.
func newPartnerFixture(t *testing.T, wrap func(http.Handler) http.Handler, mutate ...func(*Config)) *partnerFixture {
	t.Helper()
	sbx, url := startSandbox(t, sandbox.Options{}, wrap)
	logs := &captureLogger{}
	cfg := Config{
		Endpoints:       endpointsAt(url),
		PartnerToken:    sandbox.DefaultPartnerToken,
		PartnerPassword: sandbox.DefaultPartnerPassword,
		MaxRetries:      3,
		RetryWaitMin:    time.Millisecond,
		RetryWaitMax:    5 * time.Millisecond,
		Logger:          logs,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c := newTestClient(t, cfg)
	return &partnerFixture{sbx: sbx, client: c, logs: logs}
}

func (l *captureLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
