package sandbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// Request throughput through a real loopback listener with 10,000 objects
// stored. Run:
//
//	go test ./internal/sandbox -run '^$' -bench . -benchtime 5s
//
// Each benchmark reports req/s; the durable ones also report how many
// writes shared one fsync (writes/fsync).

const benchObjects = 10_000

// benchClient keeps one connection per parallel client.
func benchClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns}}
}

func benchServer(b *testing.B, path string) (*Server, string) {
	s := startServer(b, path, Options{})
	seedLedgerEntries(b, s, benchObjects)
	if path != "" {
		// Start from a compacted file, as after a restart.
		s.Close()
		s = startServer(b, path, Options{})
	}
	return s, serveLoopback(b, s).URL
}

func benchReportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkReadBalance: GET /v2/ledger/livechat/balance (sums every stored
// ledger entry) from 4 clients per core.
func BenchmarkReadBalance(b *testing.B) {
	_, base := benchServer(b, "")
	client := benchClient(64)
	var failures atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, base+"/v2/ledger/livechat/balance", nil)
			req.Header.Set("Authorization", "Bearer "+DefaultAccessToken)
			resp, err := client.Do(req)
			if err != nil {
				failures.Add(1)
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				failures.Add(1)
			}
		}
	})
	b.StopTimer()
	benchReportRate(b)
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d reads failed", n)
	}
}

// BenchmarkDurableWrite: POST /v2/token (stores a token row) with -data, so
// every answer waited for its fsync.
func BenchmarkDurableWrite(b *testing.B) {
	for _, bc := range []struct {
		name        string
		parallelism int // clients per core
	}{
		{"clients=1", 0},
		{"clients=32", 16},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s, base := benchServer(b, infraDataPath(b))
			client := benchClient(64)
			syncs := s.journal.syncs.Load()
			var failures atomic.Int64
			form := infraTokenForm()
			write := func() {
				resp, err := client.Post(base+"/v2/token", "application/x-www-form-urlencoded", strings.NewReader(form))
				if err != nil {
					failures.Add(1)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failures.Add(1)
				}
			}
			b.ResetTimer()
			if bc.parallelism == 0 {
				for i := 0; i < b.N; i++ {
					write()
				}
			} else {
				b.SetParallelism(bc.parallelism)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						write()
					}
				})
			}
			b.StopTimer()
			benchReportRate(b)
			if n := s.journal.syncs.Load() - syncs; n > 0 {
				b.ReportMetric(float64(b.N)/float64(n), "writes/fsync")
			}
			if n := failures.Load(); n > 0 {
				b.Fatalf("%d writes failed", n)
			}
		})
	}
}

// BenchmarkListLedgerPage: GET /v2/ledger/livechat?page=N (20 entries) with
// 10,000 entries stored, served in-process so the figure is the sandbox's
// own work per page. Run:
//
//	go test ./internal/sandbox -run '^$' -bench ListLedgerPage -benchmem
func BenchmarkListLedgerPage(b *testing.B) {
	s := startServer(b, "", Options{})
	seedLedgerEntries(b, s, benchObjects)
	pages := benchObjects / ledgerPageSize
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodGet, "/v2/ledger/livechat?page="+strconv.Itoa(1+i%pages), nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAccessToken)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
