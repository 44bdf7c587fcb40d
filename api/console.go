package api

import (
	"errors"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// consoleCSP keeps the console to its own origin: no script, style, font or image from another
// host, no framing.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// mountConsole serves the web console (API.md §11) from files: the built single-page app with
// index.html at its root and content-hashed assets under assets/. A path that names no file is
// a page of the app (a deep link) and gets index.html; a missing asset is 404.
func mountConsole(e *echo.Echo, files fs.FS) {
	e.GET("/console", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, "/console/")
	})
	serve := func(c echo.Context) error {
		name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if name != "" && name != "index.html" {
			data, err := fs.ReadFile(files, name)
			switch {
			case err == nil:
				ctype := mime.TypeByExtension(path.Ext(name))
				if ctype == "" {
					ctype = http.DetectContentType(data)
				}
				if strings.HasPrefix(name, "assets/") {
					h.Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					h.Set("Cache-Control", "no-cache")
				}
				return c.Blob(http.StatusOK, ctype, data)
			case !errors.Is(err, fs.ErrNotExist):
				return err
			case strings.HasPrefix(name, "assets/") || path.Ext(name) != "":
				return echo.ErrNotFound
			}
		}
		index, err := fs.ReadFile(files, "index.html")
		if err != nil {
			return echo.ErrNotFound
		}
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Security-Policy", consoleCSP)
		h.Set("Referrer-Policy", "same-origin")
		return c.HTMLBlob(http.StatusOK, index)
	}
	e.GET("/console/*", serve)
	e.HEAD("/console/*", serve)
}
