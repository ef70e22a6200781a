package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func infraDataPath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "state.jsonl")
}

// seedLedgerEntries stores n ledger entries of 1 cent in one update: the
// 10,000 objects of the benchmarks and the durability tests.
func seedLedgerEntries(t testing.TB, s *Server, n int) {
	t.Helper()
	err := s.update(func(x *tx) error {
		for i := 0; i < n; i++ {
			s.addLedgerEntry(x, fmt.Sprintf("seeded entry %d", i), "collection", 1)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seeding %d ledger entries: %v", n, err)
	}
}

// infraAddEntry stores one ledger entry through update, as a handler would.
func infraAddEntry(s *Server, name string, value int64) error {
	return s.update(func(x *tx) error {
		s.addLedgerEntry(x, name, "collection", value)
		return nil
	})
}

// infraState is every stored row, by "table/id", as JSON.
func infraState(s *Server) map[string]string {
	out := map[string]string{}
	s.view(func() {
		for _, c := range s.snapshot() {
			out[c.Table+"/"+c.ID] = string(c.Row)
		}
	})
	return out
}

func infraSameState(t *testing.T, want, got map[string]string) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("state has %d rows, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("row %s = %s, want %s", k, got[k], v)
		}
	}
}

// infraTokenForm is the refresh-token exchange body with the default client.
func infraTokenForm() string {
	return url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {DefaultRefreshToken},
		"client_id":     {DefaultClientID},
		"client_secret": {DefaultClientSecret},
	}.Encode()
}

// infraExchange posts the token exchange and returns the status and the
// access token (empty unless 200).
func infraExchange(c *http.Client, base string) (int, string, error) {
	resp, err := c.Post(base+"/v2/token", "application/x-www-form-urlencoded", strings.NewReader(infraTokenForm()))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, "", nil
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.AccessToken == "" {
		return resp.StatusCode, "", fmt.Errorf("token response %s: %v", body, err)
	}
	return resp.StatusCode, out.AccessToken, nil
}

// infraCall sends a request with a raw body and returns the status, header
// and body.
func infraCall(t testing.TB, method, u, token, contentType, body string) (int, http.Header, string) {
	t.Helper()
	authorization := ""
	if token != "" {
		authorization = "Bearer " + token
	}
	status, header, raw := send(t, http.DefaultClient, method, u, strings.NewReader(body), contentType, authorization)
	return status, header, string(raw)
}

// gatedFile wraps the journal's file: Sync can be held at a gate, and
// Write or Sync can fail.
type gatedFile struct {
	journalFile
	entered chan struct{} // one value per Sync that started
	gate    chan struct{} // Sync waits until it is closed; nil: no wait

	mu       sync.Mutex
	writeErr error
	syncErr  error
	opened   sync.Once
}

// open lets every held and later Sync through.
func (g *gatedFile) open() {
	g.opened.Do(func() {
		if g.gate != nil {
			close(g.gate)
		}
	})
}

func (g *gatedFile) Write(b []byte) (int, error) {
	g.mu.Lock()
	err := g.writeErr
	g.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return g.journalFile.Write(b)
}

func (g *gatedFile) Sync() error {
	if g.entered != nil {
		select {
		case g.entered <- struct{}{}:
		default:
		}
	}
	if g.gate != nil {
		<-g.gate
	}
	g.mu.Lock()
	err := g.syncErr
	g.mu.Unlock()
	if err != nil {
		return err
	}
	return g.journalFile.Sync()
}

// gateJournal puts g in front of the server's data file. The flusher is
// idle after New, so the swap is safe under the journal's lock.
func gateJournal(t *testing.T, s *Server, g *gatedFile) {
	t.Helper()
	j := s.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.flushing || len(j.pending) > 0 {
		t.Fatal("journal is busy")
	}
	g.journalFile = j.f
	j.f = g
	// A failing test must not leave the flusher held (Close would hang).
	t.Cleanup(g.open)
}

var errInfraInjected = errors.New("injected disk failure")

// eventually polls cond for up to 10 s.
func infraEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}
