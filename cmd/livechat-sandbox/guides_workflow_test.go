package main

import (
	"archive/tar"
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

// The GitOps guide's pipeline files, examples/guides/gitops/github-actions.yml
// and atlantis.yaml, run in a user's repository where the configuration is
// in billing/ (examples/guides/gitops here). They cannot run here, so this
// checks what can go wrong without anyone noticing: the files parse, the
// jobs are where the guide says, the scripts they call exist, every
// livechat-sandbox command line is one this command accepts, the archive
// they download is the one .goreleaser.yml publishes, and every terraform
// flag they pass is one the CLI knows.

const (
	gitopsDir = "../../examples/guides/gitops"
	repoRoot  = "../.."
)

// ghWorkflow is the part of a GitHub Actions workflow the guide relies on.
type ghWorkflow struct {
	On map[string]struct {
		Branches []string `yaml:"branches"`
		Paths    []string `yaml:"paths"`
	} `yaml:"on"`
	Env      map[string]string `yaml:"env"`
	Defaults struct {
		Run struct {
			WorkingDirectory string `yaml:"working-directory"`
		} `yaml:"run"`
	} `yaml:"defaults"`
	Jobs map[string]ghJob `yaml:"jobs"`
}

type ghJob struct {
	If          string            `yaml:"if"`
	Environment string            `yaml:"environment"`
	Env         map[string]string `yaml:"env"`
	Steps       []ghStep          `yaml:"steps"`
}

type ghStep struct {
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
	With map[string]any    `yaml:"with"`
}

func TestGuideWorkflows(t *testing.T) {
	var wf ghWorkflow
	readYAML(t, filepath.Join(gitopsDir, "github-actions.yml"), &wf)
	rel := releaseConfig(t)

	t.Run("github-actions: triggers and jobs", func(t *testing.T) {
		if _, ok := wf.On["pull_request"]; !ok {
			t.Error("the workflow does not run on pull_request")
		}
		if push, ok := wf.On["push"]; !ok || !slices.Equal(push.Branches, []string{"main"}) {
			t.Errorf("the workflow does not run on a push to main: %+v", wf.On["push"])
		}
		if wf.Defaults.Run.WorkingDirectory != "billing" {
			t.Errorf("the steps run in %q, want billing (the guide's layout)", wf.Defaults.Run.WorkingDirectory)
		}
		for job, want := range map[string]struct{ event, runs string }{
			"sandbox": {"pull_request", "ci/sandbox-check.sh"},
			"plan":    {"pull_request", "gh pr comment"},
			"apply":   {"push", "terraform apply"},
		} {
			j, ok := wf.Jobs[job]
			if !ok {
				t.Errorf("no %s job", job)
				continue
			}
			if !strings.Contains(j.If, "'"+want.event+"'") {
				t.Errorf("job %s runs if %q, want only on %s", job, j.If, want.event)
			}
			if !slices.ContainsFunc(j.Steps, func(s ghStep) bool { return strings.Contains(s.Run, want.runs) }) {
				t.Errorf("job %s has no step that runs %s", job, want.runs)
			}
		}
	})

	t.Run("github-actions: the sandbox archive is the one a release publishes", func(t *testing.T) {
		script := stepRun(t, wf, "sandbox", "Download livechat-sandbox")
		const version = "${LIVECHAT_SANDBOX_VERSION}"
		if wf.Env["LIVECHAT_SANDBOX_VERSION"] == "" {
			t.Error("the workflow sets no LIVECHAT_SANDBOX_VERSION")
		}
		archive := rel.render(t, rel.archive("sandbox").NameTemplate, version, "linux", "amd64") + ".tar.gz"
		for _, want := range []string{
			"https://github.com/" + rel.Release.GitHub.Owner + "/" + rel.Release.GitHub.Name + "/releases/download/v" + version,
			"archive=" + archive,
			`"$archive" -C bin ` + rel.sandboxBuild().Binary,
		} {
			if !strings.Contains(script, want) {
				t.Errorf("the download step lacks %q:\n%s", want, script)
			}
		}
		if !slices.Contains(rel.archive("sandbox").Formats, "tar.gz") || rel.archive("sandbox").WrapInDirectory != "" {
			t.Errorf("the release's sandbox archive is not a flat tar.gz: %+v", rel.archive("sandbox"))
		}
		// The registry reads terraform-provider-livechat_<version>_<os>_<arch>.zip, and
		// only what the signed SHA256SUMS lists.
		if got := rel.render(t, rel.archive("provider").NameTemplate, "1.2.3", "linux", "amd64"); got != "terraform-provider-livechat_1.2.3_linux_amd64" {
			t.Errorf("the provider's archive is named %s, not as the registry expects", got)
		}
		if !slices.Equal(rel.Checksum.IDs, []string{"provider"}) {
			t.Errorf("the provider's SHA256SUMS lists %v, want only the provider's archives", rel.Checksum.IDs)
		}
	})

	t.Run("release: the sandbox archives are signed with the provider's key", func(t *testing.T) {
		provider := rel.sign("provider")
		sig := rel.sign("sandbox")
		if sig.Artifacts != "archive" || !slices.Equal(sig.IDs, []string{"sandbox"}) {
			t.Fatalf("no signature of the sandbox archives: %+v", sig)
		}
		if sig.Cmd != provider.Cmd || !slices.Equal(sig.Args, provider.Args) {
			t.Errorf("the sandbox archives are signed by %q %v, SHA256SUMS by %q %v: want the same key", sig.Cmd, sig.Args, provider.Cmd, provider.Args)
		}
		// The guide names the signature file a pipeline checks once.
		guide, err := os.ReadFile(filepath.Join(repoRoot, "templates", "guides", "gitops.md.tmpl"))
		if err != nil {
			t.Fatal(err)
		}
		if suffix := strings.TrimPrefix(cmp.Or(sig.Signature, "${artifact}.sig"), "${artifact}"); !strings.Contains(string(guide), `"$archive`+suffix+`"`) {
			t.Errorf("the GitOps guide does not check the archive's signature, \"$archive%s\"", suffix)
		}
	})

	t.Run("github-actions: the download step runs only the archive it pins", func(t *testing.T) {
		script := stepRun(t, wf, "sandbox", "Download livechat-sandbox")
		archive := rel.render(t, rel.archive("sandbox").NameTemplate, wf.Env["LIVECHAT_SANDBOX_VERSION"], "linux", "amd64") + ".tar.gz"
		genuine := tarGz(t, rel.sandboxBuild().Binary, "#!/bin/sh\necho genuine\n")
		forged := tarGz(t, rel.sandboxBuild().Binary, "#!/bin/sh\necho forged\n")
		pin := sha256Hex(genuine)
		for _, c := range []struct {
			name      string
			published []byte // the archive on the release page
			pin       string
			ok        bool
		}{
			{"the pinned archive", genuine, pin, true},
			// Whoever can replace the archive can replace the .sha256 beside it.
			{"a replaced archive with a matching .sha256 beside it", forged, pin, false},
			{"no pin", genuine, "", false},
		} {
			t.Run(c.name, func(t *testing.T) {
				release := t.TempDir()
				writeFile(t, filepath.Join(release, archive), c.published)
				writeFile(t, filepath.Join(release, archive+".sha256"), []byte(sha256Hex(c.published)+"  "+archive+"\n"))
				ghPath, err := runDownloadStep(t, script, release, map[string]string{"LIVECHAT_SANDBOX_VERSION": wf.Env["LIVECHAT_SANDBOX_VERSION"], "LIVECHAT_SANDBOX_SHA256": c.pin})
				if c.ok && (err != nil || ghPath == "") {
					t.Fatalf("the pinned archive was refused or not put on PATH: %v", err)
				}
				if !c.ok && (err == nil || ghPath != "") {
					t.Fatalf("the step accepted it (PATH now %q, error %v)", ghPath, err)
				}
			})
		}
	})

	t.Run("github-actions: secrets reach only the steps that need them", func(t *testing.T) {
		expectNoSecrets(t, "the workflow's env", wf.Env)
		roles := map[string]string{}
		for name, job := range wf.Jobs {
			expectNoSecrets(t, "job "+name+"'s env", job.Env)
			for _, s := range job.Steps {
				where := fmt.Sprintf("job %s, step %q", name, cmp.Or(s.Name, s.Uses, s.Run))
				for k, v := range s.With {
					expectNoSecrets(t, where+" with."+k, map[string]string{k: fmt.Sprint(v)})
				}
				if strings.HasPrefix(s.Uses, "actions/checkout@") && fmt.Sprint(s.With["persist-credentials"]) != "false" {
					t.Errorf("%s leaves the job's token in .git/config for the code under review: set persist-credentials: false", where)
				}
				if role, ok := s.With["role-to-assume"]; ok {
					roles[name] = fmt.Sprint(role)
				}
				if hasSecret(s.Env) && !runsTerraform(s.Run, "plan") && !runsTerraform(s.Run, "apply") {
					t.Errorf("%s gets secrets but runs neither terraform plan nor apply", where)
				}
				if _, ok := s.Env["LIVECHAT_PARTNER_PASSWORD"]; ok && (name != "apply" || job.Environment == "") {
					t.Errorf("%s gets the partner password outside the apply job's protected environment", where)
				}
				if name == "plan" && strings.Contains(s.Run, "-out=") {
					t.Errorf("%s leaves a plan file, which holds secrets in the clear, on the runner", where)
				}
				if name == "plan" && runsTerraform(s.Run, "plan") {
					for _, v := range []string{"TF_LOG", "TF_LOG_CORE", "TF_LOG_PROVIDER"} {
						if val, ok := s.Env[v]; !ok || val != "" {
							t.Errorf("%s does not turn %s off: debug logs would be posted to the pull request", where, v)
						}
					}
				}
			}
		}
		if roles["plan"] == "" || roles["plan"] == roles["apply"] {
			t.Errorf("the plan job, which runs the pull request's code, assumes the apply job's role: %v", roles)
		}
	})

	var atl struct {
		Version  int `yaml:"version"`
		Projects []struct {
			Dir               string   `yaml:"dir"`
			Workflow          string   `yaml:"workflow"`
			ApplyRequirements []string `yaml:"apply_requirements"`
		} `yaml:"projects"`
		Workflows map[string]map[string]struct {
			Steps []yaml.Node `yaml:"steps"`
		} `yaml:"workflows"`
	}
	readYAML(t, filepath.Join(gitopsDir, "atlantis.yaml"), &atl)

	t.Run("atlantis: the project and its workflow", func(t *testing.T) {
		if atl.Version != 3 || len(atl.Projects) != 1 || atl.Projects[0].Dir != "billing" {
			t.Fatalf("want version 3 and one project in billing, got %+v", atl)
		}
		stages, ok := atl.Workflows[atl.Projects[0].Workflow]
		if !ok || len(stages["plan"].Steps) == 0 || len(stages["apply"].Steps) == 0 {
			t.Fatalf("workflow %q has no plan and apply steps", atl.Projects[0].Workflow)
		}
		var runs []string
		for _, step := range stages["plan"].Steps {
			var s struct {
				Run  string `yaml:"run"`
				Plan struct {
					ExtraArgs []string `yaml:"extra_args"`
				} `yaml:"plan"`
			}
			if step.Kind == yaml.MappingNode {
				if err := step.Decode(&s); err != nil {
					t.Fatal(err)
				}
			}
			if s.Run != "" {
				runs = append(runs, s.Run)
			}
			checkTerraformFlags(t, "atlantis plan extra_args", append([]string{"terraform", "plan"}, s.Plan.ExtraArgs...))
		}
		if !slices.Contains(runs, "ci/sandbox-check.sh") {
			t.Errorf("the plan stage does not rehearse against the sandbox: runs %v", runs)
		}
		for _, r := range atl.Projects[0].ApplyRequirements {
			if !slices.Contains([]string{"approved", "mergeable", "undiverged"}, r) {
				t.Errorf("unknown Atlantis apply requirement %q", r)
			}
		}
	})

	t.Run("the scripts they run exist and call real commands", func(t *testing.T) {
		scripts := map[string]string{}
		for _, job := range wf.Jobs {
			for i, s := range job.Steps {
				scripts[fmt.Sprintf("github-actions.yml step %d (%s)", i, s.Name)] = s.Run
			}
		}
		check, err := os.ReadFile(filepath.Join(gitopsDir, "ci", "sandbox-check.sh"))
		if err != nil {
			t.Fatalf("ci/sandbox-check.sh, which both pipelines run: %v", err)
		}
		scripts["ci/sandbox-check.sh"] = string(check)
		sandboxCalls := 0
		for where, script := range scripts {
			for _, line := range strings.Split(script, "\n") {
				words := commandWords(line)
				switch {
				case len(words) == 0:
				case words[0] == "livechat-sandbox":
					sandboxCalls++
					if _, err := parseFlags(words[1:], io.Discard); err != nil {
						t.Errorf("%s runs %q, which livechat-sandbox refuses: %v", where, line, err)
					}
				case words[0] == "terraform" || words[0] == `"$tf"`:
					checkTerraformFlags(t, where, words)
				}
			}
		}
		if sandboxCalls == 0 {
			t.Error("no script starts livechat-sandbox")
		}
	})
}

// runsTerraform: a line of script is the command `terraform sub …`.
func runsTerraform(script, sub string) bool {
	for _, line := range strings.Split(script, "\n") {
		if w := commandWords(line); len(w) >= 2 && w[0] == "terraform" && w[1] == sub {
			return true
		}
	}
	return false
}

func hasSecret(env map[string]string) bool {
	for _, v := range env {
		if strings.Contains(v, "secrets.") {
			return true
		}
	}
	return false
}

func expectNoSecrets(t *testing.T, where string, env map[string]string) {
	t.Helper()
	if hasSecret(env) {
		t.Errorf("%s holds secrets, which every step under it would get: %v", where, env)
	}
}

// runDownloadStep runs the workflow's download step with GitHub's
// variables, env and a curl that serves the files in release; it returns
// what the step added to GITHUB_PATH.
func runDownloadStep(t *testing.T, script, release string, env map[string]string) (string, error) {
	t.Helper()
	for _, tool := range []string{"bash", "tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the step needs %s", tool)
		}
	}
	fake := t.TempDir()
	// curl -fsSLO URL: the file of that name from the release, else exit 22
	// as curl -f does on a 404.
	curl := "#!/usr/bin/env bash\nurl=${!#}\ncp \"$RELEASE/${url##*/}\" . 2>/dev/null || exit 22\n"
	writeFile(t, filepath.Join(fake, "curl"), []byte(curl))
	if err := os.Chmod(filepath.Join(fake, "curl"), 0o755); err != nil {
		t.Fatal(err)
	}
	ghPath := filepath.Join(t.TempDir(), "github_path")
	writeFile(t, ghPath, nil)
	cmd := exec.Command("bash", "-e", "-c", script)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"),
		"RELEASE="+release, "GITHUB_PATH="+ghPath)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	t.Logf("the download step:\n%s", out)
	added, _ := os.ReadFile(ghPath)
	return strings.TrimSpace(string(added)), err
}

