package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// These tests run the command as users do: built with go build, started as
// a process, driven over loopback HTTP, stopped with signals.

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "livechat-sandbox-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "livechat-sandbox")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building livechat-sandbox:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type proc struct {
	cmd    *exec.Cmd
	url    string
	stderr *strings.Builder
	exited chan struct{}
	err    error // of Wait, once exited is closed
}

var listeningLine = regexp.MustCompile(`^livechat-sandbox listening on (http://(127\.0\.0\.1|\[::1\]|[0-9.]+|\[[0-9a-f:]+\]):[0-9]+)$`)

// start runs the binary and waits for its first line on stdout.
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(binPath, args...), stderr: &strings.Builder{}, exited: make(chan struct{})}
	p.cmd.Stderr = &lockedWriter{w: p.stderr}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		first <- line
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case line := <-first:
		m := listeningLine.FindStringSubmatch(strings.TrimRight(line, "\n"))
		if m == nil {
			t.Fatalf("first line on stdout = %q, want \"livechat-sandbox listening on http://HOST:PORT\"; stderr: %s", line, p.stderr)
		}
		p.url = m[1]
	case <-time.After(30 * time.Second):
		t.Fatalf("no first line within 30s; stderr: %s", p.stderr)
	}
	return p
}

// stop sends sig and returns the exit code.
func (p *proc) stop(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	return p.wait(t)
}

func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the process did not exit within 30s")
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func get(t *testing.T, u, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var tokenForm = url.Values{
	"grant_type":    {"refresh_token"},
	"refresh_token": {sandbox.DefaultRefreshToken},
	"client_id":     {sandbox.DefaultClientID},
	"client_secret": {sandbox.DefaultClientSecret},
}.Encode()

// exchange posts the refresh-token exchange; the token is set only on 200.
func exchange(c *http.Client, base string) (string, error) {
	resp, err := c.Post(base+"/v2/token", "application/x-www-form-urlencoded", strings.NewReader(tokenForm))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK || out.AccessToken == "" {
		return "", fmt.Errorf("token exchange answered %d", resp.StatusCode)
	}
	return out.AccessToken, nil
}

func TestBinary_StartHealthSignals(t *testing.T) {
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			p := start(t, "-listen", "127.0.0.1:0")
			if strings.HasSuffix(p.url, ":0") {
				t.Errorf("listening line shows port 0: %s", p.url)
			}
			if st, body := get(t, p.url+"/_sandbox/health", ""); st != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
				t.Errorf("health = %d %s", st, body)
			}
			if st, body := get(t, p.url+"/v2/ledger/livechat/balance", sandbox.DefaultAccessToken); st != http.StatusOK {
				t.Errorf("balance with the default token = %d %s", st, body)
			}
			if code := p.stop(t, sig); code != 0 {
				t.Errorf("exit code after %v = %d, want 0; stderr: %s", sig, code, p.stderr)
			}
		})
	}
}

func TestBinary_CredentialFlags(t *testing.T) {
	p := start(t, "-listen", "127.0.0.1:0", "-access-token", "my-access", "-partner-token", "my-partner", "-partner-password", "my-password")
	if st, _ := get(t, p.url+"/v2/ledger/livechat/balance", "my-access"); st != http.StatusOK {
		t.Errorf("balance with -access-token = %d, want 200", st)
	}
	if st, _ := get(t, p.url+"/v2/ledger/livechat/balance", sandbox.DefaultAccessToken); st != http.StatusUnauthorized {
		t.Errorf("balance with the default token = %d, want 401", st)
	}
	if st, _ := get(t, p.url+"/v2/partners/coupons", "my-partner"); st != http.StatusOK {
		t.Errorf("coupons with -partner-token = %d, want 200", st)
	}
	if st, _ := get(t, p.url+"/v2/partners/coupons", sandbox.DefaultPartnerToken); st != http.StatusUnauthorized {
		t.Errorf("coupons with the default partner token = %d, want 401", st)
	}
	if code := p.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code = %d", code)
	}
}

func TestBinary_DataPersistsAcrossRestart(t *testing.T) {
	data := filepath.Join(t.TempDir(), "sandbox.jsonl")
	p := start(t, "-listen", "127.0.0.1:0", "-data", data)
	tok, err := exchange(http.DefaultClient, p.url)
	if err != nil {
		t.Fatal(err)
	}
	_, before := get(t, p.url+"/_sandbox/state", "")
	if code := p.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code = %d; stderr: %s", code, p.stderr)
	}

	p2 := start(t, "-listen", "127.0.0.1:0", "-data", data)
	if st, body := get(t, p2.url+"/v2/ledger/livechat/balance", tok); st != http.StatusOK {
		t.Errorf("token issued before the restart = %d %s, want 200", st, body)
	}
	_, after := get(t, p2.url+"/_sandbox/state", "")
	if stripClock(before) != stripClock(after) {
		t.Errorf("state changed across the restart:\nbefore %s\nafter  %s", before, after)
	}
	if code := p2.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code = %d", code)
	}
}

