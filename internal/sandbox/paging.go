package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
)

// maxPage bounds ?page=: far past the end of any list the sandbox holds,
// and small enough that (page-1)*size cannot overflow.
const maxPage = 1_000_000

// pageParam reads ?page=N (first page 1, default 1).
func pageParam(w http.ResponseWriter, r *http.Request, fam family) (int, bool) {
	raw := r.URL.Query().Get("page")
	if raw == "" {
		return 1, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxPage {
		writeError(w, fam, http.StatusBadRequest, "validation_error",
			fmt.Sprintf("page must be a whole number between 1 and %d, got %q", maxPage, raw))
		return 0, false
	}
	return n, true
}

// pageOf returns page (first is 1) of items, never nil.
func pageOf[T any](items []T, page, size int) []T {
	start, ok := pageStart(page, size, len(items))
	if !ok {
		return []T{}
	}
	return items[start:min(start+size, len(items))]
}

// pageStart is the index of page's first item among n, or false when the
// page lies past the end; it never overflows, whatever page is.
func pageStart(page, size, n int) (int, bool) {
	if page < 1 || size < 1 || page-1 >= (n+size-1)/size {
		return 0, false
	}
	return (page - 1) * size, true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
