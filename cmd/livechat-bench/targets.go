package main

import (
	"fmt"
	"slices"
	"strings"
)

// target is one of the targets, checked against a run.
type target struct {
	what     string
	measured string
	met      bool
}

// The targets, stated for 1,000 objects.
const (
	targetN                = 1000
	planVsMinimal          = 1.25
	planVsSameSchema       = 1.10
	planCallsPerObject     = 0.53
	applyDestroyVsMinimal  = 1.5
	providerRSSLimitMBytes = 100
	sandboxReadsPerSecond  = 5000
	sandboxWritesPerSecond = 1000
)

// targets checks the targets at the run's largest N.
func (r report) targets(med map[cellKey]measurement) (int, []target) {
	if len(r.Ns) == 0 {
		return 0, nil
	}
	n := slices.Max(r.Ns)
	at := func(l int, op, s string) (measurement, bool) {
		m, ok := med[cellKey{n, l, op, s}]
		return m, ok
	}
	var out []target
	vs := func(l int, op, floor string, limit float64) {
		ours, ok1 := at(l, op, subjectLivechat)
		f, ok2 := at(l, op, floor)
		if !ok1 || !ok2 {
			return
		}
		x := ratio(ours.Wall, floorBound(f.Wall, ours.Calls, l))
		what := fmt.Sprintf("%s at %d ms: wall ≤ %.2f× the %s floor", op, l, limit, floor)
		if l > 0 {
			what = fmt.Sprintf("%s at %d ms: wall ≤ %.2f× (the %s floor + calls × %d ms ÷ %d)", op, l, limit, floor, l, terraformParallelism)
		}
		out = append(out, target{what: what, measured: times(x), met: x <= limit})
	}
	for _, l := range r.Latencies {
		limit := 1.0
		if l == 0 {
			vs(l, opPlan, subjectMinimal, planVsMinimal)
			vs(l, opPlan, subjectSameSchema, planVsSameSchema)
			vs(l, opApply, subjectMinimal, applyDestroyVsMinimal)
			vs(l, opDestroy, subjectMinimal, applyDestroyVsMinimal)
			continue
		}
		vs(l, opPlan, subjectMinimal, limit)
	}
	out = append(out, r.callAndMemoryTargets(n, med)...)
	out = append(out, r.rateLimitTarget()...)
	out = append(out, r.throughputTargets()...)
	return n, out
}

// callAndMemoryTargets: API calls of a no-change plan and provider memory.
func (r report) callAndMemoryTargets(n int, med map[cellKey]measurement) []target {
	var out []target
	if m, ok := med[cellKey{n, 0, opPlan, subjectLivechat}]; ok {
		limit := int64(planCallsPerObject * float64(n))
		out = append(out, target{
			what:     fmt.Sprintf("no-change plan: at most %d API calls (530 for 1,000 objects)", limit),
			measured: fmt.Sprint(m.Calls), met: m.Calls <= limit,
		})
	}
	var peak int64
	for k, m := range med {
		if k.N == n && k.Subject == subjectLivechat {
			peak = max(peak, m.ProviderRSS)
		}
	}
	if peak > 0 {
		out = append(out, target{
			what:     fmt.Sprintf("provider peak RSS ≤ %d MB", providerRSSLimitMBytes),
			measured: megabytes(peak) + " MB", met: peak <= providerRSSLimitMBytes<<20,
		})
	}
	return out
}

func (r report) writeTargets(b *strings.Builder, med map[cellKey]measurement) {
	n, ts := r.targets(med)
	if len(ts) == 0 {
		return
	}
	fmt.Fprintf(b, "## The issue's targets at N = %d\n\n", n)
	if n != targetN {
		fmt.Fprintf(b, "The targets are stated for %d objects; this run's largest N is %d.\n\n", targetN, n)
	}
	b.WriteString("| target | measured | met |\n|---|---:|---|\n")
	for _, t := range ts {
		met := "no"
		if t.met {
			met = "yes"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", t.what, t.measured, met)
	}

}

// rateLimitTarget: the apply under 429s fails nothing, creates every
// object once and leaves nothing to do.
func (r report) rateLimitTarget() []target {
	rl := r.RateLimited
	if rl == nil {
		return nil
	}
	met := !rl.Failed && rl.Errors == 0 && rl.Stored == rl.N && rl.Converged
	return []target{{
		what:     fmt.Sprintf("apply of %d under %.0f%% 429s: no failure, each object stored once, then a no-change plan", rl.N, rl.Share*100),
		measured: fmt.Sprintf("%d errors, %d of %d stored, %d 429s", rl.Errors, rl.Stored, rl.N, rl.Injected),
		met:      met,
	}}
}

// throughputTargets: the sandbox's reads and durable writes per second
// with its store filled, each load failing nothing.
func (r report) throughputTargets() []target {
	var out []target
	for _, t := range r.Throughput[min(1, len(r.Throughput)):] {
		if t.Clients == 1 {
			// One client waits for each fsync in turn: a figure of the
			// disk's latency, shown in the table but not a target.
			continue
		}
		limit := float64(sandboxWritesPerSecond)
		if t.Reads {
			limit = sandboxReadsPerSecond
		}
		out = append(out, target{
			what:     fmt.Sprintf("sandbox, %s, %d clients at once, %d stored: ≥ %.0f requests/s", t.What, t.Clients, throughputObjects, limit),
			measured: fmt.Sprintf("%.0f/s, %d failures", t.perSecond(), t.Failures),
			met:      t.perSecond() >= limit && t.Failures == 0,
		})
	}
	return out
}
