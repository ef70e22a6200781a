package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// rateLimitRetryAfterS is the Retry-After of the injected 429s: a second,
// as a platform pacing its clients would ask.
const rateLimitRetryAfterS = 1

// rateLimitResult is an apply of N objects while a share of every platform
// call is answered 429, and what it left.
type rateLimitResult struct {
	N        int
	Share    float64
	Wall     time.Duration
	Calls    int64
	Injected int64
	// Errors counts the error diagnostics of the apply; Failed is a
	// non-zero exit.
	Errors int
	Failed bool
	// Stored is how many of the configured objects the sandbox holds
	// afterwards; more than N would be a duplicate.
	Stored int
	// Converged is a no-change plan after the apply, without faults.
	Converged bool
}

// measureRateLimited applies n objects of livechat under 429s on share of
// the calls, then checks what the sandbox holds and that a plan without
// faults finds nothing to do, and destroys it all.
func (b *bench) measureRateLimited(ctx context.Context, n int, share float64) (rateLimitResult, error) {
	res := rateLimitResult{N: n, Share: share}
	live, err := b.subject(subjectLivechat)
	if err != nil {
		return res, err
	}
	dirs, err := b.writeConfigs(n)
	if err != nil {
		return res, err
	}
	dir := dirs[live.name]
	if err := b.freshStart(ctx, live, dir); err != nil {
		return res, err
	}
	rule := map[string]any{"route": "*", "status": http.StatusTooManyRequests, "error_rate": share, "retry_after_s": rateLimitRetryAfterS}
	if err := b.sandbox.setFaults(ctx, rule); err != nil {
		return res, err
	}
	log := filepath.Join(b.logs, fmt.Sprintf("rate-limited-apply-%d.log", n))
	fmt.Fprintf(os.Stderr, "livechat-bench: applying %d objects with %.0f%% of the calls answered 429\n", n, share*100)
	m, applyErr := b.runner.measure(ctx, live, dir, operations[0], log)
	res.Wall, res.Calls, res.Failed = m.Wall, m.Calls, applyErr != nil
	if res.Injected, err = b.sandbox.faultsFired(ctx); err != nil {
		return res, err
	}
	if err := b.sandbox.setLatency(ctx, 0); err != nil {
		return res, err
	}
	if res.Errors, err = countErrors(log); err != nil {
		return res, err
	}
	if res.Stored, err = b.sandbox.storedBenchObjects(ctx); err != nil {
		return res, err
	}
	return res, b.convergeAndDestroy(ctx, live, dir, n, &res)
}

// freshStart empties the sandbox and the state of dir.
func (b *bench) freshStart(ctx context.Context, s subject, dir string) error {
	if err := s.clear(ctx); err != nil {
		return err
	}
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// convergeAndDestroy plans without faults (it must find nothing to do
// when the apply created everything) and destroys what the apply made.
func (b *bench) convergeAndDestroy(ctx context.Context, s subject, dir string, n int, res *rateLimitResult) error {
	plan := operations[1]
	_, err := b.runner.measure(ctx, s, dir, plan, filepath.Join(b.logs, fmt.Sprintf("rate-limited-plan-%d.log", n)))
	res.Converged = err == nil
	_, err = b.runner.measure(ctx, s, dir, operations[len(operations)-1], filepath.Join(b.logs, fmt.Sprintf("rate-limited-destroy-%d.log", n)))
	return err
}

// countErrors counts Terraform's error diagnostics in a command's output.
func countErrors(logPath string) (int, error) {
	data, err := os.ReadFile(logPath)
	if err != nil {
		return 0, err
	}
	return strings.Count(string(data), "\nError: "), nil
}

// subject is the measured provider of that name.
func (b *bench) subject(name string) (subject, error) {
	for _, s := range b.subjects {
		if s.name == name {
			return s, nil
		}
	}
	return subject{}, fmt.Errorf("no provider %q among the subjects", name)
}