// A second process on the same -data file exits at once, naming the file,
// and the first one's acknowledged writes survive its restart.
func TestBinary_SecondProcessOnSameDataRefused(t *testing.T) {
	data := filepath.Join(t.TempDir(), "sandbox.jsonl")
	p := start(t, "-listen", "127.0.0.1:0", "-data", data)
	before, err := exchange(http.DefaultClient, p.url)
	if err != nil {
		t.Fatal(err)
	}

	// Killed after 10 s if it wrongly starts serving.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, binPath, "-listen", "127.0.0.1:0", "-data", data)
	var stderr strings.Builder
	second.Stderr = &stderr
	err = second.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("second process on the same -data: %v, want exit code 1; stderr: %s", err, stderr.String())
	}
	if msg := stderr.String(); !strings.Contains(msg, data) || !strings.Contains(msg, "in use by another livechat-sandbox") {
		t.Errorf("second process stderr %q does not name %s as in use", msg, data)
	}

	after, err := exchange(http.DefaultClient, p.url)
	if err != nil {
		t.Fatal(err)
	}
	if code := p.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code = %d; stderr: %s", code, p.stderr)
	}
	p2 := start(t, "-listen", "127.0.0.1:0", "-data", data)
	for _, tok := range []string{before, after} {
		if st, body := get(t, p2.url+"/v2/ledger/livechat/balance", tok); st != http.StatusOK {
			t.Errorf("token acknowledged by the first process = %d %s after its restart, want 200", st, body)
		}
	}
	if code := p2.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code = %d", code)
	}
}

// stripClock drops the clock (real time passes between the two dumps).
func stripClock(state string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(state), &m); err != nil {
		return state
	}
	delete(m, "clock")
	b, _ := json.Marshal(m)
	return string(b)
}

// Every write the sandbox acknowledged survives a SIGKILL in the middle of
// a concurrent load.
func TestBinary_KillNineKeepsAcknowledgedWrites(t *testing.T) {
	data := filepath.Join(t.TempDir(), "sandbox.jsonl")
	p := start(t, "-listen", "127.0.0.1:0", "-data", data)

	const (
		workers      = 8
		perWorkerMax = 5000
		killAfter    = 400
	)
	var (
		mu     sync.Mutex
		acked  []string
		failed int
	)
	enough := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWorkerMax; i++ {
				tok, err := exchange(client, p.url)
				mu.Lock()
				if err != nil {
					failed++
					mu.Unlock()
					return // the process is gone
				}
				acked = append(acked, tok)
				if len(acked) >= killAfter {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatal("fewer than 400 writes acknowledged within 60s")
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	<-p.exited
	mu.Lock()
	tokens := append([]string(nil), acked...)
	inFlight := failed
	mu.Unlock()
	t.Logf("%d writes acknowledged before SIGKILL, %d in flight failed", len(tokens), inFlight)
	if inFlight == 0 {
		t.Log("no request was in flight at the kill; the check still covers every acknowledged write")
	}

	p2 := start(t, "-listen", "127.0.0.1:0", "-data", data)
	missing := 0
	for _, tok := range tokens {
		if st, _ := get(t, p2.url+"/v2/ledger/livechat/balance", tok); st != http.StatusOK {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged token writes were lost by the SIGKILL", missing, len(tokens))
	}
	if code := p2.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code = %d", code)
	}
}

// The control API answers loopback clients only, even when the sandbox
// listens on every interface.
func TestBinary_ControlAPILoopbackOnly(t *testing.T) {
	ip := nonLoopbackIPv4()
	if ip == "" {
		t.Skip("this machine has no non-loopback IPv4 address to connect from")
	}
	p := start(t, "-listen", "0.0.0.0:0")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(p.url, "http://"))
	outside := "http://" + net.JoinHostPort(ip, port)
	local := "http://" + net.JoinHostPort("127.0.0.1", port)

	if st, body := get(t, outside+"/_sandbox/health", ""); st != http.StatusForbidden || !strings.Contains(body, "loopback") {
		t.Errorf("health via %s = %d %s, want 403", ip, st, body)
	}
	if st, _ := get(t, outside+"/_sandbox/state", ""); st != http.StatusForbidden {
		t.Errorf("state via %s = %d, want 403", ip, st)
	}
	if st, _ := get(t, outside+"/v2/ledger/livechat/balance", sandbox.DefaultAccessToken); st != http.StatusOK {
		t.Errorf("balance via %s = %d, want 200 (the APIs answer anyone)", ip, st)
	}
	if st, _ := get(t, local+"/_sandbox/health", ""); st != http.StatusOK {
		t.Errorf("health via loopback = %d, want 200", st)
	}
	if code := p.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code = %d", code)
	}
}

