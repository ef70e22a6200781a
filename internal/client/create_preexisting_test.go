package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// What a create does with objects that exist before it (platform-api.md
// §6.7): a campaign with the name and every argument is taken instead of
// created; direct charges and upgrades with the arguments are named as
// lookalikes, never taken.

// countedPosts serves a sandbox and counts the creating POSTs under prefix.
type countedPosts struct {
	sbx   *sandbox.Server
	url   string
	posts atomic.Int64
}

func newCountedPosts(t *testing.T, prefix string, opts sandbox.Options) *countedPosts {
	t.Helper()
	cp := &countedPosts{}
	cp.sbx, cp.url = startSandbox(t, opts, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, prefix) {
				cp.posts.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	})
	return cp
}

// client is a new client, as a new run of Terraform would have.
func (cp *countedPosts) client(t *testing.T) *Client {
	return newTestClient(t, Config{
		Endpoints: endpointsAt(cp.url), AccessToken: sandbox.DefaultAccessToken, PartnerToken: sandbox.DefaultPartnerToken,
		MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
	})
}

func (cp *countedPosts) activeCampaigns() int {
	n := 0
	for _, c := range cp.sbx.PartnerCampaigns() {
		if c.Active {
			n++
		}
	}
	return n
}

const campaignsPath = "/v2/partners/affiliates/campaigns"

func fullCampaign() CampaignCreate {
	return CampaignCreate{Product: ProductLiveChat, Name: "Spring referral campaign", TrialDuration: 21, CouponID: 1,
		Link: "https://www.livechat.com/pricing/"}
}

// A campaign left by an earlier run (its answer never arrived) has the
// name and every argument: the next run takes it without sending a create.
func TestCreateCampaign_takesTheCampaignWithEveryArgument(t *testing.T) {
	cp := newCountedPosts(t, campaignsPath, sandbox.Options{})
	first, err := cp.client(t).CreateCampaign(context.Background(), fullCampaign())
	if err != nil {
		t.Fatal(err)
	}
	res, err := cp.client(t).CreateCampaign(context.Background(), fullCampaign())
	if err != nil {
		t.Fatalf("want the existing campaign taken, got %v", err)
	}
	if !res.Preexisting || res.Adopted || res.FailedWith != nil || res.Object.Slug != first.Object.Slug {
		t.Fatalf("got %+v (object %+v), want campaign %s taken as preexisting", res, res.Object, first.Object.Slug)
	}
	if res.Object.URL != first.Object.URL || res.Object.Discount == nil || *res.Object.Discount != "30% off first payment" {
		t.Errorf("the taken campaign is described as %+v, want the links and discount of %+v", res.Object, first.Object)
	}
	if n := cp.posts.Load(); n != 1 {
		t.Errorf("%d creates sent, want 1: the second run must not send one", n)
	}
	if n := cp.activeCampaigns(); n != 1 {
		t.Errorf("%d active campaigns, want 1", n)
	}
}

// A campaign that differs in any argument, or whose arguments the create
// leaves to the platform, is never taken: the create is refused (409) as
// before, and nothing is created.
func TestCreateCampaign_neverTakesACampaignThatDiffers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*CampaignCreate)
	}{
		{"trial_duration", func(in *CampaignCreate) { in.TrialDuration = 30 }},
		{"coupon", func(in *CampaignCreate) { in.CouponID = 2 }},
		{"no coupon", func(in *CampaignCreate) { in.CouponID = 0 }},
		{"link", func(in *CampaignCreate) { in.Link = "https://www.livechat.com/features/" }},
		{"link left to the platform", func(in *CampaignCreate) { in.Link = "" }},
		{"trial left to the platform", func(in *CampaignCreate) { in.TrialDuration = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := newCountedPosts(t, campaignsPath, sandbox.Options{})
			if _, err := cp.client(t).CreateCampaign(context.Background(), fullCampaign()); err != nil {
				t.Fatal(err)
			}
			in := fullCampaign()
			tc.change(&in)
			res, err := cp.client(t).CreateCampaign(context.Background(), in)
			if err == nil || !IsConflict(err) || !isNotCreated(err) {
				t.Fatalf("want the create refused with 409 (not created), got %+v, %v", res, err)
			}
			if n := cp.activeCampaigns(); n != 1 {
				t.Errorf("%d active campaigns, want 1", n)
			}
		})
	}
}

