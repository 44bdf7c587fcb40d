package main

import (
	"context"
	"io"

	"github.com/gongjian/gongjian/app"
)

func loadDemo(ctx context.Context, a *app.App, stdout io.Writer) error {
	return a.LoadDemo(ctx, stdout)
}
