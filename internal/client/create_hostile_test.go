package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// hostileCharges is a direct-charge endpoint that makes every create and
// then answers it 502, so that the client must reconcile. Its clocks can be
// wrong: dateOffset shifts the Date header (a proxy whose clock runs
// ahead), and noCreatedAt leaves created_at out of the listed charges.
type hostileCharges struct {
	dateOffset  time.Duration
	noCreatedAt bool
	emptyID     bool
	twice       bool

	mu      sync.Mutex
	charges []map[string]any
}

func (h *hostileCharges) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	w.Header().Set("Date", time.Now().Add(h.dateOffset).UTC().Format(http.TimeFormat))
	switch r.Method {
	case http.MethodPost:
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		body["id"] = "ch_" + time.Now().Format("150405.000000")
		if h.emptyID {
			body["id"] = ""
		}
		body["status"] = ChargePending
		if !h.noCreatedAt {
			body["created_at"] = time.Now().UTC().Format(time.RFC3339)
		}
		h.charges = append([]map[string]any{body}, h.charges...)
		if h.twice {
			h.charges = append([]map[string]any{body}, h.charges...)
		}
		http.Error(w, "bad gateway", http.StatusBadGateway)
	default:
		writeJSONBody(w, http.StatusOK, map[string]any{"result": h.charges})
	}
}

func (h *hostileCharges) stored() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.charges)
}

func hostileCreate(t *testing.T, h *hostileCharges) (CreateResult[DirectCharge], error) {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	c := newTestClient(t, Config{Endpoints: endpointsAt(ts.URL), AccessToken: "tok",
		MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	return c.CreateDirectCharge(context.Background(), ProductLiveChat, DirectChargeRequest{
		Name: "seats", Price: 700, Quantity: 3, ReturnURL: "https://example.com/done"})
}

// A create whose answer was lost must never be reported "not created" while
// the platform holds the charge: the next apply would charge twice. Neither
// a Date header that runs ahead of the clock that stamps created_at nor a
// listing without created_at may hide the charge.
func TestCreate_directChargeFoundDespiteWrongClocks(t *testing.T) {
	cases := map[string]*hostileCharges{
		"date an hour ahead":  {dateOffset: time.Hour},
		"no created_at":       {noCreatedAt: true},
		"date a day ahead":    {dateOffset: 24 * time.Hour},
		"date an hour behind": {dateOffset: -time.Hour},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := hostileCreate(t, h)
			if h.stored() != 1 {
				t.Fatalf("the server holds %d charges, want 1", h.stored())
			}
			if ce, ok := AsCreateError(err); ok && ce.Outcome == NotCreated {
				t.Fatalf("the charge exists but the create says %s: %v", ce.Outcome, err)
			}
			if err == nil && !res.Adopted {
				t.Errorf("the charge was not adopted: %+v", res)
			}
		})
	}
}