// Two coupons with one label cannot be told apart by a campaign's
// discount, so neither campaign is taken for the other.
func TestCreateCampaign_ambiguousCouponLabelIsNoMatch(t *testing.T) {
	cp := newCountedPosts(t, campaignsPath, sandbox.Options{})
	if err := cp.sbx.AddPartnerCoupon(3, "30% off first payment"); err != nil {
		t.Fatal(err)
	}
	if _, err := cp.client(t).CreateCampaign(context.Background(), fullCampaign()); err != nil {
		t.Fatal(err)
	}
	if _, err := cp.client(t).CreateCampaign(context.Background(), fullCampaign()); !IsConflict(err) {
		t.Fatalf("want 409, got %v", err)
	}
}

// One client never takes a campaign it created or took itself: two
// resources of one configuration with one name do not share a campaign.
func TestCreateCampaign_neverTakesItsOwnCampaignTwice(t *testing.T) {
	cp := newCountedPosts(t, campaignsPath, sandbox.Options{})
	c := cp.client(t)
	if _, err := c.CreateCampaign(context.Background(), fullCampaign()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCampaign(context.Background(), fullCampaign()); !IsConflict(err) {
		t.Fatalf("the same client took its own campaign again: %v", err)
	}
	other := cp.client(t)
	if _, err := other.CreateCampaign(context.Background(), fullCampaign()); err != nil {
		t.Fatalf("another client must take it once: %v", err)
	}
	if _, err := other.CreateCampaign(context.Background(), fullCampaign()); !IsConflict(err) {
		t.Fatalf("another client took it twice: %v", err)
	}
}

// A campaign that appears after the snapshot (a killed run's create
// committed late) makes the create answer 409; the campaign is looked for
// again and taken, with the refusal kept.
func TestCreateCampaign_takesTheCampaignAfterAConflict(t *testing.T) {
	var posts atomic.Int64
	sbx, url := startSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == campaignsPath && posts.Add(1) == 1 {
				// The other run's create of the same campaign lands first.
				body, _ := io.ReadAll(r.Body)
				other := r.Clone(r.Context())
				other.Body = io.NopCloser(bytes.NewReader(body))
				next.ServeHTTP(httptest.NewRecorder(), other)
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			next.ServeHTTP(w, r)
		})
	})
	c := newTestClient(t, Config{Endpoints: endpointsAt(url), PartnerToken: sandbox.DefaultPartnerToken,
		MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	res, err := c.CreateCampaign(context.Background(), fullCampaign())
	if err != nil {
		t.Fatalf("want the campaign taken after the 409, got %v", err)
	}
	if !res.Preexisting || !IsConflict(res.FailedWith) {
		t.Fatalf("got %+v, want a preexisting campaign and the 409 kept", res)
	}
	if n := len(sbx.PartnerCampaigns()); n != 1 {
		t.Fatalf("%d campaigns, want 1", n)
	}
}

func seatsCharge() DirectChargeRequest {
	return DirectChargeRequest{Name: "Ten extra seats", Price: 700, Quantity: 10, ReturnURL: "https://example.com/done"}
}

// Pending direct charges with the arguments of a create, made before the
// client's first create, are named with their ids and never taken; one the
// buyer answered, one with other arguments, one older than the window and
// the client's own charges are not named.
func TestCreateDirectCharge_namesLookalikes(t *testing.T) {
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	cp := newCountedPosts(t, "/v3/direct_charge/", sandbox.Options{Now: clock})
	ctx := context.Background()
	create := func(c *Client, req DirectChargeRequest) CreateResult[DirectCharge] {
		t.Helper()
		res, err := c.CreateDirectCharge(ctx, ProductLiveChat, req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	earlier := cp.client(t)
	offset.Store(int64(-LookalikeWindow - time.Hour))
	tooOld := create(earlier, seatsCharge())
	offset.Store(0)
	orphan := create(earlier, seatsCharge())
	answered := create(earlier, seatsCharge())
	if err := cp.sbx.AcceptCharge(answered.Object.ID); err != nil {
		t.Fatal(err)
	}
	other := seatsCharge()
	other.Quantity = 11
	create(earlier, other)

	next := cp.client(t)
	res := create(next, seatsCharge())
	if res.LookalikesUnchecked != nil || len(res.Lookalikes) != 1 || res.Lookalikes[0].ID != orphan.Object.ID {
		t.Fatalf("lookalikes %+v (%v), want only %s (not the older %s, the accepted %s or the new %s)",
			res.Lookalikes, res.LookalikesUnchecked, orphan.Object.ID, tooOld.Object.ID, answered.Object.ID, res.Object.ID)
	}
	if got := res.Lookalikes[0].CreatedAt; !got.Equal(orphan.Object.CreatedAt) {
		t.Errorf("lookalike created at %v, want %v", got, orphan.Object.CreatedAt)
	}
	if res.Object.ID == orphan.Object.ID || res.Adopted || res.Preexisting {
		t.Fatalf("a lookalike charge was taken: %+v", res)
	}
	// The client's own charge of a moment ago is not a lookalike.
	again := create(next, seatsCharge())
	if len(again.Lookalikes) != 1 || again.Lookalikes[0].ID != orphan.Object.ID {
		t.Fatalf("second create: lookalikes %+v, want only %s", again.Lookalikes, orphan.Object.ID)
	}
	if n := cp.posts.Load(); n != 6 {
		t.Errorf("%d creates sent, want 6", n)
	}
}

// A listing of lookalikes that fails does not stop the create: the result
// says that they were not looked for.
func TestCreateDirectCharge_lookalikeListingFails(t *testing.T) {
	var lists atomic.Int64
	_, url := startSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The first listing and its two retries fail; the snapshot's
			// listing after them succeeds.
			if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v3/direct_charge/") && lists.Add(1) <= 3 {
				http.Error(w, "busy", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	c := newTestClient(t, Config{Endpoints: endpointsAt(url), AccessToken: sandbox.DefaultAccessToken,
		MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	res, err := c.CreateDirectCharge(context.Background(), ProductLiveChat, seatsCharge())
	if err != nil || res.Object == nil {
		t.Fatalf("the create must go on, got %v", err)
	}
	if res.LookalikesUnchecked == nil {
		t.Fatal("want LookalikesUnchecked to say the listing failed")
	}
}

// A seller with more pending charges in the window than the bound gets
// the newest ones and an error that says so, not a walk of every page.
func TestPendingDirectChargesSince_bounded(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		page := make([]map[string]any, DirectChargePageSize)
		for i := range page {
			page[i] = map[string]any{"id": fmt.Sprintf("c%d-%d", n, i), "status": "pending",
				"created_at": time.Now().UTC().Format(time.RFC3339)}
		}
		writeJSONBody(w, http.StatusOK, map[string]any{"result": page})
	})
	c := newTestClient(t, testConfig(srv.URL))
	found, err := c.pendingDirectChargesWithin(context.Background(), ProductLiveChat, time.Hour)
	if err == nil || len(found) != lookalikePages*DirectChargePageSize || srv.count() != lookalikePages {
		t.Fatalf("got %d charges from %d pages, %v; want %d pages and an error", len(found), srv.count(), err, lookalikePages)
	}
}

// A server that answers pages far larger than the documented 20 makes the
// listing keep no more than lookalikeLimit charges and stop early.
func TestPendingDirectChargesWithin_hugePages(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		page := make([]map[string]any, 5000)
		for i := range page {
			page[i] = map[string]any{"id": fmt.Sprintf("c%d-%d", n, i), "status": "pending",
				"created_at": time.Now().UTC().Format(time.RFC3339)}
		}
		writeJSONBody(w, http.StatusOK, map[string]any{"result": page})
	})
	c := newTestClient(t, testConfig(srv.URL))
	found, err := c.pendingDirectChargesWithin(context.Background(), ProductLiveChat, time.Hour)
	if err == nil || len(found) != lookalikeLimit || srv.count() != 1 {
		t.Fatalf("got %d charges from %d pages, %v; want %d from one page and an error", len(found), srv.count(), err, lookalikeLimit)
	}
}

// The lookalike window ends at the server's clock when it runs behind this
// machine's: an orphan the server stamped a moment ago, thirty hours behind
// the local clock, is still named (on the local clock alone it would look
// older than the window and be hidden).
func TestLookalikes_windowOnTheServersClock(t *testing.T) {
	behind := func() time.Time { return time.Now().Add(-30 * time.Hour) }
	ctx := context.Background()
	t.Run("direct charge", func(t *testing.T) {
		cp := newCountedPosts(t, "/v3/direct_charge/", sandbox.Options{Now: behind})
		orphan, err := cp.client(t).CreateDirectCharge(ctx, ProductLiveChat, seatsCharge())
		if err != nil {
			t.Fatal(err)
		}
		res, err := cp.client(t).CreateDirectCharge(ctx, ProductLiveChat, seatsCharge())
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Lookalikes) != 1 || res.Lookalikes[0].ID != orphan.Object.ID {
			t.Fatalf("lookalikes %+v (%v), want %s", res.Lookalikes, res.LookalikesUnchecked, orphan.Object.ID)
		}
	})
	t.Run("in-app upgrade", func(t *testing.T) {
		cp := newCountedPosts(t, "/v2/applications/", sandbox.Options{Now: behind})
		orphan, _, err := cp.client(t).CreateInAppUpgrade(ctx, sandbox.SandboxAppID, upgCreateBody())
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := cp.client(t).CreateInAppUpgrade(ctx, sandbox.SandboxAppID, upgCreateBody())
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Lookalikes) != 1 || res.Lookalikes[0].ID != orphan.Object.ID {
			t.Fatalf("lookalikes %+v (%v), want %s", res.Lookalikes, res.LookalikesUnchecked, orphan.Object.ID)
		}
	})
}

