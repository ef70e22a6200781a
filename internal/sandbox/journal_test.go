package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// seedLedgerBalance is the balance of the ledger seed.go writes, the sum of
// its entries as platform-api.md §5.3 promises: 152.00 + 79.00 - 19.00 - 100.00 + 152.00.
const seedLedgerBalance int64 = 26400

func TestJournal_RestartLoadsState(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	for i := 0; i < 20; i++ {
		if err := infraAddEntry(s, fmt.Sprintf("entry %d", i), 100); err != nil {
			t.Fatal(err)
		}
	}
	hs := serveLoopback(t, s)
	status, tok, err := infraExchange(http.DefaultClient, hs.URL)
	if err != nil || status != http.StatusOK {
		t.Fatalf("token exchange: %d %v", status, err)
	}
	want := infraState(s)
	hs.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := startServer(t, path, Options{})
	infraSameState(t, want, infraState(s2))
	if got, wantBal := s2.LedgerBalance(), seedLedgerBalance+2000; got != wantBal {
		t.Errorf("balance after restart = %d, want %d", got, wantBal)
	}
	hs2 := serveLoopback(t, s2)
	if st, _, body := infraCall(t, "GET", hs2.URL+"/v2/ledger/livechat/balance", tok, "", ""); st != http.StatusOK {
		t.Errorf("token issued before the restart: %d %s", st, body)
	}
}

func TestJournal_NewFileIsSeeded(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	if got, want := s.LedgerBalance(), seedLedgerBalance; got != want {
		t.Errorf("balance = %d, want the seed's %d", got, want)
	}
	want := infraState(s)
	s.Close()
	// The seed itself is persisted, not re-created with new ids.
	s2 := startServer(t, path, Options{})
	infraSameState(t, want, infraState(s2))
}

