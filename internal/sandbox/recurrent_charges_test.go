package sandbox

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

const recurrentPath = "/v3/recurrent_charge/livechat"

func validRecurrent() map[string]any {
	return map[string]any{"name": "sub1", "price": 1900, "return_url": "http://localhost/done"}
}

func TestRecurrentCharge_createMatchesTheDocumentedObject(t *testing.T) {
	h := newHarness(t, Options{})
	before := h.srv.Now()
	body := map[string]any{
		"name": "sub1", "price": 1900, "return_url": "http://localhost?id=x", "external_id": "zzh2F1cnc",
		"test": false, "trial_days": 0, "months": 1, "per_account": true,
	}
	c := h.must(http.StatusCreated, "POST", recurrentPath, body)
	checkShape(t, c, recurrentShape)
	id := str(c["id"])
	want := map[string]any{
		"buyer_organization_id": sandboxBuyerOrganizationID, "buyer_license_id": float64(sandboxBuyerLicenseID),
		"buyer_account_id": sandboxBuyerAccountID, "buyer_entity_id": sandboxBuyerEntityID,
		"seller_client_id": DefaultClientID, "order_client_id": DefaultClientID,
		"order_organization_id": sandboxOrganizationID, "external_id": "zzh2F1cnc", "name": "sub1",
		"price": float64(1900), "trial_days": float64(0), "months": float64(1), "return_url": "http://localhost?id=x",
		"test": false, "per_account": true, "status": "pending", "commission_percent": float64(20),
		"confirmation_url": h.url + "/billing/confirm/" + id,
		"trial_ends_at":    nil, "cancelled_at": nil, "current_charge_at": nil, "next_charge_at": nil,
	}
	for k, v := range want {
		if !reflect.DeepEqual(c[k], v) {
			t.Errorf("%s = %#v, want %#v", k, c[k], v)
		}
	}
	if len(id) != 36 {
		t.Errorf("id %q is not a UUID", id)
	}
	created, _ := time.Parse(time.RFC3339, str(c["created_at"]))
	if created.Before(before) || c["created_at"] != c["updated_at"] {
		t.Errorf("created_at %v, updated_at %v; clock %v", c["created_at"], c["updated_at"], before)
	}

	got := h.must(http.StatusOK, "GET", recurrentPath+"/"+id, nil)
	if !reflect.DeepEqual(got, c) {
		t.Errorf("GET differs from the create answer:\n%v\n%v", got, c)
	}
}

func TestRecurrentCharge_defaultsAndUnknownFields(t *testing.T) {
	h := newHarness(t, Options{})
	body := validRecurrent()
	body["surprise"] = map[string]any{"nested": true}
	c := h.must(http.StatusCreated, "POST", recurrentPath, body)
	checkShape(t, c, recurrentShape)
	for k, v := range map[string]any{"trial_days": float64(0), "months": float64(1), "test": false, "per_account": false, "external_id": nil} {
		if !reflect.DeepEqual(c[k], v) {
			t.Errorf("%s = %#v, want the default %#v", k, c[k], v)
		}
	}
}

func TestRecurrentCharge_validation(t *testing.T) {
	h := newHarness(t, Options{})
	with := func(k string, v any) map[string]any { return withField(validRecurrent(), k, v) }
	for _, tc := range []struct {
		name string
		body any
		code string
		msg  string
	}{
		{"missing name", with("name", nil), "validation_error", "name is required"},
		{"blank name", with("name", "  "), "validation_error", "name must not be empty"},
		{"missing price", with("price", nil), "validation_error", "price is required"},
		{"zero price", with("price", 0), "validation_error", "price must be at least 1 (cents), got 0"},
		{"negative price", with("price", -5), "validation_error", "price must be at least 1 (cents), got -5"},
		{"fractional price", with("price", 19.5), "bad_request", "price must be a int64"},
		{"string price", with("price", "1900"), "bad_request", "price must be a int64, got string"},
		{"missing return_url", with("return_url", nil), "validation_error", "return_url is required"},
		{"ftp return_url", with("return_url", "ftp://x"), "validation_error", `return_url must be an absolute http(s) URL, got "ftp://x"`},
		{"relative return_url", with("return_url", "not-a-url"), "validation_error", `return_url must be an absolute http(s) URL, got "not-a-url"`},
		{"negative trial", with("trial_days", -1), "validation_error", "trial_days must be between 0 and 3650, got -1"},
		{"zero months", with("months", 0), "validation_error", "months must be between 1 and 12, got 0"},
		{"13 months", with("months", 13), "validation_error", "months must be between 1 and 12, got 13"},
		{"bool as string", with("test", "yes"), "bad_request", "test must be a bool"},
		{"malformed JSON", `{"name":`, "bad_request", "invalid JSON"},
		{"not an object", `[1,2]`, "bad_request", "invalid JSON"},
		{"empty body", ``, "bad_request", "the body is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.call("POST", recurrentPath, tc.body, "")
			msg := billingError(t, r, http.StatusBadRequest, tc.code)
			if !strings.Contains(msg, tc.msg) {
				t.Fatalf("message %q does not say %q", msg, tc.msg)
			}
		})
	}
	if n := h.srv.st.recurrent.len(); n != 0 {
		t.Fatalf("invalid requests stored %d charges", n)
	}
}

