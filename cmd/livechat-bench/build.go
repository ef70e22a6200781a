package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// binaries are the programs the harness builds from this checkout.
type binaries struct {
	provider, sandbox, launcher, minimal, sameSchema string
}

// buildBinaries builds the provider, the sandbox, the launcher and the two
// floors into dir with one `go build`, which links them in parallel.
func buildBinaries(ctx context.Context, root, dir string) (binaries, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return binaries{}, err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", dir+string(filepath.Separator),
		".", "./cmd/livechat-sandbox", "./cmd/livechat-bench/launcher",
		"./cmd/livechat-bench/floors/minimal", "./cmd/livechat-bench/floors/sameschema")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return binaries{}, fmt.Errorf("go build: %w", err)
	}
	bin := func(name string) string { return filepath.Join(dir, name) }
	return binaries{
		provider:   bin("terraform-provider-livechat"),
		sandbox:    bin("livechat-sandbox"),
		launcher:   bin("launcher"),
		minimal:    bin("minimal"),
		sameSchema: bin("sameschema"),
	}, nil
}

// installLauncher puts the launcher in pluginDir under the provider's
// plugin name, and writes a CLI configuration whose dev_overrides point
// Terraform there. No `terraform init` is ever run: with dev_overrides it
// would still ask the registry.
func installLauncher(launcher, pluginDir, cliConfig string) error {
	if err := os.MkdirAll(pluginDir, 0o750); err != nil {
		return err
	}
	if err := copyFile(launcher, filepath.Join(pluginDir, "terraform-provider-livechat")); err != nil {
		return err
	}
	abs, err := filepath.Abs(pluginDir)
	if err != nil {
		return err
	}
	tfrc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "livechat-tf/livechat" = %q
  }
  direct {}
}
`, abs)
	return os.WriteFile(cliConfig, []byte(tfrc), 0o600)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