// tarGz is a flat tar.gz with one executable file.
func tarGz(t *testing.T, name, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func writeFile(t *testing.T, path string, body []byte) {
	t.Helper()
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
}

// commandWords splits a shell line into its words up to the first
// redirection, pipe, `&`, `||` or comment; good enough for the guide's
// plain command lines.
func commandWords(line string) []string {
	var words []string
	for _, w := range strings.Fields(strings.TrimSpace(line)) {
		if strings.HasPrefix(w, ">") || strings.HasPrefix(w, "2>") || strings.HasPrefix(w, "<") ||
			w == "&" || w == "|" || w == "||" || w == "&&" || strings.HasPrefix(w, "#") {
			break
		}
		words = append(words, w)
	}
	return words
}

// checkTerraformFlags: every -flag of a terraform command line is in the
// CLI's help for that command (apply and destroy also take plan's options).
// Without a CLI at hand it checks nothing.
func checkTerraformFlags(t *testing.T, where string, words []string) {
	t.Helper()
	tf := terraformCLI()
	if tf == "" || len(words) < 2 {
		return
	}
	sub := words[1]
	help := terraformHelp(t, tf, sub)
	if sub == "apply" || sub == "destroy" {
		help += terraformHelp(t, tf, "plan") + terraformHelp(t, tf, "apply")
	}
	for _, name := range unknownFlags(help, words[2:]) {
		t.Errorf("%s: `terraform %s` has no flag %s", where, sub, name)
	}
}

// unknownFlags are the -flags of args that the help text does not list,
// each matched whole: -lock-time is not -lock-timeout.
func unknownFlags(help string, args []string) []string {
	var unknown []string
	for _, w := range args {
		if !strings.HasPrefix(w, "-") {
			continue
		}
		name, _, _ := strings.Cut(w, "=")
		if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + `(=|\s|$)`).MatchString(help) {
			unknown = append(unknown, name)
		}
	}
	return unknown
}