func TestRecurrentCharge_authProductsAndRouting(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.must(http.StatusCreated, "POST", recurrentPath, validRecurrent())
	id := str(c["id"])

	// 401 in the OAuth envelope, before anything else.
	for _, tok := range []string{"-", "wrong-token"} {
		for _, path := range []string{recurrentPath, "/v3/recurrent_charge/foo"} {
			r := h.call("POST", path, validRecurrent(), tok)
			if r.status != http.StatusUnauthorized || str(r.obj["error"]) == "" || str(r.obj["error_description"]) == "" {
				t.Fatalf("token %q on %s: want 401 {error, error_description}, got %d %s", tok, path, r.status, r.raw)
			}
			if r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		}
	}

	// Unknown products and ids are 404.
	billingError(t, h.call("POST", "/v3/recurrent_charge/foo", validRecurrent(), ""), http.StatusNotFound, "not_found")
	billingError(t, h.call("GET", "/v3/recurrent_charge/foo/"+id, nil, ""), http.StatusNotFound, "not_found")
	billingError(t, h.call("GET", recurrentPath+"/no-such-id", nil, ""), http.StatusNotFound, "not_found")
	billingError(t, h.call("PUT", recurrentPath+"/no-such-id/activate", nil, ""), http.StatusNotFound, "not_found")
	billingError(t, h.call("PUT", recurrentPath+"/no-such-id/cancel", nil, ""), http.StatusNotFound, "not_found")
	// A charge belongs to its product.
	billingError(t, h.call("GET", "/v3/recurrent_charge/helpdesk/"+id, nil, ""), http.StatusNotFound, "not_found")

	// 405 for methods the path does not take.
	r := h.call("DELETE", recurrentPath+"/"+id, nil, "")
	billingError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
	if r.header.Get("Allow") != "GET" {
		t.Errorf("Allow = %q, want GET", r.header.Get("Allow"))
	}
	billingError(t, h.call("GET", recurrentPath+"/"+id+"/activate", nil, ""), http.StatusMethodNotAllowed, "method_not_allowed")
	billingError(t, h.call("PATCH", recurrentPath, nil, ""), http.StatusMethodNotAllowed, "method_not_allowed")
}

func TestRecurrentCharge_scopes(t *testing.T) {
	for _, tc := range []struct {
		scopes            []string
		livechat, helpdek int
	}{
		{[]string{"billing_manage"}, http.StatusCreated, http.StatusForbidden},
		{[]string{"billing_admin"}, http.StatusCreated, http.StatusForbidden},
		{[]string{"billing--all:rw"}, http.StatusForbidden, http.StatusCreated},
		{[]string{"ledger_read"}, http.StatusForbidden, http.StatusForbidden},
	} {
		h := newHarness(t, Options{Scopes: tc.scopes})
		for product, want := range map[string]int{"livechat": tc.livechat, "helpdesk": tc.helpdek} {
			r := h.call("POST", "/v3/recurrent_charge/"+product, validRecurrent(), "")
			if r.status != want {
				t.Fatalf("scopes %v, %s: status %d, want %d (%s)", tc.scopes, product, r.status, want, r.raw)
			}
			if want == http.StatusForbidden {
				msg := billingError(t, r, http.StatusForbidden, "insufficient_scope")
				need := "billing_manage or billing_admin"
				if product == "helpdesk" {
					need = "billing--all:rw"
				}
				if !strings.Contains(msg, need) {
					t.Errorf("403 message %q does not name %s", msg, need)
				}
			}
		}
	}
}

