// Package web holds the console (API.md §11): its TypeScript sources under src/, built by Vite
// into dist/, which is committed and embedded here so that go build never needs node.
// scripts/check-console.sh rebuilds dist and fails when the committed one is stale.
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Assets is the built console: index.html at its root and content-hashed files under assets/.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid path; "dist" is valid.
		panic(err)
	}
	return sub
}