// The flag check itself: a flag that is only the start of a real one, or
// a real one with more after it, is unknown.
func TestUnknownFlags(t *testing.T) {
	const help = "Options:\n\n  -lock=false          Don't hold a state lock.\n\n  -lock-timeout=0s     Duration to retry.\n\n  -no-color            No color.\n"
	got := unknownFlags(help, []string{"-lock=false", "-lock-timeout=5m", "-no-color", "plan.tfplan", "-lock-time=5m", "-no", "-no-colors", "-timeout=1s"})
	if want := []string{"-lock-time", "-no", "-no-colors", "-timeout"}; !slices.Equal(got, want) {
		t.Errorf("unknownFlags = %v, want %v", got, want)
	}
}

var helpCache = map[string]string{}

func terraformHelp(t *testing.T, tf, sub string) string {
	t.Helper()
	if h, ok := helpCache[sub]; ok {
		return h
	}
	cmd := exec.Command(tf, sub, "-help")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // -help exits non-zero
	if !strings.Contains(out.String(), "Usage:") {
		t.Fatalf("`%s %s -help` printed no usage (no such command?):\n%s", tf, sub, out.String())
	}
	helpCache[sub] = out.String()
	return out.String()
}

func terraformCLI() string {
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		return tf
	}
	tf, _ := exec.LookPath("terraform")
	return tf
}

