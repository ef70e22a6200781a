package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

type item struct{ ID int }

// pagesOf serves items in pages of size, counting the fetches.
func pagesOf(n, size int, calls *int) PageFetcher[item] {
	return func(_ context.Context, page int) ([]item, error) {
		*calls++
		var out []item
		for i := (page - 1) * size; i < n && i < page*size; i++ {
			out = append(out, item{ID: i})
		}
		return out, nil
	}
}

func TestWalkPages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		n, size   int
		wantCalls int
	}{
		{"empty list", 0, 20, 1},
		{"one short page", 7, 20, 1},
		{"short last page", 45, 20, 3},
		{"exact multiple needs an empty page", 40, 20, 3},
		{"page size one", 3, 1, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			got, err := WalkPages(context.Background(), tc.size, pagesOf(tc.n, tc.size, &calls))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.n {
				t.Fatalf("got %d items, want %d", len(got), tc.n)
			}
			for i, it := range got {
				if it.ID != i {
					t.Fatalf("item %d has id %d: order or duplicates wrong", i, it.ID)
				}
			}
			if calls != tc.wantCalls {
				t.Fatalf("fetched %d pages, want %d", calls, tc.wantCalls)
			}
		})
	}
}

func TestWalkPages_repeatedPage(t *testing.T) {
	t.Parallel()
	full := []item{{1}, {2}}
	other := []item{{3}, {4}}
	for _, tc := range []struct {
		name  string
		pages [][]item
		want  string
	}{
		{"server ignores the page parameter", [][]item{full, full}, "page 2 repeats page 1"},
		{"server cycles", [][]item{full, other, full}, "page 3 repeats page 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			_, err := WalkPages(context.Background(), 2, func(_ context.Context, page int) ([]item, error) {
				calls++
				if page > len(tc.pages) {
					t.Fatalf("the walk went on to page %d", page)
				}
				return tc.pages[page-1], nil
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
			if calls != len(tc.pages) {
				t.Fatalf("fetched %d pages, want %d", calls, len(tc.pages))
			}
		})
	}
}

func TestWalkPages_errorOnPageNPropagates(t *testing.T) {
	t.Parallel()
	boom := &APIError{Status: 503, Message: "down"}
	_, err := WalkPages(context.Background(), 2, func(_ context.Context, page int) ([]item, error) {
		if page == 3 {
			return nil, boom
		}
		return []item{{page * 10}, {page*10 + 1}}, nil
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "page 3") {
		t.Fatalf("want the page 3 error wrapped, got %v", err)
	}
	if apiErr, ok := AsAPIError(err); !ok || apiErr.Status != 503 {
		t.Fatalf("the APIError is not reachable through the wrap: %v", err)
	}
}

func TestWalkPages_guards(t *testing.T) {
	t.Parallel()
	if _, err := WalkPages(context.Background(), 0, func(context.Context, int) ([]item, error) { return nil, nil }); err == nil {
		t.Error("page size 0 was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := WalkPages(ctx, 1, func(_ context.Context, page int) ([]item, error) {
		calls++
		cancel()
		return []item{{page}}, nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("a cancelled walk: %d fetches, err %v", calls, err)
	}
}

// The ledger list walks ?page=N against a server until a short page.
func TestListLedgerEntries(t *testing.T) {
	t.Parallel()
	const total = 45
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var result []map[string]any
		for i := (page - 1) * LedgerPageSize; i < total && i < page*LedgerPageSize; i++ {
			result = append(result, map[string]any{"id": fmt.Sprint(i), "name": "n", "type": LedgerCollection,
				"value": 100, "created_at": time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)})
		}
		writeJSONBody(w, 200, map[string]any{"result": result})
	})
	c := newTestClient(t, testConfig(srv.URL))
	entries, err := c.ListLedgerEntries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != total || entries[44].ID != "44" || entries[0].Value != 100 {
		t.Fatalf("got %d entries, last %+v", len(entries), entries[len(entries)-1])
	}
	if srv.count() != 3 {
		t.Fatalf("server saw %d requests, want 3", srv.count())
	}
}

// Pages decoded separately hold distinct pointers (CampaignSearchResult's
// Offer); a repeat is still a repeat.
func TestWalkPages_repeatedPageWithPointers(t *testing.T) {
	t.Parallel()
	type withPtr struct {
		ID    int
		Offer *string
	}
	calls := 0
	_, err := WalkPages(context.Background(), 2, func(_ context.Context, page int) ([]withPtr, error) {
		calls++
		if page > 3 {
			t.Fatalf("the walk went on to page %d", page)
		}
		a, b := "10% off", "free month"
		return []withPtr{{1, &a}, {2, &b}}, nil // a fresh copy of the same page
	})
	if err == nil || !strings.Contains(err.Error(), "page 2 repeats page 1") {
		t.Fatalf("want %q, got %v", "page 2 repeats page 1", err)
	}
	if calls != 2 {
		t.Fatalf("fetched %d pages, want 2", calls)
	}
}

// VisitPages reads no page past the one where visit stops, reads to the
// end otherwise, and keeps WalkPages' guard against a server that ignores
// ?page= and its numbering of errors.
func TestVisitPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	calls, seen := 0, 0
	err := VisitPages(ctx, 20, pagesOf(100, 20, &calls), func(items []item) bool {
		seen += len(items)
		return seen >= 30
	})
	if err != nil || calls != 2 || seen != 40 {
		t.Fatalf("stopping after 30 items: %d pages read, %d items seen, %v; want 2 pages, 40 items", calls, seen, err)
	}
	calls, seen = 0, 0
	if err := VisitPages(ctx, 20, pagesOf(45, 20, &calls), func(items []item) bool { seen += len(items); return false }); err != nil || calls != 3 || seen != 45 {
		t.Fatalf("to the end: %d pages, %d items, %v", calls, seen, err)
	}
	same := func(context.Context, int) ([]item, error) { return []item{{1}, {2}}, nil }
	if err := VisitPages(ctx, 2, same, func([]item) bool { return false }); err == nil || !strings.Contains(err.Error(), "does not advance") {
		t.Fatalf("a repeated page: %v", err)
	}
	failing := func(_ context.Context, page int) ([]item, error) {
		if page == 2 {
			return nil, errors.New("boom")
		}
		return []item{{1}}, nil
	}
	if err := VisitPages(ctx, 1, failing, func([]item) bool { return false }); err == nil || err.Error() != "page 2: boom" {
		t.Fatalf("a failing page: %v", err)
	}
}
