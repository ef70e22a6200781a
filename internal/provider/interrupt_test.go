package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// An apply interrupted by SIGINT (Terraform calls StopProvider, which
// cancels the contexts of the RPCs in flight) must still learn the answer
// of every creating POST the platform already acted on: each object the
// platform made is in the state, none exists twice, and the next apply
// creates only what is missing. terraform-plugin-testing cannot send a
// signal, so this test drives the real CLI itself, with the provider served
// in-process through TF_REATTACH_PROVIDERS.

// interruptProviderAddr is the source address the test configuration
// requires and the reattach configuration serves.
const interruptProviderAddr = "registry.terraform.io/livechat-tf/livechat"

// interruptMix is the configuration of the interrupted applies: by default
// enough creates of three families that several are in flight at once with
// -parallelism=10; FAULT_SUITE_INTERRUPT_OBJECTS asks for that many objects of
// every family instead (make test-faults: 200).
func interruptMix(t *testing.T) objectMix {
	if n := objectsFromEnv(t, "FAULT_SUITE_INTERRUPT_OBJECTS", 0); n > 0 {
		return mixOf(n)
	}
	return objectMix{recurrent: 30, direct: 10, campaigns: 5}
}

// interruptPoints are the numbers of creates after which an apply of m is
// interrupted: early, midway and late.
func interruptPoints(m objectMix) []int64 {
	if m.total() < 100 {
		return []int64{3, 15, 30}
	}
	n := int64(m.total())
	return []int64{n / 10, n / 2, n * 9 / 10}
}

func TestAccInterruptedApply(t *testing.T) {
	cli := newTerraformCLI(t)
	mix := interruptMix(t)
	points := interruptPoints(mix)
	for _, after := range points {
		t.Run(fmt.Sprintf("after_%d_creates", after), func(t *testing.T) {
			testInterruptedApply(t, cli.in(t), mix, after, os.Interrupt)
		})
	}
	// A cancelled CI job or a stopped container sends SIGTERM, which
	// Terraform must treat as the interrupt it is, not as a kill.
	t.Run(fmt.Sprintf("SIGTERM_after_%d_creates", points[1]), func(t *testing.T) {
		testInterruptedApply(t, cli.in(t), mix, points[1], syscall.SIGTERM)
	})
}

// testInterruptedApply interrupts an apply once after creates went
// through and the following ones are committed on the platform but not yet
// answered, then checks the state against the platform, converges, and
// destroys.
func testInterruptedApply(t *testing.T, tf *terraformCLI, mix objectMix, after int64, sig os.Signal) {
	start := time.Now()
	holds := &heldCreates{after: after, release: make(chan struct{})}
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, holds.wrap)
	// Registered after the sandbox, so it runs before the server's Close,
	// which waits for every held answer.
	t.Cleanup(holds.releaseAll)
	tf.writeConfig(mixedConfig(sbx.providerConfig(), mix, mixLicenses(t, sbx, mix)))
	tf.mustRun("init", "-input=false")

	interruptApply(t, tf, holds, sig)
	made := expectStateMatchesPlatform(t, tf, sbx)
	if made.total() == mix.total() {
		t.Fatalf("the interrupt stopped nothing: all %d objects were created", made.total())
	}

	tf.mustRun("apply", "-auto-approve", "-input=false", "-parallelism=10")
	final := expectStateMatchesPlatform(t, tf, sbx)
	for typ, objs := range final {
		if len(objs) != mix.of(typ) {
			t.Errorf("after the second apply the platform holds %d %s, want %d", len(objs), typ, mix.of(typ))
		}
	}
	// A campaign whose id lookup the interrupt cut short was kept without
	// its numeric id; the second apply's refresh must have found it.
	for _, attrs := range tf.stateInstances()["livechat_partner_campaign"] {
		if attrs["campaign_id"] == nil {
			t.Errorf("campaign %v has no campaign_id after the second apply", attrs["id"])
		}
	}
	if code, out := tf.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("plan after convergence exited %d, want 0 (empty plan); output:\n%s", code, out)
	}
	tf.mustRun("destroy", "-auto-approve", "-input=false", "-parallelism=10")
	expectDestroyed(t, tf, sbx)
	t.Logf("%s, interrupted after %d creates: %d made before the interrupt, converged and destroyed in %s",
		mix, after, made.total(), time.Since(start).Round(time.Millisecond))
}

