package sandbox

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

const directPath = "/v3/direct_charge/livechat"

func validDirect() map[string]any {
	return map[string]any{"name": "Extra seats", "price": 100, "quantity": 2, "return_url": "https://example.com/done"}
}

func TestDirectCharge_createMatchesTheDocumentedObject(t *testing.T) {
	h := newHarness(t, Options{})
	body := validDirect()
	body["per_account"] = true
	body["ignored_field"] = 1
	c := h.must(http.StatusCreated, "POST", directPath, body)
	checkShape(t, c, directShape)
	id := str(c["id"])
	for k, v := range map[string]any{
		"name": "Extra seats", "price": float64(100), "quantity": float64(2), "return_url": "https://example.com/done",
		"test": false, "per_account": true, "status": "pending", "commission_percent": float64(20),
		"confirmation_url": h.url + "/billing/confirm/" + id, "buyer_license_id": float64(sandboxBuyerLicenseID),
	} {
		if !reflect.DeepEqual(c[k], v) {
			t.Errorf("%s = %#v, want %#v", k, c[k], v)
		}
	}
	if got := h.must(http.StatusOK, "GET", directPath+"/"+id, nil); !reflect.DeepEqual(got, c) {
		t.Errorf("GET differs from create:\n%v\n%v", got, c)
	}
	billingError(t, h.call("GET", directPath+"/nope", nil, ""), http.StatusNotFound, "not_found")
	billingError(t, h.call("GET", "/v3/direct_charge/helpdesk/"+id, nil, ""), http.StatusNotFound, "not_found")
	billingError(t, h.call("GET", "/v3/direct_charge/foo", nil, ""), http.StatusNotFound, "not_found")
	// No cancel and no delete.
	billingError(t, h.call("PUT", directPath+"/"+id+"/cancel", nil, ""), http.StatusNotFound, "not_found")
	billingError(t, h.call("DELETE", directPath+"/"+id, nil, ""), http.StatusMethodNotAllowed, "method_not_allowed")
	if r := h.call("GET", directPath, nil, "-"); r.status != http.StatusUnauthorized || r.obj["error"] != "invalid_request" {
		t.Errorf("list without a token: %d %s", r.status, r.raw)
	}
	hd := newHarness(t, Options{Scopes: []string{"billing_manage"}})
	billingError(t, hd.call("POST", "/v3/direct_charge/helpdesk", validDirect(), ""), http.StatusForbidden, "insufficient_scope")
}

func TestDirectCharge_validation(t *testing.T) {
	h := newHarness(t, Options{})
	with := func(k string, v any) map[string]any { return withField(validDirect(), k, v) }
	for _, tc := range []struct {
		body any
		code string
		msg  string
	}{
		{with("name", nil), "validation_error", "name is required"},
		{with("price", 0), "validation_error", "price must be at least 1 (cents), got 0"},
		{with("quantity", nil), "validation_error", "quantity is required"},
		{with("quantity", 0), "validation_error", "quantity must be at least 1, got 0"},
		{with("quantity", 1.5), "bad_request", "quantity must be a int64"},
		{with("price", int64(1)<<62), "validation_error", "price × quantity must be at most"},
		{with("return_url", "mailto:x@example.com"), "validation_error", "return_url must be an absolute http(s) URL"},
		{`nope`, "bad_request", "invalid JSON"},
	} {
		msg := billingError(t, h.call("POST", directPath, tc.body, ""), http.StatusBadRequest, tc.code)
		if !strings.Contains(msg, tc.msg) {
			t.Errorf("%v: message %q does not say %q", tc.body, msg, tc.msg)
		}
	}
}

