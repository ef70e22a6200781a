package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"time"
)

// sandboxProc is a running livechat-sandbox and its control API
// (platform-api.md §5.4).
type sandboxProc struct {
	cmd *exec.Cmd
	url string
	hc  *http.Client
}

var listeningRE = regexp.MustCompile(`^livechat-sandbox listening on (http://\S+)$`)

// startSandbox starts bin on a free loopback port with args (in memory
// without -data), its stderr going to errName in logDir, and waits for its
// first stdout line, which names its address.
func startSandbox(ctx context.Context, bin, logDir, errName string, args ...string) (*sandboxProc, error) {
	stderr, err := os.Create(filepath.Join(logDir, errName))
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"-listen", "127.0.0.1:0"}, args...)...)
	// An interrupted run stops the sandbox as stop does.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	m := listeningRE.FindStringSubmatch(string(bytes.TrimSpace([]byte(line))))
	if err != nil || m == nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("livechat-sandbox did not start (first line %q, %v); see %s", line, err, stderr.Name())
	}
	// The sandbox writes nothing more to stdout that matters; keep the pipe
	// drained so that it never blocks.
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return &sandboxProc{cmd: cmd, url: m[1], hc: &http.Client{Timeout: 30 * time.Second}}, nil
}

// stop ends the sandbox the way its contract says (SIGTERM: flush, exit 0).
func (s *sandboxProc) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_ = s.cmd.Wait()
}

// control calls the control API; out, when not nil, receives the JSON answer.
func (s *sandboxProc) control(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("sandbox %s %s: HTTP %d: %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// reset puts the sandbox back to its seed, so every repetition starts from
// the same platform.
func (s *sandboxProc) reset(ctx context.Context) error {
	return s.control(ctx, http.MethodPost, "/_sandbox/reset", nil, nil)
}

// setLatency replaces the fault rules with one that delays every platform
// call by ms milliseconds (none for 0).
func (s *sandboxProc) setLatency(ctx context.Context, ms int) error {
	if err := s.control(ctx, http.MethodDelete, "/_sandbox/faults", nil, nil); err != nil {
		return err
	}
	if ms == 0 {
		return nil
	}
	return s.control(ctx, http.MethodPost, "/_sandbox/faults", map[string]any{"route": "*", "latency_ms": ms}, nil)
}

// calls returns the number of platform calls since the last resetCalls.
func (s *sandboxProc) calls(ctx context.Context) (int64, error) {
	var stats struct {
		Total int64 `json:"total"`
	}
	err := s.control(ctx, http.MethodGet, "/_sandbox/stats", nil, &stats)
	return stats.Total, err
}

func (s *sandboxProc) resetCalls(ctx context.Context) error {
	return s.control(ctx, http.MethodDelete, "/_sandbox/stats", nil, nil)
}

// setFaults replaces the fault rules with rule.
func (s *sandboxProc) setFaults(ctx context.Context, rule map[string]any) error {
	if err := s.control(ctx, http.MethodDelete, "/_sandbox/faults", nil, nil); err != nil {
		return err
	}
	return s.control(ctx, http.MethodPost, "/_sandbox/faults", rule, nil)
}

// faultsFired is how many times the fault rules fired.
func (s *sandboxProc) faultsFired(ctx context.Context) (int64, error) {
	var list struct {
		Rules []struct {
			Fired int64 `json:"fired"`
		} `json:"rules"`
	}
	if err := s.control(ctx, http.MethodGet, "/_sandbox/faults", nil, &list); err != nil {
		return 0, err
	}
	var n int64
	for _, r := range list.Rules {
		n += r.Fired
	}
	return n, nil
}

// storedBenchObjects counts the active campaigns and the charges the
// sandbox holds.
func (s *sandboxProc) storedBenchObjects(ctx context.Context) (int, error) {
	var state struct {
		Campaigns []struct {
			Active bool `json:"active"`
		} `json:"campaigns"`
		Charges []json.RawMessage `json:"recurrent_charges"`
	}
	if err := s.control(ctx, http.MethodGet, "/_sandbox/state", nil, &state); err != nil {
		return 0, err
	}
	n := len(state.Charges)
	for _, c := range state.Campaigns {
		if c.Active {
			n++
		}
	}
	return n, nil
}
