package changelogcheck

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestRepository fails on every entry of this repository's changelog that
// is not well formed.
func TestRepository(t *testing.T) {
	problems, err := Check(os.DirFS("../.."))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s", p)
	}
}

const goodVersion = "## v0.1.0 (December 1, 2026)\n### FEATURES\n* resource/livechat_direct_charge: new resource\n" +
	"* data-source/livechat_coupon: new data source\n### BUG FIXES\n* provider: fewer logs\n" +
	"* ephemeral/livechat_access_token: x\n* function/checkout_url: y\n* list-resource/livechat_direct_charge: z\n"

func TestCheck_wellFormed(t *testing.T) {
	tree := fstest.MapFS{
		".changes/header.tpl.md":          {Data: []byte("# Changelog\n\n* not an entry: the header is free text\n")},
		".changes/v0.1.0.md":              {Data: []byte(goodVersion)},
		".changes/unreleased/.gitkeep":    {},
		".changes/unreleased/1.yaml":      {Data: []byte("kind: NOTES\nbody: 'provider: it''s fine'\ntime: 2026-12-01T10:00:00Z\n")},
		".changes/unreleased/2.yaml":      {Data: []byte("kind: BUG FIXES\nbody: |\n  resource/livechat_recurrent_charge: a block body\ntime: 2026-12-01T10:00:00Z\n")},
		"CHANGELOG.md":                    {Data: []byte("# Changelog\n\nFree text.\n\n" + goodVersion)},
		"internal/ignored/unrelated.yaml": {Data: []byte("kind: nonsense\n")},
	}
	problems, err := Check(tree)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Errorf("want no problem, got %v", problems)
	}
}

func TestCheck_badEntriesFail(t *testing.T) {
	tree := fstest.MapFS{
		".changes/v0.2.0.md":         {Data: []byte("## 0.2.0\n### Added\n* added a thing\n* resource/livechat_direct_charge:no space\n")},
		".changes/unreleased/1.yaml": {Data: []byte("kind: Fixed\nbody: 'livechat_direct_charge: wrong prefix'\n")},
		".changes/unreleased/2.yaml": {Data: []byte("kind: NOTES\ntime: 2026-12-01T10:00:00Z\n")},
		"CHANGELOG.md":               {Data: []byte("# Changelog\n\n## v0.1.0 (December 1, 2026)\n### FEATURES\n* resource/x: not a livechat resource\n")},
	}
	problems, err := Check(tree)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		`.changes/unreleased/1.yaml:1: kind "Fixed" is not one of BREAKING, NOTES, FEATURES, ENHANCEMENTS, BUG FIXES`,
		`.changes/unreleased/1.yaml:2: entry "livechat_direct_charge: wrong prefix" does not start with ` + subjects,
		`.changes/unreleased/2.yaml:1: no body`,
		`.changes/v0.2.0.md:1: version heading "## 0.2.0" is not "## vX.Y.Z (Month D, YYYY)"`,
		`.changes/v0.2.0.md:2: kind "Added" is not one of BREAKING, NOTES, FEATURES, ENHANCEMENTS, BUG FIXES`,
		`.changes/v0.2.0.md:3: entry "added a thing" does not start with ` + subjects,
		`.changes/v0.2.0.md:4: entry "resource/livechat_direct_charge:no space" does not start with ` + subjects,
		`CHANGELOG.md:5: entry "resource/x: not a livechat resource" does not start with ` + subjects,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheck_missingChangelog(t *testing.T) {
	if _, err := Check(fstest.MapFS{".changes/v0.1.0.md": {Data: []byte(goodVersion)}}); err == nil {
		t.Fatal("want an error when CHANGELOG.md is missing")
	}
}
