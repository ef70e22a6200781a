package client

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func TestRecurrentCharges_againstSandbox(t *testing.T) {
	ctx := context.Background()
	c, srv, base := newSandboxClient(t, sandbox.Options{})
	createdRes, err := c.CreateRecurrentCharge(ctx, ProductLiveChat, RecurrentChargeRequest{
		Name: "sub1", Price: 1900, ReturnURL: "https://example.com/done", ExternalID: "ext-1", TrialDays: 7, Months: 12,
	})
	created := createdRes.Object
	if err != nil {
		t.Fatal(err)
	}
	if created.Status != ChargePending || created.Price != 1900 || created.Months != 12 || created.TrialDays != 7 ||
		created.ExternalID != "ext-1" || created.CommissionPercent != 20 || created.BuyerLicenseID != 100006625 ||
		created.ConfirmationURL != base+"/billing/confirm/"+created.ID || created.TrialEndsAt != nil ||
		created.NextChargeAt != nil || created.CreatedAt.IsZero() || created.SellerClientID != sandbox.DefaultClientID {
		t.Fatalf("created %+v", created)
	}
	got, err := c.GetRecurrentCharge(ctx, ProductLiveChat, created.ID)
	if err != nil || got.ID != created.ID || !got.CreatedAt.Equal(created.CreatedAt) {
		t.Fatalf("get: %+v, %v", got, err)
	}

	// Months zero takes the platform default; external_id is omitted.
	defRes, err := c.CreateRecurrentCharge(ctx, ProductHelpDesk, RecurrentChargeRequest{Name: "d", Price: 1, ReturnURL: "http://localhost/"})
	def := defRes.Object
	if err != nil || def.Months != 1 || def.ExternalID != "" {
		t.Fatalf("defaults: %+v, %v", def, err)
	}
	if _, err := c.GetRecurrentCharge(ctx, ProductLiveChat, def.ID); !IsNotFound(err) {
		t.Fatalf("a helpdesk charge read as livechat: %v", err)
	}

	_, err = c.ActivateRecurrentCharge(ctx, ProductLiveChat, created.ID)
	if !IsUnprocessable(err) || !strings.Contains(err.Error(), "only an accepted or frozen charge can be activated") {
		t.Fatalf("activate pending: %v", err)
	}
	if err := srv.AcceptCharge(created.ID); err != nil {
		t.Fatal(err)
	}
	act, err := c.ActivateRecurrentCharge(ctx, ProductLiveChat, created.ID)
	if err != nil || act.Status != ChargeActive || act.TrialEndsAt == nil || act.NextChargeAt == nil || !act.TrialEndsAt.Equal(*act.NextChargeAt) {
		t.Fatalf("activate: %+v, %v", act, err)
	}
	can, err := c.CancelRecurrentCharge(ctx, ProductLiveChat, created.ID)
	if err != nil || can.Status != ChargeCancelled || can.CancelledAt == nil {
		t.Fatalf("cancel: %+v, %v", can, err)
	}
	if _, err := c.CancelRecurrentCharge(ctx, ProductLiveChat, created.ID); !IsUnprocessable(err) {
		t.Fatalf("cancel twice: %v", err)
	}

	// Errors name the field and rule, and 404s are recognisable.
	_, err = c.CreateRecurrentCharge(ctx, ProductLiveChat, RecurrentChargeRequest{Name: "x", Price: 0, ReturnURL: "https://e.com"})
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Status != 400 || !strings.Contains(apiErr.Message, "price must be at least 1") || apiErr.RequestID == "" {
		t.Fatalf("validation error: %#v", err)
	}
	if _, err := c.GetRecurrentCharge(ctx, ProductLiveChat, "no-such-id"); !IsNotFound(err) {
		t.Fatalf("unknown id: %v", err)
	}
	// Bad path values never reach the network.
	for _, tc := range []struct{ product, id string }{{"foo", "x"}, {"livechat", "a/b"}, {"livechat", ".."}, {"livechat", " x"}} {
		if _, err := c.GetRecurrentCharge(ctx, tc.product, tc.id); err == nil || IsNotFound(err) {
			t.Errorf("GetRecurrentCharge(%q, %q): %v", tc.product, tc.id, err)
		}
	}
}

func TestRecurrentCharges_scope(t *testing.T) {
	c, _, _ := newSandboxClient(t, sandbox.Options{Scopes: []string{"billing_manage"}})
	_, err := c.CreateRecurrentCharge(context.Background(), ProductHelpDesk, RecurrentChargeRequest{Name: "x", Price: 1, ReturnURL: "https://e.com"})
	if !IsForbidden(err) || !strings.Contains(err.Error(), "billing--all:rw") {
		t.Fatalf("helpdesk without its scope: %v", err)
	}
}

func TestRecurrentCharge_decodesTheDocumentedExample(t *testing.T) {
	const example = `{"id":"1c286f7a-aab8-4384-8e09-dc6749c550cd","buyer_organization_id":"e0a0ba10-e94c-4db8-ab2c-397815762934",
 "buyer_license_id":100006625,"buyer_account_id":"638aa94b-eafa-42c7-9a9f-f0ee9561f934","buyer_entity_id":"name@email.com",
 "seller_client_id":"1e2cb91de0b15e99a7f4502b900e907e","order_client_id":"e569d92213f62ec04cee2ee0f3b4f070",
 "order_organization_id":"b0a0ba1e-a94c-4aa8-ab2c-397815762931","external_id":"zzh2F1cnc","name":"sub1","price":1900,
 "trial_days":0,"months":1,"return_url":"http://localhost?id=1c286f7a-aab8-4384-8e09-dc6749c550cd","test":false,
 "per_account":true,"status":"pending","confirmation_url":"https://billing.text.com/?id=1c286f7a-aab8-4384-8e09-dc6749c550cd",
 "commission_percent":20,"trial_ends_at":null,"cancelled_at":null,"current_charge_at":null,"next_charge_at":null,
 "updated_at":"2017-11-29T10:57:26Z","created_at":"2017-11-29T10:57:26Z"}`
	var rc RecurrentCharge
	if err := json.Unmarshal([]byte(example), &rc); err != nil {
		t.Fatal(err)
	}
	if rc.BuyerLicenseID != 100006625 || rc.CommissionPercent != 20 || rc.Price != 1900 || !rc.PerAccount ||
		rc.ExternalID != "zzh2F1cnc" || rc.TrialEndsAt != nil || rc.CreatedAt.Format(time.RFC3339) != "2017-11-29T10:57:26Z" ||
		rc.BuyerEntityID != "name@email.com" || rc.OrderOrganizationID != "b0a0ba1e-a94c-4aa8-ab2c-397815762931" {
		t.Fatalf("decoded %+v", rc)
	}
	// Lenient: a license id as a string, null commission, an unknown status.
	lenient := `{"id":"x","buyer_license_id":"100006625","commission_percent":null,"status":"paused","external_id":null}`
	rc = RecurrentCharge{}
	if err := json.Unmarshal([]byte(lenient), &rc); err != nil || rc.BuyerLicenseID != 100006625 || rc.CommissionPercent != 0 || rc.Status != "paused" || rc.ExternalID != "" {
		t.Fatalf("lenient: %+v, %v", rc, err)
	}
	if err := json.Unmarshal([]byte(`{"buyer_license_id":"abc"}`), &rc); err == nil || !strings.Contains(err.Error(), "buyer_license_id") {
		t.Fatalf("a non-numeric license id: %v", err)
	}
}
