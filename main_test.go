package main

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// envServeForTest makes the test binary serve the provider through main,
// so that Terraform can run it as the plugin (see pluginRun).
const envServeForTest = "LIVECHAT_TEST_SERVE_PROVIDER"

// envCaptureStderr, when set, sends the plugin's stderr to that file
// instead of Terraform.
const envCaptureStderr = "LIVECHAT_TEST_PLUGIN_STDERR"

func TestMain(m *testing.M) {
	if os.Getenv(envServeForTest) != "" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestPluginLogs runs the provider as Terraform runs it (main, started by
// the real CLI through dev_overrides) and checks that it writes no log
// line when no TF_LOG* variable is set, and every one of them when
// TF_LOG=trace is.
func TestPluginLogs(t *testing.T) {
	r := newPluginRun(t)

	t.Run("no TF_LOG: the plugin writes no log line", func(t *testing.T) {
		captured := filepath.Join(t.TempDir(), "stderr")
		r.plan(t, envCaptureStderr+"="+captured)
		if lines := logLines(t, captured); len(lines) > 0 {
			t.Errorf("the plugin wrote %d log lines nobody asked for, the first:\n%s", len(lines), lines[0])
		}
	})

	t.Run("TF_LOG=trace: the plugin writes its TRACE logs", func(t *testing.T) {
		captured := filepath.Join(t.TempDir(), "stderr")
		r.plan(t, "TF_LOG=trace", envCaptureStderr+"="+captured)
		all := strings.Join(logLines(t, captured), "\n")
		for _, want := range []string{`"@module":"sdk.proto"`, `"@module":"sdk.framework"`, `"@module":"livechat"`, `"@level":"trace"`} {
			if !strings.Contains(all, want) {
				t.Errorf("the plugin's TRACE log has no %s line", want)
			}
		}
	})

	t.Run("TF_LOG=trace: Terraform shows the provider's logs", func(t *testing.T) {
		stderr := r.plan(t, "TF_LOG=trace")
		for _, want := range []string{"@module=sdk.proto", "@module=sdk.framework", "@module=livechat"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("terraform's TRACE log shows no provider line with %s", want)
			}
		}
	})
}

// pluginRun is a configuration that reads the coupons of an in-process
// sandbox, and a CLI configuration whose dev_overrides run this test
// binary as the provider.
type pluginRun struct {
	terraform, dir, cliConfig, sandboxURL string
}

func newPluginRun(t *testing.T) *pluginRun {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC is not set: this test runs the Terraform CLI")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the plugin wrapper is a shell script")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no Terraform CLI (TF_ACC_TERRAFORM_PATH or terraform on PATH)")
		}
	}
	sbx, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(sbx)
	t.Cleanup(func() { hs.Close(); _ = sbx.Close() })

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	wrapper := fmt.Sprintf("#!/bin/sh\nif [ -n \"$%[1]s\" ]; then exec %[2]q \"$@\" 2>>\"$%[1]s\"; fi\nexec %[2]q \"$@\"\n", envCaptureStderr, self)
	cliConfig := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"livechat-tf/livechat\" = %q\n  }\n  direct {}\n}\n", plugins)
	config := `terraform {
  required_providers {
    livechat = { source = "livechat-tf/livechat" }
  }
}

data "livechat_coupons" "all" {}
`
	writeFile(t, filepath.Join(plugins, "terraform-provider-livechat"), wrapper, 0o755)
	writeFile(t, filepath.Join(dir, "cli.tfrc"), cliConfig, 0o644)
	writeFile(t, filepath.Join(dir, "main.tf"), config, 0o644)
	return &pluginRun{terraform: tf, dir: dir, cliConfig: filepath.Join(dir, "cli.tfrc"), sandboxURL: hs.URL}
}

// plan runs terraform plan with env added to a clean environment (no
// TF_LOG* of the caller's) and returns its stderr.
func (r *pluginRun) plan(t *testing.T, env ...string) string {
	t.Helper()
	cmd := exec.Command(r.terraform, "-chdir="+r.dir, "plan", "-input=false", "-no-color")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") && !strings.HasPrefix(kv, "LIVECHAT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+r.cliConfig, envServeForTest+"=1",
		"LIVECHAT_API_URL="+r.sandboxURL, "LIVECHAT_PARTNER_TOKEN="+sandbox.DefaultPartnerToken)
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("terraform plan: %v\n%s\n%s", err, stdout.String(), lastLines(stderr.String(), 30))
	}
	return stderr.String()
}

// logLines are terraform-plugin-log's JSON lines (the SDK's, the
// framework's, the provider's: each names its @module) in the captured
// stderr file. go-plugin's two lines per process at start have no module.
func logLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "{") && strings.Contains(line, `"@module"`) {
			out = append(out, line)
		}
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}
