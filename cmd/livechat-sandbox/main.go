// Command livechat-sandbox serves a stateful local stand-in of the LiveChat
// platform's Billing, Partner Program, Accounts and Developer Console APIs,
// so Terraform configurations can be tried offline. See API.md §5 and
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

func run(args []string, stdout, stderr io.Writer) error {
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
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}

	var scopeList []string
	for _, sc := range strings.Split(*scopes, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			scopeList = append(scopeList, sc)
		}
	}
	if scopeList == nil {
		scopeList = []string{}
	}
	srv, err := sandbox.New(sandbox.Options{
		AccessToken:         *accessToken,
		PartnerToken:        *partnerToken,
		PartnerPassword:     *partnerPassword,
		DataFile:            *data,
		Scopes:              scopeList,
		RotateRefreshTokens: *rotate,
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", *listen)
	if err != nil {
		return err
	}
	// The line tools wait for (API.md §5); stdout is unbuffered.
	fmt.Fprintf(stdout, "livechat-sandbox listening on http://%s\n", ln.Addr().String())

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		// Stop accepting, let requests in flight finish (each returns only
		// once its change is synced), then flush and close the data file.
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdownCtx)
	}
	return srv.Close()
}
