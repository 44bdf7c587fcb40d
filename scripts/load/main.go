// Command load drives a running gongjian server with a realistic mix of requests and checks
// afterwards that nothing was over-booked, lost or duplicated. It creates its own data through
// the API (a street, communities, units, users, agreements, offers and needs, under a fresh
// prefix), logged in as a bootstrap admin, and it stops by itself: after --duration or
// --requests, whichever comes first. It only targets this machine (loopback addresses).
//
//	go run ./scripts/load --url http://127.0.0.1:8080 --admin admin:PASSWORD            # the 32-client mix
//	go run ./scripts/load --hot --claims 21000                                          # 8 clients, one hot offer
//	go run ./scripts/load --mode claims --retry-for 60s --duration 20s                  # claims only, retried (fault scripts)
//
// The admin defaults to $GONGJIAN_LOAD_ADMIN, then $GONGJIAN_BOOTSTRAP_ADMIN (username:password).
// The last line of the output is "RESULT key=value ..." for scripts. The exit status is 1 when
// the capacity invariant was broken, an acknowledged claim is missing, an Idempotency-Key made
// two claims or (with --fail-on-5xx, the default) any answer was a 5xx.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

type options struct {
	url, admin string
	mode       string
	clients    int
	duration   time.Duration
	requests   int
	claims     int
	retryFor   time.Duration
	timeout    time.Duration
	failOn5xx  bool
	setup      setup
	hotNights  int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func parse(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "the server (loopback only)")
	fs.StringVar(&o.admin, "admin", or(os.Getenv("GONGJIAN_LOAD_ADMIN"), os.Getenv("GONGJIAN_BOOTSTRAP_ADMIN")), "bootstrap admin as username:password")
	fs.StringVar(&o.mode, "mode", "mix", "mix (search, suggestions, claims, approvals, cancellations), hot (claims on one offer) or claims (hot and spread claims only)")
	hot := fs.Bool("hot", false, "same as --mode hot")
	fs.IntVar(&o.clients, "clients", 0, "concurrent clients (default 32 for mix, 8 for hot and claims)")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "stop after this long (at most 10m)")
	fs.IntVar(&o.requests, "requests", 0, "stop after this many operations (0: --duration only)")
	fs.IntVar(&o.claims, "claims", 21000, "hot mode: stop after this many successful claims on the hot offer")
	fs.DurationVar(&o.retryFor, "retry-for", 0, "retry a claim with the same Idempotency-Key while the server is unavailable, for up to this long")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.BoolVar(&o.failOn5xx, "fail-on-5xx", true, "exit 1 when any answer was a 5xx")
	fs.IntVar(&o.setup.communities, "communities", 4, "communities (each with a staff user who claims)")
	fs.IntVar(&o.setup.units, "units", 4, "units (each with a liaison who posts offers)")
	fs.IntVar(&o.setup.offersPerUnit, "offers-per-unit", 10, "offers per unit")
	fs.IntVar(&o.setup.needsPerCommunity, "needs-per-community", 10, "needs per community")
	fs.IntVar(&o.setup.nights, "nights", 300, "nights every listing recurs (daily, 19:00–07:00)")
	fs.IntVar(&o.hotNights, "hot-nights", 300, "hot claims pick one of the first N nights (1: all on one night)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if *hot {
		o.mode = "hot"
	}
	switch o.mode {
	case "mix":
		o.clients = or0(o.clients, 32)
		o.setup.offerQuantity, o.setup.hotQuantity = 5, 20
	case "hot":
		o.clients = or0(o.clients, 8)
		// Large enough that every claim fits: the run measures the cost of a claim, not refusals.
		o.setup.offerQuantity, o.setup.hotQuantity = 5, 1_000_000
		o.setup.offersPerUnit, o.setup.needsPerCommunity = 1, 0
		o.setup.communities = min(o.setup.communities, 2)
		o.setup.units = 1
	case "claims":
		o.clients = or0(o.clients, 8)
		o.setup.offerQuantity, o.setup.hotQuantity = 3, 10
		o.setup.needsPerCommunity = 0
	default:
		return o, fmt.Errorf("--mode %q: want mix, hot or claims", o.mode)
	}
	if o.duration <= 0 || o.duration > 10*time.Minute {
		return o, errors.New("--duration: want a positive duration of at most 10m")
	}
	if o.clients < 1 || o.clients > 256 {
		return o, errors.New("--clients: want 1–256")
	}
	if o.claims < 1 || o.claims > 200_000 {
		return o, errors.New("--claims: want 1–200000")
	}
	if o.setup.nights < 1 || o.setup.nights > 360 {
		return o, errors.New("--nights: want 1–360 (the agreements last a year)")
	}
	if o.setup.communities < 1 || o.setup.units < 1 || o.setup.communities*o.setup.units > 400 {
		return o, errors.New("--communities and --units: want at least 1 each, at most 400 pairs")
	}
	if !strings.Contains(o.admin, ":") {
		return o, errors.New("--admin: want username:password (or set GONGJIAN_LOAD_ADMIN)")
	}
	return o, nil
}

