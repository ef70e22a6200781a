// Command livechat-sandbox serves a stateful local stand-in of the LiveChat
// platform's Billing, Partner Program, Accounts and Developer Console APIs,
// so Terraform configurations can be tried offline. See platform-api.md §5 and
// docs/guides/sandbox.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		// The flag package already printed the problem and the usage.
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "livechat-sandbox:", err)
		os.Exit(1)
	}
}

// usageError is a bad command line.
type usageError struct{ error }

// config is what the command line asks for.
type config struct {
	listen string
	opts   sandbox.Options
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	srv, err := sandbox.New(cfg.opts)
	if err != nil {
		return err
	}
	defer srv.Close()

	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", cfg.listen)
	if err != nil {
		return err
	}
	// Signals are caught before the line below: a tool that stops the
	// sandbox as soon as it has read the line must get the contract's
	// flush and exit 0, not the default death by signal.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The line tools wait for (platform-api.md §5.1); stdout is unbuffered.
	fmt.Fprintf(stdout, "livechat-sandbox listening on http://%s\n", ln.Addr().String())
	if msg := exposureWarning(ln.Addr(), cfg.opts); msg != "" {
		fmt.Fprintln(stderr, msg)
	}
	if err := serve(ctx, newHTTPServer(srv, defaultTimeouts), ln); err != nil {
		return err
	}
	return srv.Close()
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("livechat-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8787", "address to listen on; port 0 picks a free one")
	data := fs.String("data", "", "persist state in this file (loaded at start); empty keeps state in memory")
	accessToken := fs.String("access-token", sandbox.DefaultAccessToken, "OAuth access token accepted by Billing and the Developer Console")
	partnerToken := fs.String("partner-token", sandbox.DefaultPartnerToken, "Partner Program API token")
	partnerPassword := fs.String("partner-password", sandbox.DefaultPartnerPassword, "partner password required to close subscriptions")
	scopes := fs.String("scopes", strings.Join(sandbox.AllScopes, ","), "comma-separated OAuth scopes granted to access tokens")
	rotate := fs.Bool("rotate-refresh-tokens", false, "issue a new refresh token on every exchange and revoke the old one")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: livechat-sandbox [flags]

Serves a stateful local stand-in of the LiveChat Billing, Partner Program,
Accounts and Developer Console APIs, with a control API under /_sandbox/
(loopback clients only). Point the provider at it with
LIVECHAT_API_URL=http://HOST:PORT. See docs/guides/sandbox.md.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, usageError{err}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return config{}, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return config{listen: *listen, opts: sandbox.Options{
		AccessToken:         *accessToken,
		PartnerToken:        *partnerToken,
		PartnerPassword:     *partnerPassword,
		DataFile:            *data,
		Scopes:              scopeList(*scopes),
		RotateRefreshTokens: *rotate,
	}}, nil
}

// scopeList splits -scopes; an empty list grants no scope (not the default).
func scopeList(raw string) []string {
	list := []string{}
	for _, sc := range strings.Split(raw, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			list = append(list, sc)
		}
	}
	return list
}

// timeouts bound what a client may take, never what the sandbox takes:
// fault rules add their latencies without a total bound (each up to 60 s,
// and rules accumulate), so no WriteTimeout could outlast every injected
// delay, and one that fired would drop the connection like
// drop_after_commit does. The sandbox reads each body before it delays a
// request, so ReadTimeout covers the client's sending alone.
type timeouts struct {
	header, read, idle time.Duration
}

var defaultTimeouts = timeouts{header: 10 * time.Second, read: 30 * time.Second, idle: 2 * time.Minute}

func newHTTPServer(h http.Handler, t timeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.header,
		ReadTimeout:       t.read,
		IdleTimeout:       t.idle,
	}
}

// serve serves on ln until it fails or ctx ends (SIGINT or SIGTERM).
func serve(ctx context.Context, hs *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		// Stop accepting, let requests in flight finish (each returns only
		// once its change is synced), then the caller flushes and closes
		// the data file.
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdownCtx)
	}
	return nil
}

// exposureWarning is the warning for a sandbox that other machines can
// reach with credentials anyone can read in its documentation, or "" when
// it listens on loopback only.
func exposureWarning(addr net.Addr, opts sandbox.Options) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() {
		return ""
	}
	var defaults []string
	for _, c := range []struct{ flag, value, def string }{
		{"-access-token", opts.AccessToken, sandbox.DefaultAccessToken},
		{"-partner-token", opts.PartnerToken, sandbox.DefaultPartnerToken},
		{"-partner-password", opts.PartnerPassword, sandbox.DefaultPartnerPassword},
	} {
		if c.value == c.def {
			defaults = append(defaults, c.flag)
		}
	}
	msg := fmt.Sprintf("livechat-sandbox: warning: listening on %s, which other machines can reach, with credentials anyone can look up:", addr)
	if len(defaults) > 0 {
		msg += " " + strings.Join(defaults, ", ") + " left at the default;"
	}
	return msg + " the OAuth client secret, refresh token and Personal Access Token are always the sandbox defaults. Listen on 127.0.0.1 unless other machines must reach the sandbox."
}
