package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const solutionsPath = "/v2/partners/solutions"

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func createOrg(t *testing.T, ts *httptest.Server, email string) string {
	t.Helper()
	r := partnerCall(t, ts, "POST", solutionsPath+"/organizations",
		fmt.Sprintf(`{"organization_name":"Acme Inc","client_name":"Joe Doe","client_email":%q}`, email))
	if r.status != 201 {
		t.Fatalf("create organization: %d %s", r.status, r.body)
	}
	m := r.json(t)
	if keysOf(m) != "id" || !uuidRE.MatchString(m["id"].(string)) {
		t.Fatalf("organization answer %s, want {\"id\":<uuid>}", r.body)
	}
	return m["id"].(string)
}

func createLicense(t *testing.T, ts *httptest.Server, org, product, body string) partnerResp {
	t.Helper()
	return partnerCall(t, ts, "POST", solutionsPath+"/organizations/"+org+"/licenses?product="+product, body)
}

func TestOrganizationCreate(t *testing.T) {
	_, ts := partnerSandbox(t, Options{})
	createOrg(t, ts, "joe@example.com")
	expectPartnerError(t, partnerCall(t, ts, "POST", solutionsPath+"/organizations",
		`{"organization_name":"Acme 2","client_name":"Joe Doe","client_email":"JOE@example.com"}`), 409, "JOE@example.com already owns organization")
	expectPartnerError(t, partnerCall(t, ts, "POST", solutionsPath+"/organizations",
		`{"organization_name":"Acme","client_name":"Joe Doe","client_email":"not-an-email"}`), 400, `client_email must be an email address, got "not-an-email"`)
	expectPartnerError(t, partnerCall(t, ts, "POST", solutionsPath+"/organizations",
		`{"client_name":"Joe Doe","client_email":"a@example.com"}`), 400, "organization_name is required")
	expectPartnerError(t, partnerCall(t, ts, "POST", solutionsPath+"/organizations",
		`{"organization_name":"Acme","client_name":"Joe Doe","client_email":"b@example.com","data_center":"mars"}`), 400, `data_center must be dal (USA) or fra (EU), got "mars"`)
	expectPartnerError(t, partnerCall(t, ts, "POST", solutionsPath+"/organizations", `{"organization_name":`), 400, "invalid JSON")
}