func TestDirectCharge_transitions(t *testing.T) {
	h := newHarness(t, Options{})
	create := func() string { return str(h.must(http.StatusCreated, "POST", directPath, validDirect())["id"]) }
	put := func(id, action string) response { return h.call("PUT", directPath+"/"+id+"/"+action, nil, "") }
	balance := h.srv.LedgerBalance()

	id := create()
	billingError(t, put(id, "activate"), http.StatusUnprocessableEntity, "invalid_state")
	if r := put(id, "accept"); r.status != http.StatusOK || r.obj["status"] != "accepted" {
		t.Fatalf("accept: %d %s", r.status, r.raw)
	}
	r := put(id, "activate")
	if r.status != http.StatusOK || r.obj["status"] != "processed" {
		t.Fatalf("activate: %d %s", r.status, r.raw)
	}
	checkShape(t, r.obj, directShape)
	msg := billingError(t, put(id, "activate"), http.StatusUnprocessableEntity, "invalid_state")
	if !strings.Contains(msg, "only an accepted charge can be activated") {
		t.Errorf("422 message %q", msg)
	}
	h.advance(1)
	if c := h.must(http.StatusOK, "GET", directPath+"/"+id, nil); c["status"] != "success" {
		t.Fatalf("after a day: %v", c["status"])
	}
	if got := h.srv.LedgerBalance() - balance; got != 160 {
		t.Fatalf("collected %d, want 160 (2 × 100 less 20%%)", got)
	}

	// A failing payment ends in failed and moves no money.
	id = create()
	if err := h.srv.AcceptCharge(id); err != nil {
		t.Fatal(err)
	}
	if r := h.call("POST", "/_sandbox/charges/"+id+"/payment", `{"fail":true}`, "-"); r.status != http.StatusOK {
		t.Fatalf("payment: %d %s", r.status, r.raw)
	}
	put(id, "activate")
	h.advance(3)
	if c := h.must(http.StatusOK, "GET", directPath+"/"+id, nil); c["status"] != "failed" {
		t.Fatalf("failing payment: %v", c["status"])
	}
	if got := h.srv.LedgerBalance() - balance; got != 160 {
		t.Fatalf("a failed charge moved money: %d", got)
	}

	// pending → declined, through the buyer's PUT and the control API.
	id = create()
	if r := put(id, "decline"); r.obj["status"] != "declined" {
		t.Fatalf("decline: %s", r.raw)
	}
	billingError(t, put(id, "accept"), http.StatusUnprocessableEntity, "invalid_state")
	id = create()
	if r := h.call("POST", "/_sandbox/charges/"+id+"/decline", nil, "-"); r.obj["status"] != "declined" {
		t.Fatalf("control decline: %s", r.raw)
	}
	ledgerAgrees(t, h)
}

func TestDirectCharge_list(t *testing.T) {
	h := newHarness(t, Options{})
	var ids []string
	for i := 0; i < 25; i++ {
		b := validDirect()
		b["name"] = fmt.Sprintf("charge %02d", i)
		ids = append(ids, str(h.must(http.StatusCreated, "POST", directPath, b)["id"]))
	}
	h.must(http.StatusCreated, "POST", "/v3/direct_charge/helpdesk", validDirect())
	if err := h.srv.AcceptCharge(ids[3]); err != nil {
		t.Fatal(err)
	}
	page := func(q string) []any {
		t.Helper()
		return h.must(http.StatusOK, "GET", directPath+q, nil)["result"].([]any)
	}
	p1, p2, p3 := page("?page=1"), page("?page=2"), page("?page=3")
	if len(p1) != 20 || len(p2) != 5 || len(p3) != 0 {
		t.Fatalf("page sizes %d %d %d, want 20 5 0", len(p1), len(p2), len(p3))
	}
	if str(p1[0].(map[string]any)["id"]) != ids[24] || str(p2[4].(map[string]any)["id"]) != ids[0] {
		t.Fatal("not newest first")
	}
	checkShape(t, p1[0].(map[string]any), directShape)
	if d := page(""); len(d) != 20 || !reflect.DeepEqual(d, p1) {
		t.Fatal("no page parameter is not page 1")
	}
	if acc := page("?status=accepted"); len(acc) != 1 || str(acc[0].(map[string]any)["id"]) != ids[3] {
		t.Fatalf("status filter: %v", acc)
	}
	if none := page("?recurrent_charge_id=nope"); len(none) != 0 {
		t.Fatalf("recurrent_charge_id filter: %v", none)
	}
	msg := billingError(t, h.call("GET", directPath+"?status=active", nil, ""), http.StatusBadRequest, "validation_error")
	if !strings.Contains(msg, "status must be one of") {
		t.Errorf("message %q", msg)
	}
	billingError(t, h.call("GET", directPath+"?page=0", nil, ""), http.StatusBadRequest, "validation_error")
	if hd := h.must(http.StatusOK, "GET", "/v3/direct_charge/helpdesk", nil)["result"].([]any); len(hd) != 1 {
		t.Fatalf("helpdesk list has %d charges, want 1", len(hd))
	}
}
