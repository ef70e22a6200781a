package sandbox

import "testing"

// The memoised ledger balance follows every kind of change to the table.
func TestTable_DerivedFollowsChanges(t *testing.T) {
	s := startServer(t, "", Options{})
	base := s.LedgerBalance()
	if err := infraAddEntry(s, "one", 250); err != nil {
		t.Fatal(err)
	}
	if got := s.LedgerBalance(); got != base+250 {
		t.Errorf("after put: %d, want %d", got, base+250)
	}
	var id string
	s.view(func() { id = s.st.ledger.newestFirst()[0].ID })
	if err := s.update(func(x *tx) error { s.st.ledger.del(x, id); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := s.LedgerBalance(); got != base {
		t.Errorf("after del: %d, want %d", got, base)
	}
	s.view(func() {}) // no change, same memo
	if err := s.update(func(x *tx) error {
		return s.st.ledger.apply("replayed", []byte(`{"seq":99,"v":{"id":"replayed","value":-5}}`))
	}); err != nil {
		t.Fatal(err)
	}
	if got := s.LedgerBalance(); got != base-5 {
		t.Errorf("after apply: %d, want %d", got, base-5)
	}
	if err := s.resetState(); err != nil {
		t.Fatal(err)
	}
	if got := s.LedgerBalance(); got != seedLedgerBalance {
		t.Errorf("after reset: %d, want the seed's %d", got, seedLedgerBalance)
	}
}
