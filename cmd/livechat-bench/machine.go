package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// machine describes where a benchmark ran, for BENCHMARKS.md.
type machine struct {
	Date      time.Time
	OS        string
	CPU       string
	Cores     int
	GoVersion string
	CLI       string
	// LoadBefore and LoadAfter are /proc/loadavg around the run: these
	// machines are shared, and other work shows up in wall times.
	LoadBefore, LoadAfter string
}

func describeMachine(ctx context.Context, terraform string) machine {
	return machine{
		Date:       time.Now().UTC(),
		OS:         runtime.GOOS + "/" + runtime.GOARCH,
		CPU:        cpuModel(),
		Cores:      runtime.NumCPU(),
		GoVersion:  runtime.Version(),
		CLI:        cliVersion(ctx, terraform),
		LoadBefore: loadAverage(),
	}
}

// cliVersion is the first line of `terraform version` (Terraform or OpenTofu).
func cliVersion(ctx context.Context, terraform string) string {
	cmd := exec.CommandContext(ctx, terraform, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage is the 1, 5 and 15 minute load averages, or "n/a".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}
