package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// measureAll runs the whole matrix: for every N and latency, R
// repetitions, each running every provider in turn so that a slow moment
// of a shared machine falls on all of them alike.
func (b *bench) measureAll(ctx context.Context) ([]sample, error) {
	var samples []sample
	for _, n := range b.opts.ns {
		dirs, err := b.writeConfigs(n)
		if err != nil {
			return nil, err
		}
		for _, l := range b.opts.latencies {
			if err := b.sandbox.setLatency(ctx, l); err != nil {
				return nil, err
			}
			for rep := 1; rep <= b.opts.reps; rep++ {
				for _, s := range b.subjects {
					got, err := b.repetition(ctx, s, dirs[s.name], n, l, rep)
					if err != nil {
						return nil, err
					}
					samples = append(samples, got...)
				}
			}
		}
	}
	return samples, nil
}

// repetition runs the operations of one provider once, from an empty API
// and no state.
func (b *bench) repetition(ctx context.Context, s subject, dir string, n, latencyMS, rep int) ([]sample, error) {
	if err := s.clear(ctx); err != nil {
		return nil, err
	}
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	var out []sample
	for i, op := range operations {
		log := filepath.Join(b.logs, fmt.Sprintf("%s-%d-%dms-r%d-%d.log", s.name, n, latencyMS, rep, i+1))
		m, err := b.runner.measure(ctx, s, dir, op, log)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "N=%d %dms r%d %-11s %-19s wall %6ss  terraform CPU %6ss  provider CPU %6ss  calls %5d  RSS %4s MB\n",
			n, latencyMS, rep, s.name, op.name, seconds(m.Wall), seconds(m.TerraformCPU), seconds(m.ProviderCPU),
			m.Calls, megabytes(m.ProviderRSS))
		out = append(out, sample{Subject: s.name, N: n, LatencyMS: latencyMS, Op: op.name, M: m})
	}
	return out, nil
}

// writeConfigs writes each provider's configuration of n objects into a
// directory of its own and returns the directories by provider.
func (b *bench) writeConfigs(n int) (map[string]string, error) {
	dirs := map[string]string{}
	for _, s := range b.subjects {
		dir := filepath.Join(b.configs, fmt.Sprintf("%s-%d", s.name, n))
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(s.config(n)), 0o600); err != nil {
			return nil, err
		}
		dirs[s.name] = dir
	}
	return dirs, nil
}
