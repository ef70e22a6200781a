package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
)

// pageParam reads ?page=N (first page 1, default 1).
func pageParam(w http.ResponseWriter, r *http.Request, fam family) (int, bool) {
	raw := r.URL.Query().Get("page")
	if raw == "" {
		return 1, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		writeError(w, fam, http.StatusBadRequest, "validation_error", fmt.Sprintf("page must be a whole number of at least 1, got %q", raw))
		return 0, false
	}
	return n, true
}

// pageOf returns page (first is 1) of items, never nil.
func pageOf[T any](items []T, page, size int) []T {
	start := (page - 1) * size
	if start >= len(items) {
		return []T{}
	}
	return items[start:min(start+size, len(items))]
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
