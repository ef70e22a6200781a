package client

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
	sbx, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = sbx
	if wrap != nil {
		h = wrap(sbx)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(func() { ts.Close(); _ = sbx.Close() })
	logs := &captureLogger{}
	cfg := Config{
		Endpoints:       Endpoints{Billing: ts.URL, Partners: ts.URL, Accounts: ts.URL, DeveloperConsole: ts.URL},
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
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &partnerFixture{sbx: sbx, client: c, logs: logs}
}

func (l *captureLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
