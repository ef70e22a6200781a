package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
	Jobs map[string]struct {
		If    string   `yaml:"if"`
		Steps []ghStep `yaml:"steps"`
	} `yaml:"jobs"`
}

type ghStep struct {
	Name string `yaml:"name"`
	Uses string `yaml:"uses"`
	Run  string `yaml:"run"`
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
			`"$archive` + strings.TrimPrefix(rel.sign("sandbox-sha256").Signature, "${artifact}") + `"`,
			`"$archive" -C bin ` + rel.build("sandbox").Binary,
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
	for _, w := range words[2:] {
		if !strings.HasPrefix(w, "-") {
			continue
		}
		name, _, _ := strings.Cut(w, "=")
		if !strings.Contains(help, "  "+name) {
			t.Errorf("%s: `terraform %s` has no flag %s", where, sub, name)
		}
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
	ID        string `yaml:"id"`
	Signature string `yaml:"signature"`
}

func releaseConfig(t *testing.T) *goreleaser {
	t.Helper()
	var g goreleaser
	readYAML(t, filepath.Join(repoRoot, ".goreleaser.yml"), &g)
	if b := g.build("sandbox"); b.Main != "./cmd/livechat-sandbox" {
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

func (g *goreleaser) build(id string) grBuild {
	return byID(g.Builds, id, func(b grBuild) string { return b.ID })
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
