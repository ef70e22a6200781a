package client

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParsePartnerTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2018-03-06 11:30:40":       time.Date(2018, 3, 6, 11, 30, 40, 0, time.UTC),
		"2018-03-06T11:30:40Z":      time.Date(2018, 3, 6, 11, 30, 40, 0, time.UTC),
		"2018-03-06T12:30:40+01:00": time.Date(2018, 3, 6, 11, 30, 40, 0, time.UTC),
	} {
		got, err := ParsePartnerTime(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParsePartnerTime(%q) = %v, %v; want %v UTC", in, got, err, want)
		}
	}
	if _, err := ParsePartnerTime("06/03/2018"); err == nil {
		t.Error("a foreign format must fail")
	}
	var pt struct {
		A PartnerTime `json:"a"`
		B PartnerTime `json:"b"`
		C PartnerTime `json:"c"`
	}
	if err := jsonUnmarshal(`{"a":"2019-11-21 14:22:14","b":null,"c":""}`, &pt); err != nil {
		t.Fatal(err)
	}
	if pt.A.Time != time.Date(2019, 11, 21, 14, 22, 14, 0, time.UTC) || !pt.B.IsZero() || !pt.C.IsZero() {
		t.Fatalf("decoded %v %v %v", pt.A, pt.B, pt.C)
	}
}

// The platform's documented list example, with its missing discount.
func TestCampaignDecode_documentedList(t *testing.T) {
	var out struct {
		Result []Campaign `json:"result"`
	}
	err := jsonUnmarshal(`{"result":[
	  {"active":true,"product":"livechat","name":"Hello World!","slug":"pp_hello-world",
	   "url":"https://www.livechat.com/pricing/?a=xyz&utm_campaign=pp_hello-world&utm_source=PP","short_url":"https://lc.chat/abc",
	   "creation_timestamp":"2018-03-06 23:42:19","trial_duration":30,"discount":"30% off first payment"},
	  {"active":true,"creation_timestamp":"2019-11-21 14:22:14","name":"Test Campaign","product":"chatbot",
	   "short_url":"https://lc.chat/xyz","slug":"pp_test-campaign","trial_duration":7,"url":"https://chatbot.com/?a=xyzK"}]}`, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Result) != 2 || out.Result[0].Discount == nil || *out.Result[0].Discount != "30% off first payment" ||
		out.Result[1].Discount != nil || out.Result[1].TrialDuration != 7 {
		t.Fatalf("decoded %+v", out.Result)
	}
	if out.Result[0].CreatedAt.Time != time.Date(2018, 3, 6, 23, 42, 19, 0, time.UTC) {
		t.Fatalf("created %v", out.Result[0].CreatedAt)
	}
}

