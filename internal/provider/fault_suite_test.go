package provider

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// The fault suite: a mixed configuration of every family is applied,
// re-planned and destroyed through the real CLI under each fault the
// sandbox injects (platform-api.md §5.4, §5.8), and after each run the state is
// checked against the sandbox's own state: no object exists twice, every
// object the sandbox made is in the state or named with its id in a
// diagnostic of that run, a plan under the fault never proposes a change,
// destroy under the fault never forgets an object it did not undo, and
// once the fault is gone an apply converges, its plan is empty and destroy
// leaves nothing active.
//
// FAULT_SUITE_OBJECTS sets the size (faultSuiteDefault when unset).

// faultSuiteDefault is the size that plain `go test` (and so make test)
// runs: the five faults take about 30 s on two idle cores.
const faultSuiteDefault = 100

// faultRetries is the provider's max_retries in the suite: at a 20% fault
// rate nine failures in a row happen once in two million calls.
const faultRetries = 8

// suiteFault is one fault the suite applies under.
type suiteFault struct {
	name  string
	rules []map[string]any
	// requestTimeout is the provider's request_timeout ("" for the default).
	requestTimeout string
	// ridesOut is set for a fault that the provider rides out: the apply,
	// plan and destroy under it succeed. Under the others a call can fail
	// for good (a delay that outlasts request_timeout, which bounds the
	// call with its retries; a create whose connection was lost and that
	// the platform is not shown to have made), and the checks are what
	// such a failure leaves.
	ridesOut bool
	// note says what the fault leaves out, if anything.
	note string
}

// faultLatency is longer than the suite's request_timeout of the latency
// fault (platform-api.md §5.4: the sandbox drops a delayed request whose client
// gave up, so nothing is processed).
const faultLatency = 3000

func suiteFaults() []suiteFault {
	// Creating POSTs of the families the platform can list: a recurrent
	// charge whose answer is lost cannot be found by anyone (§6.2, §6.7).
	reconcilable := []string{"POST /v3/direct_charge/", "POST /v2/partners/affiliates/campaigns",
		"POST /v2/applications/", "POST /v2/partners/solutions/licenses/"}
	var drops []map[string]any
	for _, route := range reconcilable {
		// The first create of each family too, so that a small run is
		// sure to lose some answers.
		drops = append(drops, map[string]any{"route": route, "drop_after_commit": true, "count": 1},
			map[string]any{"route": route, "error_rate": 0.05, "drop_after_commit": true})
	}
	return []suiteFault{
		{name: "503 with Retry-After (20%)", ridesOut: true, rules: []map[string]any{{"route": "*", "error_rate": 0.2, "status": 503, "retry_after_s": 0}}},
		// Reads and state changes get 429 without Retry-After: the client
		// backs off up to 15 s a time, and request_timeout bounds a call
		// with its waits: a minute lets nine attempts run, so only nine
		// 429s in a row fail a call. Creating POSTs get it with
		// Retry-After, a rate limiter pacing its clients, the only 429
		// they are sent again after (§6.1).
		{name: "429 (20%)", ridesOut: true, requestTimeout: "60s", rules: rateLimitRules(0.2),
			note: "creating POSTs are answered with Retry-After: without it a 429 does not prove that nothing was " +
				"created, so the create is reconciled instead of sent again (TestAccDirectChargeResource_rateLimitedAfterForwarding)"},
		{name: "create committed, answer dropped (5%)", ridesOut: true, rules: drops,
			note: "the first create of each family is dropped as well; creating POSTs of recurrent charges are left out: " +
				"the platform cannot list them, so a lost answer leaves an orphan no one can find"},
		{name: "latency above request_timeout (5%)", requestTimeout: "2s",
			rules: []map[string]any{{"route": "*", "error_rate": 0.05, "latency_ms": faultLatency}}},
		{name: "connection reset after the request was written (5%)",
			rules: []map[string]any{{"route": "*", "error_rate": 0.05, "reset": true}}},
	}
}

// rateLimitRules answer rate of the requests 429: creating POSTs with
// Retry-After, every other method without.
func rateLimitRules(rate float64) []map[string]any {
	rules := []map[string]any{{"route": "POST /", "error_rate": rate, "status": 429, "retry_after_s": 0}}
	for _, method := range []string{"GET /", "PUT /", "PATCH /", "DELETE /"} {
		rules = append(rules, map[string]any{"route": method, "error_rate": rate, "status": 429})
	}
	return rules
}

// faultRow is one line of the suite's table.
type faultRow struct {
	fault                    string
	objects                  int
	injected, retries        int64
	reconciled, dup, lost    int
	applyExit, applyErrors   int
	planUnderFault           string
	destroyExit, destroyErrs int
	wall                     time.Duration
}