func stepRun(t *testing.T, wf ghWorkflow, job, name string) string {
	t.Helper()
	for _, s := range wf.Jobs[job].Steps {
		if s.Name == name {
			return s.Run
		}
	}
	t.Fatalf("job %s has no step %q", job, name)
	return ""
}

func readYAML(t *testing.T, path string, out any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, out); err != nil {
		t.Fatalf("%s is not valid YAML: %v", path, err)
	}
}

// goreleaser is the part of .goreleaser.yml that names what a release
// publishes.
type goreleaser struct {
	ProjectName string      `yaml:"project_name"`
	Builds      []grBuild   `yaml:"builds"`
	Archives    []grArchive `yaml:"archives"`
	Checksum    struct {
		IDs []string `yaml:"ids"`
	} `yaml:"checksum"`
	Signs   []grSign `yaml:"signs"`
	Release struct {
		GitHub struct{ Owner, Name string } `yaml:"github"`
	} `yaml:"release"`
}

type grBuild struct {
	ID     string `yaml:"id"`
	Main   string `yaml:"main"`
	Binary string `yaml:"binary"`
}

type grArchive struct {
	ID              string   `yaml:"id"`
	Formats         []string `yaml:"formats"`
	NameTemplate    string   `yaml:"name_template"`
	WrapInDirectory string   `yaml:"wrap_in_directory"`
}

