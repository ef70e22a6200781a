package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []int64
		want int64
	}{
		{nil, 0},
		{[]int64{7}, 7},
		{[]int64{9, 1, 5}, 5},
		{[]int64{4, 1, 3, 2}, 2}, // (2+3)/2 in whole numbers
		{[]int64{10, 30}, 20},
	} {
		in := slices.Clone(tc.in)
		if got := median(in); got != tc.want {
			t.Errorf("median(%v) = %d, want %d", tc.in, got, tc.want)
		}
		if !slices.Equal(in, tc.in) {
			t.Errorf("median reordered its input: %v", in)
		}
	}
}

func TestSummarizeTakesEachFigureMedianApart(t *testing.T) {
	s := func(wall, calls int64) sample {
		return sample{Subject: subjectLivechat, N: 10, Op: opApply, M: measurement{Wall: time.Duration(wall), Calls: calls}}
	}
	// The slowest run made the fewest calls: each median comes from a
	// different repetition.
	got := summarize([]sample{s(300, 1), s(100, 3), s(200, 2), {Subject: subjectMinimal, N: 10, Op: opApply}})
	m := got[cellKey{N: 10, Op: opApply, Subject: subjectLivechat}]
	if m.Wall != 200 || m.Calls != 2 {
		t.Errorf("summarize = %+v, want wall 200 and calls 2", m)
	}
	if len(got) != 2 {
		t.Errorf("summarize made %d cells, want 2", len(got))
	}
}

func TestFloorBound(t *testing.T) {
	// 251 calls of 20 ms, ten at a time, add 0.502 s to a 1 s floor.
	if got, want := floorBound(time.Second, 251, 20), 1502*time.Millisecond; got != want {
		t.Errorf("floorBound = %v, want %v", got, want)
	}
	if got := floorBound(time.Second, 251, 0); got != time.Second {
		t.Errorf("floorBound at 0 ms = %v, want the floor itself", got)
	}
}

// reportOf is a run of one size at 0 and 20 ms in which livechat's no-change
// plan takes 3 s against floors of 1.5 s (minimal) and 2.5 s (same-schema).
func reportOf() report {
	var samples []sample
	add := func(subject string, latency int, wall time.Duration, calls int64) {
		for _, op := range operations {
			samples = append(samples, sample{Subject: subject, N: 100, LatencyMS: latency, Op: op.name,
				M: measurement{Wall: wall, TerraformCPU: wall / 2, ProviderCPU: wall / 2, Calls: calls, ProviderRSS: 50 << 20}})
		}
	}
	for _, l := range []int{0, 20} {
		add(subjectLivechat, l, 3*time.Second, 50)
		add(subjectMinimal, l, 1500*time.Millisecond, 100)
		add(subjectSameSchema, l, 2500*time.Millisecond, 100)
	}
	return report{Command: "make bench", Ns: []int{100}, Latencies: []int{0, 20}, Reps: 1, Samples: samples}
}

