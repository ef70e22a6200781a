// Package rusage measures the provider plugin processes that Terraform
// starts. Terraform, not the harness, starts them, and several per command
// (one for the schema, one for the plan...), so the harness points
// Terraform at a launcher instead: it runs the real provider as its child
// and, once the child exits, appends the child's resource usage to a
// report file. Polling /proc from outside would miss short-lived plugins
// and the last moments of every one.
package rusage

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Environment variables through which the harness tells the launcher what
// to run and where to report; Terraform passes its environment on to
// plugins.
const (
	EnvProvider = "LIVECHAT_BENCH_PROVIDER"
	EnvReport   = "LIVECHAT_BENCH_RUSAGE"
)

// Usage is the CPU time and peak resident memory of a process.
type Usage struct {
	User   time.Duration `json:"user_ns"`
	System time.Duration `json:"system_ns"`
	// MaxRSS is the peak resident set size in bytes.
	MaxRSS int64 `json:"max_rss_bytes"`
}

// CPU is user plus system time.
func (u Usage) CPU() time.Duration { return u.User + u.System }

// Report is one launcher's line: its provider child's usage and its own.
type Report struct {
	Provider Usage `json:"provider"`
	Launcher Usage `json:"launcher"`
}

// ReadReports reads every report in path; a missing file is no report.
func ReadReports(path string) ([]Report, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Report
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Report
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// appendReport writes r as one line. Launchers of the same command may
// exit at once: one short O_APPEND write each keeps their lines whole.
func appendReport(path string, r Report) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
