package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func TestDirectCharges_againstSandbox(t *testing.T) {
	ctx := context.Background()
	c, srv, base := newSandboxClient(t, sandbox.Options{})
	dRes, err := c.CreateDirectCharge(ctx, ProductLiveChat, DirectChargeRequest{Name: "seats", Price: 100, Quantity: 2, ReturnURL: "https://e.com", PerAccount: true})
	d := dRes.Object
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != ChargePending || d.Quantity != 2 || !d.PerAccount || d.ConfirmationURL != base+"/billing/confirm/"+d.ID || d.CommissionPercent != 20 {
		t.Fatalf("created %+v", d)
	}
	if _, err := c.ActivateDirectCharge(ctx, ProductLiveChat, d.ID); !IsUnprocessable(err) {
		t.Fatalf("activate pending: %v", err)
	}
	if err := srv.AcceptCharge(d.ID); err != nil {
		t.Fatal(err)
	}
	a, err := c.ActivateDirectCharge(ctx, ProductLiveChat, d.ID)
	if err != nil || a.Status != ChargeProcessed {
		t.Fatalf("activate: %+v %v", a, err)
	}
	if _, err := srv.AdvanceClock(1); err != nil {
		t.Fatal(err)
	}
	if g, err := c.GetDirectCharge(ctx, ProductLiveChat, d.ID); err != nil || g.Status != ChargeSuccess {
		t.Fatalf("after a day: %+v %v", g, err)
	}
	if _, err := c.GetDirectCharge(ctx, ProductHelpDesk, d.ID); !IsNotFound(err) {
		t.Fatalf("wrong product: %v", err)
	}
}

func TestDirectCharges_listWalksPagesWithFilters(t *testing.T) {
	ctx := context.Background()
	c, srv, _ := newSandboxClient(t, sandbox.Options{})
	var ids []string
	for i := 0; i < 45; i++ {
		dRes, err := c.CreateDirectCharge(ctx, ProductLiveChat, DirectChargeRequest{Name: fmt.Sprintf("c%d", i), Price: 1, Quantity: 1, ReturnURL: "https://e.com"})
		d := dRes.Object
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	all, err := c.ListDirectCharges(ctx, ProductLiveChat, DirectChargeFilter{})
	if err != nil || len(all) != 45 || all[0].ID != ids[44] || all[44].ID != ids[0] {
		t.Fatalf("list: %d charges, %v", len(all), err)
	}
	page2, err := c.ListDirectChargesPage(ctx, ProductLiveChat, 2, DirectChargeFilter{})
	if err != nil || len(page2) != DirectChargePageSize || page2[0].ID != ids[24] {
		t.Fatalf("page 2: %d, %v", len(page2), err)
	}
	for _, id := range ids[:3] {
		if err := srv.DeclineCharge(id); err != nil {
			t.Fatal(err)
		}
	}
	declined, err := c.ListDirectCharges(ctx, ProductLiveChat, DirectChargeFilter{Status: ChargeDeclined})
	if err != nil || len(declined) != 3 {
		t.Fatalf("declined: %d, %v", len(declined), err)
	}

	// Renewals of a subscription are found by recurrent_charge_id.
	rcRes, err := c.CreateRecurrentCharge(ctx, ProductLiveChat, RecurrentChargeRequest{Name: "sub", Price: 500, ReturnURL: "https://e.com"})
	rc := rcRes.Object
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.AcceptCharge(rc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ActivateRecurrentCharge(ctx, ProductLiveChat, rc.ID); err != nil {
		t.Fatal(err)
	}
	renewals, err := c.ListDirectCharges(ctx, ProductLiveChat, DirectChargeFilter{RecurrentChargeID: rc.ID, Status: ChargeSuccess})
	if err != nil || len(renewals) != 1 || renewals[0].RecurrentChargeID != rc.ID || renewals[0].Price != 500 {
		t.Fatalf("renewals: %+v, %v", renewals, err)
	}
	if _, err := c.ListDirectCharges(ctx, ProductLiveChat, DirectChargeFilter{Status: "bogus"}); err == nil {
		t.Fatal("an unknown status filter was accepted")
	}
}

func TestDirectCharge_decodesTheDocumentedObject(t *testing.T) {
	const obj = `{"id":"d1","buyer_organization_id":"o","buyer_license_id":100006625,"buyer_account_id":"a","buyer_entity_id":"e",
 "seller_client_id":"s","order_client_id":"oc","order_organization_id":"oo","name":"n","price":100,"quantity":2,
 "return_url":"https://e.com","test":false,"per_account":true,"status":"pending","confirmation_url":"https://c",
 "commission_percent":20,"created_at":"2017-11-29T10:57:26Z","updated_at":"2017-11-29T10:57:27Z"}`
	var d DirectCharge
	if err := json.Unmarshal([]byte(obj), &d); err != nil {
		t.Fatal(err)
	}
	if d.BuyerLicenseID != 100006625 || d.Quantity != 2 || d.Price != 100 || d.CommissionPercent != 20 || d.UpdatedAt.Second() != 27 {
		t.Fatalf("decoded %+v", d)
	}
	// Lenient like a recurrent charge: the shared fields decode the same way.
	d = DirectCharge{}
	if err := json.Unmarshal([]byte(`{"id":"d2","buyer_license_id":"7","commission_percent":null,"quantity":3}`), &d); err != nil ||
		d.ID != "d2" || d.BuyerLicenseID != 7 || d.CommissionPercent != 0 || d.Quantity != 3 {
		t.Fatalf("lenient: %+v, %v", d, err)
	}
	if err := json.Unmarshal([]byte(`{"commission_percent":"2.5"}`), &d); err == nil || !strings.Contains(err.Error(), "commission_percent") {
		t.Fatalf("a fractional commission: %v", err)
	}
	// A wrong type names the platform's field, not the Go struct it sits in.
	if err := json.Unmarshal([]byte(`{"price":"x"}`), &d); err == nil || !strings.Contains(err.Error(), ".price") ||
		strings.Contains(err.Error(), "ChargeCommon") {
		t.Fatalf("a string price: %v", err)
	}
}

// A listing that never ends, every charge in it fresh, fails the walk
// instead of passing off its first 10,000 pages as everything that exists.
func TestRecentPendingDirectCharges_endlessListingFails(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		page := make([]map[string]any, DirectChargePageSize)
		for i := range page {
			page[i] = map[string]any{"id": fmt.Sprintf("c%d-%d", n, i), "name": "x", "status": "pending",
				"created_at": time.Now().UTC().Format(time.RFC3339)}
		}
		writeJSONBody(w, http.StatusOK, map[string]any{"result": page})
	})
	c := newTestClient(t, testConfig(srv.URL))
	_, _, err := c.recentPendingDirectCharges(context.Background(), ProductLiveChat, time.Time{}, func(*DirectCharge) bool { return true })
	if err == nil || !strings.Contains(err.Error(), "more than 10000 pages") {
		t.Fatalf("want the walk to give up, got %v", err)
	}
}
