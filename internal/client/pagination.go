package client

import (
	"context"
	"fmt"
	"reflect"
)

// maxPages guards a walk against a server that never returns a short page.
const maxPages = 10000

// PageFetcher fetches page n (first page is 1).
type PageFetcher[T any] func(ctx context.Context, page int) ([]T, error)

// WalkPages reads ?page=N lists until a page shorter than pageSize (or an
// empty one). A page identical to the one before it means the server ignores
// the page parameter; the walk stops with an error instead of looping or
// returning duplicates.
func WalkPages[T any](ctx context.Context, pageSize int, fetch PageFetcher[T]) ([]T, error) {
	var all []T
	var prev []T
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
		if page > 1 && reflect.DeepEqual(items, prev) {
			return nil, fmt.Errorf("page %d repeats page %d: the server does not advance pages", page, page-1)
		}
		all = append(all, items...)
		if len(items) < pageSize {
			return all, nil
		}
		prev = items
	}
	return nil, fmt.Errorf("more than %d pages: giving up", maxPages)
}