func TestRecurrentCharge_transitions(t *testing.T) {
	h := newHarness(t, Options{})
	create := func() string {
		return str(h.must(http.StatusCreated, "POST", recurrentPath, validRecurrent())["id"])
	}
	put := func(id, action string) response { return h.call("PUT", recurrentPath+"/"+id+"/"+action, nil, "") }
	status := func(r response, want string) map[string]any {
		t.Helper()
		if r.status != http.StatusOK || str(r.obj["status"]) != want {
			t.Fatalf("want 200 %s, got %d %s", want, r.status, r.raw)
		}
		checkShape(t, r.obj, recurrentShape)
		return r.obj
	}
	balance := h.srv.LedgerBalance()

	// pending → accepted → active → cancelled
	id := create()
	billingError(t, put(id, "activate"), http.StatusUnprocessableEntity, "invalid_state")
	status(put(id, "accept"), "accepted")
	billingError(t, put(id, "accept"), http.StatusUnprocessableEntity, "invalid_state")
	billingError(t, put(id, "decline"), http.StatusUnprocessableEntity, "invalid_state")
	now := h.srv.Now()
	c := status(put(id, "activate"), "active")
	if str(c["current_charge_at"]) != now.Format(time.RFC3339) ||
		str(c["next_charge_at"]) != now.AddDate(0, 1, 0).Format(time.RFC3339) || c["trial_ends_at"] != nil {
		t.Fatalf("activation without a trial: current %v next %v trial %v (now %v)", c["current_charge_at"], c["next_charge_at"], c["trial_ends_at"], now)
	}
	if got := h.srv.LedgerBalance() - balance; got != 1520 {
		t.Fatalf("the first period collected %d cents, want 1520 (1900 less 20%%)", got)
	}
	msg := billingError(t, put(id, "activate"), http.StatusUnprocessableEntity, "invalid_state")
	if !strings.Contains(msg, "only an accepted or frozen charge can be activated") {
		t.Errorf("422 message %q", msg)
	}
	c = status(put(id, "cancel"), "cancelled")
	if c["cancelled_at"] == nil || c["next_charge_at"] != nil {
		t.Fatalf("cancelled: cancelled_at %v next_charge_at %v", c["cancelled_at"], c["next_charge_at"])
	}
	billingError(t, put(id, "cancel"), http.StatusUnprocessableEntity, "invalid_state")
	billingError(t, put(id, "activate"), http.StatusUnprocessableEntity, "invalid_state")

	// pending → declined, which cannot be cancelled.
	id = create()
	status(put(id, "decline"), "declined")
	billingError(t, put(id, "cancel"), http.StatusUnprocessableEntity, "invalid_state")
	billingError(t, put(id, "accept"), http.StatusUnprocessableEntity, "invalid_state")

	// pending and accepted can be cancelled.
	status(put(create(), "cancel"), "cancelled")
	id = create()
	status(put(id, "accept"), "accepted")
	status(put(id, "cancel"), "cancelled")

	// The control API answers for the buyer.
	id = create()
	r := h.call("POST", "/_sandbox/charges/"+id+"/accept", nil, "-")
	if r.status != http.StatusOK || str(r.obj["status"]) != "accepted" {
		t.Fatalf("control accept: %d %s", r.status, r.raw)
	}
	if r = h.call("POST", "/_sandbox/charges/"+id+"/accept", nil, "-"); r.status != http.StatusUnprocessableEntity || str(r.obj["error"]) == "" {
		t.Fatalf("control accept twice: want 422 {error}, got %d %s", r.status, r.raw)
	}
	id = create()
	if r = h.call("POST", "/_sandbox/charges/"+id+"/decline", nil, "-"); r.status != http.StatusOK || str(r.obj["status"]) != "declined" {
		t.Fatalf("control decline: %d %s", r.status, r.raw)
	}
	if r = h.call("POST", "/_sandbox/charges/nope/accept", nil, "-"); r.status != http.StatusNotFound {
		t.Fatalf("control accept of an unknown charge: %d %s", r.status, r.raw)
	}
}
