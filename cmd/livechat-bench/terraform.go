package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/cmd/livechat-bench/rusage"
)

// operation is one Terraform command of a repetition.
type operation struct {
	name string
	args []string
	// detailedExitCode marks a plan that must find no changes (exit 0
	// rather than 2 with -detailed-exitcode).
	detailedExitCode bool
}

// The operations' names, as the tables show them.
const (
	opApply         = "apply"
	opPlan          = "plan (no change)"
	opPlanNoRefresh = "plan -refresh=false"
	opDestroy       = "destroy"
)

// The operations of a repetition, in the order they run: each starts from
// what the previous one left.
var operations = []operation{
	{name: opApply, args: []string{"apply", "-auto-approve", "-input=false", "-no-color"}},
	{name: opPlan, args: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, detailedExitCode: true},
	{name: opPlanNoRefresh, args: []string{"plan", "-refresh=false", "-input=false", "-no-color", "-detailed-exitcode"}, detailedExitCode: true},
	{name: opDestroy, args: []string{"destroy", "-auto-approve", "-input=false", "-no-color"}},
}

// measurement is what one Terraform command cost.
type measurement struct {
	Wall time.Duration
	// TerraformCPU is the terraform process's own CPU time, its plugins'
	// taken out.
	TerraformCPU time.Duration
	// ProviderCPU is the CPU time of every provider process of the command.
	ProviderCPU time.Duration
	Calls       int64
	// ProviderRSS is the largest peak resident set of those processes, in bytes.
	ProviderRSS int64
	// Plugins is how many provider processes Terraform started.
	Plugins int
}

// runner runs Terraform commands for the harness.
type runner struct {
	terraform string
	cliConfig string
	// report is the launcher's report file, emptied before each command.
	report string
}

// measure runs one operation of s in dir, its output going to logPath.
func (r runner) measure(ctx context.Context, s subject, dir string, op operation, logPath string) (measurement, error) {
	if err := os.Remove(r.report); err != nil && !errors.Is(err, os.ErrNotExist) {
		return measurement{}, err
	}
	if err := s.resetCalls(ctx); err != nil {
		return measurement{}, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return measurement{}, err
	}
	defer logFile.Close()

	cmd := exec.CommandContext(ctx, r.terraform, append([]string{"-chdir=" + dir}, op.args...)...)
	cmd.Env = r.environment(s)
	// An interrupted run interrupts Terraform, which stops its plugins;
	// killing it would leave them orphaned.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	runErr := cmd.Run()
	wall := time.Since(start)
	if err := commandFailed(op, cmd, runErr); err != nil {
		return measurement{}, fmt.Errorf("%s %s: %w (output in %s)", s.name, op.name, err, logPath)
	}
	return r.collect(ctx, s, wall, cmd.ProcessState)
}

// commandFailed explains a Terraform exit that is not success, or a plan
// that proposes changes where none are expected.
func commandFailed(op operation, cmd *exec.Cmd, runErr error) error {
	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
		return nil
	case !errors.As(runErr, &exitErr):
		return runErr
	case op.detailedExitCode && cmd.ProcessState.ExitCode() == 2:
		return errors.New("the plan proposes changes where it should find none")
	}
	return fmt.Errorf("terraform exited with %d", cmd.ProcessState.ExitCode())
}

// collect gathers a finished command's figures.
func (r runner) collect(ctx context.Context, s subject, wall time.Duration, ps *os.ProcessState) (measurement, error) {
	reports, err := rusage.ReadReports(r.report)
	if err != nil {
		return measurement{}, err
	}
	calls, err := s.calls(ctx)
	if err != nil {
		return measurement{}, err
	}
	m := measurement{Wall: wall, Calls: calls, Plugins: len(reports)}
	// Terraform's usage includes the plugins it waited for: take out the
	// providers and their launchers.
	tf := rusage.Of(ps).CPU()
	for _, rep := range reports {
		m.ProviderCPU += rep.Provider.CPU()
		m.ProviderRSS = max(m.ProviderRSS, rep.Provider.MaxRSS)
		tf -= rep.Provider.CPU() + rep.Launcher.CPU()
	}
	m.TerraformCPU = max(tf, 0)
	return m, nil
}

// environment is the user's environment without what would change the
// result or reach a real platform (TF_LOG*, TF_CLI_*, LIVECHAT_*), plus
// the CLI configuration, the launcher's settings and s's own variables.
func (r runner) environment(s subject) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") || strings.HasPrefix(name, "TF_CLI_") || strings.HasPrefix(name, "LIVECHAT_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_CLI_CONFIG_FILE="+r.cliConfig,
		rusage.EnvProvider+"="+s.binary,
		rusage.EnvReport+"="+r.report,
	)
	return append(env, s.env...)
}