func TestJournal_CompactsAtStart(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	for i := 0; i < 300; i++ {
		if err := s.update(func(x *tx) error { s.nextSerial(x); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	want := infraState(s)
	s.Close()
	before := infraLineCount(t, path)
	if before < 300 {
		t.Fatalf("journal has %d lines after 300 updates, want at least 300", before)
	}

	s2 := startServer(t, path, Options{})
	after := infraLineCount(t, path)
	if after >= 5 {
		t.Errorf("journal has %d lines after compaction, want one snapshot line per 256 rows", after)
	}
	infraSameState(t, want, infraState(s2))
	var serial int64
	s2.view(func() { m, _ := s2.st.meta.get("meta"); serial = m.NextSerial })
	if serial != 300 {
		t.Errorf("next serial = %d, want 300", serial)
	}
	if leftovers, _ := filepath.Glob(path + ".compact-*"); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestJournal_TornTailIgnored(t *testing.T) {
	for name, tail := range map[string]string{
		"without newline": `[{"t":"ledger","k":"torn","v":{"seq":99,"v":{"id":"torn","va`,
		"with newline":    `[{"t":"ledger","k":"torn","v":{"seq":99,"v":{"id":"to` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := infraDataPath(t)
			s := startServer(t, path, Options{})
			if err := infraAddEntry(s, "kept", 500); err != nil {
				t.Fatal(err)
			}
			want := infraState(s)
			s.Close()
			infraAppendRaw(t, path, tail)

			s2 := startServer(t, path, Options{})
			infraSameState(t, want, infraState(s2))
			// Compaction dropped the torn bytes, so later appends are clean.
			if b, _ := os.ReadFile(path); bytes.Contains(b, []byte("torn")) {
				t.Error("the torn record is still in the file after compaction")
			}
			if err := infraAddEntry(s2, "after", 1); err != nil {
				t.Fatal(err)
			}
			want = infraState(s2)
			s2.Close()
			s3 := startServer(t, path, Options{})
			infraSameState(t, want, infraState(s3))
		})
	}
}

func TestJournal_CorruptMiddleRefused(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	s.Close()
	n := infraLineCount(t, path)
	infraAppendRaw(t, path, "{this is not a record}\n")
	infraAppendRaw(t, path, `[{"t":"meta","k":"meta","v":{"seq":1,"v":{"clock_offset_seconds":0,"next_serial":7}}}]`+"\n")

	_, err := New(Options{DataFile: path})
	if err == nil {
		t.Fatal("New accepted a data file with a corrupt line before valid ones")
	}
	if want := fmt.Sprintf("line %d is corrupt", n+1); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestJournal_UnknownTableRefused(t *testing.T) {
	path := infraDataPath(t)
	infraAppendRaw(t, path, `[{"t":"nope","k":"1","v":{"seq":1,"v":{}}}]`+"\n")
	if _, err := New(Options{DataFile: path}); err == nil || !strings.Contains(err.Error(), `unknown table "nope"`) {
		t.Errorf("New = %v, want an unknown table error", err)
	}
}

// A response is never written before its record is synced, and writers
// that arrive during an fsync share the next one.
func TestJournal_GroupCommit(t *testing.T) {
	s := startServer(t, infraDataPath(t), Options{})
	g := &gatedFile{entered: make(chan struct{}, 100), gate: make(chan struct{})}
	gateJournal(t, s, g)
	syncsBefore := s.journal.syncs.Load()
	base := s.journal.appended.Load()

	first := make(chan error, 1)
	go func() { first <- infraAddEntry(s, "first", 1) }()
	<-g.entered // the first record's fsync has started and is held
	select {
	case err := <-first:
		t.Fatalf("update returned (%v) before its fsync finished", err)
	case <-time.After(50 * time.Millisecond):
	}

	const more = 9
	var wg sync.WaitGroup
	errs := make(chan error, more)
	for i := 0; i < more; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- infraAddEntry(s, fmt.Sprintf("more %d", i), 1)
		}()
	}
	infraEventually(t, "all records pending", func() bool { return s.journal.appended.Load() == base+1+more })
	g.open()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := s.journal.syncs.Load() - syncsBefore; got != 2 {
		t.Errorf("10 updates took %d fsyncs, want 2 (one held, then one for the 9 that queued meanwhile)", got)
	}
	if got, want := s.LedgerBalance(), seedLedgerBalance+10; got != want {
		t.Errorf("balance = %d, want %d", got, want)
	}
}

// A reader does not answer with a change that is not on disk yet.
func TestJournal_ReadWaitsForDurability(t *testing.T) {
	s := startServer(t, infraDataPath(t), Options{})
	hs := serveLoopback(t, s)
	g := &gatedFile{entered: make(chan struct{}, 100), gate: make(chan struct{})}
	gateJournal(t, s, g)

	wrote := make(chan error, 1)
	go func() { wrote <- infraAddEntry(s, "pending", 4200) }()
	<-g.entered

	type answer struct {
		status int
		body   string
	}
	read := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+"/v2/ledger/livechat/balance", nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			read <- answer{0, err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		read <- answer{resp.StatusCode, string(b)}
	}()
	select {
	case a := <-read:
		t.Fatalf("read answered %d %s while the change it saw was not synced", a.status, a.body)
	case <-time.After(100 * time.Millisecond):
	}
	g.open()
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	a := <-read
	if want := fmt.Sprintf(`{"balance":%d}`, seedLedgerBalance+4200); a.status != 200 || strings.TrimSpace(a.body) != want {
		t.Errorf("read = %d %s, want 200 %s", a.status, a.body, want)
	}
}

// A failed fsync is never acknowledged: the waiting request gets a 500 and
// the sandbox refuses requests until restarted.
func TestJournal_SyncFailureFailsRequests(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	hs := serveLoopback(t, s)
	g := &gatedFile{syncErr: errInfraInjected}
	gateJournal(t, s, g)

	st, _, body := infraCall(t, "POST", hs.URL+"/v2/token", "", "application/x-www-form-urlencoded", infraTokenForm())
	if st != http.StatusInternalServerError || !strings.Contains(body, "injected disk failure") || !strings.Contains(body, `"error":"server_error"`) {
		t.Fatalf("token exchange with a failing fsync = %d %s, want 500 server_error naming the failure", st, body)
	}
	if strings.Contains(body, "access_token") {
		t.Fatalf("the failed exchange handed out a token: %s", body)
	}
	// Everything after is refused, reads included, in the family's envelope.
	st, _, body = infraCall(t, "GET", hs.URL+"/v2/ledger/livechat/balance", DefaultAccessToken, "", "")
	if st != http.StatusInternalServerError || !strings.Contains(body, `"type":"server_error"`) {
		t.Errorf("read after the failure = %d %s, want a Billing 500", st, body)
	}
	st, _, body = infraCall(t, "GET", hs.URL+"/_sandbox/health", "", "", "")
	if st != http.StatusInternalServerError || !strings.Contains(body, `"status":"failed"`) {
		t.Errorf("health after the failure = %d %s, want 500 failed", st, body)
	}
	if err := infraAddEntry(s, "later", 1); err == nil {
		t.Error("an update after the failure succeeded")
	}
	if err := s.Close(); err == nil {
		t.Error("Close did not report the failure")
	}
}

func TestJournal_WriteFailureFailsRequests(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	g := &gatedFile{writeErr: errInfraInjected}
	gateJournal(t, s, g)
	if err := infraAddEntry(s, "lost", 1); err == nil || !strings.Contains(err.Error(), "injected disk failure") {
		t.Fatalf("update with a failing write = %v, want the failure", err)
	}
	s.Close()
	// The restart replays what reached the disk: the seed.
	s2 := startServer(t, path, Options{})
	if got, want := s2.LedgerBalance(), seedLedgerBalance; got != want {
		t.Errorf("balance after restart = %d, want %d", got, want)
	}
}

func TestJournal_ResetRewritesFile(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	hs := serveLoopback(t, s)
	for i := 0; i < 10; i++ {
		if err := infraAddEntry(s, "before reset", 1000); err != nil {
			t.Fatal(err)
		}
	}
	if st, _, body := infraCall(t, "POST", hs.URL+"/_sandbox/reset", "", "", ""); st != http.StatusOK {
		t.Fatalf("reset = %d %s", st, body)
	}
	if err := infraAddEntry(s, "after reset", 7); err != nil {
		t.Fatal(err)
	}
	want := infraState(s)
	hs.Close()
	s.Close()
	if b, _ := os.ReadFile(path); bytes.Contains(b, []byte("before reset")) {
		t.Error("the data file still holds rows from before the reset")
	}
	s2 := startServer(t, path, Options{})
	infraSameState(t, want, infraState(s2))
	if got, want := s2.LedgerBalance(), seedLedgerBalance+7; got != want {
		t.Errorf("balance after reset and restart = %d, want %d", got, want)
	}
}

// Writers, readers, resets and compactions racing: what is on disk at the
// end is exactly what was in memory.
func TestJournal_ConcurrentWritesResetsAndCompaction(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	s.journal.mu.Lock()
	s.journal.compactMin = 4 << 10 // compact every few KiB
	s.journal.compactAt = s.journal.compactMin
	s.journal.mu.Unlock()
	hs := serveLoopback(t, s)

	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 60; i++ {
				switch {
				case w == 0 && i%20 == 10:
					if err := s.resetState(); err != nil {
						t.Error(err)
						return
					}
				case w%2 == 0:
					if st, _, err := infraExchange(http.DefaultClient, hs.URL); err != nil || st != 200 {
						t.Errorf("token exchange: %d %v", st, err)
						return
					}
				default:
					if err := infraAddEntry(s, fmt.Sprintf("w%d-%d", w, i), 1); err != nil {
						t.Error(err)
						return
					}
					_ = s.LedgerBalance()
				}
			}
		}()
	}
	wg.Wait()
	want := infraState(s)
	hs.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() > 64<<10 {
		t.Errorf("data file is %d bytes (%v): online compaction did not keep it small", st.Size(), err)
	}
	s2 := startServer(t, path, Options{})
	infraSameState(t, want, infraState(s2))
}

