// Package refcheck finds citations of the platform contract that point at
// no section of it. Code and docs cite docs/design/platform-api.md as
// "platform-api.md §N.M"; a citation of a section that was never written,
// or of the old API.md that is not in the repository, sends a reader
// nowhere, so the test of this package fails on every one of them.
package refcheck

import (
	"bufio"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// DocPath is where the contract lives, relative to the repository root.
const DocPath = "docs/design/platform-api.md"

var (
	// heading is a section heading of the contract: "## §4" or "### §4.6 Title".
	heading = regexp.MustCompile(`^#{1,6}\s+§(\d+(?:\.\d+)*)\b`)
	// citation is a file name followed by one or more sections, such as
	// "platform-api.md §1.1, §1.2" or the same after the old name API.md.
	citation = regexp.MustCompile(`(platform-api\.md|\bAPI\.md)((?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s+)§\d+(?:\.\d+)*)+)`)
	// section is one "§N.M" inside a citation, or anywhere in the contract.
	section = regexp.MustCompile(`§(\d+(?:\.\d+)*)`)
)

// scanned are the kinds of file whose text may cite the contract.
var scanned = map[string]bool{".go": true, ".md": true, ".sh": true, ".yml": true, ".yaml": true, ".tmpl": true}

// skipped are directories of build outputs and tools' caches.
var skipped = map[string]bool{".git": true, "bin": true, "dist": true, "build": true, "node_modules": true}

// Dangling is a citation of a section that does not exist.
type Dangling struct {
	File    string
	Line    int
	Section string
	Why     string
}

func (d Dangling) String() string {
	return fmt.Sprintf("%s:%d: §%s: %s", d.File, d.Line, d.Section, d.Why)
}

// Sections returns the section numbers that the contract's headings define.
func Sections(doc string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(doc, "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			out[m[1]] = true
		}
	}
	return out
}

// Check reads the contract at DocPath in root and every scanned file under
// root, and returns the dangling citations in file and line order. Inside
// the contract a bare "§N.M" is a citation too.
func Check(root fs.FS) ([]Dangling, error) {
	doc, err := fs.ReadFile(root, DocPath)
	if err != nil {
		return nil, fmt.Errorf("reading the contract: %w", err)
	}
	sections := Sections(string(doc))
	if len(sections) == 0 {
		return nil, fmt.Errorf("%s has no §N heading", DocPath)
	}
	var out []Dangling
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != "." && skipped[d.Name()]:
			return fs.SkipDir
		case d.IsDir() || !scanned[path.Ext(p)]:
			return nil
		}
		found, err := checkFile(root, p, sections)
		out = append(out, found...)
		return err
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out, err
}

// checkFile returns the dangling citations of one file.
func checkFile(root fs.FS, p string, sections map[string]bool) ([]Dangling, error) {
	f, err := root.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Dangling
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		out = append(out, checkLine(p, n, sc.Text(), sections)...)
	}
	return out, sc.Err()
}

// checkLine returns the dangling citations of one line of file p.
func checkLine(p string, n int, line string, sections map[string]bool) []Dangling {
	var out []Dangling
	if p == DocPath {
		if heading.MatchString(line) {
			return nil
		}
		for _, m := range section.FindAllStringSubmatch(line, -1) {
			if !sections[m[1]] {
				out = append(out, Dangling{p, n, m[1], "no such section in " + DocPath})
			}
		}
		return out
	}
	for _, c := range citation.FindAllStringSubmatch(line, -1) {
		for _, m := range section.FindAllStringSubmatch(c[2], -1) {
			switch {
			case c[1] == "API.md":
				out = append(out, Dangling{p, n, m[1], "API.md is not in the repository: cite platform-api.md"})
			case !sections[m[1]]:
				out = append(out, Dangling{p, n, m[1], "no such section in " + DocPath})
			}
		}
	}
	return out
}