// An upgrade with the arguments of a create, made by an earlier run, is
// named and never taken; the create makes its own.
func TestCreateInAppUpgrade_namesLookalikes(t *testing.T) {
	cp := newCountedPosts(t, "/v2/applications/", sandbox.Options{})
	ctx := context.Background()
	orphan, _, err := cp.client(t).CreateInAppUpgrade(ctx, sandbox.SandboxAppID, upgCreateBody())
	if err != nil {
		t.Fatal(err)
	}
	otherBody := upgCreateBody()
	otherBody.Price = 1600
	if _, _, err := cp.client(t).CreateInAppUpgrade(ctx, sandbox.SandboxAppID, otherBody); err != nil {
		t.Fatal(err)
	}
	res, _, err := cp.client(t).CreateInAppUpgrade(ctx, sandbox.SandboxAppID, upgCreateBody())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lookalikes) != 1 || res.Lookalikes[0].ID != orphan.Object.ID || res.Object.ID == orphan.Object.ID {
		t.Fatalf("lookalikes %+v of new upgrade %s, want only %s", res.Lookalikes, res.Object.ID, orphan.Object.ID)
	}
}

// hostileCampaigns is a Partner Program that answers the search and the
// list as its fields say and refuses every create with 409.
type hostileCampaigns struct {
	search   func(page int) []map[string]any
	list     []map[string]any
	searches atomic.Int64
	posts    atomic.Int64
}

