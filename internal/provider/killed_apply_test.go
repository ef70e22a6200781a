package provider

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// Applies that die midway. A killed provider cannot wait for the answers
// in flight the way an interrupted one does (§6.3), and the platform has no
// idempotency keys, so what the platform made for it is outside the state;
// the next apply takes over a campaign that matches exactly and names every
// other lookalike in a warning (platform-api.md §6.7). A killed sandbox restarts on
// its journal (§5.7) and the apply rides the outage out.

// killMix is the configuration of the killed-provider test:
// FAULT_SUITE_OBJECTS objects (at least three of each family, to hold two
// after the first) of every family but subscriptions, whose orphan the
// next create is refused for (409, naming the license).
func killMix(t *testing.T) objectMix {
	m := mixOf(max(objectsFromEnv(t, "FAULT_SUITE_OBJECTS", faultSuiteDefault), 15))
	m.subscriptions = 0
	return m
}

// killPassed and killHeld are how many creates of each family go through,
// and how many are then committed and in flight when the provider is
// killed.
const killPassed = 1

var killHeld = map[string]int64{
	"livechat_partner_campaign": 2,
	"livechat_recurrent_charge": 2,
	"livechat_direct_charge":    2,
	"livechat_in_app_upgrade":   2,
}

func TestAccKilledProvider(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("finds the provider's process through /proc")
	}
	cli := newTerraformCLI(t)
	bin := buildBinary(t, ".", "terraform-provider-livechat")
	tf := cli.in(t).withBuiltProvider(t, filepath.Dir(bin))
	mix := killMix(t)
	start := time.Now()
	holds := &heldCreates{after: killPassed, release: make(chan struct{}), perFamily: killHeld}
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, holds.wrap)
	t.Cleanup(holds.releaseAll)
	tf.writeConfig(mixedConfig(sbx.providerWith("  max_retries      = 1\n"), mix, nil))

	killed := killProviderMidway(t, tf, holds, bin)
	orphans := sandboxObjects(t, sbx).missingFromState(tf.stateIDs(), false)
	for typ, n := range killHeld {
		if int64(len(orphans[typ])) < n {
			t.Fatalf("after the kill %d %s exist outside the state (%v), want at least the %d held", len(orphans[typ]), typ, orphans[typ], n)
		}
	}

	next := tf.runJSON("apply", "-auto-approve", "-input=false", "-parallelism=10")
	if next.code != 0 {
		t.Fatalf("the apply after the kill exited %d: %s\n%s", next.code, next.summaries(), next.out)
	}
	t.Logf("the apply after the kill: %s", next.summaries())
	report := checkAfterKill(t, tf, sbx, orphans, next)
	if code, out := tf.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("plan after the apply that followed the kill exited %d, want 0; output:\n%s", code, out)
	}
	tf.mustRun("destroy", "-auto-approve", "-input=false", "-parallelism=10")
	expectOnlyOrphansActive(t, tf, sbx, orphans)
	t.Logf("SIGKILL of the provider (%s) with %s:\n%s\n"+
		"Recurrent charges cannot be listed (platform-api.md §1.1): their orphans stay unknown and the next apply creates them again.\n"+
		"whole test %s", killed, mix, report, time.Since(start).Round(time.Millisecond))
}

// killProviderMidway starts an apply, waits until every family has
// creates committed on the platform and held in flight, kills the
// provider's process with SIGKILL and waits for terraform to give up.
func killProviderMidway(t *testing.T, tf *terraformCLI, holds *heldCreates, bin string) string {
	t.Helper()
	run := tf.start("apply", "-auto-approve", "-input=false", "-parallelism=10")
	deadline := time.After(60 * time.Second)
	for !holds.allHeld() {
		select {
		case <-run.done:
			_, out := run.wait()
			t.Fatalf("terraform exited before every family had held creates (%d commits); output:\n%s", holds.commits.Load(), out)
		case <-deadline:
			t.Fatalf("not every family had held creates after 60s (%d commits)", holds.commits.Load())
		case <-time.After(5 * time.Millisecond):
		}
	}
	pids := childProcesses(t, run.cmd.Process.Pid, bin)
	for _, pid := range pids {
		// Kill is SIGKILL: the provider gets no chance to answer anything.
		p, err := os.FindProcess(pid)
		if err == nil {
			err = p.Kill()
		}
		if err != nil {
			t.Fatalf("SIGKILL to the provider (pid %d): %v", pid, err)
		}
	}
	holds.releaseAll()
	code, out := run.wait()
	if code == 0 {
		t.Fatalf("the apply exited 0 after its provider was killed; output:\n%s", out)
	}
	return fmt.Sprintf("pid %v, after %d commits; terraform exited %d", pids, holds.commits.Load(), code)
}