func or0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parse(args, out)
	if err != nil {
		return err
	}
	base, err := checkLoopback(o.url)
	if err != nil {
		return err
	}
	hc := newHTTP(o.timeout, o.clients)
	name, password, _ := strings.Cut(o.admin, ":")
	t0 := time.Now()
	admin, err := login(ctx, hc, base, name, password)
	if err != nil {
		return err
	}
	w, err := bootstrap(ctx, admin, o.setup)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	fmt.Fprintf(out, "bootstrap %s: %d communities, %d units, %d offers, %d needs, hot offer %s (quantity %d) in %s\n",
		w.prefix, len(w.communities), len(w.units), len(w.offers), len(w.needs), w.hot.id, w.hot.quantity, time.Since(t0).Round(time.Millisecond))

	led := newLedger(w.prefix, o.retryFor)
	led.hotListID = w.hot.id
	rec := newRecorder()
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	start := time.Now()
	switch o.mode {
	case "hot":
		hotLoad(runCtx, o, w, led, rec)
	default:
		mixLoad(runCtx, o, w, led, rec)
	}
	elapsed := time.Since(start)
	fmt.Fprintf(out, "\n%s: %d clients for %s\n", o.mode, o.clients, elapsed.Round(time.Millisecond))
	total, p99 := rec.report(out, elapsed)
	fields := []string{
		"mode=" + o.mode, fmt.Sprintf("clients=%d", o.clients), fmt.Sprintf("requests=%d", total),
		fmt.Sprintf("rps=%.1f", float64(total)/elapsed.Seconds()), "p99_ms=" + ms(p99),
		fmt.Sprintf("5xx=%d", rec.fivexx), fmt.Sprintf("5xx_not_503=%d", rec.not503), "max_gap_ms=" + ms(rec.maxGap),
	}
	if o.mode == "hot" {
		fields = append(fields, hotReport(out, led)...)
	}

	fmt.Fprintln(out, "\nreading every claim back…")
	checkCtx, cancelCheck := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancelCheck()
	v, err := led.check(checkCtx, w)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	fmt.Fprintf(out, "claims read back: %d (%d live); acknowledged %d, refused %d, unanswered %d\n", v.claims, v.live, v.acked, v.refused, v.unknown)
	fmt.Fprintf(out, "lost %d, duplicated %d, created although refused %d, capacity invariant violations %d (over by %v), windows not checked %d\n",
		v.lost, v.duplicated, v.unexpected, v.violations, v.violationsByListng, v.unchecked)
	fields = append(fields, fmt.Sprintf("acknowledged=%d", v.acked), fmt.Sprintf("refused=%d", v.refused),
		fmt.Sprintf("unanswered=%d", v.unknown), fmt.Sprintf("lost=%d", v.lost), fmt.Sprintf("duplicated=%d", v.duplicated),
		fmt.Sprintf("unexpected=%d", v.unexpected), fmt.Sprintf("violations=%d", v.violations))
	fmt.Fprintln(out, "RESULT "+strings.Join(fields, " "))
	switch {
	case v.violations > 0 || v.lost > 0 || v.duplicated > 0 || v.unexpected > 0:
		return errors.New("claims over-booked, lost or duplicated")
	case o.failOn5xx && rec.fivexx > 0:
		return fmt.Errorf("%d answers were 5xx", rec.fivexx)
	}
	return nil
}