func (h *hostileCampaigns) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == campaignsPath+"/search":
		h.searches.Add(1)
		page := 1
		_, _ = fmt.Sscan(r.URL.Query().Get("page"), &page)
		writeJSONBody(w, http.StatusOK, map[string]any{"results": h.search(page), "limit": CampaignSearchPageSize})
	case r.Method == http.MethodGet && r.URL.Path == campaignsPath:
		writeJSONBody(w, http.StatusOK, map[string]any{"result": h.list})
	case r.Method == http.MethodPost && r.URL.Path == campaignsPath:
		h.posts.Add(1)
		writeJSONBody(w, http.StatusConflict, map[string]any{"error": "campaign name already taken"})
	default:
		http.NotFound(w, r)
	}
}

// A campaign is taken only when the search and the list agree on it. A
// server whose answers disagree, differ from the configured name in case,
// trailing space or Unicode normalization, or show a slug twice with two
// descriptions makes the create end in the 409 that names it, never in a
// takeover; one that repeats the campaign alike is still taken, once.
func TestCreateCampaign_takeoverDistrustsTheServer(t *testing.T) {
	const name = "Café referral" // NFC
	in := CampaignCreate{Product: ProductLiveChat, Name: name, TrialDuration: 21, Link: "https://www.livechat.com/pricing/"}
	found := func(name, slug string) map[string]any {
		return map[string]any{"id": 7, "name": name, "product": ProductLiveChat, "slug": slug, "landing_page_url": in.Link}
	}
	listed := func(name, slug string, active bool, trial int) map[string]any {
		return map[string]any{"active": active, "product": ProductLiveChat, "name": name, "slug": slug,
			"url": "https://www.livechat.com/pricing/?a=1&utm_campaign=" + slug, "trial_duration": trial, "discount": nil}
	}
	onePage := func(items ...map[string]any) func(int) []map[string]any {
		return func(page int) []map[string]any {
			if page == 1 {
				return items
			}
			return nil
		}
	}
	for _, tc := range []struct {
		name   string
		search func(int) []map[string]any
		list   []map[string]any
		taken  bool
	}{
		{"the search and the list agree", onePage(found(name, "pp_cafe")), []map[string]any{listed(name, "pp_cafe", true, 21)}, true},
		{"the search repeats it", onePage(found(name, "pp_cafe"), found(name, "pp_cafe")),
			[]map[string]any{listed(name, "pp_cafe", true, 21), listed(name, "pp_cafe", true, 21)}, true},
		{"the active list shows it disabled", onePage(found(name, "pp_cafe")), []map[string]any{listed(name, "pp_cafe", false, 21)}, false},
		{"the list names the slug otherwise", onePage(found(name, "pp_cafe")),
			[]map[string]any{listed("Other campaign", "pp_cafe", true, 21)}, false},
		{"the slug is listed twice, differently", onePage(found(name, "pp_cafe")),
			[]map[string]any{listed(name, "pp_cafe", true, 30), listed(name, "pp_cafe", true, 21)}, false},
		{"the name differs in case", onePage(found("café referral", "pp_cafe")),
			[]map[string]any{listed("café referral", "pp_cafe", true, 21)}, false},
		{"the name has a trailing space", onePage(found(name+" ", "pp_cafe")),
			[]map[string]any{listed(name+" ", "pp_cafe", true, 21)}, false},
		{"the name is decomposed (NFD)", onePage(found("Cafe\u0301 referral", "pp_cafe")),
			[]map[string]any{listed("Cafe\u0301 referral", "pp_cafe", true, 21)}, false},
		{"the slug is empty", onePage(found(name, "")), []map[string]any{listed(name, "", true, 21)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &hostileCampaigns{search: tc.search, list: tc.list}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			res, err := newTestClient(t, testConfig(srv.URL)).CreateCampaign(context.Background(), in)
			if tc.taken {
				if err != nil || !res.Preexisting || res.Object.Slug != "pp_cafe" || h.posts.Load() != 0 {
					t.Fatalf("want pp_cafe taken without a create, got %+v, %v (%d creates)", res, err, h.posts.Load())
				}
				return
			}
			if res.Preexisting || !IsConflict(err) || h.posts.Load() != 1 {
				t.Fatalf("want the create refused with 409 and nothing taken, got %+v, %v (%d creates)", res, err, h.posts.Load())
			}
		})
	}
}