// heldBeforeInterrupt is how many creates must be committed and in flight
// when the interrupt is sent.
const heldBeforeInterrupt = 3

// interruptApply starts an apply, sends it sig (SIGINT or SIGTERM) while
// creates are held in flight, releases their answers once Terraform has
// stopped the provider, and waits for the apply to stop.
func interruptApply(t *testing.T, tf *terraformCLI, holds *heldCreates, sig os.Signal) {
	t.Helper()
	run := tf.start("apply", "-auto-approve", "-input=false", "-parallelism=10")
	holds.waitHeld(t, run, heldBeforeInterrupt)
	t.Logf("%v after %d creates committed, %d answers held", sig, holds.commits.Load(), holds.held.Load())
	if err := run.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("sending %v to terraform: %v", sig, err)
	}
	// Release the answers only once the RPCs in flight were cancelled:
	// tf6server cancels them right after StopProvider returns.
	run.waitStopProvider(t)
	time.Sleep(100 * time.Millisecond)
	held := holds.held.Load()
	holds.releaseAll()
	code, out := run.wait()
	if code == 0 {
		t.Fatalf("the interrupted apply exited 0; output:\n%s", out)
	}
	if !strings.Contains(out, "Interrupt received") {
		t.Fatalf("terraform did not report the interrupt; output:\n%s", out)
	}
	// Every held answer arrived after the interrupt: no create may end
	// not knowing what the platform did.
	if strings.Contains(out, "may have been created") {
		t.Errorf("a create interrupted in flight lost its answer; output:\n%s", out)
	}
	t.Logf("apply exited %d; %d answers were held through StopProvider; %d creates committed in all; diagnostics: %s",
		code, held, holds.commits.Load(), diagnosticSummaries(out))
}

// heldCreates lets the sandbox commit every creating POST at once and,
// from the after-th committed one on, holds its answer until release is
// closed: those creates are made on the platform and still in flight when
// the interrupt arrives.
type heldCreates struct {
	after   int64
	commits atomic.Int64
	held    atomic.Int64
	release chan struct{}
	once    sync.Once
	// perFamily, when set, counts after per resource type and holds only
	// that many answers of each, letting the others through, so that
	// every family has creates in flight however Terraform orders them.
	perFamily    map[string]int64
	mu           sync.Mutex
	seen, heldOf map[string]int64
}

// take decides whether the answer of the commit-th committed create, of
// resource type typ, is held.
func (h *heldCreates) take(typ string, commit int64) bool {
	if h.perFamily == nil {
		return commit > h.after
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.heldOf == nil {
		h.seen, h.heldOf = map[string]int64{}, map[string]int64{}
	}
	h.seen[typ]++
	if h.seen[typ] <= h.after || h.heldOf[typ] >= h.perFamily[typ] {
		return false
	}
	h.heldOf[typ]++
	return true
}

// allHeld reports whether every family of perFamily has its answers held.
func (h *heldCreates) allHeld() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for typ, n := range h.perFamily {
		if h.heldOf[typ] < n {
			return false
		}
	}
	return true
}

// holdLimit keeps a test that fails before releasing from hanging.
const holdLimit = 20 * time.Second