type grSign struct {
	ID        string   `yaml:"id"`
	Artifacts string   `yaml:"artifacts"`
	IDs       []string `yaml:"ids"`
	Cmd       string   `yaml:"cmd"`
	Args      []string `yaml:"args"`
	Signature string   `yaml:"signature"`
}

func releaseConfig(t *testing.T) *goreleaser {
	t.Helper()
	var g goreleaser
	readYAML(t, filepath.Join(repoRoot, ".goreleaser.yml"), &g)
	if b := g.sandboxBuild(); b.Main != "./cmd/livechat-sandbox" {
		t.Fatalf("the release's sandbox build is of %q, want ./cmd/livechat-sandbox", b.Main)
	}
	return &g
}

// byID finds the entry with id; the zero value when there is none.
func byID[T any](list []T, id string, idOf func(T) string) T {
	for _, x := range list {
		if idOf(x) == id {
			return x
		}
	}
	var zero T
	return zero
}

// sandboxBuild is the build of livechat-sandbox.
func (g *goreleaser) sandboxBuild() grBuild {
	return byID(g.Builds, "sandbox", func(b grBuild) string { return b.ID })
}

func (g *goreleaser) archive(id string) grArchive {
	return byID(g.Archives, id, func(a grArchive) string { return a.ID })
}

func (g *goreleaser) sign(id string) grSign {
	return byID(g.Signs, id, func(s grSign) string { return s.ID })
}

// render fills a goreleaser name template with the fields archive names use.
func (g *goreleaser) render(t *testing.T, tmpl, version, goos, goarch string) string {
	t.Helper()
	var out strings.Builder
	err := template.Must(template.New("name").Parse(tmpl)).Execute(&out, map[string]string{
		"ProjectName": g.ProjectName, "Version": version, "Os": goos, "Arch": goarch,
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}
