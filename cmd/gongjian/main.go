// Command gongjian runs the gongjian service and its tools.
//
//	gongjian serve [--demo]   serve the API (migrating the database first)
//	gongjian migrate          apply database migrations and exit
//	gongjian keys ...         list, rotate or retire access-token signing keys
//	gongjian mcf FILE         solve a DIMACS min-cost-flow problem
//	gongjian healthcheck      exit 0 when the local server is ready (for container health checks)
//	gongjian version          print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
	// Listings expand their recurrences in IANA zones (Asia/Shanghai by default); embedding the
	// zone database keeps that right on hosts and images without one.
	_ "time/tzdata"

	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/repository"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gongjian:", err)
		os.Exit(1)
	}
}

const usage = `usage: gongjian <command> [flags]

commands:
  serve [--demo]      serve the API; --demo loads a demo district into an empty database
  migrate             apply database migrations and exit
  keys list|rotate|retire KID
                      manage the access-token signing keys stored in the database
  mcf FILE [--flows]  solve a DIMACS min-cost-flow problem and print the DIMACS solution
  healthcheck [--url URL]
                      exit 0 when the local server's /readyz answers 200 (container HEALTHCHECK)
  version             print the version

configuration comes from GONGJIAN_* environment variables; see README.md.`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errors.New("no command")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, getenv, stderr)
	case "keys":
		return keys(ctx, args[1:], getenv, stdout, stderr)
	case "mcf":
		return mcf(args[1:], stdout)
	case "healthcheck":
		return healthcheck(ctx, args[1:], getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "gongjian", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func newLogger(cfg app.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	demo := fs.Bool("demo", false, "load the demo data set when the database is empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		return err
	}
	// A server's heap is small and made of short-lived request garbage: at the runtime's default
	// (collect at 100 % growth) the 32-client mix spent some 12 % of its CPU in the collector.
	// At 200 that halves for a few tens of MB more at peak. GOGC in the environment still decides,
	// and GOMEMLIMIT caps the heap in a container.
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	log := newLogger(cfg, stderr)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if *demo {
		if err := loadDemo(ctx, a, stdout); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Past the request deadline, which answers 503 first; the slack is for writing it.
		WriteTimeout:   cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving", "addr", cfg.Addr, "config", cfg.String(), "version", version)
	a.StartBackground(ctx)
	if cfg.PprofAddr != "" {
		go servePprof(ctx, cfg.PprofAddr, log)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Drain: /readyz answers 503 while requests keep being served, so load balancers take this
	// replica out before its listener closes; then in-flight requests finish within their
	// deadline.
	log.Info("draining", "period", cfg.ShutdownDrain)
	a.BeginDrain()
	select {
	case <-time.After(cfg.ShutdownDrain):
	case err := <-errc:
		return err
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), cfg.RequestTimeout+5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func migrate(ctx context.Context, getenv func(string) string, stderr io.Writer) error {
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	db, err := repository.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	log.Info("migrated", "dialect", db.Dialect())
	return nil
}
