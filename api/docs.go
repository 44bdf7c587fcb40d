package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"
)

// mountDocs serves the generated OpenAPI 3 document and a Swagger UI reading it.
func mountDocs(e *echo.Echo, spec []byte) {
	e.GET("/openapi.json", func(c echo.Context) error {
		if len(spec) == 0 {
			return echo.ErrNotFound
		}
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, spec)
	})
	ui := echoSwagger.EchoWrapHandler(echoSwagger.URL("/openapi.json"))
	e.GET("/docs", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, "/docs/index.html")
	})
	e.GET("/docs/*", ui)
}