func TestMarkdownRatios(t *testing.T) {
	md := reportOf().markdown()
	for _, want := range []string{
		// 0 ms: 3 / 1.5 and 3 / 2.5; 50 calls for 100 objects.
		"| 100 | 0 ms | plan (no change) | 3.00 | 3.00 | 50 | 0.50 | 50 | 1.50 | 2.00× | 2.50 | 1.20× | 2.00× | 1.20× |",
		// 20 ms: the floors are raised by 50 calls × 20 ms ÷ 10 = 0.1 s:
		// 3 / 1.6 and 3 / 2.6.
		"| 100 | 20 ms | plan (no change) | 3.00 | 3.00 | 50 | 0.50 | 50 | 1.50 | 1.88× | 2.50 | 1.15× | 2.00× | 1.20× |",
		"| 100 | 0 ms | destroy | minimal | 1.50 | 0.75 | 0.75 | 100 | 50 | 0 |",
		"produced by `make bench`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}

func TestTargets(t *testing.T) {
	r := reportOf()
	n, ts := r.targets(summarize(r.Samples))
	if n != 100 {
		t.Errorf("targets checked at N = %d, want the largest, 100", n)
	}
	got := map[string]bool{}
	for _, tg := range ts {
		got[tg.what] = tg.met
	}
	want := map[string]bool{
		"plan (no change) at 0 ms: wall ≤ 1.25× the minimal floor":                         false, // 2.00×
		"plan (no change) at 0 ms: wall ≤ 1.10× the same-schema floor":                     false, // 1.20×
		"apply at 0 ms: wall ≤ 1.50× the minimal floor":                                    false,
		"destroy at 0 ms: wall ≤ 1.50× the minimal floor":                                  false,
		"plan (no change) at 20 ms: wall ≤ 1.00× (the minimal floor + calls × 20 ms ÷ 10)": false,
		"no-change plan: at most 53 API calls (530 for 1,000 objects)":                     true, // 50
		"provider peak RSS ≤ 100 MB":                                                       true, // 50 MB
	}
	for what, met := range want {
		if m, ok := got[what]; !ok || m != met {
			t.Errorf("target %q: got met=%v (present %v), want met=%v; all: %v", what, m, ok, met, got)
		}
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-n", "100, 500", "-latency", "0,20", "-r", "2"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.ns, []int{100, 500}) || !slices.Equal(o.latencies, []int{0, 20}) || o.reps != 2 {
		t.Errorf("parseFlags = %+v", o)
	}
	if !strings.HasPrefix(o.invocation, "go run ./cmd/livechat-bench -n 100, 500") {
		t.Errorf("invocation = %q, want the command line", o.invocation)
	}
	for _, bad := range [][]string{{"-n", "0"}, {"-n", "ten"}, {"-latency", "-1"}, {"-r", "0"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q) accepted it", bad)
		}
	}
}

func TestLivechatConfigSplitsObjects(t *testing.T) {
	c := livechatConfig(7)
	if !strings.Contains(c, "count = 3\n") || !strings.Contains(c, "count      = 4\n") {
		t.Errorf("7 objects should be 3 campaigns and 4 charges:\n%s", c)
	}
}

func TestRateLimitTarget(t *testing.T) {
	clean := rateLimitResult{N: 1000, Share: 0.2, Injected: 400, Stored: 1000, Converged: true}
	for _, tc := range []struct {
		name string
		edit func(*rateLimitResult)
		met  bool
	}{
		{"every object once, a clean plan after", func(*rateLimitResult) {}, true},
		{"the apply failed", func(r *rateLimitResult) { r.Failed = true }, false},
		{"an error diagnostic", func(r *rateLimitResult) { r.Errors = 1 }, false},
		{"an object missing", func(r *rateLimitResult) { r.Stored = 999 }, false},
		{"an object twice", func(r *rateLimitResult) { r.Stored = 1001 }, false},
		{"changes after it", func(r *rateLimitResult) { r.Converged = false }, false},
	} {
		rl := clean
		tc.edit(&rl)
		got := report{RateLimited: &rl}.rateLimitTarget()
		if len(got) != 1 || got[0].met != tc.met {
			t.Errorf("%s: targets %+v, want one with met = %v", tc.name, got, tc.met)
		}
	}
}

func TestThroughputTargets(t *testing.T) {
	tp := []throughputResult{
		{What: "fill", Clients: 32, Requests: 10, Elapsed: time.Second},
		{What: "read", Reads: true, Clients: 32, Requests: 6000, Elapsed: time.Second},
		{What: "write", Clients: 32, Requests: 900, Elapsed: time.Second},
		{What: "write", Clients: 1, Requests: 10, Elapsed: time.Second},
	}
	got := report{Throughput: tp}.throughputTargets()
	if len(got) != 2 {
		t.Fatalf("targets %+v, want two: the fill and the one-client load are not targets", got)
	}
	if !got[0].met || got[1].met {
		t.Errorf("6,000 reads/s against 5,000 must meet, 900 writes/s against 1,000 must not: %+v", got)
	}
	tp[1].Failures = 1
	if got := (report{Throughput: tp}).throughputTargets(); got[0].met {
		t.Errorf("a load with a failure must not meet its target: %+v", got[0])
	}
}
