package app

import (
	"context"
	"errors"
	"io"
)

// LoadDemo loads the demo district when the database has no users yet.
func (a *App) LoadDemo(ctx context.Context, w io.Writer) error {
	return errors.New("demo data set not built yet")
}