// checkAfterKill checks the apply that followed the kill against the
// platform: every campaign orphan was taken over and named, every other
// orphan of a listable family was named with its id, and an object exists
// twice only when one of the two was named so; what is left are recurrent
// charge orphans, which nothing can find. It returns a table of it.
func checkAfterKill(t *testing.T, tf *terraformCLI, sbx *testSandbox, orphans map[string][]string, next cliResult) string {
	t.Helper()
	named := map[string]bool{}
	for typ, ids := range orphans {
		for _, id := range ids {
			switch typ {
			case "livechat_partner_campaign":
				named[id] = next.namedIn("warning", "taken over", id)
			case "livechat_direct_charge", "livechat_in_app_upgrade":
				named[id] = next.namedIn("warning", "Possible orphan", id)
			}
			if typ != "livechat_recurrent_charge" && !named[id] {
				t.Errorf("%s %s, left by the killed run, is named in no warning of the next apply", typ, id)
			}
		}
	}
	after := sandboxObjects(t, sbx)
	state := tf.stateIDs()
	unmanaged := after.missingFromState(state, false)
	recurrentOrphans := map[string]bool{}
	for _, id := range orphans["livechat_recurrent_charge"] {
		recurrentOrphans[id] = true
	}
	for typ, ids := range unmanaged {
		for _, id := range ids {
			if !named[id] && !recurrentOrphans[id] {
				t.Errorf("%s %s exists outside the state and no warning names it", typ, id)
			}
		}
	}
	if len(unmanaged["livechat_partner_campaign"]) > 0 {
		t.Errorf("campaigns left outside the state after the next apply: %v", unmanaged["livechat_partner_campaign"])
	}
	for _, d := range after.duplicates(func(id string) bool { return named[id] || recurrentOrphans[id] }) {
		t.Errorf("created twice and named nowhere: %s", d)
	}
	return killReport(orphans, state)
}

