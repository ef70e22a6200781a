package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// terraformParallelism is Terraform's default -parallelism, which the
// harness keeps: the number of calls a latency delays at once.
const terraformParallelism = 10

// sample is one measured command.
type sample struct {
	Subject   string
	N         int
	LatencyMS int
	Op        string
	M         measurement
}

// cellKey names the figures of one provider, operation, size and latency.
type cellKey struct {
	N         int
	LatencyMS int
	Op        string
	Subject   string
}

func keyOf(s sample) cellKey {
	return cellKey{N: s.N, LatencyMS: s.LatencyMS, Op: s.Op, Subject: s.Subject}
}

// summarize takes the median of every figure of each cell's repetitions,
// figure by figure.
func summarize(samples []sample) map[cellKey]measurement {
	groups := map[cellKey][]measurement{}
	for _, s := range samples {
		groups[keyOf(s)] = append(groups[keyOf(s)], s.M)
	}
	out := make(map[cellKey]measurement, len(groups))
	for k, ms := range groups {
		pick := func(f func(measurement) int64) int64 {
			vs := make([]int64, len(ms))
			for i, m := range ms {
				vs[i] = f(m)
			}
			return median(vs)
		}
		out[k] = measurement{
			Wall:         time.Duration(pick(func(m measurement) int64 { return int64(m.Wall) })),
			TerraformCPU: time.Duration(pick(func(m measurement) int64 { return int64(m.TerraformCPU) })),
			ProviderCPU:  time.Duration(pick(func(m measurement) int64 { return int64(m.ProviderCPU) })),
			Calls:        pick(func(m measurement) int64 { return m.Calls }),
			ProviderRSS:  pick(func(m measurement) int64 { return m.ProviderRSS }),
			Plugins:      int(pick(func(m measurement) int64 { return int64(m.Plugins) })),
		}
	}
	return out
}

// median of vs; of an even count, the mean of the middle two.
func median(vs []int64) int64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

// floorBound is the target at a latency: the floor's time plus the
// time calls spend waiting when Terraform runs terraformParallelism of
// them at once.
func floorBound(floor time.Duration, calls int64, latencyMS int) time.Duration {
	return floor + time.Duration(calls)*time.Duration(latencyMS)*time.Millisecond/terraformParallelism
}

// ratio is a/b, NaN when b is zero.
func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

func cpu(m measurement) time.Duration { return m.TerraformCPU + m.ProviderCPU }

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func times(r float64) string {
	if math.IsNaN(r) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", r)
}

func megabytes(b int64) string { return fmt.Sprintf("%.0f", float64(b)/(1<<20)) }

// report is a whole benchmark run.
type report struct {
	Machine   machine
	Command   string
	Ns        []int
	Latencies []int
	Reps      int
	Samples   []sample
	// RateLimited is the apply under 429s, when it ran.
	RateLimited *rateLimitResult
	// Throughput is the sandbox's own load test, when it ran.
	Throughput []throughputResult
}

// cells walks the run's sizes, latencies and operations in order.
func (r report) cells(f func(n, latencyMS int, op string)) {
	for _, n := range r.Ns {
		for _, l := range r.Latencies {
			for _, op := range operations {
				f(n, l, op.name)
			}
		}
	}
}

// markdown is BENCHMARKS.md.
func (r report) markdown() string {
	med := summarize(r.Samples)
	var b strings.Builder
	r.writeHeader(&b)
	r.writeSummary(&b, med)
	r.writeDetail(&b, med)
	r.writeRateLimited(&b)
	r.writeThroughput(&b)
	r.writeTargets(&b, med)
	return b.String()
}