func (h *heldCreates) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isCreatingPost(r) {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code/100 == 2 && h.take(creatingFamily(r), h.commits.Add(1)) {
			h.held.Add(1)
			select {
			case <-h.release:
			case <-time.After(holdLimit):
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

func (h *heldCreates) releaseAll() { h.once.Do(func() { close(h.release) }) }

// waitHeld waits until at least n answers are held, failing if terraform
// exits first.
func (h *heldCreates) waitHeld(t *testing.T, run *terraformRun, n int64) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for h.held.Load() < n {
		select {
		case <-run.done:
			_, out := run.wait()
			t.Fatalf("terraform exited before %d answers were held (%d commits); output:\n%s", n, h.commits.Load(), out)
		case <-deadline:
			t.Fatalf("only %d answers held after 30s (%d commits)", h.held.Load(), h.commits.Load())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// terraformCLI runs the Terraform CLI in a working directory of its own,
// with the provider served in-process for each command, or, with built
// set, started by Terraform from a built binary that config's
// dev_overrides name.
type terraformCLI struct {
	t      *testing.T
	bin    string
	dir    string
	config string
	built  bool
	// wrapServer, when set, wraps the provider server each command is
	// served by, for a test that watches the calls.
	wrapServer func(tfprotov6.ProviderServer) tfprotov6.ProviderServer
}

// newTerraformCLI finds the CLI, or skips the test as the acceptance
// harness would.
func newTerraformCLI(t *testing.T) *terraformCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and run through scripts/tf-env.sh)")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no Terraform CLI: set TF_ACC_TERRAFORM_PATH (scripts/tf-env.sh does) or put terraform on PATH")
		}
	}
	config := filepath.Join(t.TempDir(), "empty.tfrc")
	if err := os.WriteFile(config, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return &terraformCLI{t: t, bin: bin, config: config}
}

// in is the CLI for one (sub)test, in a fresh working directory.
func (c *terraformCLI) in(t *testing.T) *terraformCLI {
	return &terraformCLI{t: t, bin: c.bin, config: c.config, dir: t.TempDir(), built: c.built, wrapServer: c.wrapServer}
}

func (c *terraformCLI) writeConfig(hcl string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// terraformRun is one running CLI command.
type terraformRun struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error
	// stopped is closed when Terraform called StopProvider.
	stopped <-chan struct{}
	stop    func()
}

// start runs a CLI command in the background against a provider server
// of its own, as Terraform would start a fresh plugin process.
func (c *terraformCLI) start(args ...string) *terraformRun {
	c.t.Helper()
	srv := cliProviderServer{close: func() {}}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.config, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	if !c.built {
		srv = serveProviderForCLI(c.t, c.wrapServer)
		env = append(env, "TF_REATTACH_PROVIDERS="+srv.reattach)
	}
	cmd := exec.Command(c.bin, append(args, "-no-color")...)
	cmd.Dir = c.dir
	cmd.Env = env
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		srv.close()
		c.t.Fatalf("starting %s %v: %v", c.bin, args, err)
	}
	run := &terraformRun{cmd: cmd, out: out, done: make(chan struct{}), stopped: srv.stopped, stop: sync.OnceFunc(srv.close)}
	go func() {
		run.err = cmd.Wait()
		close(run.done)
	}()
	// A test that fails while the command runs leaves neither it nor its
	// provider server behind.
	c.t.Cleanup(func() {
		select {
		case <-run.done:
		default:
			_ = cmd.Process.Kill()
			<-run.done
		}
		run.stop()
	})
	return run
}

// wait waits for the command and stops its provider server; it returns
// the exit code and the combined output.
func (r *terraformRun) wait() (int, string) {
	<-r.done
	r.stop()
	var exitErr *exec.ExitError
	switch {
	case r.err == nil:
		return 0, r.out.String()
	case errors.As(r.err, &exitErr):
		return exitErr.ExitCode(), r.out.String()
	default:
		return -1, r.out.String() + "\n" + r.err.Error()
	}
}

// waitStopProvider waits until Terraform asked the provider to stop.
func (r *terraformRun) waitStopProvider(t *testing.T) {
	t.Helper()
	select {
	case <-r.stopped:
	case <-r.done:
		_, out := r.wait()
		t.Fatalf("terraform exited without calling StopProvider; output:\n%s", out)
	case <-time.After(30 * time.Second):
		t.Fatal("terraform did not call StopProvider within 30s of SIGINT")
	}
}

// diagnosticSummaries counts the summaries of the errors and warnings in
// the CLI's output.
func diagnosticSummaries(out string) string {
	counts := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "│"))
		if strings.HasPrefix(line, "Error: ") || strings.HasPrefix(line, "Warning: ") {
			counts[line]++
		}
	}
	sums := make([]string, 0, len(counts))
	for sum, n := range counts {
		sums = append(sums, fmt.Sprintf("%s (%d)", sum, n))
	}
	sort.Strings(sums)
	return strings.Join(sums, "; ")
}

