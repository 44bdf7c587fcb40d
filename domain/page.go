package domain

// Page is a keyset page request: at most Limit items whose id sorts after After. Stores fetch
// Limit+1 rows so the caller can tell whether another page exists.
type Page struct {
	Limit int
	After string
}

// Paginate trims a store result fetched with Limit+1 and returns the id to continue after, or "".
func Paginate[T any](items []T, limit int, id func(T) string) ([]T, string) {
	if limit <= 0 || len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, id(items[len(items)-1])
}
