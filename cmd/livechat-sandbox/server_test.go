package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// serveWith serves an answering handler with the given timeouts.
func serveWith(t *testing.T, to timeouts) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	}), to)
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return ln.Addr().String()
}

// closedWithin reports whether the server closes conn within d (a read
// returns EOF or a reset rather than timing out here).
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) bool {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	return !errors.As(err, &ne) || !ne.Timeout()
}

// Each timeout of the server drops a client that stalls at that stage.
func TestHTTPServer_dropsStalledClients(t *testing.T) {
	addr := serveWith(t, timeouts{header: 200 * time.Millisecond, read: 400 * time.Millisecond, idle: 300 * time.Millisecond})
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}

	half := dial()
	_, _ = io.WriteString(half, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
	if !closedWithin(t, half, 3*time.Second) {
		t.Error("a client that never finishes its header was not dropped")
	}

	slowBody := dial()
	_, _ = io.WriteString(slowBody, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nab")
	if !closedWithin(t, slowBody, 3*time.Second) {
		t.Error("a client that never finishes its body was not dropped")
	}

	idle := dial()
	_, _ = io.WriteString(idle, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("first request on the idle connection: %v", err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(io.LimitReader(resp.Body, 2)); string(b) != "ok" {
		t.Fatalf("first answer %q", b)
	}
	if !closedWithin(t, idle, 3*time.Second) {
		t.Error("an idle keep-alive connection was not closed")
	}
}

// The defaults bound every stage a client controls and leave the handler
// unbounded, as the sandbox's own injected delays need.
func TestHTTPServer_defaults(t *testing.T) {
	hs := newHTTPServer(http.NotFoundHandler(), defaultTimeouts)
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout < hs.ReadHeaderTimeout || hs.IdleTimeout <= 0 {
		t.Errorf("timeouts header %s, read %s, idle %s: want all set, read at least header",
			hs.ReadHeaderTimeout, hs.ReadTimeout, hs.IdleTimeout)
	}
	if hs.WriteTimeout != 0 {
		t.Errorf("WriteTimeout %s would cut injected fault latencies short", hs.WriteTimeout)
	}
}
