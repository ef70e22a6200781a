package client

import (
	"context"
	"encoding/json"
	"errors"
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
	var all []T
	numbered := func(ctx context.Context, page int) ([]T, error) {
		items, err := fetch(ctx, page)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", page, err)
		}
		return items, nil
	}
	err := eachPage(ctx, pageSize, numbered, func(items []T) bool {
		all = append(all, items...)
		return false
	})
	if errors.Is(err, errTooManyPages) {
		return nil, fmt.Errorf("more than %d pages: giving up", maxPages)
	}
	if err != nil {
		return nil, err
	}
	return all, nil
}

// VisitPages hands page 1, 2, … to visit until visit says stop or the list
// ends (an empty page, or one shorter than pageSize). Unlike WalkPages it
// reads a page only after visit has taken the one before, so a caller that
// needs the first few items reads the first few pages only. It has
// WalkPages' guards: a page that repeats an earlier one, or more than the
// walk's bound of pages, ends it with an error.
func VisitPages[T any](ctx context.Context, pageSize int, fetch PageFetcher[T], visit func(items []T) (stop bool)) error {
	numbered := func(ctx context.Context, page int) ([]T, error) {
		items, err := fetch(ctx, page)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", page, err)
		}
		return items, nil
	}
	err := eachPage(ctx, pageSize, numbered, visit)
	if errors.Is(err, errTooManyPages) {
		return fmt.Errorf("more than %d pages: giving up", maxPages)
	}
	return err
}

// errTooManyPages ends a walk that met maxPages full pages.
var errTooManyPages = errors.New("too many pages")

// eachPage hands page 1, 2, … to visit until visit says stop, a page is
// empty or shorter than pageSize. It fails on a page identical to an
// earlier full one (the server does not advance) and with errTooManyPages
// after maxPages pages; fetch's errors come back as they are.
func eachPage[T any](ctx context.Context, pageSize int, fetch PageFetcher[T], visit func(items []T) (stop bool)) error {
	if pageSize < 1 {
		return fmt.Errorf("page size must be at least 1, got %d", pageSize)
	}
	// seen holds earlier full pages under their fingerprint; a match is
	// confirmed with reflect.DeepEqual.
	seen := map[string][]numberedPage[T]{}
	for page := 1; page <= maxPages; page++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		items, err := fetch(ctx, page)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		key := pageFingerprint(items)
		for _, earlier := range seen[key] {
			if reflect.DeepEqual(items, earlier.items) {
				return fmt.Errorf("page %d repeats page %d: the server does not advance pages", page, earlier.number)
			}
		}
		if visit(items) || len(items) < pageSize {
			return nil
		}
		seen[key] = append(seen[key], numberedPage[T]{number: page, items: items})
	}
	return errTooManyPages
}

type numberedPage[T any] struct {
	number int
	items  []T
}

// pageFingerprint is a page's whole JSON form, under which equal pages
// meet: unlike a printed form it follows pointers, so two decodings of one
// page share it.
func pageFingerprint[T any](items []T) string {
	if b, err := json.Marshal(items); err == nil {
		return string(b)
	}
	return fmt.Sprintf("%#v", items)
}
