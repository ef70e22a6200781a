package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// ledgerAgrees checks that the balance is the sum of the listed entries.
func ledgerAgrees(t *testing.T, h *harness) {
	t.Helper()
	var sum int64
	for page := 1; ; page++ {
		r := h.must(http.StatusOK, "GET", fmt.Sprintf("/v2/ledger/livechat?page=%d", page), nil)
		items, _ := r["result"].([]any)
		for _, it := range items {
			sum += num(it.(map[string]any)["value"])
		}
		if len(items) < ledgerPageSize {
			break
		}
	}
	bal := num(h.must(http.StatusOK, "GET", "/v2/ledger/livechat/balance", nil)["balance"])
	if bal != sum {
		t.Fatalf("ledger balance %d, but the entries sum to %d", bal, sum)
	}
}

func (h *harness) advance(days int) map[string]any {
	h.t.Helper()
	r := h.call("POST", "/_sandbox/clock/advance", map[string]any{"days": days}, "-")
	if r.status != http.StatusOK {
		h.t.Fatalf("advance %d days: %d %s", days, r.status, r.raw)
	}
	return r.obj
}

func (h *harness) recurrent(id string) map[string]any {
	h.t.Helper()
	return h.must(http.StatusOK, "GET", recurrentPath+"/"+id, nil)
}

