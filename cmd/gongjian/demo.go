package main

import (
	"context"
	"io"

	"github.com/gongjian/gongjian/app"
)

func loadDemo(ctx context.Context, a *app.App, stdout io.Writer) error {
	if err := a.LoadDemo(ctx, stdout); err != nil {
		return err
	}
	return a.LoadDemoPeople(ctx, stdout)
}