func TestLicenseCreate(t *testing.T) {
	fixed := time.Date(2020, 2, 11, 13, 18, 53, 0, time.UTC)
	_, ts := partnerSandbox(t, Options{Now: func() time.Time { return fixed }})
	org := createOrg(t, ts, "joe@example.com")
	good := `{"client_name":"Joe Doe","client_email":"joe@example.com","payment_origin":"partner","trial_duration":14}`
	r := createLicense(t, ts, org, "livechat", good)
	if r.status != 201 {
		t.Fatalf("create license: %d %s", r.status, r.body)
	}
	m := r.json(t)
	if got, want := keysOf(m), "cc_added,client_email,client_name,creation_timestamp,end_timestamp,license,paid,payment_origin,product,status"; got != want {
		t.Fatalf("license keys %s, want %s", got, want)
	}
	lic, ok := m["license"].(string)
	if !ok || !regexp.MustCompile(`^\d+$`).MatchString(lic) {
		t.Fatalf("license %v must be a string of digits", m["license"])
	}
	if m["status"] != "trial" || m["cc_added"] != false || m["paid"] != false || m["payment_origin"] != "partner" || m["product"] != "livechat" {
		t.Fatalf("license %s", r.body)
	}
	if m["creation_timestamp"] != "2020-02-11 13:18:53" || m["end_timestamp"] != "2020-02-25 13:18:53" {
		t.Fatalf("timestamps %v %v", m["creation_timestamp"], m["end_timestamp"])
	}

	for _, tc := range []struct {
		name, org, product, body string
		status                   int
		msg                      string
	}{
		{"unknown org", "5d4e3c2b-1a09-4f8e-9d7c-6b5a49382716", "livechat", good, 404, "organization 5d4e3c2b-1a09-4f8e-9d7c-6b5a49382716 not found"},
		{"short client name", org, "chatbot", `{"client_name":"Joe","client_email":"joe@example.com","payment_origin":"partner"}`, 400, "client_name must be at least 5 characters, got 3"},
		{"not the owner", org, "chatbot", `{"client_name":"Jane Doe","client_email":"jane@example.com","payment_origin":"partner"}`, 400, "client_email must be the email of the organization's owner"},
		{"payment origin", org, "chatbot", `{"client_name":"Joe Doe","client_email":"joe@example.com","payment_origin":"bank"}`, 400, `payment_origin must be client or partner, got "bank"`},
		{"trial 13", org, "chatbot", `{"client_name":"Joe Doe","client_email":"joe@example.com","payment_origin":"client","trial_duration":13}`, 400, "trial_duration must be between 14 and 30, got 13"},
		{"trial 31", org, "chatbot", `{"client_name":"Joe Doe","client_email":"joe@example.com","payment_origin":"client","trial_duration":31}`, 400, "trial_duration must be between 14 and 30, got 31"},
		{"trial string", org, "chatbot", `{"client_name":"Joe Doe","client_email":"joe@example.com","payment_origin":"client","trial_duration":"14"}`, 400, "trial_duration must be a int"},
		{"coupon", org, "chatbot", `{"client_name":"Joe Doe","client_email":"joe@example.com","payment_origin":"client","coupon_id":77}`, 403, "coupon_id 77 is not one of your coupons"},
		{"bad product", org, "partner_program", good, 400, `product must be one of livechat, chatbot, helpdesk, got "partner_program"`},
		{"second livechat license", org, "livechat", good, 409, "joe@example.com already has a livechat license (" + lic + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectPartnerError(t, createLicense(t, ts, tc.org, tc.product, tc.body), tc.status, tc.msg)
		})
	}
	// Another product for the same client is fine.
	if r := createLicense(t, ts, org, "helpdesk", good); r.status != 201 {
		t.Fatalf("helpdesk license: %d %s", r.status, r.body)
	}
}

