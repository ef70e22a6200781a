package client

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
)

// maxPages guards a walk against a server that never returns a short page.
const maxPages = 10000

// PageFetcher fetches page n (first page is 1).
type PageFetcher[T any] func(ctx context.Context, page int) ([]T, error)

// WalkPages reads ?page=N lists until a page shorter than pageSize (or an
// empty one). A page identical to an earlier one means the server ignores
// the page parameter (or cycles); the walk stops with an error instead of
// looping or returning duplicates.
func WalkPages[T any](ctx context.Context, pageSize int, fetch PageFetcher[T]) ([]T, error) {
	if pageSize < 1 {
		return nil, fmt.Errorf("page size must be at least 1, got %d", pageSize)
	}
	var all []T
	// seen indexes earlier full pages by their JSON form (which, unlike a
	// printed form, follows pointers, so two decodings of one page share
	// a key); a match is confirmed with reflect.DeepEqual against the
	// page's place in all: every indexed page is full.
	seen := map[string][]int{}
	for page := 1; page <= maxPages; page++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		items, err := fetch(ctx, page)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", page, err)
		}
		if len(items) == 0 {
			return all, nil
		}
		key := pageKey(items)
		for _, earlier := range seen[key] {
			if reflect.DeepEqual(items, all[(earlier-1)*pageSize:earlier*pageSize]) {
				return nil, fmt.Errorf("page %d repeats page %d: the server does not advance pages", page, earlier)
			}
		}
		all = append(all, items...)
		if len(items) < pageSize {
			return all, nil
		}
		seen[key] = append(seen[key], page)
	}
	return nil, fmt.Errorf("more than %d pages: giving up", maxPages)
}

// pageKey is a cheap key under which equal pages meet.
func pageKey[T any](items []T) string {
	if b, err := json.Marshal(items); err == nil {
		return string(b)
	}
	return fmt.Sprintf("%#v", items)
}
