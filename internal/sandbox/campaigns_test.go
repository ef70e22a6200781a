package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const campaignsPath = "/v2/partners/affiliates/campaigns"

var partnerTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)

func createForm(name string, extra ...string) url.Values {
	v := url.Values{"name": {name}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func TestCampaignCreate_documentedPayload(t *testing.T) {
	fixed := time.Date(2018, 3, 6, 11, 30, 40, 0, time.FixedZone("CET", 3600))
	_, ts := partnerSandbox(t, Options{Now: func() time.Time { return fixed }})
	r := partnerCall(t, ts, "POST", campaignsPath+"?product=livechat",
		createForm("New campaign", "link", "https://www.livechat.com/features/", "trial_duration", "30", "coupon_id", "2"))
	if r.status != http.StatusCreated {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	m := r.json(t)
	if got, want := keysOf(m), "creation_timestamp,discount,name,product,short_url,slug,trial_duration,url"; got != want {
		t.Fatalf("keys %s, want exactly %s (and no id)", got, want)
	}
	if m["product"] != "livechat" || m["name"] != "New campaign" || m["slug"] != "pp_new-campaign" {
		t.Fatalf("unexpected identity fields: %v", m)
	}
	if m["trial_duration"] != float64(30) || m["discount"] != "$25 discount" {
		t.Fatalf("trial_duration/discount: %v", m)
	}
	// Zone-less UTC: 11:30:40 CET is 10:30:40 UTC.
	if m["creation_timestamp"] != "2018-03-06 10:30:40" {
		t.Fatalf("creation_timestamp %v, want 2018-03-06 10:30:40 (UTC, no zone)", m["creation_timestamp"])
	}
	u, err := url.Parse(m["url"].(string))
	if err != nil || u.Host != "www.livechat.com" || u.Path != "/features/" ||
		u.Query().Get("utm_campaign") != "pp_new-campaign" || u.Query().Get("a") == "" {
		t.Fatalf("url %v is not the landing page with a= and utm_campaign=", m["url"])
	}
	if !regexp.MustCompile(`^https://lc\.chat/[A-Za-z0-9]+$`).MatchString(m["short_url"].(string)) {
		t.Fatalf("short_url %v", m["short_url"])
	}
}

func TestCampaignCreate_defaults(t *testing.T) {
	_, ts := partnerSandbox(t, Options{})
	r := partnerCall(t, ts, "POST", campaignsPath+"?product=chatbot", createForm("  Black Friday 2025!  "))
	if r.status != http.StatusCreated {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	m := r.json(t)
	if m["trial_duration"] != float64(14) {
		t.Fatalf("default trial_duration %v, want 14", m["trial_duration"])
	}
	if v, ok := m["discount"]; !ok || v != nil {
		t.Fatalf("discount without a coupon: want null, got %v (present %v)", v, ok)
	}
	if m["slug"] != "pp_black-friday-2025" || m["name"] != "Black Friday 2025!" {
		t.Fatalf("slug/name %v %v", m["slug"], m["name"])
	}
	if !strings.HasPrefix(m["url"].(string), "https://www.chatbot.com/?") {
		t.Fatalf("url without link should be the product home page: %v", m["url"])
	}
	if !partnerTimeRE.MatchString(m["creation_timestamp"].(string)) {
		t.Fatalf("creation_timestamp %v", m["creation_timestamp"])
	}
}

func TestCampaignCreate_errors(t *testing.T) {
	_, ts := partnerSandbox(t, Options{})
	long := strings.Repeat("x", 101)
	for _, tc := range []struct {
		name   string
		query  string
		form   url.Values
		status int
		msg    string
	}{
		{"name too short", "?product=livechat", createForm("abcd"), 400, "name must be between 5 and 100 characters, got 4"},
		{"name too long", "?product=livechat", createForm(long), 400, "name must be between 5 and 100 characters, got 101"},
		{"name missing", "?product=livechat", url.Values{}, 400, "name is required"},
		{"trial 13", "?product=livechat", createForm("Trial test", "trial_duration", "13"), 400, "trial_duration must be between 14 and 60, got 13"},
		{"trial 61", "?product=livechat", createForm("Trial test", "trial_duration", "61"), 400, "trial_duration must be between 14 and 60, got 61"},
		{"trial not a number", "?product=livechat", createForm("Trial test", "trial_duration", "ten"), 400, `trial_duration must be a whole number of days, got "ten"`},
		{"bad link", "?product=livechat", createForm("Link test", "link", "not a url"), 400, `link must be an absolute http(s) URL, got "not a url"`},
		{"no product", "", createForm("Product test"), 400, "product is required"},
		{"bad product", "?product=foo", createForm("Product test"), 400, `product must be one of livechat, chatbot, helpdesk, partner_program, got "foo"`},
		{"unknown coupon", "?product=livechat", createForm("Coupon test", "coupon_id", "99"), 403, "coupon_id 99 is not one of your coupons"},
		{"coupon not allowed", "?product=partner_program", createForm("Coupon test", "coupon_id", "1"), 403, "coupon_id 1 cannot be used with product partner_program"},
		{"coupon not a number", "?product=livechat", createForm("Coupon test", "coupon_id", "one"), 400, `coupon_id must be a positive whole number, got "one"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectPartnerError(t, partnerCall(t, ts, "POST", campaignsPath+tc.query, tc.form), tc.status, tc.msg)
		})
	}
	t.Run("JSON body", func(t *testing.T) {
		expectPartnerError(t, partnerCall(t, ts, "POST", campaignsPath+"?product=livechat", `{"name":"JSON body"}`), 400,
			"Content-Type must be application/x-www-form-urlencoded")
	})
	t.Run("no token", func(t *testing.T) {
		resp, err := http.Post(ts.URL+campaignsPath+"?product=livechat", "application/x-www-form-urlencoded", strings.NewReader("name=Hello+world"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	})
}

func TestCampaignCreate_conflict(t *testing.T) {
	_, ts := partnerSandbox(t, Options{})
	if r := partnerCall(t, ts, "POST", campaignsPath+"?product=livechat", createForm("Summer campaign")); r.status != 201 {
		t.Fatalf("first create: %d %s", r.status, r.body)
	}
	expectPartnerError(t, partnerCall(t, ts, "POST", campaignsPath+"?product=livechat", createForm("Summer campaign")),
		409, `a campaign named "Summer campaign" already exists (slug pp_summer-campaign)`)
	// Another product does not make the name free: slugs are per partner.
	expectPartnerError(t, partnerCall(t, ts, "POST", campaignsPath+"?product=chatbot", createForm("Summer campaign")), 409, "already exists")
	// A name with the same slug conflicts too.
	expectPartnerError(t, partnerCall(t, ts, "POST", campaignsPath+"?product=livechat", createForm("summer  CAMPAIGN")), 409,
		"already uses the slug pp_summer-campaign")
}

// search returns the ids and the envelope of one search page.
func search(t *testing.T, r partnerResp) ([]int64, map[string]any) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("search status %d: %s", r.status, r.body)
	}
	var env struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal([]byte(r.body), &env); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, res := range env.Results {
		if got, want := keysOf(res), "created_at,id,is_default,landing_page_url,name,offer,product,region,slug"; got != want {
			t.Fatalf("search result keys %s, want %s", got, want)
		}
		id, ok := res["id"].(float64)
		if !ok {
			t.Fatalf("id is not a number: %v", res["id"])
		}
		ids = append(ids, int64(id))
	}
	return ids, r.json(t)
}

func TestCampaignListSearchDisable(t *testing.T) {
	_, ts := partnerSandbox(t, Options{})
	for i := 1; i <= 17; i++ {
		form := createForm(fmt.Sprintf("Campaign number %02d", i))
		if i == 3 {
			form.Set("coupon_id", "1")
		}
		if r := partnerCall(t, ts, "POST", campaignsPath+"?product=livechat", form); r.status != 201 {
			t.Fatalf("create %d: %d %s", i, r.status, r.body)
		}
	}

	// List: the documented fields, no id, discount only where there is one.
	r := partnerCall(t, ts, "GET", campaignsPath+"?state=active", nil)
	var list struct {
		Result []map[string]any `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || r.status != 200 {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	if len(list.Result) != 17 {
		t.Fatalf("list has %d campaigns, want 17", len(list.Result))
	}
	for _, c := range list.Result {
		want := "active,creation_timestamp,name,product,short_url,slug,trial_duration,url"
		if c["name"] == "Campaign number 03" {
			want = "active,creation_timestamp,discount,name,product,short_url,slug,trial_duration,url"
		}
		if got := keysOf(c); got != want {
			t.Fatalf("list item keys %s, want %s", got, want)
		}
	}

	// Search pages of 15 with the total.
	ids1, env := search(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=1&state=active&product=all", nil))
	if len(ids1) != 15 || env["total"] != float64(17) || env["limit"] != float64(15) {
		t.Fatalf("page 1: %d results, total %v, limit %v", len(ids1), env["total"], env["limit"])
	}
	ids2, _ := search(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=2&state=active", nil))
	if len(ids2) != 2 {
		t.Fatalf("page 2: %d results, want 2", len(ids2))
	}
	ids3, _ := search(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=3&state=active", nil))
	if len(ids3) != 0 {
		t.Fatalf("page 3: %d results, want 0", len(ids3))
	}

	// Filter by name.
	filters := url.QueryEscape(`[{"field":"name","value":"Campaign number 03","operator":"equals"}]`)
	ids, env := search(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=1&state=active&filters="+filters, nil))
	if len(ids) != 1 || env["total"] != float64(1) {
		t.Fatalf("name filter: %v", ids)
	}
	res := env["results"].([]any)[0].(map[string]any)
	if res["slug"] != "pp_campaign-number-03" || res["offer"] != "30% off first payment" || res["landing_page_url"] != "https://www.livechat.com/" {
		t.Fatalf("search result %v", res)
	}
	contains := url.QueryEscape(`[{"field":"name","value":"number 1","operator":"contains"}]`)
	if ids, _ := search(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=1&state=active&filters="+contains, nil)); len(ids) != 8 {
		t.Fatalf("contains filter: %d results, want 8 (10–17)", len(ids))
	}

	// Bad searches.
	expectPartnerError(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=1&state=active&filters=%5Bnot-json", nil), 400, "filters must be a JSON array")
	expectPartnerError(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=1&state=active&filters="+
		url.QueryEscape(`[{"field":"slug","value":"x","operator":"equals"}]`), nil), 400, `filters[0].field must be name or product, got "slug"`)
	expectPartnerError(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=1", nil), 400, "state is required")
	expectPartnerError(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=0&state=active", nil), 400, "page must be")
	expectPartnerError(t, partnerCall(t, ts, "GET", campaignsPath+"?state=gone", nil), 400, `state must be active or disabled, got "gone"`)

	// Disable: 204, then 403; unknown 403; not a number 400.
	id := ids[0]
	if r := partnerCall(t, ts, "DELETE", fmt.Sprintf("%s/%d", campaignsPath, id), nil); r.status != 204 || r.body != "" {
		t.Fatalf("disable: %d %q", r.status, r.body)
	}
	expectPartnerError(t, partnerCall(t, ts, "DELETE", fmt.Sprintf("%s/%d", campaignsPath, id), nil), 403, "doesn't exist or was already disabled")
	expectPartnerError(t, partnerCall(t, ts, "DELETE", campaignsPath+"/999999", nil), 403, "doesn't exist or was already disabled")
	expectPartnerError(t, partnerCall(t, ts, "DELETE", campaignsPath+"/abc", nil), 400, "campaign id must be a positive whole number")

	// The disabled campaign moved from active to disabled and archived.
	r = partnerCall(t, ts, "GET", campaignsPath+"?state=disabled", nil)
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Result) != 1 || list.Result[0]["active"] != false {
		t.Fatalf("disabled list: %s", r.body)
	}
	if ids, _ := search(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=1&state=archived", nil)); len(ids) != 1 || ids[0] != id {
		t.Fatalf("archived search: %v, want [%d]", ids, id)
	}
	if _, env := search(t, partnerCall(t, ts, "GET", campaignsPath+"/search?page=1&state=active", nil)); env["total"] != float64(16) {
		t.Fatalf("active total after disable: %v", env["total"])
	}
	// Its name is free again.
	if r := partnerCall(t, ts, "POST", campaignsPath+"?product=livechat", createForm("Campaign number 03")); r.status != 201 {
		t.Fatalf("re-create after disable: %d %s", r.status, r.body)
	}

	// No get-by-id: the path exists only for DELETE.
	if r := partnerCall(t, ts, "GET", fmt.Sprintf("%s/%d", campaignsPath, id), nil); r.status != 405 {
		t.Fatalf("GET campaign by id: %d, want 405", r.status)
	}
}

func TestCampaignSummary(t *testing.T) {
	s, ts := partnerSandbox(t, Options{})
	c, err := s.CreatePartnerCampaign("livechat", "Summary campaign", 30)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPartnerCampaignStats(c.ID, 21, 37, 42, 312700); err != nil {
		t.Fatal(err)
	}
	r := partnerCall(t, ts, "GET", fmt.Sprintf("%s/%d/summary", campaignsPath, c.ID), nil)
	if r.status != 200 || strings.TrimSpace(r.body) != `{"click":21,"earnings":3127,"paid":42,"trial":37}` {
		t.Fatalf("summary: %d %s", r.status, r.body)
	}
	_ = s.SetPartnerCampaignStats(c.ID, 1, 1, 1, 1)
	if r := partnerCall(t, ts, "GET", fmt.Sprintf("%s/%d/summary", campaignsPath, c.ID), nil); !strings.Contains(r.body, `"earnings":0.01`) {
		t.Fatalf("one cent: %s", r.body)
	}
	expectPartnerError(t, partnerCall(t, ts, "GET", campaignsPath+"/424242/summary", nil), 404, "campaign 424242 not found")
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"New campaign":         "new-campaign",
		"Hello World!":         "hello-world",
		"  a--b__c  ":          "a-b-c",
		"Zażółć gęślą 2025":    "za-g-l-2025",
		"!!!":                  "",
		"Black Friday -- 50 %": "black-friday-50",
	} {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}
