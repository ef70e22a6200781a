// Command livechat-bench measures what the livechat provider costs at
// pipeline scale against two floors: a minimal framework provider and a
// same-schema floor (see package floors). For each N and injected latency
// it runs apply, a no-change plan, a plan with -refresh=false and a
// destroy for each provider in turn, R times, and reports wall time, CPU
// time of terraform and of the provider processes apart, API calls and
// the provider's peak RSS, with ratios to both floors. Once per run it also
// applies the largest N with a share of the calls answered 429 (-rate-limit)
// and load-tests the sandbox itself with its store filled (-throughput). It
// writes the result to BENCHMARKS.md (-out).
//
// Run it from the repository root through scripts/tf-env.sh (make bench),
// which picks the CLI; it builds everything it runs itself.
//
// Usage:
//
//	livechat-bench [-n 100,500,1000] [-latency 0,20] [-r 3] [-rate-limit 0.2] [-throughput=true]
//	               [-out BENCHMARKS.md] [-work build/bench]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/cmd/livechat-bench/floors"
)

type options struct {
	ns         []int
	latencies  []int
	reps       int
	out        string
	work       string
	terraform  string
	invocation string
	// rateLimit is the share of calls answered 429 in the rate-limited
	// apply at the largest N; 0 skips it.
	rateLimit  float64
	throughput bool
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "livechat-bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "livechat-bench:", err)
		stop()
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("livechat-bench", flag.ContinueOnError)
	ns := fs.String("n", "100,500,1000", "object counts, comma-separated (half campaigns, half recurrent charges)")
	lat := fs.String("latency", "0,20", "latencies injected into every sandbox call, in milliseconds, comma-separated")
	o := options{}
	fs.IntVar(&o.reps, "r", 3, "repetitions of every measurement (the tables show medians)")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "the Markdown report to write")
	fs.StringVar(&o.work, "work", filepath.Join("build", "bench"), "directory for binaries, configurations and logs")
	fs.StringVar(&o.terraform, "terraform", os.Getenv("TF"), "the Terraform (or OpenTofu) CLI; default $TF, else terraform on PATH")
	fs.StringVar(&o.invocation, "invocation", "", "how the run was started, for the report (default: this command line)")
	fs.Float64Var(&o.rateLimit, "rate-limit", 0.2, "share of calls answered 429 in an extra apply at the largest N (0: no such apply)")
	fs.BoolVar(&o.throughput, "throughput", true, "also measure the sandbox's own reads and durable writes per second")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var err error
	if o.ns, err = intList(*ns, 1); err != nil {
		return o, fmt.Errorf("-n: %w", err)
	}
	if o.latencies, err = intList(*lat, 0); err != nil {
		return o, fmt.Errorf("-latency: %w", err)
	}
	if !(o.rateLimit >= 0 && o.rateLimit < 1) {
		return o, errors.New("-rate-limit must be at least 0 and less than 1")
	}
	if o.reps < 1 {
		return o, errors.New("-r must be at least 1")
	}
	if o.invocation == "" {
		o.invocation = strings.Join(append([]string{"go run ./cmd/livechat-bench"}, args...), " ")
	}
	return o, nil
}

// intList parses "100,500" into numbers of at least lowest.
func intList(s string, lowest int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < lowest {
			return nil, fmt.Errorf("%q is not a whole number of at least %d", f, lowest)
		}
		out = append(out, v)
	}
	return out, nil
}

// bench is a run's moving parts.
type bench struct {
	opts     options
	runner   runner
	subjects []subject
	sandbox  *sandboxProc
	bins     binaries
	configs  string
	logs     string
}

func run(ctx context.Context, opts options) error {
	b, cleanup, err := setUp(ctx, opts)
	if err != nil {
		return err
	}
	defer cleanup()
	rep := report{
		Machine: describeMachine(ctx, b.runner.terraform), Command: opts.invocation,
		Ns: opts.ns, Latencies: opts.latencies, Reps: opts.reps,
	}
	rep.Samples, err = b.measureAll(ctx)
	if err != nil {
		return err
	}
	if err := b.measureExtras(ctx, &rep); err != nil {
		return err
	}
	rep.Machine.LoadAfter = loadAverage()
	md := rep.markdown()
	fmt.Print(md)
	if err := os.WriteFile(opts.out, []byte(md), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "livechat-bench: wrote %s\n", opts.out)
	return nil
}

// measureExtras runs what is measured once per run: the rate-limited
// apply at the largest N and the sandbox's own throughput.
func (b *bench) measureExtras(ctx context.Context, rep *report) error {
	if b.opts.rateLimit > 0 {
		rl, err := b.measureRateLimited(ctx, slices.Max(b.opts.ns), b.opts.rateLimit)
		if err != nil {
			return err
		}
		rep.RateLimited = &rl
	}
	if b.opts.throughput {
		tp, err := measureThroughput(ctx, b.bins.sandbox, b.logs)
		if err != nil {
			return err
		}
		rep.Throughput = tp
	}
	return nil
}

// setUp builds the binaries and starts the sandbox and the floors' store.
func setUp(ctx context.Context, opts options) (*bench, func(), error) {
	root, err := os.Getwd()
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return nil, nil, errors.New("run livechat-bench from the repository root (make bench)")
	}
	tf, err := findTerraform(opts.terraform)
	if err != nil {
		return nil, nil, err
	}
	work, err := filepath.Abs(opts.work)
	if err != nil {
		return nil, nil, err
	}
	b := &bench{opts: opts, configs: filepath.Join(work, "configs"), logs: filepath.Join(work, "logs")}
	for _, d := range []string{b.configs, b.logs} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, nil, err
		}
	}
	fmt.Fprintln(os.Stderr, "livechat-bench: building the provider, the sandbox and the floors")
	bins, err := buildBinaries(ctx, root, filepath.Join(work, "bin"))
	if err != nil {
		return nil, nil, err
	}
	b.runner = runner{terraform: tf, cliConfig: filepath.Join(work, "dev.tfrc"), report: filepath.Join(work, "rusage.jsonl")}
	if err := installLauncher(bins.launcher, filepath.Join(work, "plugins"), b.runner.cliConfig); err != nil {
		return nil, nil, err
	}
	return b.start(ctx, bins)
}

// start runs the sandbox and serves the floors' store on loopback.
func (b *bench) start(ctx context.Context, bins binaries) (*bench, func(), error) {
	b.bins = bins
	sb, err := startSandbox(ctx, bins.sandbox, b.logs, "sandbox.err")
	if err != nil {
		return nil, nil, err
	}
	b.sandbox = sb
	store := floors.NewMemStore()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		sb.stop()
		return nil, nil, err
	}
	srv := &http.Server{Handler: floors.Handler(store), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	b.subjects = subjects(bins, sb, store, "http://"+ln.Addr().String())
	return b, func() { _ = srv.Close(); sb.stop() }, nil
}

func findTerraform(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("no Terraform CLI: set -terraform or TF, or run through make bench")
	}
	return p, nil
}