// A search that pages on with lookalikes forever (a different page each
// time) is given up after campaignNamePages pages: nothing is taken and
// nothing is sent.
func TestCreateCampaign_searchThatNeverEnds(t *testing.T) {
	h := &hostileCampaigns{search: func(page int) []map[string]any {
		out := make([]map[string]any, CampaignSearchPageSize)
		for i := range out {
			out[i] = map[string]any{"id": page*100 + i, "name": fmt.Sprintf("Café referral %d-%d", page, i),
				"product": ProductLiveChat, "slug": fmt.Sprintf("pp_%d_%d", page, i)}
		}
		return out
	}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	in := CampaignCreate{Product: ProductLiveChat, Name: "Café referral", TrialDuration: 21, Link: "https://www.livechat.com/pricing/"}
	res, err := newTestClient(t, testConfig(srv.URL)).CreateCampaign(context.Background(), in)
	if err == nil || res.Preexisting || !isNotCreated(err) {
		t.Fatalf("want a create that was not sent, got %+v, %v", res, err)
	}
	if n := h.searches.Load(); n > campaignNamePages {
		t.Errorf("%d search pages read, want at most %d", n, campaignNamePages)
	}
	if n := h.posts.Load(); n != 0 {
		t.Errorf("%d creates sent without knowing what exists", n)
	}
}

// A create that leaves the landing page and the trial to the platform takes
// no campaign, even one whose answers show exactly those left out (an empty
// landing page, no trial): what the platform would choose is unknown. The
// rows of TestCreateCampaign_neverTakesACampaignThatDiffers cannot show
// this, since the sandbox always answers a landing page and a trial.
func TestCreateCampaign_argumentsLeftToThePlatformTakeNothing(t *testing.T) {
	const name = "Defaults campaign"
	h := &hostileCampaigns{
		search: func(page int) []map[string]any {
			if page > 1 {
				return nil
			}
			return []map[string]any{{"id": 7, "name": name, "product": ProductLiveChat, "slug": "pp_defaults", "landing_page_url": ""}}
		},
		list: []map[string]any{{"active": true, "product": ProductLiveChat, "name": name, "slug": "pp_defaults", "trial_duration": 0}},
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	res, err := newTestClient(t, testConfig(srv.URL)).CreateCampaign(context.Background(), CampaignCreate{Product: ProductLiveChat, Name: name})
	if res.Preexisting || !IsConflict(err) {
		t.Fatalf("want the 409, nothing taken; got %+v, %v", res, err)
	}
}
