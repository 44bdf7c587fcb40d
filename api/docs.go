package api

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
	swaggerFiles "github.com/swaggo/files/v2"
)

// docsPage is the UI of /docs: Swagger UI, from assets embedded in the binary (it works
// offline), reading this server's own document. The state of the page lives in the fragment
// (deep links), so a reload or a bookmark, with or without a query string, opens the same view.
const docsPage = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>gongjian API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`

// docsInit starts Swagger UI on /openapi.json (the assets' own initializer opens a petstore).
const docsInit = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
};
`

type docsHandlers struct{ spec []byte }

// openAPI godoc
// @Summary      The OpenAPI document
// @Description  This document: OpenAPI 3.0, generated from the code (docs/openapi.json).
// @ID           getOpenAPI
// @Tags         operations
// @Produce      json
// @Success      200  {object}  object
// @Router       /openapi.json [get]
func (h docsHandlers) openAPI(c echo.Context) error {
	if len(h.spec) == 0 {
		return echo.ErrNotFound
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, h.spec)
}

// ui godoc
// @Summary      The document's UI
// @Description  Swagger UI on /openapi.json, served from assets embedded in the binary (no other host is contacted). Any query string is ignored, so bookmarks keep working; the view is kept in the URL's fragment.
// @ID           getDocs
// @Tags         operations
// @Produce      html
// @Success      200  {string}  string  "the page"
// @Router       /docs [get]
func (h docsHandlers) ui(c echo.Context) error {
	return c.HTML(http.StatusOK, docsPage)
}

// asset serves the UI's files; index.html and the initializer are the page's own.
func (h docsHandlers) asset(c echo.Context) error {
	name := path.Clean("/" + c.Param("*"))
	switch name {
	case "/", "/index.html":
		return h.ui(c)
	case "/swagger-initializer.js":
		return c.Blob(http.StatusOK, "application/javascript; charset=utf-8", []byte(docsInit))
	}
	name = strings.TrimPrefix(name, "/")
	if strings.HasSuffix(name, ".map") {
		return echo.ErrNotFound
	}
	b, err := fs.ReadFile(swaggerFiles.FS, name)
	if err != nil {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, contentType(name), b)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "application/javascript; charset=utf-8"
	case ".png":
		return "image/png"
	case ".html":
		return echo.MIMETextHTMLCharsetUTF8
	}
	return echo.MIMEOctetStream
}

// mountDocs serves the generated OpenAPI 3 document and its UI.
func mountDocs(e *echo.Echo, spec []byte) {
	h := docsHandlers{spec: spec}
	e.GET("/openapi.json", h.openAPI)
	e.GET("/docs", h.ui)
	e.GET("/docs/*", h.asset)
}