func (c *terraformCLI) run(args ...string) (int, string) {
	c.t.Helper()
	return c.start(args...).wait()
}

func (c *terraformCLI) mustRun(args ...string) {
	c.t.Helper()
	start := time.Now()
	if code, out := c.run(args...); code != 0 {
		c.t.Fatalf("terraform %s exited %d; output:\n%s", strings.Join(args, " "), code, out)
	}
	c.t.Logf("terraform %s: %s", args[0], time.Since(start).Round(time.Millisecond))
}

// stateIDs reads the ids of every resource instance from the state file,
// by resource type.
func (c *terraformCLI) stateIDs() map[string][]string {
	c.t.Helper()
	ids := map[string][]string{}
	for typ, instances := range c.stateInstances() {
		for _, attrs := range instances {
			id, _ := attrs["id"].(string)
			ids[typ] = append(ids[typ], id)
		}
	}
	return ids
}

// stateInstances reads the attributes of every managed resource instance
// from the state file, by resource type.
func (c *terraformCLI) stateInstances() map[string][]map[string]any {
	c.t.Helper()
	raw, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if err != nil {
		c.t.Fatalf("reading the state: %v", err)
	}
	var state struct {
		Resources []struct {
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		c.t.Fatalf("parsing the state: %v", err)
	}
	out := map[string][]map[string]any{}
	for _, r := range state.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			out[r.Type] = append(out[r.Type], in.Attributes)
		}
	}
	return out
}

// cliProviderServer is the provider served in-process for one CLI command.
type cliProviderServer struct {
	// reattach is the TF_REATTACH_PROVIDERS value that points the CLI at it.
	reattach string
	// stopped is closed when the CLI calls StopProvider.
	stopped <-chan struct{}
	// close stops serving.
	close func()
}

// serveProviderForCLI serves the provider in-process in debug mode, as
// terraform-plugin-testing does, but for a CLI that the test runs itself;
// wrap, when not nil, wraps the server Terraform reaches.
func serveProviderForCLI(t *testing.T, wrap func(tfprotov6.ProviderServer) tfprotov6.ProviderServer) cliProviderServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	configCh := make(chan *plugin.ReattachConfig)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	watch := stopWatcher{stopped: make(chan struct{}), once: &sync.Once{}}
	factory := func() tfprotov6.ProviderServer {
		srv, err := NewProtocolServer("test")()
		if err != nil {
			panic(err)
		}
		if wrap != nil {
			srv = wrap(srv)
		}
		watch.ProviderServer = srv
		return watch
	}
	go func() {
		serveErr <- tf6server.Serve(interruptProviderAddr, factory,
			tf6server.WithDebug(ctx, configCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t),
			tf6server.WithoutLogStderrOverride())
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-configCh:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("the provider server gave no reattach configuration")
	}
	attach := map[string]any{
		"Protocol":        cfg.Protocol,
		"ProtocolVersion": cfg.ProtocolVersion,
		"Pid":             cfg.Pid,
		"Test":            cfg.Test,
		"Addr":            map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}
	// OpenTofu resolves the same source address on its own registry host.
	reattach, err := json.Marshal(map[string]any{
		interruptProviderAddr: attach,
		strings.Replace(interruptProviderAddr, "registry.terraform.io", "registry.opentofu.org", 1): attach,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	return cliProviderServer{reattach: string(reattach), stopped: watch.stopped, close: func() {
		cancel()
		<-closeCh
	}}
}

// stopWatcher is the provider server, telling when StopProvider was called.
type stopWatcher struct {
	tfprotov6.ProviderServer
	stopped chan struct{}
	once    *sync.Once
}

func (w stopWatcher) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	resp, err := w.ProviderServer.StopProvider(ctx, req)
	w.once.Do(func() { close(w.stopped) })
	return resp, err
}

// lockedBuffer is a bytes.Buffer that the CLI's output can be written to
// while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