func TestAccFaultSuite(t *testing.T) {
	cli := newTerraformCLI(t)
	mix := mixOf(objectsFromEnv(t, "FAULT_SUITE_OBJECTS", faultSuiteDefault))
	var mu sync.Mutex
	var rows []faultRow
	t.Run("faults", func(t *testing.T) {
		for i, f := range suiteFaults() {
			t.Run(f.name, func(t *testing.T) {
				t.Parallel()
				row := runUnderFault(t, cli.in(t), f, mix, uint64(i+1))
				mu.Lock()
				rows = append(rows, row)
				mu.Unlock()
			})
		}
	})
	t.Logf("fault suite, %s, max_retries = %d:\n%s", mix, faultRetries, faultTable(rows))
	for _, f := range suiteFaults() {
		if f.note != "" {
			t.Logf("%s: %s", f.name, f.note)
		}
	}
}

// runUnderFault runs the whole cycle under one fault and checks it.
func runUnderFault(t *testing.T, tf *terraformCLI, f suiteFault, mix objectMix, seed uint64) faultRow {
	start := time.Now()
	meter := &faultMeter{}
	sbx := newWrappedTestSandbox(t, sandbox.Options{FaultSeed: seed}, meter.wrap)
	attrs := fmt.Sprintf("  max_retries      = %d\n", faultRetries)
	if f.requestTimeout != "" {
		attrs += fmt.Sprintf("  request_timeout  = %q\n", f.requestTimeout)
	}
	tf.writeConfig(mixedConfig(sbx.providerWith(attrs), mix, mixLicenses(t, sbx, mix)))
	tf.mustRun("init", "-input=false")
	row := faultRow{fault: f.name, objects: mix.total()}
	underFault := func(args ...string) cliResult {
		sbx.setFaults(t, f.rules)
		meter.start()
		res := tf.runJSON(args...)
		sbx.clearFaults(t)
		faulted, retries := meter.stop()
		row.injected += faulted
		row.retries += retries
		return res
	}

	// Apply under the fault: whatever it made is in the state or named.
	applied := underFault("apply", "-auto-approve", "-input=false", "-parallelism=10")
	row.applyExit, row.applyErrors = applied.code, applied.count("error", "")
	t.Logf("apply under the fault exited %d: %s", applied.code, applied.summaries())
	expectRiddenOut(t, f, "apply", applied)
	row.reconciled = applied.count("warning", "was created despite a failed request")
	onPlatform := sandboxObjects(t, sbx)
	dups := onPlatform.duplicates(nil)
	row.dup = len(dups)
	for _, d := range dups {
		t.Errorf("apply under the fault created an object twice: %s", d)
	}
	for typ, ids := range onPlatform.missingFromState(tf.stateIDs(), false) {
		for _, id := range ids {
			if !applied.names(id) {
				row.lost++
				t.Errorf("%s %s exists on the platform, but neither the state nor a diagnostic of the apply knows it", typ, id)
			}
		}
	}

	// Without the fault the next apply converges and plans nothing more.
	tf.mustRun("apply", "-auto-approve", "-input=false", "-parallelism=10")
	expectStateMatchesPlatform(t, tf, sbx)
	planned := underFault("plan", "-detailed-exitcode", "-input=false")
	row.planUnderFault = planUnderFault(t, planned)
	expectRiddenOut(t, f, "plan", planned)
	if code, out := tf.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("plan after convergence exited %d, want 0 (empty plan); output:\n%s", code, out)
	}

	// Destroy under the fault never forgets an object it did not undo;
	// without the fault destroy finishes.
	destroyed := underFault("destroy", "-auto-approve", "-input=false", "-parallelism=10")
	row.destroyExit, row.destroyErrs = destroyed.code, destroyed.count("error", "")
	t.Logf("destroy under the fault exited %d: %s", destroyed.code, destroyed.summaries())
	expectRiddenOut(t, f, "destroy", destroyed)
	for typ, ids := range sandboxObjects(t, sbx).missingFromState(tf.stateIDs(), true) {
		for _, id := range ids {
			row.lost++
			t.Errorf("destroy under the fault removed %s %s from the state, but it is still active", typ, id)
		}
	}
	tf.mustRun("destroy", "-auto-approve", "-input=false", "-parallelism=10")
	expectDestroyed(t, tf, sbx)
	row.wall = time.Since(start)
	return row
}

// expectRiddenOut fails the test when a command under a fault the provider
// rides out did not succeed.
func expectRiddenOut(t *testing.T, f suiteFault, command string, res cliResult) {
	t.Helper()
	if f.ridesOut && res.code != 0 {
		t.Errorf("%s under %s exited %d, want 0: %s", command, f.name, res.code, res.summaries())
	}
}

// planUnderFault describes a plan run under a fault: it may fail (a call
// whose retries ran out), but it must never propose a change, which would
// mean the fault made the provider forget or misread an object.
func planUnderFault(t *testing.T, res cliResult) string {
	t.Helper()
	switch res.code {
	case 0:
		return "empty"
	case 2:
		t.Errorf("a plan under the fault proposed changes to a converged configuration; output:\n%s", res.out)
		return "CHANGES"
	default:
		return fmt.Sprintf("failed (%d errors)", res.count("error", ""))
	}
}

