package sandbox

import (
	"fmt"
	"slices"
	"testing"
)

// Lists walk the rows in creation order: after puts, updates, deletes and
// a restart from the (unordered) compacted file, newest first is the
// reverse of the order the rows were created in, and a page is its slice.
func TestTable_CreationOrderSurvivesChangesAndRestart(t *testing.T) {
	path := infraDataPath(t)
	s := startServer(t, path, Options{})
	before := ledgerIDs(s.LedgerEntries())
	var created []string
	for i := 0; i < 45; i++ {
		e, err := s.AddLedgerEntry("entry", "collection", int64(i))
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, e.ID)
	}
	// Update one (keeps its place) and delete two (one in the middle, the
	// newest).
	if err := s.update(func(x *tx) error {
		e, _ := s.st.ledger.get(created[10])
		e.Name = "renamed"
		s.st.ledger.put(x, e.ID, e)
		s.st.ledger.del(x, created[20])
		s.st.ledger.del(x, created[44])
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	kept := slices.Concat(created[:20], created[21:44])
	slices.Reverse(kept)
	want := slices.Concat(kept, before)

	check := func(when string, s *Server) {
		t.Helper()
		if got := ledgerIDs(s.LedgerEntries()); !slices.Equal(got, want) {
			t.Fatalf("%s: newest first = %v, want %v", when, got, want)
		}
		for page := 1; page <= (len(want)+ledgerPageSize-1)/ledgerPageSize+1; page++ {
			var got []ledgerEntry
			s.view(func() { got = s.st.ledger.newestPage(page, ledgerPageSize) })
			if w := pageOf(want, page, ledgerPageSize); !slices.Equal(ledgerIDs(got), w) {
				t.Errorf("%s: page %d = %v, want %v", when, page, ledgerIDs(got), w)
			}
		}
		var oldest []string
		s.view(func() {
			s.st.ledger.oldestFirst(func(e ledgerEntry) bool { oldest = append(oldest, e.ID); return true })
		})
		if w := slices.Clone(want); !slices.Equal(oldest, reversed(w)) {
			t.Errorf("%s: oldest first = %v, want %v", when, oldest, reversed(w))
		}
	}
	check("live", s)
	s.Close()
	s = startServer(t, path, Options{})
	check("after restart", s)
	// New rows still go to the front after a restart.
	e, err := s.AddLedgerEntry("after restart", "collection", 1)
	if err != nil {
		t.Fatal(err)
	}
	want = slices.Concat([]string{e.ID}, want)
	check("after restart and a put", s)
}

// Replayed rows in any order are sorted by settle.
func TestTable_SettleSortsReplayedRows(t *testing.T) {
	tb := newTable[ledgerEntry]("ledger")
	for _, id := range []string{"c", "a", "d", "b"} {
		raw := fmt.Sprintf(`{"seq":%d,"v":{"id":%q}}`, id[0]-'a'+1, id)
		if err := tb.apply(id, []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.apply("c", nil); err != nil {
		t.Fatal(err)
	}
	tb.settle()
	if got := ledgerIDs(tb.newestFirst()); !slices.Equal(got, []string{"d", "b", "a"}) {
		t.Errorf("newest first = %v, want [d b a]", got)
	}
	tb.put(nil, "e", ledgerEntry{ID: "e"})
	if got := ledgerIDs(tb.newestPage(1, 2)); !slices.Equal(got, []string{"e", "d"}) {
		t.Errorf("first page of 2 = %v, want [e d]", got)
	}
}

func ledgerIDs(es []ledgerEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func reversed(s []string) []string { slices.Reverse(s); return s }