func (r report) writeHeader(b *strings.Builder) {
	m := r.Machine
	fmt.Fprintf(b, "# Benchmarks\n\nWritten by `cmd/livechat-bench`; this file was produced by `%s`.\n\n", r.Command)
	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(b, "| date | %s |\n", m.Date.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(b, "| machine | %d cores, %s, %s |\n", m.Cores, m.CPU, m.OS)
	fmt.Fprintf(b, "| Go | %s |\n| CLI | %s |\n", m.GoVersion, m.CLI)
	fmt.Fprintf(b, "| load average (1, 5, 15 min) before / after | %s / %s |\n", m.LoadBefore, m.LoadAfter)
	fmt.Fprintf(b, "| repetitions | %d; every figure is the median of them |\n\n", r.Reps)
	b.WriteString("Each repetition runs apply (from empty), a no-change plan, a plan with `-refresh=false` and a destroy, " +
		"for each provider in turn: livechat against livechat-sandbox, then the minimal floor (one resource of four " +
		"attributes over an in-memory store), then the same-schema floor (livechat's resource schemas, trivial CRUD over " +
		"the same store). N objects are half `livechat_partner_campaign`, half `livechat_recurrent_charge` (N `livechat_item` " +
		"for the minimal floor), at Terraform's default parallelism of 10, with no `TF_LOG*` variable set; the floors " +
		"serve with the provider's own log defaults (`provider.QuietLogsUnlessRequested`). " +
		"CPU is user + system time; terraform's own is apart from the provider processes' (all of a command's, " +
		"measured by a launcher around each). The latency is injected by the sandbox into every platform call; the " +
		"floors' store has none, so at a latency above 0 the ratios are to the floor plus calls × latency ÷ 10.\n\n")
}

func (r report) writeSummary(b *strings.Builder, med map[cellKey]measurement) {
	b.WriteString("## livechat against the floors\n\n")
	b.WriteString("| N | latency | operation | wall s | CPU s | API calls | calls / object | peak RSS MB " +
		"| minimal wall s | × minimal | same-schema wall s | × same-schema | CPU × minimal | CPU × same-schema |\n")
	b.WriteString("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	r.cells(func(n, l int, op string) {
		ours, ok := med[cellKey{n, l, op, subjectLivechat}]
		if !ok {
			return
		}
		minimal := med[cellKey{n, l, op, subjectMinimal}]
		same := med[cellKey{n, l, op, subjectSameSchema}]
		fmt.Fprintf(b, "| %d | %d ms | %s | %s | %s | %d | %.2f | %s | %s | %s | %s | %s | %s | %s |\n",
			n, l, op, seconds(ours.Wall), seconds(cpu(ours)), ours.Calls, float64(ours.Calls)/float64(n),
			megabytes(ours.ProviderRSS),
			seconds(minimal.Wall), times(ratio(ours.Wall, floorBound(minimal.Wall, ours.Calls, l))),
			seconds(same.Wall), times(ratio(ours.Wall, floorBound(same.Wall, ours.Calls, l))),
			times(ratio(cpu(ours), cpu(minimal))), times(ratio(cpu(ours), cpu(same))))
	})
	b.WriteString("\n")
}

func (r report) writeDetail(b *strings.Builder, med map[cellKey]measurement) {
	b.WriteString("## Every provider\n\n")
	b.WriteString("| N | latency | operation | provider | wall s | terraform CPU s | provider CPU s | API calls " +
		"| provider peak RSS MB | provider processes |\n")
	b.WriteString("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|\n")
	r.cells(func(n, l int, op string) {
		for _, s := range []string{subjectLivechat, subjectMinimal, subjectSameSchema} {
			m, ok := med[cellKey{n, l, op, s}]
			if !ok {
				continue
			}
			fmt.Fprintf(b, "| %d | %d ms | %s | %s | %s | %s | %s | %d | %s | %d |\n", n, l, op, s,
				seconds(m.Wall), seconds(m.TerraformCPU), seconds(m.ProviderCPU), m.Calls, megabytes(m.ProviderRSS), m.Plugins)
		}
	})
	b.WriteString("\n")
}

func (r report) writeRateLimited(b *strings.Builder) {
	rl := r.RateLimited
	if rl == nil {
		return
	}
	fmt.Fprintf(b, "## An apply of %d objects with %.0f%% of the calls answered 429\n\n", rl.N, rl.Share*100)
	fmt.Fprintf(b, "Every platform call is answered 429 with `Retry-After: %d` at random with probability %.2f; "+
		"then, without faults, a no-change plan and a destroy.\n\n", rateLimitRetryAfterS, rl.Share)
	b.WriteString("| objects | wall s | API calls | 429s injected | apply exit | error diagnostics | objects stored | plan after it |\n")
	b.WriteString("|---:|---:|---:|---:|---|---:|---:|---|\n")
	exit, plan := "0", "no changes"
	if rl.Failed {
		exit = "failed"
	}
	if !rl.Converged {
		plan = "changes or an error"
	}
	fmt.Fprintf(b, "| %d | %s | %d | %d | %s | %d | %d | %s |\n\n", rl.N, seconds(rl.Wall), rl.Calls, rl.Injected,
		exit, rl.Errors, rl.Stored, plan)
}

func (r report) writeThroughput(b *strings.Builder) {
	if len(r.Throughput) == 0 {
		return
	}
	fmt.Fprintf(b, "## The sandbox's own throughput\n\n"+
		"`livechat-sandbox -data FILE` (every write answered after its fsync), over HTTP with keep-alive, "+
		"%d recurrent charges stored first; each load runs for %s.\n\n", throughputObjects, throughputWindow)
	b.WriteString("| load | clients | requests | failures | requests / s |\n|---|---:|---:|---:|---:|\n")
	for _, t := range r.Throughput {
		fmt.Fprintf(b, "| %s | %d | %d | %d | %.0f |\n", t.What, t.Clients, t.Requests, t.Failures, t.perSecond())
	}
	b.WriteString("\n")
}