func faultTable(rows []faultRow) string {
	order := map[string]int{}
	for i, f := range suiteFaults() {
		order[f.name] = i
	}
	sort.Slice(rows, func(i, j int) bool { return order[rows[i].fault] < order[rows[j].fault] })
	var b strings.Builder
	b.WriteString("| fault | objects | faults injected | retries | reconciled creates | duplicates | lost | apply under fault (exit, errors) | plan under fault | destroy under fault (exit, errors) | wall |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---|---|---|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d, %d | %s | %d, %d | %.1fs |\n", r.fault, r.objects, r.injected,
			r.retries, r.reconciled, r.dup, r.lost, r.applyExit, r.applyErrors, r.planUnderFault, r.destroyExit, r.destroyErrs,
			r.wall.Seconds())
	}
	return b.String()
}

// setFaults replaces the sandbox's fault rules with rules.
func (s *testSandbox) setFaults(t *testing.T, rules []map[string]any) {
	t.Helper()
	s.clearFaults(t)
	for _, r := range rules {
		s.addFault(t, r)
	}
}

// clearFaults removes every fault rule.
func (s *testSandbox) clearFaults(t *testing.T) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, s.URL+"/_sandbox/faults", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE /_sandbox/faults: %s", resp.Status)
	}
}

// cliResult is a CLI command run with -json: its exit code, its whole
// output and the diagnostics it reported, each on its own (the human
// output folds similar warnings into one).
type cliResult struct {
	code        int
	out         string
	diagnostics []cliDiagnostic
}

type cliDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
}

// runJSON runs a command with -json and collects its diagnostics.
func (c *terraformCLI) runJSON(args ...string) cliResult {
	c.t.Helper()
	code, out := c.run(append(args, "-json")...)
	return cliResult{code: code, out: out, diagnostics: parseDiagnostics(out)}
}

func parseDiagnostics(out string) []cliDiagnostic {
	var diags []cliDiagnostic
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var line struct {
			Type       string         `json:"type"`
			Diagnostic *cliDiagnostic `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Type == "diagnostic" && line.Diagnostic != nil {
			diags = append(diags, *line.Diagnostic)
		}
	}
	return diags
}

// count counts the diagnostics of severity whose summary contains summary.
func (r cliResult) count(severity, summary string) int {
	n := 0
	for _, d := range r.diagnostics {
		if d.Severity == severity && strings.Contains(d.Summary, summary) {
			n++
		}
	}
	return n
}

// summaries counts the diagnostics by severity and summary.
func (r cliResult) summaries() string {
	counts := map[string]int{}
	for _, d := range r.diagnostics {
		counts[d.Severity+": "+d.Summary]++
	}
	out := make([]string, 0, len(counts))
	for s, n := range counts {
		out = append(out, fmt.Sprintf("%s (%d)", s, n))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "no diagnostics"
	}
	return strings.Join(out, "; ")
}

// names reports whether a diagnostic names id.
func (r cliResult) names(id string) bool {
	for _, d := range r.diagnostics {
		if strings.Contains(d.Summary, id) || strings.Contains(d.Detail, id) {
			return true
		}
	}
	return false
}

// faultMeter counts the requests the sandbox failed and those the client
// sent again after a failure: a request with the same method, URL and body
// that follows a failed one is its retry.
type faultMeter struct {
	on               atomic.Bool
	mu               sync.Mutex
	failed           map[string]int
	faulted, retries int64
}

func (m *faultMeter) start() {
	m.mu.Lock()
	m.failed, m.faulted, m.retries = map[string]int{}, 0, 0
	m.mu.Unlock()
	m.on.Store(true)
}

// stop ends the count and returns the failed requests and the retries.
func (m *faultMeter) stop() (faulted, retries int64) {
	m.on.Store(false)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.faulted, m.retries
}

func (m *faultMeter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !m.on.Load() || strings.HasPrefix(r.URL.Path, "/_sandbox/") {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		key := r.Method + " " + r.URL.RequestURI() + " " + string(body)
		m.mu.Lock()
		if m.failed[key] > 0 {
			m.failed[key]--
			m.retries++
		}
		m.mu.Unlock()
		mw := &meterWriter{ResponseWriter: w}
		next.ServeHTTP(mw, r)
		if mw.faulted() {
			m.mu.Lock()
			m.failed[key]++
			m.faulted++
			m.mu.Unlock()
		}
	})
}

// meterWriter sees what the sandbox did with a request: an injected error
// status, a connection it took over to drop or reset, or no answer at all
// (a delayed request whose client gave up).
type meterWriter struct {
	http.ResponseWriter
	status   int
	injected bool
	hijacked bool
}

func (w *meterWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *meterWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.injected = w.injected || bytes.Contains(b, []byte("injected fault"))
	return w.ResponseWriter.Write(b)
}

func (w *meterWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *meterWriter) faulted() bool { return w.hijacked || w.status == 0 || w.injected }