func nonLoopbackIPv4() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	return ""
}

func TestBinary_Failures(t *testing.T) {
	run := func(args ...string) (int, string) {
		cmd := exec.Command(binPath, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), stderr.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, stderr.String()
	}
	if code, stderr := run("-no-such-flag"); code != 2 || !strings.Contains(stderr, "-no-such-flag") {
		t.Errorf("unknown flag: exit %d, stderr %q; want 2 naming the flag", code, stderr)
	}
	if code, stderr := run("-h"); code != 0 || !strings.Contains(stderr, "-partner-password") {
		t.Errorf("-h: exit %d, stderr %q; want 0 and the flags", code, stderr)
	}

	// A port already taken.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if code, stderr := run("-listen", ln.Addr().String()); code != 1 || !strings.Contains(stderr, "address already in use") {
		t.Errorf("busy port: exit %d, stderr %q", code, stderr)
	}

	// A data file corrupt in the middle is refused, not overwritten.
	data := filepath.Join(t.TempDir(), "bad.jsonl")
	corrupt := "garbage\n[]\n"
	if err := os.WriteFile(data, []byte(corrupt), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := run("-listen", "127.0.0.1:0", "-data", data); code != 1 || !strings.Contains(stderr, "line 1 is corrupt") {
		t.Errorf("corrupt data file: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(data); string(b) != corrupt {
		t.Errorf("the corrupt data file was changed to %q", b)
	}
}

// stderrContains polls the process's stderr for want for up to 5 s.
func (p *proc) stderrContains(want string) bool {
	for i := 0; i < 50; i++ {
		if strings.Contains(p.stderrString(), want) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

func (p *proc) stderrString() string {
	lw := p.cmd.Stderr.(*lockedWriter)
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.String()
}

// Listening where other machines reach it, with credentials anyone can
// look up, is warned about on stderr; stdout's first line stays the same.
func TestBinary_WarnsWhenExposedWithDefaultCredentials(t *testing.T) {
	p := start(t, "-listen", "0.0.0.0:0")
	if !p.stderrContains("warning") {
		t.Fatalf("no warning on stderr for -listen 0.0.0.0:0 with the default credentials; stderr: %q", p.stderrString())
	}
	msg := p.stderrString()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(p.url, "http://"))
	for _, want := range []string{":" + port, "-access-token", "-partner-token", "-partner-password", "refresh token"} {
		if !strings.Contains(msg, want) {
			t.Errorf("warning %q does not mention %s", msg, want)
		}
	}
	if code := p.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code = %d", code)
	}

	// Own tokens: the flags are no longer named, the fixed OAuth client still is.
	p = start(t, "-listen", "0.0.0.0:0", "-access-token", "a", "-partner-token", "b", "-partner-password", "c")
	if !p.stderrContains("warning") {
		t.Fatalf("no warning with own tokens: the OAuth defaults still let anyone in; stderr: %q", p.stderrString())
	}
	if msg := p.stderrString(); strings.Contains(msg, "-access-token") || strings.Contains(msg, "-partner-password") {
		t.Errorf("warning %q names flags that were given", msg)
	}
	if code := p.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code = %d", code)
	}

	// Loopback: no warning (the health answer comes after it would be printed).
	p = start(t, "-listen", "127.0.0.1:0")
	if st, _ := get(t, p.url+"/_sandbox/health", ""); st != http.StatusOK {
		t.Fatalf("health = %d", st)
	}
	if code := p.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code = %d", code)
	}
	if msg := p.stderrString(); strings.Contains(msg, "warning") {
		t.Errorf("warning on loopback: %q", msg)
	}
}

// A tool may stop the sandbox the moment it has read the listening line:
// the signal must already be caught then, so the sandbox flushes and exits
// 0 as its contract says instead of dying by the signal.
func TestBinary_StopRightAfterTheListeningLine(t *testing.T) {
	for i := range 20 {
		p := start(t, "-listen", "127.0.0.1:0")
		if code := p.stop(t, syscall.SIGTERM); code != 0 {
			t.Fatalf("run %d: exit code = %d after SIGTERM right after the first line, want 0", i+1, code)
		}
	}
}
