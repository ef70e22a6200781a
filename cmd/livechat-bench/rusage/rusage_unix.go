//go:build unix

package rusage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// Of returns the usage of an exited process: on Linux, wait4 reports the
// process and the children it waited for (RUSAGE_BOTH), so for Terraform
// this includes its plugins.
func Of(ps *os.ProcessState) Usage {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return Usage{}
	}
	return fromRusage(ru)
}

func fromRusage(ru *syscall.Rusage) Usage {
	return Usage{
		User:   time.Duration(ru.Utime.Nano()),
		System: time.Duration(ru.Stime.Nano()),
		MaxRSS: maxRSSBytes(ru.Maxrss),
	}
}

// maxRSSBytes converts ru_maxrss: kilobytes on Linux, bytes on macOS.
func maxRSSBytes(v int64) int64 {
	if runtime.GOOS == "darwin" {
		return v
	}
	return v * 1024
}

// Launch runs the provider named by EnvProvider with this process's
// arguments and standard streams, appends a Report to EnvReport when it
// exits, and returns the exit code to exit with.
func Launch() int {
	bin, report := os.Getenv(EnvProvider), os.Getenv(EnvReport)
	if bin == "" || report == "" {
		fmt.Fprintf(os.Stderr, "launcher: %s and %s must be set\n", EnvProvider, EnvReport)
		return 2
	}
	// Terraform's interrupt reaches the provider through the process
	// group; the launcher must outlive it to report.
	signal.Notify(make(chan os.Signal, 1), os.Interrupt, syscall.SIGTERM)

	cmd := exec.CommandContext(context.Background(), bin, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		fmt.Fprintf(os.Stderr, "launcher: %v\n", err)
		return 1
	}
	var self syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	r := Report{Provider: Of(cmd.ProcessState), Launcher: fromRusage(&self)}
	if err := appendReport(report, r); err != nil {
		fmt.Fprintf(os.Stderr, "launcher: %v\n", err)
	}
	return cmd.ProcessState.ExitCode()
}
