// Package floors holds the two providers the benchmark harness measures
// the livechat provider against: Minimal, one small resource, and
// SameSchema, the livechat provider's own resource schemas with trivial
// CRUD. Both keep their objects in a Store: in the benchmark a MemStore
// served over loopback HTTP by the harness (each Terraform command starts
// new provider processes, so the objects must live outside them), in the
// Go benchmarks a MemStore in the same process.
package floors

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// EnvStoreURL names the environment variable that carries the address of
// the harness's store to the floor provider processes.
const EnvStoreURL = "LIVECHAT_BENCH_FLOOR_URL"

// Store keeps opaque objects by id: the floors' whole "API".
type Store interface {
	Put(ctx context.Context, id string, body []byte) error
	// Get returns found == false for an id that is not stored.
	Get(ctx context.Context, id string) (body []byte, found bool, err error)
	Delete(ctx context.Context, id string) error
}

// NewID returns a random object id.
func NewID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// MemStore is a Store in memory that counts the calls made to it, as the
// sandbox counts API calls.
type MemStore struct {
	mu      sync.RWMutex
	objects map[string][]byte
	calls   atomic.Int64
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{objects: map[string][]byte{}} }

// Put implements Store.
func (s *MemStore) Put(_ context.Context, id string, body []byte) error {
	s.calls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[id] = bytes.Clone(body)
	return nil
}

// Get implements Store.
func (s *MemStore) Get(_ context.Context, id string) ([]byte, bool, error) {
	s.calls.Add(1)
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.objects[id]
	return b, ok, nil
}

// Delete implements Store.
func (s *MemStore) Delete(_ context.Context, id string) error {
	s.calls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.objects, id)
	return nil
}

// Calls returns the number of calls since the last ResetCalls.
func (s *MemStore) Calls() int64 { return s.calls.Load() }

// ResetCalls sets the call counter to zero.
func (s *MemStore) ResetCalls() { s.calls.Store(0) }

// Len returns the number of stored objects.
func (s *MemStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.objects)
}

// Clear removes every object.
func (s *MemStore) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.objects)
}

const objectsPath = "/objects/"

// Handler serves s over HTTP: PUT, GET and DELETE of /objects/<id>.
func Handler(s *MemStore) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT "+objectsPath+"{id}", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_ = s.Put(r.Context(), r.PathValue("id"), body)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET "+objectsPath+"{id}", func(w http.ResponseWriter, r *http.Request) {
		body, ok, _ := s.Get(r.Context(), r.PathValue("id"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(body)
	})
	mux.HandleFunc("DELETE "+objectsPath+"{id}", func(w http.ResponseWriter, r *http.Request) {
		_ = s.Delete(r.Context(), r.PathValue("id"))
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// HTTPStore is the Store a floor provider process reaches over HTTP.
type HTTPStore struct {
	base string
	hc   *http.Client
}

// NewHTTPStore returns a Store that talks to the Handler at baseURL.
func NewHTTPStore(baseURL string) *HTTPStore {
	// Terraform calls the provider ten at a time: keep that many
	// connections open rather than the default two.
	transport := &http.Transport{MaxIdleConnsPerHost: 32}
	return &HTTPStore{base: strings.TrimSuffix(baseURL, "/") + objectsPath, hc: &http.Client{Transport: transport}}
}

// Put implements Store.
func (s *HTTPStore) Put(ctx context.Context, id string, body []byte) error {
	_, _, err := s.do(ctx, http.MethodPut, id, body)
	return err
}

// Get implements Store.
func (s *HTTPStore) Get(ctx context.Context, id string) ([]byte, bool, error) {
	status, body, err := s.do(ctx, http.MethodGet, id, nil)
	if status == http.StatusNotFound {
		return nil, false, nil
	}
	return body, err == nil, err
}

// Delete implements Store.
func (s *HTTPStore) Delete(ctx context.Context, id string) error {
	_, _, err := s.do(ctx, http.MethodDelete, id, nil)
	return err
}

func (s *HTTPStore) do(ctx context.Context, method, id string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.base+id, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return resp.StatusCode, nil, err
	case resp.StatusCode == http.StatusNotFound:
		return resp.StatusCode, nil, nil
	case resp.StatusCode >= 300:
		return resp.StatusCode, nil, fmt.Errorf("%s %s: HTTP %d: %s", method, id, resp.StatusCode, out)
	}
	return resp.StatusCode, out, nil
}