func TestJournal_CloseFailsLaterUpdates(t *testing.T) {
	s := startServer(t, infraDataPath(t), Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := infraAddEntry(s, "late", 1); err == nil {
		t.Error("an update after Close succeeded, though it cannot be saved")
	}
}

func infraLineCount(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\n"))
}

func infraAppendRaw(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// A second sandbox on the same data file refuses to start instead of
// compacting the file under the first one, whose acknowledged writes would
// then be lost on the next restart.
func TestJournal_SecondOpenRefused(t *testing.T) {
	path := infraDataPath(t)
	first := startServer(t, path, Options{})
	if err := infraAddEntry(first, "before the second open", 100); err != nil {
		t.Fatal(err)
	}

	second, err := New(Options{DataFile: path})
	if err == nil {
		_ = second.Close()
		t.Fatal("a second sandbox opened the data file the first one holds")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "in use") {
		t.Errorf("error %q does not name the file %s and say it is in use", err, path)
	}

	if err := infraAddEntry(first, "after the second open", 100); err != nil {
		t.Fatal(err)
	}
	want := infraState(first)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	// Closing released the lock: the file opens again, with every write.
	again := startServer(t, path, Options{})
	infraSameState(t, want, infraState(again))
}

// A lock file left behind by a process that died does not keep the data
// file locked: the lock is the open file's, not the file's existence.
func TestJournal_StaleLockFileIgnored(t *testing.T) {
	path := infraDataPath(t)
	if err := os.WriteFile(path+".lock", []byte("12345\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, path, Options{})
	if err := infraAddEntry(s, "entry", 100); err != nil {
		t.Fatal(err)
	}
}
