// Package changelogcheck checks the changelog's entries: changie (see
// .changie.yaml) checks that a fragment is YAML of a known kind, but not
// that its body says what it is about, which readers of CHANGELOG.md rely
// on to find the entries of one resource. The test of this package checks
// the fragments in .changes/unreleased, the released versions in .changes
// and CHANGELOG.md itself; `make changelog-check` checks that CHANGELOG.md
// is what changie makes of them.
package changelogcheck

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// Kinds are the kinds of .changie.yaml, in its order.
var Kinds = []string{"BREAKING", "NOTES", "FEATURES", "ENHANCEMENTS", "BUG FIXES"}

var (
	// subject is how an entry's body starts: the object it is about.
	subject = regexp.MustCompile(`^(provider|resource/livechat_[a-z0-9_]+|data-source/livechat_[a-z0-9_]+|ephemeral/livechat_[a-z0-9_]+|list-resource/livechat_[a-z0-9_]+|function/[a-z0-9_]+): \S`)
	// versionHeading is changie's versionFormat: "## v0.1.0 (December 1, 2026)".
	versionHeading = regexp.MustCompile(`^## v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)? \([A-Z][a-z]+ \d{1,2}, \d{4}\)$`)
)

// Problem is an entry or heading that is not well formed.
type Problem struct {
	File string
	Line int
	What string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.What) }

const subjects = "provider:, resource/livechat_x:, data-source/livechat_x:, ephemeral/livechat_x:, list-resource/livechat_x: or function/x:"

func knownKind(k string) bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

func checkBody(file string, line int, body string) []Problem {
	if subject.MatchString(body) {
		return nil
	}
	return []Problem{{file, line, fmt.Sprintf("entry %q does not start with %s", body, subjects)}}
}

// CheckMarkdown checks a released version file or CHANGELOG.md: version
// headings, kind headings and entries.
func CheckMarkdown(file, text string) []Problem {
	var out []Problem
	inVersion := false
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		switch {
		case strings.HasPrefix(line, "## "):
			inVersion = true
			if !versionHeading.MatchString(line) {
				out = append(out, Problem{file, n, fmt.Sprintf("version heading %q is not \"## vX.Y.Z (Month D, YYYY)\"", line)})
			}
		case strings.HasPrefix(line, "### "):
			if k := strings.TrimPrefix(line, "### "); !knownKind(k) {
				out = append(out, Problem{file, n, fmt.Sprintf("kind %q is not one of %s", k, strings.Join(Kinds, ", "))})
			}
		case strings.HasPrefix(line, "* ") && inVersion:
			out = append(out, checkBody(file, n, strings.TrimPrefix(line, "* "))...)
		}
	}
	return out
}

// CheckFragment checks an unreleased entry as changie new writes it:
// "kind: …", "body: …" (plain, quoted or a block), "time: …".
func CheckFragment(file, text string) []Problem {
	lines := strings.Split(text, "\n")
	var kind string
	bodyLine := 0
	var body string
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "kind:"):
			kind = unquote(strings.TrimSpace(strings.TrimPrefix(line, "kind:")))
		case strings.HasPrefix(line, "body:"):
			bodyLine, body = i+1, unquote(strings.TrimSpace(strings.TrimPrefix(line, "body:")))
			if strings.HasPrefix(body, "|") || strings.HasPrefix(body, ">") {
				body = ""
				if i+1 < len(lines) {
					bodyLine, body = i+2, strings.TrimSpace(lines[i+1])
				}
			}
		}
	}
	var out []Problem
	if !knownKind(kind) {
		out = append(out, Problem{file, 1, fmt.Sprintf("kind %q is not one of %s", kind, strings.Join(Kinds, ", "))})
	}
	if bodyLine == 0 {
		return append(out, Problem{file, 1, "no body"})
	}
	return append(out, checkBody(file, bodyLine, body)...)
}

// unquote strips YAML's quotes from a one-line scalar; only the start of
// the body matters, so escapes inside it are left as they are.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '"' && s[len(s)-1] == '"') {
		return s[1 : len(s)-1]
	}
	return s
}

// Check checks the fragments and versions under .changes and CHANGELOG.md
// in root.
func Check(root fs.FS) ([]Problem, error) {
	var out []Problem
	err := fs.WalkDir(root, ".changes", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		text, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		switch {
		case path.Dir(p) == ".changes/unreleased" && path.Ext(p) == ".yaml":
			out = append(out, CheckFragment(p, string(text))...)
		case path.Dir(p) == ".changes" && strings.HasPrefix(path.Base(p), "v") && path.Ext(p) == ".md":
			out = append(out, CheckMarkdown(p, string(text))...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	text, err := fs.ReadFile(root, "CHANGELOG.md")
	if err != nil {
		return nil, err
	}
	return append(out, CheckMarkdown("CHANGELOG.md", string(text))...), nil
}
