package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// The sandbox's own throughput, measured over HTTP against the built
// binary with a data file, as pipelines run it: with throughputObjects
// stored, how many reads and how many durable writes (each answered only
// after its fsync) it serves per second.
const (
	throughputObjects = 10_000
	throughputWindow  = 3 * time.Second
	throughputClients = 32
)

// throughputResult is one load's figures.
type throughputResult struct {
	What string
	// Reads tells reads from writes, whose targets differ.
	Reads    bool
	Clients  int
	Requests int64
	Failures int64
	Elapsed  time.Duration
}

func (r throughputResult) perSecond() float64 {
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// loadClient is an HTTP client with as many keep-alive connections as
// there are load clients.
func loadClient() *http.Client {
	tr := &http.Transport{MaxIdleConns: throughputClients, MaxIdleConnsPerHost: throughputClients, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// measureThroughput starts a sandbox of its own on a data file in dir,
// stores throughputObjects recurrent charges and measures reads of them
// and further writes.
func measureThroughput(ctx context.Context, bin, dir string) ([]throughputResult, error) {
	data := filepath.Join(dir, "throughput.jsonl")
	for _, f := range []string{data, data + ".lock"} {
		_ = os.Remove(f)
	}
	sb, err := startSandbox(ctx, bin, dir, "throughput-sandbox.err", "-data", data)
	if err != nil {
		return nil, err
	}
	defer sb.stop()
	hc := loadClient()
	fmt.Fprintf(os.Stderr, "livechat-bench: storing %d charges in a sandbox with a data file\n", throughputObjects)
	ids, seed := storeCharges(ctx, hc, sb.url, throughputObjects)
	if seed.Failures > 0 {
		return nil, fmt.Errorf("storing %d charges: %d of them failed", throughputObjects, seed.Failures)
	}
	reads := runLoad(ctx, "read a stored charge", throughputClients, func(i int64) bool {
		return chargeCall(ctx, hc, http.MethodGet, sb.url+"/v3/recurrent_charge/livechat/"+ids[int(i)%len(ids)], nil, nil)
	})
	reads.Reads = true
	write := func(i int64) bool {
		return chargeCall(ctx, hc, http.MethodPost, sb.url+"/v3/recurrent_charge/livechat", chargeBody(i), nil)
	}
	writes := runLoad(ctx, "durable write (create a charge)", throughputClients, write)
	single := runLoad(ctx, "durable write (create a charge)", 1, write)
	return []throughputResult{seed, reads, writes, single}, nil
}

// storeCharges creates n charges from throughputClients clients and
// returns their ids; its figures are those of the writes.
func storeCharges(ctx context.Context, hc *http.Client, base string, n int) ([]string, throughputResult) {
	ids := make([]string, n)
	var next, failures atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range throughputClients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				var out struct {
					ID string `json:"id"`
				}
				if !chargeCall(ctx, hc, http.MethodPost, base+"/v3/recurrent_charge/livechat", chargeBody(i), &out) || out.ID == "" {
					failures.Add(1)
				}
				ids[i] = out.ID
			}
		})
	}
	wg.Wait()
	return ids, throughputResult{
		What: fmt.Sprintf("durable write, filling the store to %d", n), Clients: throughputClients,
		Requests: int64(n), Failures: failures.Load(), Elapsed: time.Since(start),
	}
}

// runLoad calls call from clients goroutines for throughputWindow.
func runLoad(ctx context.Context, what string, clients int, call func(i int64) bool) throughputResult {
	var issued, done, failures atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, throughputWindow)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				ok := call(issued.Add(1))
				switch {
				case ctx.Err() != nil:
					// Cut short by the end of the window: not a figure.
				case ok:
					done.Add(1)
				default:
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return throughputResult{What: what, Clients: clients, Requests: done.Load(), Failures: failures.Load(), Elapsed: time.Since(start)}
}

func chargeBody(i int64) []byte {
	b, _ := json.Marshal(map[string]any{
		"name": fmt.Sprintf("Throughput charge %d", i), "price": 1900, "return_url": "https://example.com/billing/done",
	})
	return b
}

// chargeCall makes one billing call and reports a 2xx answer; out, when
// not nil, receives its JSON.
func chargeCall(ctx context.Context, hc *http.Client, method, url string, body []byte, out any) bool {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer sandbox-access-token")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode/100 != 2 {
		return false
	}
	return out == nil || json.Unmarshal(data, out) == nil
}
