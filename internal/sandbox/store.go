package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync/atomic"
)

// A table is one kind of stored object, keyed by id. Rows remember the order
// they were created in so lists can answer newest first. Tables are changed
// only inside Server.update, which persists every change before the
// response is written.
type table[T any] struct {
	name string
	rows map[string]*row[T]
	seq  int64

	// order holds the rows by ascending Seq (creation order), so a list is
	// a walk rather than a sort. put appends (a new row always has the
	// highest Seq); only replaying a snapshot, whose rows come in any
	// order, leaves it unsorted until settle.
	order    []*row[T]
	unsorted bool

	// ver counts changes; memo holds one value derived from the rows at a
	// version, so a read that aggregates the whole table (the ledger
	// balance) costs O(1) until the table changes.
	ver  uint64
	memo atomic.Pointer[tableMemo]
}

type tableMemo struct {
	ver uint64
	v   any
}

// derived returns compute() for the table as it is now, computing it at
// most once per change. The caller holds the state lock (read or write).
func (t *table[T]) derived(compute func() any) any {
	if m := t.memo.Load(); m != nil && m.ver == t.ver {
		return m.v
	}
	v := compute()
	t.memo.Store(&tableMemo{ver: t.ver, v: v})
	return v
}

type row[T any] struct {
	Seq int64 `json:"seq"`
	V   *T    `json:"v"`
}

func newTable[T any](name string) *table[T] {
	return &table[T]{name: name, rows: map[string]*row[T]{}}
}

// get returns a copy of the object with id, so callers cannot change stored
// state outside a transaction.
func (t *table[T]) get(id string) (T, bool) {
	r, ok := t.rows[id]
	if !ok {
		var zero T
		return zero, false
	}
	return *r.V, true
}

func (t *table[T]) has(id string) bool { _, ok := t.rows[id]; return ok }

func (t *table[T]) len() int { return len(t.rows) }

// newestFirst returns copies of all objects, the most recently created first.
func (t *table[T]) newestFirst() []T {
	out := make([]T, len(t.order))
	for i, r := range t.order {
		out[len(out)-1-i] = *r.V
	}
	return out
}

// newestPage returns copies of page (first is 1) of the objects listed
// newest first, size to a page; never nil. Only the page is copied.
func (t *table[T]) newestPage(page, size int) []T {
	start, ok := pageStart(page, size, len(t.order))
	if !ok {
		return []T{}
	}
	out := make([]T, 0, min(size, len(t.order)-start))
	for i := len(t.order) - 1 - start; i >= 0 && len(out) < size; i-- {
		out = append(out, *t.order[i].V)
	}
	return out
}

// oldestFirst yields copies of the objects in creation order until yield
// returns false. The table must not change during the walk.
func (t *table[T]) oldestFirst(yield func(T) bool) {
	for _, r := range t.order {
		if !yield(*r.V) {
			return
		}
	}
}

// newestFirstEach yields copies of the objects, the most recently created
// first, until yield returns false. The table must not change during the
// walk.
func (t *table[T]) newestFirstEach(yield func(T) bool) {
	for i := len(t.order) - 1; i >= 0; i-- {
		if !yield(*t.order[i].V) {
			return
		}
	}
}

// unlink removes r from order.
func (t *table[T]) unlink(r *row[T]) {
	i := len(t.order)
	if !t.unsorted {
		i = sort.Search(len(t.order), func(i int) bool { return t.order[i].Seq >= r.Seq })
	}
	if i >= len(t.order) || t.order[i] != r {
		i = slices.Index(t.order, r)
	}
	if i >= 0 {
		t.order = slices.Delete(t.order, i, i+1)
	}
}

// settle sorts order after a replay; the caller is the only one using the
// table.
func (t *table[T]) settle() {
	if t.unsorted {
		slices.SortFunc(t.order, func(a, b *row[T]) int { return cmp.Compare(a.Seq, b.Seq) })
		t.unsorted = false
	}
}

// put stores v under id within tx and records the change for persistence.
func (t *table[T]) put(tx *tx, id string, v T) {
	r, ok := t.rows[id]
	if !ok {
		t.seq++
		r = &row[T]{Seq: t.seq}
		t.rows[id] = r
		t.order = append(t.order, r)
	}
	val := v
	r.V = &val
	t.ver++
	tx.record(t.name, id, r)
}

// del removes id within tx.
func (t *table[T]) del(tx *tx, id string) {
	r, ok := t.rows[id]
	if !ok {
		return
	}
	delete(t.rows, id)
	t.unlink(r)
	t.ver++
	tx.record(t.name, id, nil)
}

// apply replays one persisted change; settle must follow the replay.
func (t *table[T]) apply(id string, raw json.RawMessage) error {
	t.ver++
	old := t.rows[id]
	if raw == nil || string(raw) == "null" {
		if old != nil {
			delete(t.rows, id)
			t.unlink(old)
		}
		return nil
	}
	var r row[T]
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("table %s, id %s: %w", t.name, id, err)
	}
	if r.V == nil {
		return fmt.Errorf("table %s, id %s: empty row", t.name, id)
	}
	if old != nil && old.Seq == r.Seq {
		// A later version of the row: it keeps its place.
		old.V = r.V
		return nil
	}
	if old != nil {
		t.unlink(old)
	}
	if n := len(t.order); n > 0 && t.order[n-1].Seq >= r.Seq {
		t.unsorted = true
	}
	t.rows[id] = &r
	t.order = append(t.order, &r)
	if r.Seq > t.seq {
		t.seq = r.Seq
	}
	return nil
}

// dump returns every row for snapshots.
func (t *table[T]) dump() map[string]any {
	out := make(map[string]any, len(t.rows))
	for id, r := range t.rows {
		out[id] = r
	}
	return out
}

// objects returns the stored objects, newest first (for /_sandbox/state).
func (t *table[T]) objects() any { return t.newestFirst() }

func (t *table[T]) reset() {
	t.rows = map[string]*row[T]{}
	t.order = nil
	t.unsorted = false
	t.seq = 0
	t.ver++
}

// anyTable is what the store needs of a table regardless of its type.
type anyTable interface {
	apply(id string, raw json.RawMessage) error
	settle()
	dump() map[string]any
	reset()
	len() int
	objects() any
}

// change is one persisted mutation: the new row of Table/ID, or a deletion
// when Row is null.
type change struct {
	Table string          `json:"t"`
	ID    string          `json:"k"`
	Row   json.RawMessage `json:"v"`
}

// tx collects the changes of one update.
type tx struct {
	changes []change
	err     error
}

func (x *tx) record(table, id string, r any) {
	if x == nil {
		return
	}
	var raw json.RawMessage
	if r != nil {
		b, err := json.Marshal(r)
		if err != nil && x.err == nil {
			x.err = err
		}
		raw = b
	}
	x.changes = append(x.changes, change{Table: table, ID: id, Row: raw})
}