func TestSubscriptionLifecycle(t *testing.T) {
	dir := t.TempDir()
	dataFile := filepath.Join(dir, "state.jsonl")
	s, ts := partnerSandbox(t, Options{DataFile: dataFile})
	lic, err := s.NewClientLicense("livechat", "Acme", "Joe Doe", "joe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	subPath := fmt.Sprintf("%s/licenses/livechat/%s/subscription", solutionsPath, lic)
	const secretToken = "tok_SECRET_4111111111111111"

	// Validation before anything else.
	for _, tc := range []struct{ body, msg string }{
		{`{"plan":"team","billing_cycle":"monthly","seats":3}`, "token is required"},
		{`{"token":"` + secretToken + `","plan":"gold","billing_cycle":"monthly","seats":3}`, `plan must be one of starter, team, business, got "gold"`},
		{`{"token":"` + secretToken + `","plan":"team","billing_cycle":"weekly","seats":3}`, `billing_cycle must be monthly or annual, got "weekly"`},
		{`{"token":"` + secretToken + `","plan":"team","billing_cycle":"monthly","seats":0}`, "seats must be at least 1, got 0"},
		{`{"token":"` + secretToken + `","plan":"team","billing_cycle":"monthly"}`, "seats is required"},
	} {
		expectPartnerError(t, partnerCall(t, ts, "POST", subPath, tc.body), 400, tc.msg)
	}
	create := `{"token":"` + secretToken + `","plan":"team","billing_cycle":"monthly","seats":3}`
	expectPartnerError(t, partnerCall(t, ts, "POST", solutionsPath+"/licenses/livechat/999/subscription", create), 404, "livechat license 999 not found")
	expectPartnerError(t, partnerCall(t, ts, "PUT", subPath, `{"plan":"team","billing_cycle":"monthly","seats":3}`), 409, "has no subscription")

	r := partnerCall(t, ts, "POST", subPath, create)
	if r.status != 201 || r.body != "" {
		t.Fatalf("create subscription: %d %q, want 201 with an empty body", r.status, r.body)
	}
	expectPartnerError(t, partnerCall(t, ts, "POST", subPath, create), 409, "already has a subscription")

	detail := func() map[string]any {
		t.Helper()
		r := partnerCall(t, ts, "GET", fmt.Sprintf("%s/licenses/livechat/%s", solutionsPath, lic), nil)
		if r.status != 200 {
			t.Fatalf("license detail: %d %s", r.status, r.body)
		}
		return r.json(t)
	}
	d := detail()
	for k, want := range map[string]any{"license": lic, "seats": float64(3), "plan": "team", "billing_cycle": "monthly",
		"status": "paid", "cc_added": true, "paid": true, "recurrent": true} {
		if d[k] != want {
			t.Fatalf("detail %s = %v, want %v", k, d[k], want)
		}
	}

	// Update in place.
	if r := partnerCall(t, ts, "PUT", subPath, `{"plan":"business","billing_cycle":"annual","seats":10}`); r.status != 204 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	d = detail()
	if d["plan"] != "business" || d["billing_cycle"] != "annual" || d["seats"] != float64(10) {
		t.Fatalf("after update: %v", d)
	}
	expectPartnerError(t, partnerCall(t, ts, "PUT", subPath, `{"plan":"business","billing_cycle":"annual","seats":-1}`), 400, "seats must be at least 1")

	// Close: password checked, expire=false keeps the license until the cycle ends.
	expectPartnerError(t, partnerCall(t, ts, "DELETE", subPath, `{"password":"wrong","expire":false}`), 403, "password is incorrect")
	expectPartnerError(t, partnerCall(t, ts, "DELETE", subPath, `{"expire":false}`), 400, "password is required")
	end := d["end_timestamp"]
	if r := partnerCall(t, ts, "DELETE", subPath, `{"password":"`+DefaultPartnerPassword+`","expire":false}`); r.status != 204 {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	d = detail()
	if d["status"] != "paid" || d["recurrent"] != false || d["end_timestamp"] != end {
		t.Fatalf("closed at cycle end: status %v recurrent %v end %v (was %v)", d["status"], d["recurrent"], d["end_timestamp"], end)
	}
	expectPartnerError(t, partnerCall(t, ts, "PUT", subPath, `{"plan":"team","billing_cycle":"monthly","seats":3}`), 409, "has no subscription")
	expectPartnerError(t, partnerCall(t, ts, "DELETE", subPath, `{"password":"`+DefaultPartnerPassword+`"}`), 409, "has no open subscription")

	// Subscribe again, then close with expire=true: the license ends now.
	if r := partnerCall(t, ts, "POST", subPath, create); r.status != 201 {
		t.Fatalf("re-create: %d %s", r.status, r.body)
	}
	if r := partnerCall(t, ts, "DELETE", subPath, `{"password":"`+DefaultPartnerPassword+`","expire":true}`); r.status != 204 {
		t.Fatalf("close expire: %d %s", r.status, r.body)
	}
	if d = detail(); d["status"] != "expired" || d["expired"] != true {
		t.Fatalf("after expire: %v", d)
	}

	expectPartnerError(t, partnerCall(t, ts, "GET", solutionsPath+"/licenses/livechat/123", nil), 404, "livechat license 123 not found")
	expectPartnerError(t, partnerCall(t, ts, "GET", solutionsPath+"/licenses/teams/123", nil), 400, "product must be one of")
	expectPartnerError(t, partnerCall(t, ts, "GET", solutionsPath+"/licenses/livechat/abc", nil), 400, "license_id must be a positive whole number")

	// The card token is nowhere: not in the state dump, not in the data file.
	resp, err := ts.Client().Get(ts.URL + "/_sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	var dump strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := resp.Body.Read(buf)
		dump.Write(buf[:n])
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	if !strings.Contains(dump.String(), `"licenses"`) || !strings.Contains(dump.String(), `"cc_added":true`) {
		t.Fatalf("state dump lacks the license: %s", dump.String())
	}
	if strings.Contains(dump.String(), secretToken) {
		t.Fatal("the card token appears in the state dump")
	}
	raw, err := os.ReadFile(dataFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), lic) || strings.Contains(string(raw), secretToken) {
		t.Fatalf("data file: license present %v, token present %v", strings.Contains(string(raw), lic), strings.Contains(string(raw), secretToken))
	}
}

func TestLicenseTrialExpires(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	s, _ := partnerSandbox(t, Options{Now: func() time.Time { return now }})
	lic, err := s.NewClientLicense("chatbot", "Acme", "Joe Doe", "joe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := s.ClientLicenseState("chatbot", lic); l.Status != "trial" {
		t.Fatalf("status %s, want trial", l.Status)
	}
	now = now.AddDate(0, 0, 15)
	if l, _ := s.ClientLicenseState("chatbot", lic); l.Status != "expired" {
		t.Fatalf("status after the trial %s, want expired", l.Status)
	}
}

// The license list of platform-api.md §2.4: every product's licenses with
// the documented item fields and each one's status now, no subscription
// settings; date_from and date_to bound the creation time.
func TestLicenseList(t *testing.T) {
	now := time.Date(2023, 2, 14, 12, 39, 40, 0, time.UTC)
	s, ts := partnerSandbox(t, Options{Now: func() time.Time { return now }})
	first, err := s.NewClientLicense("livechat", "Acme", "Joe Doe", "joe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	now = now.AddDate(0, 0, 3)
	second, _ := s.NewClientLicense("chatbot", "Bots Inc", "John Doe", "john@example.com")
	if err := s.OpenClientSubscription("chatbot", second, "team", "annual", 3); err != nil {
		t.Fatal(err)
	}
	r := partnerCall(t, ts, "GET", solutionsPath+"/licenses", nil)
	if r.status != 200 {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	var list struct {
		Result []map[string]any `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Result) != 2 {
		t.Fatalf("list %s (%v)", r.body, err)
	}
	const fields = "cc_added,client_email,client_name,creation_timestamp,end_timestamp,license,paid,payment_origin,product,status"
	for i, want := range []struct{ license, product, status, created string }{
		{first, "livechat", "trial", "2023-02-14 12:39:40"},
		{second, "chatbot", "paid", "2023-02-17 12:39:40"},
	} {
		item := list.Result[i]
		if keysOf(item) != fields || item["license"] != want.license || item["product"] != want.product ||
			item["status"] != want.status || item["creation_timestamp"] != want.created {
			t.Errorf("item %d: %v, want license %s of %s, %s, created %s, with exactly %s", i, item, want.license, want.product, want.status, want.created, fields)
		}
	}
	r = partnerCall(t, ts, "GET", solutionsPath+"/licenses?date_from=2023-02-15T00:00:00Z", nil)
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Result) != 1 || list.Result[0]["license"] != second {
		t.Fatalf("date_from: %s", r.body)
	}
	r = partnerCall(t, ts, "GET", solutionsPath+"/licenses?date_to=2023-02-14T12:39:40Z", nil)
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Result) != 1 || list.Result[0]["license"] != first {
		t.Fatalf("date_to (inclusive): %s", r.body)
	}
	expectPartnerError(t, partnerCall(t, ts, "GET", solutionsPath+"/licenses?date_from=2023-02-15", nil), 400,
		`date_from must be a date such as 2023-02-14T00:00:00Z, got "2023-02-15"`)
}