func TestClock_trialRenewalsAndFrozen(t *testing.T) {
	h := newHarness(t, Options{})
	body := validRecurrent()
	body["trial_days"] = 14
	id := str(h.must(http.StatusCreated, "POST", recurrentPath, body)["id"])
	h.must(http.StatusOK, "PUT", recurrentPath+"/"+id+"/accept", nil)
	start := h.srv.Now()
	balance := h.srv.LedgerBalance()

	c := h.must(http.StatusOK, "PUT", recurrentPath+"/"+id+"/activate", nil)
	trialEnd := start.AddDate(0, 0, 14)
	if c["status"] != "active" || str(c["trial_ends_at"]) != trialEnd.Format(time.RFC3339) ||
		c["next_charge_at"] != c["trial_ends_at"] || str(c["current_charge_at"]) != start.Format(time.RFC3339) {
		t.Fatalf("activation with a trial: %v", c)
	}
	if h.srv.LedgerBalance() != balance {
		t.Fatal("the trial was charged")
	}

	h.advance(13)
	if c = h.recurrent(id); c["status"] != "active" || h.srv.LedgerBalance() != balance {
		t.Fatalf("during the trial: %v", c["status"])
	}
	h.advance(1) // the trial ends: invoiced
	if c = h.recurrent(id); c["status"] != "past_due" {
		t.Fatalf("at the end of the trial: status %v, want past_due", c["status"])
	}
	h.advance(1) // collected a day later
	c = h.recurrent(id)
	if c["status"] != "active" || str(c["current_charge_at"]) != trialEnd.Format(time.RFC3339) ||
		str(c["next_charge_at"]) != trialEnd.AddDate(0, 1, 0).Format(time.RFC3339) {
		t.Fatalf("after collection: %v", c)
	}
	if got := h.srv.LedgerBalance() - balance; got != 1520 {
		t.Fatalf("collected %d, want 1520", got)
	}
	ledgerAgrees(t, h)
	newest := h.must(http.StatusOK, "GET", "/v2/ledger/livechat?page=1", nil)["result"].([]any)[0].(map[string]any)
	if newest["type"] != "collection" || num(newest["value"]) != 1520 || !strings.Contains(str(newest["name"]), "sub1") {
		t.Fatalf("newest ledger entry %v", newest)
	}
	// Each collection attempt is recorded as a direct charge of the subscription.
	list := h.must(http.StatusOK, "GET", "/v3/direct_charge/livechat?recurrent_charge_id="+id, nil)["result"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["status"] != "success" || num(list[0].(map[string]any)["price"]) != 1900 {
		t.Fatalf("renewal records %v", list)
	}

	// Three more months, then the card fails.
	h.advance(92)
	if got := h.srv.LedgerBalance() - balance; got != 4*1520 {
		t.Fatalf("after four periods collected %d, want %d", got, 4*1520)
	}
	r := h.call("POST", "/_sandbox/charges/"+id+"/payment", map[string]any{"fail": true}, "-")
	if r.status != http.StatusOK {
		t.Fatalf("payment control: %d %s", r.status, r.raw)
	}
	h.advance(40)
	if c = h.recurrent(id); c["status"] != "frozen" {
		t.Fatalf("unpaid renewal: status %v, want frozen", c["status"])
	}
	frozenBalance := h.srv.LedgerBalance()
	h.advance(60) // nothing happens to a frozen charge
	if c = h.recurrent(id); c["status"] != "frozen" || h.srv.LedgerBalance() != frozenBalance {
		t.Fatalf("frozen charge moved: %v", c["status"])
	}
	// Activation retries the payment: still failing, still frozen.
	if c = h.must(http.StatusOK, "PUT", recurrentPath+"/"+id+"/activate", nil); c["status"] != "frozen" {
		t.Fatalf("activate with a failing card: %v", c["status"])
	}
	h.call("POST", "/_sandbox/charges/"+id+"/payment", map[string]any{"fail": false}, "-")
	now := h.srv.Now()
	c = h.must(http.StatusOK, "PUT", recurrentPath+"/"+id+"/activate", nil)
	if c["status"] != "active" || str(c["next_charge_at"]) != now.AddDate(0, 1, 0).Format(time.RFC3339) {
		t.Fatalf("activate after the card was fixed: %v", c)
	}
	if h.srv.LedgerBalance() != frozenBalance+1520 {
		t.Fatal("reactivation did not collect")
	}
	failed := h.must(http.StatusOK, "GET", "/v3/direct_charge/livechat?status=failed&recurrent_charge_id="+id, nil)["result"].([]any)
	if len(failed) != 2 {
		t.Fatalf("want 2 failed collection records, got %d", len(failed))
	}
	ledgerAgrees(t, h)

	// A frozen charge can be cancelled.
	h.call("POST", "/_sandbox/charges/"+id+"/payment", map[string]any{"fail": true}, "-")
	h.advance(40)
	if c = h.recurrent(id); c["status"] != "frozen" {
		t.Fatalf("status %v, want frozen", c["status"])
	}
	if c = h.must(http.StatusOK, "PUT", recurrentPath+"/"+id+"/cancel", nil); c["status"] != "cancelled" {
		t.Fatalf("cancel frozen: %v", c["status"])
	}
}

func TestClock_yearlyAndTestCharges(t *testing.T) {
	h := newHarness(t, Options{})
	body := validRecurrent()
	body["months"] = 12
	body["price"] = 10000
	id := str(h.must(http.StatusCreated, "POST", recurrentPath, body)["id"])
	test := validRecurrent()
	test["test"] = true
	testID := str(h.must(http.StatusCreated, "POST", recurrentPath, test)["id"])
	balance := h.srv.LedgerBalance()
	for _, x := range []string{id, testID} {
		if err := h.srv.AcceptCharge(x); err != nil {
			t.Fatal(err)
		}
		h.must(http.StatusOK, "PUT", recurrentPath+"/"+x+"/activate", nil)
	}
	start := h.srv.Now()
	if c := h.recurrent(id); str(c["next_charge_at"]) != start.AddDate(1, 0, 0).Format(time.RFC3339) {
		t.Fatalf("yearly next_charge_at %v", c["next_charge_at"])
	}
	h.advance(364)
	if got := h.srv.LedgerBalance() - balance; got != 8000 {
		t.Fatalf("within the first year collected %d, want 8000 (one yearly charge; test charges move no money)", got)
	}
	h.advance(3) // the year turns: invoiced and collected
	if got := h.srv.LedgerBalance() - balance; got != 16000 {
		t.Fatalf("after a year collected %d, want 16000", got)
	}
	if c := h.recurrent(testID); c["status"] != "active" {
		t.Fatalf("the test charge is %v", c["status"])
	}
	ledgerAgrees(t, h)
}

func TestClock_validation(t *testing.T) {
	h := newHarness(t, Options{})
	for _, tc := range []struct {
		body string
		msg  string
	}{
		{`{"days":0}`, "days must be between 1 and 3650, got 0"},
		{`{"days":3651}`, "days must be between 1 and 3650, got 3651"},
		{`{"days":-1}`, "days must be between 1 and 3650, got -1"},
		{`{}`, "days is required"},
		{`{"days":"x"}`, "days must be a int64"},
		{`{"days":`, "invalid JSON"},
	} {
		r := h.call("POST", "/_sandbox/clock/advance", tc.body, "-")
		if r.status != http.StatusBadRequest || !strings.Contains(str(r.obj["error"]), tc.msg) {
			t.Errorf("%s: want 400 %q, got %d %s", tc.body, tc.msg, r.status, r.raw)
		}
	}
	before := h.srv.Now()
	out := h.advance(2)
	if str(out["clock"]) != before.Add(48*time.Hour).Format(time.RFC3339) {
		t.Fatalf("clock %v, want %v", out["clock"], before.Add(48*time.Hour))
	}
	for _, tc := range []struct{ body, msg string }{
		{`{}`, "fail is required"},
		{`{"fail":"yes"}`, "fail must be a bool"},
	} {
		r := h.call("POST", "/_sandbox/charges/x/payment", tc.body, "-")
		if r.status != http.StatusBadRequest || !strings.Contains(str(r.obj["error"]), tc.msg) {
			t.Errorf("payment %s: want 400 %q, got %d %s", tc.body, tc.msg, r.status, r.raw)
		}
	}
	if r := h.call("POST", "/_sandbox/charges/nope/payment", `{"fail":true}`, "-"); r.status != http.StatusNotFound {
		t.Errorf("payment of an unknown charge: %d %s", r.status, r.raw)
	}
}

// The sandbox clock survives a restart with a data file, and so do charges.
func TestClock_persisted(t *testing.T) {
	file := t.TempDir() + "/state.jsonl"
	srv, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AdvanceClock(10); err != nil {
		t.Fatal(err)
	}
	want := srv.Now()
	_ = srv.Close()
	srv2, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	if got := srv2.Now(); got.Sub(want) > time.Minute || got.Before(want) {
		t.Fatalf("clock after restart %v, want about %v", got, want)
	}
}

// dateHeader sends a request and returns its response's Date header.
func dateHeader(t *testing.T, r response) time.Time {
	t.Helper()
	d, err := http.ParseTime(r.header.Get("Date"))
	if err != nil {
		t.Fatalf("Date header %q: %v", r.header.Get("Date"), err)
	}
	return d
}

// The Date header follows the sandbox clock, so a client can compare the
// timestamps of objects with the server's time, also after the clock was
// advanced.
func TestClock_dateHeaderFollowsTheClock(t *testing.T) {
	h := newHarness(t, Options{})
	const days = 40
	before := dateHeader(t, h.call("GET", "/v2/ledger/livechat/balance", nil, ""))
	if wall := time.Now(); before.Sub(wall).Abs() > 2*time.Second {
		t.Fatalf("Date %s before any advance, want the wall clock %s", before, wall)
	}
	h.advance(days)

	created := h.call("POST", recurrentPath, validRecurrent(), "")
	if created.status != http.StatusCreated {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	date := dateHeader(t, created)
	if moved := date.Sub(before); moved < days*24*time.Hour || moved > days*24*time.Hour+3*time.Second {
		t.Errorf("Date moved by %s after advancing %d days, want %d days", moved, days, days)
	}
	createdAt, err := time.Parse(time.RFC3339, str(created.obj["created_at"]))
	if err != nil {
		t.Fatalf("created_at %v: %v", created.obj["created_at"], err)
	}
	if d := createdAt.Sub(date).Abs(); d > 2*time.Second {
		t.Errorf("created_at %s is %s from the response's Date %s", createdAt, d, date)
	}
	// Every family and the control API send it, also on errors.
	for _, path := range []string{"/v2/partners/coupons", "/_sandbox/health", "/v3/no-such-thing"} {
		if d := dateHeader(t, h.call("GET", path, nil, "-")); d.Sub(date).Abs() > 3*time.Second {
			t.Errorf("GET %s: Date %s, want the sandbox clock near %s", path, d, date)
		}
	}
}

// The Date header keeps the advanced clock across a restart from the data
// file and returns to the wall clock on reset.
func TestClock_dateHeaderAcrossRestartAndReset(t *testing.T) {
	path := infraDataPath(t)
	h := newHarness(t, Options{DataFile: path})
	h.advance(10)
	if err := h.srv.Close(); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, Options{DataFile: path})
	want := time.Now().AddDate(0, 0, 10)
	if d := dateHeader(t, h2.call("GET", "/_sandbox/health", nil, "-")); d.Sub(want).Abs() > 3*time.Second {
		t.Errorf("Date after the restart %s, want the advanced clock %s", d, want)
	}
	if r := h2.call("POST", "/_sandbox/reset", nil, "-"); r.status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.status, r.raw)
	}
	if d := dateHeader(t, h2.call("GET", "/_sandbox/health", nil, "-")); time.Until(d).Abs() > 3*time.Second {
		t.Errorf("Date after reset %s, want the wall clock", d)
	}
}
