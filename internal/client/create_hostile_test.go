package client

import (
	"context"
	"encoding/json"
	"fmt"
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

// A listing that shows the created charge twice still shows one charge, and
// a charge without an id is never adopted: the state would hold an object
// it can never read again.
func TestCreate_reconcileDistrustsTheListing(t *testing.T) {
	t.Run("listed twice", func(t *testing.T) {
		res, err := hostileCreate(t, &hostileCharges{twice: true})
		if err != nil || !res.Adopted || res.Object.ID == "" {
			t.Fatalf("want the one charge adopted, got %+v, %v", res, err)
		}
	})
	t.Run("empty id", func(t *testing.T) {
		res, err := hostileCreate(t, &hostileCharges{emptyID: true})
		ce, ok := AsCreateError(err)
		if !ok || ce.Outcome != OutcomeUnknown {
			t.Fatalf("want an unknown outcome, got %+v, %v", res, err)
		}
	})
	t.Run("empty id listed before too", func(t *testing.T) {
		earlier := map[string]any{"id": "", "name": "seats", "price": 700, "quantity": 3,
			"return_url": "https://example.com/done", "status": ChargePending, "created_at": time.Now().UTC().Format(time.RFC3339)}
		res, err := hostileCreate(t, &hostileCharges{emptyID: true, charges: []map[string]any{earlier}})
		ce, ok := AsCreateError(err)
		if !ok || ce.Outcome != OutcomeUnknown {
			t.Fatalf("want an unknown outcome, got %+v, %v", res, err)
		}
	})
}

// hostileLicense serves one license whose subscription reads as before
// until a create, then as after; the create is answered 502.
type hostileLicense struct {
	mu            sync.Mutex
	before, after map[string]any
	posted        bool
}

func (h *hostileLicense) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Method == http.MethodPost {
		h.posted = true
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	l := h.before
	if h.posted {
		l = h.after
	}
	writeJSONBody(w, http.StatusOK, l)
}

// A subscription create whose answer was lost is "not created" only when
// the license showed an open one before (a second is refused) or none
// before and none after: any other reading may hide a charged card, and a
// second create charges again.
func TestCreate_subscriptionUnclearLicenseIsUnknown(t *testing.T) {
	none := map[string]any{"license": "123", "status": "trial"}
	unclear := map[string]any{"license": "123", "status": "trial", "plan": PlanTeam}
	other := map[string]any{"license": "123", "status": "paid", "recurrent": true,
		"plan": PlanBusiness, "billing_cycle": BillingAnnual, "seats": 9}
	cases := map[string]*hostileLicense{
		"unclear before":         {before: unclear, after: unclear},
		"unclear after":          {before: none, after: unclear},
		"another one open after": {before: none, after: other},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(h)
			t.Cleanup(ts.Close)
			c := newTestClient(t, Config{Endpoints: endpointsAt(ts.URL), PartnerToken: "tok",
				MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
			res, err := c.CreateSubscription(context.Background(), "livechat", "123", SubscriptionCreate{
				Token: "tok_card", Plan: PlanTeam, BillingCycle: BillingMonthly, Seats: 2})
			ce, ok := AsCreateError(err)
			if !ok || ce.Outcome != OutcomeUnknown {
				t.Fatalf("want an unknown outcome, got %+v, %v", res, err)
			}
		})
	}
}

// twinlessCharges answers each of two concurrent direct-charge creates 502
// once both are in flight, after storing the charge it asked for and an
// identical one a stranger made meanwhile.
type twinlessCharges struct {
	arrived sync.WaitGroup

	mu      sync.Mutex
	charges []map[string]any
}

func (h *twinlessCharges) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.mu.Lock()
		defer h.mu.Unlock()
		writeJSONBody(w, http.StatusOK, map[string]any{"result": h.charges})
		return
	}
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	h.arrived.Done()
	h.arrived.Wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	for range 2 {
		c := map[string]any{"id": fmt.Sprintf("ch_%d", len(h.charges)), "status": ChargePending,
			"created_at": time.Now().UTC().Format(time.RFC3339)}
		for k, v := range body {
			c[k] = v
		}
		h.charges = append([]map[string]any{c}, h.charges...)
	}
	http.Error(w, "bad gateway", http.StatusBadGateway)
}

// Two different requests whose printed arguments read alike are no twins:
// the lost answer of one must not let the other adopt one of two charges
// that match it.
func TestCreate_differentRequestsAreNoTwins(t *testing.T) {
	h := &twinlessCharges{}
	h.arrived.Add(2)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	c := newTestClient(t, Config{Endpoints: endpointsAt(ts.URL), AccessToken: "tok", MaxRetries: 1,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	reqs := []DirectChargeRequest{
		{Name: "n Price:1 Quantity:1 ReturnURL:https://e.example/", Price: 2, Quantity: 2, ReturnURL: "https://e.example/x"},
		{Name: "n", Price: 1, Quantity: 1, ReturnURL: "https://e.example/ Price:2 Quantity:2 ReturnURL:https://e.example/x"},
	}
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.CreateDirectCharge(context.Background(), ProductLiveChat, req)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if ce, ok := AsCreateError(err); !ok || ce.Outcome != OutcomeUnknown || len(ce.Candidates) != 2 {
			t.Errorf("request %d: want an unknown outcome naming 2 candidates, got %v", i, err)
		}
	}
}