func TestCampaigns_againstSandbox(t *testing.T) {
	f := newPartnerFixture(t, nil)
	ctx := context.Background()
	c := f.client

	createdRes, err := c.CreateCampaign(ctx, CampaignCreate{Product: ProductLiveChat, Name: "Summer campaign",
		TrialDuration: 30, CouponID: 1, Link: "https://www.livechat.com/features/"})
	created := createdRes.Object
	if err != nil {
		t.Fatal(err)
	}
	if created.Slug != "pp_summer-campaign" || created.TrialDuration != 30 || created.Discount == nil ||
		*created.Discount != "30% off first payment" || !strings.HasPrefix(created.URL, "https://www.livechat.com/features/?") ||
		created.CreatedAt.IsZero() || created.CreatedAt.Location() != time.UTC {
		t.Fatalf("created %+v", created)
	}

	_, err = c.CreateCampaign(ctx, CampaignCreate{Product: ProductLiveChat, Name: "Summer campaign"})
	if !IsConflict(err) || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second create: want a 409 naming the conflict, got %v", err)
	}
	_, err = c.CreateCampaign(ctx, CampaignCreate{Product: ProductLiveChat, Name: "Bad coupon", CouponID: 42})
	if !IsForbidden(err) {
		t.Fatalf("unknown coupon: want 403, got %v", err)
	}

	list, err := c.ListCampaigns(ctx, CampaignStateActive)
	if err != nil || len(list) != 1 || list[0].Slug != created.Slug || !list[0].Active {
		t.Fatalf("list: %+v, %v", list, err)
	}

	found, err := c.FindActiveCampaignsByName(ctx, ProductLiveChat, "Summer campaign")
	if err != nil || len(found) != 1 || found[0].ID == 0 || found[0].Slug != created.Slug || found[0].LandingPageURL != "https://www.livechat.com/features/" {
		t.Fatalf("find: %+v, %v", found, err)
	}
	if other, err := c.FindActiveCampaignsByName(ctx, ProductChatBot, "Summer campaign"); err != nil || len(other) != 0 {
		t.Fatalf("find in another product: %+v, %v", other, err)
	}

	if err := f.sbx.SetPartnerCampaignStats(found[0].ID, 21, 37, 42, 312729); err != nil {
		t.Fatal(err)
	}
	sum, err := c.GetCampaignSummary(ctx, found[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if cents, exact, _ := sum.Earnings.Cents(); sum.Click != 21 || sum.Trial != 37 || sum.Paid != 42 || cents != 312729 || !exact {
		t.Fatalf("summary %+v (cents %d)", sum, cents)
	}

	if err := c.DisableCampaign(ctx, found[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DisableCampaign(ctx, found[0].ID); !IsForbidden(err) {
		t.Fatalf("second disable: want 403, got %v", err)
	}
	disabled, err := c.ListCampaigns(ctx, CampaignStateDisabled)
	if err != nil || len(disabled) != 1 || disabled[0].Active {
		t.Fatalf("disabled list %+v, %v", disabled, err)
	}
}

func TestSearchCampaigns_walksPages(t *testing.T) {
	f := newPartnerFixture(t, nil)
	ctx := context.Background()
	for i := 1; i <= 32; i++ {
		if _, err := f.sbx.CreatePartnerCampaign("chatbot", fmt.Sprintf("Walk campaign %02d", i), 14); err != nil {
			t.Fatal(err)
		}
	}
	all, err := f.client.SearchCampaigns(ctx, CampaignSearch{State: CampaignStateActive})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, r := range all {
		seen[r.ID] = true
	}
	if len(all) != 32 || len(seen) != 32 {
		t.Fatalf("walked %d results (%d distinct), want 32", len(all), len(seen))
	}
	// 15 + 15 + 2: three pages.
	if n := f.sbx.RequestCount("GET /v2/partners/affiliates/campaigns/search"); n != 3 {
		t.Fatalf("search requests %d, want 3", n)
	}
	page, total, err := f.client.SearchCampaignsPage(ctx, CampaignSearch{State: CampaignStateActive,
		Filters: []CampaignFilter{{Field: "name", Value: "campaign 1", Operator: "contains"}}}, 1)
	if err != nil || total != 10 || len(page) != 10 {
		t.Fatalf("filtered page: %d results, total %d, %v", len(page), total, err)
	}
	_, _, err = f.client.SearchCampaignsPage(ctx, CampaignSearch{State: CampaignStateActive,
		Filters: []CampaignFilter{{Field: "region", Value: "x", Operator: "equals"}}}, 1)
	if apiErr, ok := AsAPIError(err); !ok || apiErr.Status != 400 || !strings.Contains(apiErr.Message, "filters[0].field") {
		t.Fatalf("bad filter: %v", err)
	}
}

func TestListCampaignsShared_oneRequest(t *testing.T) {
	f := newPartnerFixture(t, nil)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := f.sbx.CreatePartnerCampaign("livechat", fmt.Sprintf("Shared campaign %d", i), 14); err != nil {
			t.Fatal(err)
		}
	}
	const route = "GET /v2/partners/affiliates/campaigns"
	var wg sync.WaitGroup
	var bad atomic.Int64
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l, err := f.client.ListCampaignsShared(ctx, CampaignStateActive); err != nil || len(l) != 3 {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d callers got a wrong list", bad.Load())
	}
	if n := f.sbx.RequestCount(route); n != 1 {
		t.Fatalf("20 callers made %d list requests, want 1", n)
	}
	// Our own write drops the stored list.
	if _, err := f.client.CreateCampaign(ctx, CampaignCreate{Product: "livechat", Name: "Shared campaign 3"}); err != nil {
		t.Fatal(err)
	}
	l, err := f.client.ListCampaignsShared(ctx, CampaignStateActive)
	if err != nil || len(l) != 4 || f.sbx.RequestCount(route) != 2 {
		t.Fatalf("after create: %d campaigns, %d requests, %v", len(l), f.sbx.RequestCount(route), err)
	}
	// The other state is a separate entry.
	if _, err := f.client.ListCampaignsShared(ctx, CampaignStateDisabled); err != nil || f.sbx.RequestCount(route) != 3 {
		t.Fatalf("disabled list: %d requests, %v", f.sbx.RequestCount(route), err)
	}
	f.client.InvalidateCampaigns()
	if _, err := f.client.ListCampaignsShared(ctx, CampaignStateActive); err != nil || f.sbx.RequestCount(route) != 4 {
		t.Fatalf("after invalidate: %d requests, %v", f.sbx.RequestCount(route), err)
	}
}

// A fetch that started before an invalidation must not store its answer.
func TestCampaignCache_staleFetchNotStored(t *testing.T) {
	var cc campaignCache
	release := make(chan struct{})
	started := make(chan struct{})
	var calls atomic.Int64
	fetch := func(_ context.Context, _ string) ([]Campaign, error) { //nolint:unparam // the cache's fetch signature
		n := calls.Add(1)
		if n == 1 {
			close(started)
			<-release
			return []Campaign{{Slug: "stale"}}, nil
		}
		return []Campaign{{Slug: "fresh"}}, nil
	}
	done := make(chan []Campaign)
	go func() {
		l, _ := cc.get(context.Background(), "active", fetch)
		done <- l
	}()
	<-started
	cc.invalidate()
	close(release)
	if l := <-done; l[0].Slug != "stale" {
		t.Fatalf("the first caller gets its own fetch, got %v", l)
	}
	l, _ := cc.get(context.Background(), "active", fetch)
	if l[0].Slug != "fresh" || calls.Load() != 2 {
		t.Fatalf("after invalidation: %v after %d fetches, want a fresh fetch", l, calls.Load())
	}
}

// A create is not repeated after an ambiguous failure, but is after a 503
// with Retry-After (the platform did not act).
func TestCreateCampaign_retryOnlyIfNotActed(t *testing.T) {
	var posts atomic.Int64
	mode := "502"
	f := newPartnerFixture(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/campaigns") {
				n := posts.Add(1)
				switch {
				case mode == "502":
					// The platform acted, then the gateway failed.
					next.ServeHTTP(httpDiscard{h: http.Header{}}, r)
					w.WriteHeader(http.StatusBadGateway)
					return
				case mode == "503" && n == 2:
					w.Header().Set("Retry-After", "0")
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	res, err := f.client.CreateCampaign(ctx, CampaignCreate{Product: "livechat", Name: "Ambiguous one"})
	if err != nil || !res.Adopted || res.Object.Slug == "" {
		t.Fatalf("the campaign the 502 hid is found by name and adopted: %+v, %v", res, err)
	}
	if apiErr, ok := AsAPIError(res.FailedWith); !ok || apiErr.Status != 502 {
		t.Fatalf("the adoption names the 502, got %v", res.FailedWith)
	}
	if posts.Load() != 1 {
		t.Fatalf("an ambiguous create was sent %d times", posts.Load())
	}
	mode = "503"
	if _, err := f.client.CreateCampaign(ctx, CampaignCreate{Product: "livechat", Name: "Retried one"}); err != nil {
		t.Fatalf("503 with Retry-After then success: %v", err)
	}
	if posts.Load() != 3 {
		t.Fatalf("posts %d, want 3 (one 502, one 503, one retry)", posts.Load())
	}
}

// httpDiscard is a ResponseWriter that drops the answer.
type httpDiscard struct{ h http.Header }

func (d httpDiscard) Header() http.Header         { return d.h }
func (d httpDiscard) Write(b []byte) (int, error) { return len(b), nil }
func (d httpDiscard) WriteHeader(int)             {}

// The summary's figures come as the platform writes them: whole counts and
// earnings in dollars, read exactly (a float64 would turn 0.29 into
// 0.28999…); an unknown campaign is a 404 the caller can tell apart.
func TestGetCampaignSummary(t *testing.T) {
	f := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/v2/partners/affiliates/campaigns/404/summary" {
			writeJSONBody(w, http.StatusNotFound, map[string]string{"message": "campaign 404 not found"})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"click":1204,"trial":37,"paid":12,"earnings":1530.29}`))
	})
	c := newTestClient(t, testConfig(f.URL))
	sum, err := c.GetCampaignSummary(context.Background(), 123)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.last(t); got.Method != http.MethodGet || got.Path != "/v2/partners/affiliates/campaigns/123/summary" ||
		got.Header.Get("Authorization") != "Bearer test-partner-token" {
		t.Fatalf("request %+v", got)
	}
	if cents, exact, _ := sum.Earnings.Cents(); sum.Click != 1204 || sum.Trial != 37 || sum.Paid != 12 ||
		sum.Earnings.String() != "1530.29" || cents != 153029 || !exact {
		t.Fatalf("summary %+v (earnings %s, %d cents)", sum, sum.Earnings.String(), cents)
	}
	if _, err := c.GetCampaignSummary(context.Background(), 404); !IsNotFound(err) {
		t.Fatalf("unknown campaign: want a 404, got %v", err)
	}
}
