package refcheck

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestRepository fails on every citation in this repository of a section
// of the platform contract that does not exist.
func TestRepository(t *testing.T) {
	dangling, err := Check(os.DirFS("../.."))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dangling {
		t.Errorf("%s", d)
	}
}

// s is the section sign, kept apart from the file names in this file so
// that TestRepository does not read the fake citations below as real ones.
const s = "§"

const fakeDoc = "# Contract\n\n## " + s + "0 Hosts\n\n### " + s + "0.1 APIs\n\n## " + s + "1 Billing\n\n" +
	"### " + s + "1.2 Direct charges\n\nSee " + s + "0.1 and " + s + "1.2.\n"

func fakeTree(files map[string]string) fstest.MapFS {
	tree := fstest.MapFS{DocPath: {Data: []byte(fakeDoc)}}
	for name, text := range files {
		tree[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return tree
}

func TestSections(t *testing.T) {
	got := Sections(fakeDoc)
	for _, want := range []string{"0", "0.1", "1", "1.2"} {
		if !got[want] {
			t.Errorf("section %s not found in %v", want, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("got %d sections %v, want 4", len(got), got)
	}
}

func TestCheck_existingSectionsPass(t *testing.T) {
	tree := fakeTree(map[string]string{
		"internal/client/x.go": "package client\n\n// Billing (platform-api.md " + s + "1, " + s + "1.2).\n",
		"README.md":            "The hosts are in platform-api.md " + s + "0.1 and " + s + "0.\n",
	})
	dangling, err := Check(tree)
	if err != nil {
		t.Fatal(err)
	}
	if len(dangling) != 0 {
		t.Errorf("want no dangling citation, got %v", dangling)
	}
}

func TestCheck_madeUpReferencesFail(t *testing.T) {
	tree := fakeTree(map[string]string{
		"internal/client/x.go":     "package client\n\n// Fine (platform-api.md " + s + "1.2).\n// Made up (platform-api.md " + s + "1.1, " + s + "7).\n",
		"scripts/run.sh":           "#!/bin/sh\n# old (API.md " + s + "0.1)\n",
		"docs/guides/g.md":         "ok\nsee platform-api.md " + s + "0.1 and " + s + "3.4\n",
		"build/generated.go":       "// platform-api.md " + s + "99 is in a skipped directory\n",
		"internal/client/data.bin": "platform-api.md " + s + "98 is not a scanned kind of file\n",
	})
	tree[DocPath].Data = append(tree[DocPath].Data, []byte("A bad cross-reference: "+s+"2.1.\n")...)
	dangling, err := Check(tree)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dangling {
		got = append(got, d.String())
	}
	want := []string{
		DocPath + ":12: " + s + "2.1: no such section in " + DocPath,
		"docs/guides/g.md:2: " + s + "3.4: no such section in " + DocPath,
		"internal/client/x.go:4: " + s + "1.1: no such section in " + DocPath,
		"internal/client/x.go:4: " + s + "7: no such section in " + DocPath,
		"scripts/run.sh:2: " + s + "0.1: API.md is not in the repository: cite platform-api.md",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("dangling citations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheck_missingContract(t *testing.T) {
	if _, err := Check(fstest.MapFS{"x.go": {Data: []byte("package x\n")}}); err == nil {
		t.Fatal("want an error when the contract is missing")
	}
}