// killReport tabulates, per family, what the kill left and what the next
// apply made of it.
func killReport(orphans, state map[string][]string) string {
	types := make([]string, 0, len(orphans))
	for typ := range orphans {
		types = append(types, typ)
	}
	sort.Strings(types)
	var b strings.Builder
	b.WriteString("| family | left outside the state by the kill | taken over | named in a warning, created again | unknown, created again |\n|---|---:|---:|---:|---:|\n")
	for _, typ := range types {
		inState := map[string]bool{}
		for _, id := range state[typ] {
			inState[id] = true
		}
		var taken, warned, silent int
		for _, id := range orphans[typ] {
			switch {
			case inState[id]:
				taken++
			case typ == "livechat_recurrent_charge":
				silent++
			default:
				warned++
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", typ, len(orphans[typ]), taken, warned, silent)
	}
	return b.String()
}

// expectOnlyOrphansActive checks a destroy after the kill: the state is
// empty and nothing it managed is active; only the orphans that the next
// apply named (and did not take) or could not find may be.
func expectOnlyOrphansActive(t *testing.T, tf *terraformCLI, sbx *testSandbox, orphans map[string][]string) {
	t.Helper()
	left := map[string]bool{}
	for _, ids := range orphans {
		for _, id := range ids {
			left[id] = true
		}
	}
	for typ, ids := range tf.stateIDs() {
		if len(ids) > 0 {
			t.Errorf("%d %s left in the state after destroy", len(ids), typ)
		}
	}
	for typ, objs := range sandboxObjects(t, sbx) {
		for id, o := range objs {
			if o.active && !left[id] {
				t.Errorf("%s %s (%q) is still active after destroy", typ, id, o.name)
			}
		}
	}
}

// namedIn reports whether a diagnostic of severity whose summary contains
// summary names id.
func (r cliResult) namedIn(severity, summary, id string) bool {
	for _, d := range r.diagnostics {
		if d.Severity == severity && strings.Contains(d.Summary, summary) &&
			(strings.Contains(d.Summary, id) || strings.Contains(d.Detail, id)) {
			return true
		}
	}
	return false
}

// The sandbox process is killed with SIGKILL midway through an apply and
// restarted on its data file: the provider retries through the outage, and
// the platform, the state and the next plan agree. Recurrent charges are
// left out: one whose create is in flight when the sandbox dies cannot be
// looked for (§6.2). Subscriptions need licenses made in-process.
func TestAccSandboxKilledMidApply(t *testing.T) {
	cli := newTerraformCLI(t)
	bin := buildBinary(t, "./cmd/livechat-sandbox", "livechat-sandbox")
	mix := killMix(t)
	mix.recurrent = 0
	start := time.Now()
	data := filepath.Join(t.TempDir(), "sandbox.jsonl")
	proc := startSandboxProcess(t, bin, "127.0.0.1:0", data)
	sbx := &testSandbox{URL: proc.url}
	tf := cli.in(t)
	// Retries wait 0.5 s, then up to 1 s, 2 s and so on: eight of them
	// outlast the restart.
	tf.writeConfig(mixedConfig(sbx.providerWith("  max_retries      = 8\n"), mix, nil))
	tf.mustRun("init", "-input=false")

	run := tf.start("apply", "-auto-approve", "-input=false", "-parallelism=10", "-json")
	waitForCreates(t, sbx, run, int64(mix.total()/3))
	proc.kill(t)
	time.Sleep(300 * time.Millisecond)
	startSandboxProcess(t, bin, strings.TrimPrefix(proc.url, "http://"), data)
	code, out := run.wait()
	outage := cliResult{code: code, out: out, diagnostics: parseDiagnostics(out)}
	after := countCreates(t, sbx)
	if after == 0 {
		t.Fatalf("the apply made no create after the restart: it was over before the kill; output:\n%s", out)
	}
	t.Logf("apply through the kill exited %d after %d creates on the restarted sandbox: %s", code, after, outage.summaries())
	onPlatform := sandboxObjects(t, sbx)
	for _, d := range onPlatform.duplicates(nil) {
		t.Errorf("created twice: %s", d)
	}
	// What the sandbox answered before it died is in its journal (§5.7).
	for typ, ids := range tf.stateIDs() {
		for _, id := range ids {
			if _, ok := onPlatform[typ][id]; !ok {
				t.Errorf("%s %s is in the state, but the restarted sandbox does not have it", typ, id)
			}
		}
	}
	for typ, ids := range onPlatform.missingFromState(tf.stateIDs(), false) {
		for _, id := range ids {
			if !outage.names(id) {
				t.Errorf("%s %s exists on the restarted sandbox, but neither the state nor a diagnostic knows it", typ, id)
			}
		}
	}
	if code != 0 {
		// Only a create whose request was in flight when the sandbox died,
		// and that the restarted sandbox had not made, may fail: it says
		// so, and applying again is safe.
		for _, d := range outage.diagnostics {
			if d.Severity == "error" && !strings.Contains(d.Detail, "found none: nothing was created") {
				t.Errorf("the apply through the outage failed otherwise: %s\n%s", d.Summary, d.Detail)
			}
		}
		tf.mustRun("apply", "-auto-approve", "-input=false", "-parallelism=10")
	}
	expectStateMatchesPlatform(t, tf, sbx)
	if code, out := tf.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("plan after the restart exited %d, want 0; output:\n%s", code, out)
	}
	tf.mustRun("destroy", "-auto-approve", "-input=false", "-parallelism=10")
	expectDestroyed(t, tf, sbx)
	t.Logf("sandbox kill -9 and restart with %s: converged and destroyed in %s", mix, time.Since(start).Round(time.Millisecond))
}

// waitForCreates waits until the sandbox counted n creating requests.
func waitForCreates(t *testing.T, sbx *testSandbox, run *terraformRun, n int64) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for countCreates(t, sbx) < n {
		select {
		case <-run.done:
			_, out := run.wait()
			t.Fatalf("terraform exited before %d creates; output:\n%s", n, out)
		case <-deadline:
			t.Fatalf("fewer than %d creates after 60s", n)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// countCreates counts the creating requests in the sandbox's statistics
// (§5.4), which start from zero with each process: every POST to a
// platform API but the token exchange.
func countCreates(t *testing.T, sbx *testSandbox) int64 {
	t.Helper()
	resp, err := http.Get(sbx.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stats struct {
		Requests map[string]int64 `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		t.Fatalf("GET /_sandbox/stats: %v", err)
	}
	var n int64
	for route, count := range stats.Requests {
		if strings.HasPrefix(route, "POST /v") && route != "POST /v2/token" {
			n += count
		}
	}
	return n
}

// sandboxProcess is a livechat-sandbox command the test runs.
type sandboxProcess struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

// startSandboxProcess runs the sandbox on listen with its state in data
// and waits for its first line (§5.1).
func startSandboxProcess(t *testing.T, bin, listen, data string) *sandboxProcess {
	t.Helper()
	cmd := exec.Command(bin, "-listen", listen, "-data", data)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the sandbox: %v", err)
	}
	p := &sandboxProcess{cmd: cmd, done: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		for sc.Scan() {
		}
	}()
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill(t) })
	select {
	case line := <-lines:
		const prefix = "livechat-sandbox listening on "
		if !strings.HasPrefix(line, prefix) {
			t.Fatalf("the sandbox's first line is %q", line)
		}
		p.url = strings.TrimPrefix(line, prefix)
	case <-time.After(30 * time.Second):
		t.Fatal("the sandbox printed no address within 30s")
	}
	return p
}

// kill ends the sandbox with SIGKILL, as a crash would, and waits for it.
func (p *sandboxProcess) kill(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("killing the sandbox: %v", err)
	}
	<-p.done
}

// buildBinary builds the command in pkg (relative to the module root)
// into a directory of the test's as name.
func buildBinary(t *testing.T, pkg, name string) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// withBuiltProvider is the CLI with the provider started by Terraform
// from the binary in dir, through dev_overrides, instead of served
// in-process: a process of its own that a test can kill.
func (c *terraformCLI) withBuiltProvider(t *testing.T, dir string) *terraformCLI {
	t.Helper()
	config := filepath.Join(t.TempDir(), "dev.tfrc")
	hcl := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", interruptProviderAddr, dir)
	if err := os.WriteFile(config, []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	return &terraformCLI{t: c.t, bin: c.bin, dir: c.dir, config: config, built: true}
}

// childProcesses returns the processes whose parent is pid and whose
// executable is exe, waiting up to 10 seconds for one.
func childProcesses(t *testing.T, pid int, exe string) []int {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		entries, err := os.ReadDir("/proc")
		if err != nil {
			t.Fatal(err)
		}
		var found []int
		for _, e := range entries {
			child, err := strconv.Atoi(e.Name())
			if err != nil || parentOf(child) != pid {
				continue
			}
			if path, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && path == exe {
				found = append(found, child)
			}
		}
		if len(found) > 0 {
			return found
		}
	}
	t.Fatalf("terraform (pid %d) has no child process running %s", pid, exe)
	return nil
}

// parentOf reads a process's parent from /proc/PID/stat, whose second
// field (the command name, in parentheses) may itself hold spaces.
func parentOf(pid int) int {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return -1
	}
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return -1
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}
