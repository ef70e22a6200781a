package client

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestLicenseID_decodesStringOrNumber(t *testing.T) {
	var a, b struct {
		License LicenseID `json:"license"`
	}
	if err := jsonUnmarshal(`{"license":"104130623"}`, &a); err != nil || a.License != "104130623" {
		t.Fatalf("string: %q %v", a.License, err)
	}
	if err := jsonUnmarshal(`{"license":104130623}`, &b); err != nil || b.License != "104130623" {
		t.Fatalf("number: %q %v", b.License, err)
	}
}

func TestSolutionsLifecycle_againstSandbox(t *testing.T) {
	f := newPartnerFixture(t, nil)
	ctx := context.Background()
	c := f.client

	org, err := c.CreateOrganization(ctx, OrganizationCreate{OrganizationName: "Acme", ClientName: "Joe Doe", ClientEmail: "joe@example.com"})
	if err != nil || len(org) != 36 {
		t.Fatalf("organization %q, %v", org, err)
	}
	if _, err := c.CreateOrganization(ctx, OrganizationCreate{OrganizationName: "Acme", ClientName: "Joe Doe", ClientEmail: "joe@example.com"}); !IsConflict(err) {
		t.Fatalf("second organization: want 409, got %v", err)
	}
	lic, err := c.CreateLicense(ctx, org, "livechat", LicenseCreate{ClientName: "Joe Doe", ClientEmail: "joe@example.com",
		PaymentOrigin: "partner", TrialDuration: 21, PurchaseOrder: "PO-1"})
	if err != nil {
		t.Fatal(err)
	}
	if lic.License == "" || lic.Status != LicenseTrial || lic.CCAdded || lic.EndAt.Sub(lic.CreatedAt.Time).Hours() != 21*24 {
		t.Fatalf("license %+v", lic)
	}
	if _, err := c.CreateLicense(ctx, "00000000-0000-4000-8000-000000000000", "livechat", LicenseCreate{ClientName: "Joe Doe",
		ClientEmail: "joe@example.com", PaymentOrigin: "partner"}); !IsNotFound(err) {
		t.Fatalf("unknown organization: want 404, got %v", err)
	}
	id := string(lic.License)

	got, err := c.GetLicense(ctx, "livechat", id)
	if err != nil || got.Plan != nil || got.Seats != nil || got.Subscription() == SubscriptionOpen || got.PurchaseOrder != "PO-1" {
		t.Fatalf("trial detail %+v, %v", got, err)
	}

	const token = "tok_SECRET_4111111111111111"
	if _, err := c.CreateSubscription(ctx, "livechat", id, SubscriptionCreate{Token: token, Plan: PlanTeam, BillingCycle: BillingMonthly, Seats: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSubscription(ctx, "livechat", id, SubscriptionCreate{Token: token, Plan: PlanTeam, BillingCycle: BillingMonthly, Seats: 3}); !IsConflict(err) {
		t.Fatalf("second subscription: want 409, got %v", err)
	}
	got, err = c.GetLicense(ctx, "livechat", id)
	if err != nil || got.Subscription() != SubscriptionOpen || *got.Plan != PlanTeam || *got.BillingCycle != BillingMonthly || *got.Seats != 3 ||
		got.Status != LicensePaid || !got.CCAdded {
		t.Fatalf("subscribed detail %+v, %v", got, err)
	}
	if err := c.UpdateSubscription(ctx, "livechat", id, SubscriptionUpdate{Plan: PlanBusiness, BillingCycle: BillingAnnual, Seats: 8}); err != nil {
		t.Fatal(err)
	}
	if got, _ = c.GetLicense(ctx, "livechat", id); *got.Plan != PlanBusiness || *got.Seats != 8 || *got.BillingCycle != BillingAnnual {
		t.Fatalf("updated detail %+v", got)
	}

	// The token never shows in the client's logs, which do log the body.
	redacted := false
	for _, line := range f.logs.all() {
		if strings.Contains(line, token) {
			t.Fatalf("the card token leaked into a log line: %s", line)
		}
		redacted = redacted || strings.Contains(line, `"token":"`+Redacted+`"`)
	}
	if !redacted {
		t.Fatal("no log line shows the redacted subscription body; the check above proves nothing")
	}

	// Close: no password → no request; wrong password → 403; right → closed.
	noPass := newPartnerFixture(t, nil, func(c *Config) { c.PartnerPassword = "" })
	if err := noPass.client.CloseSubscription(ctx, "livechat", id, false); !errors.Is(err, ErrNoPartnerPassword) {
		t.Fatalf("no password: %v", err)
	}
	if n := noPass.sbx.RequestCount("DELETE /v2/partners/solutions/licenses/{product}/{license}/subscription"); n != 0 {
		t.Fatalf("a close without a password reached the platform %d times", n)
	}
	wrong := newPartnerFixture(t, nil, func(c *Config) { c.PartnerPassword = "wrong" })
	wrongLic, _ := wrong.sbx.NewClientLicense("livechat", "Acme", "Joe Doe", "joe@example.com")
	_, _ = wrong.client.CreateSubscription(ctx, "livechat", wrongLic, SubscriptionCreate{Token: "t", Plan: PlanTeam, BillingCycle: BillingMonthly, Seats: 1})
	if err := wrong.client.CloseSubscription(ctx, "livechat", wrongLic, false); !IsForbidden(err) {
		t.Fatalf("wrong password: want 403, got %v", err)
	}
	for _, line := range wrong.logs.all() {
		if strings.Contains(line, `"wrong"`) {
			t.Fatalf("the partner password leaked into a log line: %s", line)
		}
	}
	if err := c.CloseSubscription(ctx, "livechat", id, true); err != nil {
		t.Fatal(err)
	}
	if got, _ = c.GetLicense(ctx, "livechat", id); got.Subscription() == SubscriptionOpen || got.Status != LicenseExpired {
		t.Fatalf("closed detail %+v", got)
	}
	if _, err := c.GetLicense(ctx, "livechat", "999"); !IsNotFound(err) {
		t.Fatalf("unknown license: want 404, got %v", err)
	}
}

// Whether a subscription is open does not hang on the undocumented
// recurrent flag: a license in trial with a plan, cycle and seats has one,
// and a license that says too little is unsure, never closed.
func TestLicenseSubscription(t *testing.T) {
	yes, no := true, false
	plan, cycle, seats := PlanTeam, BillingMonthly, int64(3)
	for _, tc := range []struct {
		name string
		l    License
		want SubscriptionState
	}{
		{"recurrent flag set", License{Recurrent: &yes}, SubscriptionOpen},
		{"recurrent flag cleared", License{Recurrent: &no, Plan: &plan, BillingCycle: &cycle, Seats: &seats}, SubscriptionClosed},
		{"trial with plan, cycle and seats", License{Status: LicenseTrial, Plan: &plan, BillingCycle: &cycle, Seats: &seats}, SubscriptionOpen},
		{"paid with plan, cycle and seats", License{Status: LicensePaid, Plan: &plan, BillingCycle: &cycle, Seats: &seats}, SubscriptionOpen},
		{"no plan at all", License{Status: LicensePaid}, SubscriptionClosed},
		{"expired", License{Status: LicenseExpired, Plan: &plan, BillingCycle: &cycle, Seats: &seats}, SubscriptionClosed},
		{"a plan without seats", License{Status: LicensePaid, Plan: &plan}, SubscriptionUnsure},
	} {
		if got := tc.l.Subscription(); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// The license list (platform-api.md §2.4) against the sandbox: every
// product, each item's status, and no subscription settings, which only
// the license detail has.
func TestListLicenses(t *testing.T) {
	f := newPartnerFixture(t, nil)
	ctx := context.Background()
	lc, err := f.sbx.NewClientLicense("livechat", "Acme", "Jane Client", "jane@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	bot, _ := f.sbx.NewClientLicense("chatbot", "Bots", "John Client", "john@bots.example")
	if err := f.sbx.OpenClientSubscription("chatbot", bot, PlanTeam, BillingAnnual, 4); err != nil {
		t.Fatal(err)
	}
	list, err := f.client.ListLicenses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].License != LicenseID(lc) || list[0].Product != "livechat" || list[0].Status != LicenseTrial ||
		list[1].License != LicenseID(bot) || list[1].Product != "chatbot" || list[1].Status != LicensePaid ||
		list[0].ClientEmail != "jane@acme.example" || list[1].CreatedAt.IsZero() {
		t.Fatalf("list %+v", list)
	}
	if list[1].Plan != nil || list[1].Seats != nil {
		t.Fatalf("a list item has no subscription settings: %+v", list[1])
	}
	detail, err := f.client.GetLicense(ctx, "chatbot", bot)
	if err != nil || detail.Subscription() != SubscriptionOpen {
		t.Fatalf("detail %+v, %v", detail, err)
	}
}
