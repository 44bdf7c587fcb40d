package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/repository"
)

const keysUsage = `usage: gongjian keys list | rotate | retire KID

  list     the access-token signing keys stored in the database, newest (signing) first
  rotate   add a new key; every replica signs with it within a minute, older keys keep verifying
  retire   delete an old key; tokens it signed stop verifying within a minute
           (retire a key once the access-token lifetime has passed since the rotation)`

// keys manages the signing keys stored in the database (unused when GONGJIAN_JWT_SECRET is set).
func keys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, keysUsage)
		return errors.New("keys: no subcommand")
	}
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		return err
	}
	db, err := repository.Open(ctx, cfg.DatabaseURL, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	store := repository.NewKeys(db)
	switch {
	case args[0] == "list" && len(args) == 1:
		ks, err := store.ListKeys(ctx)
		if err != nil {
			return err
		}
		for i, k := range ks {
			role := "verifies"
			if i == 0 {
				role = "signs"
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", k.Kid, k.CreatedAt.Format(time.RFC3339), role)
		}
		return nil
	case args[0] == "rotate" && len(args) == 1:
		kid, err := store.AddKey(ctx, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, "added signing key", kid)
		return nil
	case args[0] == "retire" && len(args) == 2:
		if err := store.RetireKey(ctx, args[1]); err != nil {
			return fmt.Errorf("retire %s: %w", args[1], err)
		}
		fmt.Fprintln(stdout, "retired key", args[1])
		return nil
	}
	fmt.Fprintln(stderr, keysUsage)
	return fmt.Errorf("keys: bad arguments %q", args)
}
