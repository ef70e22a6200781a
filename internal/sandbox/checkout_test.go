package sandbox

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func (h *harness) page(method, path string, form url.Values) (int, string) {
	h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, h.url+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req) // follows the 303 to the page
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		h.t.Fatalf("%s %s: Content-Type %q", method, path, ct)
	}
	return resp.StatusCode, string(b)
}

func wantAll(t *testing.T, page string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(page, p) {
			t.Errorf("the page lacks %q", p)
		}
	}
}

func TestCheckoutPage_recurrent(t *testing.T) {
	h := newHarness(t, Options{})
	body := validRecurrent()
	body["name"] = `Pro <script>alert(1)</script>`
	body["trial_days"] = 14
	c := h.must(http.StatusCreated, "POST", recurrentPath, body)
	id := str(c["id"])
	confirm := strings.TrimPrefix(str(c["confirmation_url"]), h.url)

	status, page := h.page("GET", confirm, nil)
	if status != http.StatusOK {
		t.Fatalf("confirmation page: %d", status)
	}
	wantAll(t, page, "Pro &lt;script&gt;alert(1)&lt;/script&gt;", "$19.00", "every month", "14-day free trial",
		`id="status">pending<`, `value="accept"`, `value="decline"`)
	if strings.Contains(page, "<script>alert") {
		t.Fatal("the charge name is not escaped")
	}

	// The checkout link of platform-api.md §1.4, with icon and description.
	link := "/marketplace/checkout/charge/" + id + "/recurrent_charge?icon=" +
		url.QueryEscape("https://cdn.example.com/i.png") + "&description=" + url.QueryEscape(`Best "plan" & more`)
	status, page = h.page("GET", link, nil)
	if status != http.StatusOK {
		t.Fatalf("checkout link: %d", status)
	}
	wantAll(t, page, `src="https://cdn.example.com/i.png"`, "Best &#34;plan&#34; &amp; more")
	if _, page = h.page("GET", "/marketplace/checkout/charge/"+id+"/recurrent_charge?icon=javascript:alert(1)", nil); strings.Contains(page, "<img") {
		t.Fatal("a javascript: icon reached the page")
	}

	// Wrong kind, unknown kind, unknown id.
	for _, p := range []string{
		"/marketplace/checkout/charge/" + id + "/direct_charge",
		"/marketplace/checkout/charge/" + id + "/subscription",
		"/billing/confirm/nope",
	} {
		if status, _ := h.page("GET", p, nil); status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, status)
		}
	}

	// Accept through the form: the page then shows the new status.
	status, page = h.page("POST", link, url.Values{"action": {"accept"}})
	if status != http.StatusOK {
		t.Fatalf("after accepting: %d", status)
	}
	wantAll(t, page, `id="status">accepted<`, "You accepted this charge")
	if strings.Contains(page, `value="accept"`) {
		t.Error("the buttons are still shown after the answer")
	}
	if s, _ := h.srv.ChargeStatus(id); s != "accepted" {
		t.Fatalf("charge status %q, want accepted", s)
	}
	// A second answer is refused on the page.
	status, page = h.page("POST", confirm, url.Values{"action": {"decline"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("second answer: %d", status)
	}
	wantAll(t, page, "only a pending charge can be declined")
	if status, _ = h.page("POST", confirm, url.Values{"action": {"maybe"}}); status != http.StatusBadRequest {
		t.Fatalf("bad action: %d", status)
	}
}

func TestCheckoutPage_direct(t *testing.T) {
	h := newHarness(t, Options{})
	b := validDirect()
	b["price"] = 1999
	b["quantity"] = 3
	c := h.must(http.StatusCreated, "POST", directPath, b)
	id := str(c["id"])
	_, page := h.page("GET", "/marketplace/checkout/charge/"+id+"/direct_charge", nil)
	wantAll(t, page, "Extra seats", "$19.99", `id="quantity">3<`, "$59.97", `id="status">pending<`)
	if strings.Contains(page, "every month") {
		t.Error("a one-time charge shows a billing cycle")
	}
	_, page = h.page("POST", "/marketplace/checkout/charge/"+id+"/direct_charge", url.Values{"action": {"decline"}})
	wantAll(t, page, `id="status">declined<`, "You declined this charge")
	if s, _ := h.srv.ChargeStatus(id); s != "declined" {
		t.Fatalf("status %q", s)
	}
	y := validRecurrent()
	y["months"] = 12
	c = h.must(http.StatusCreated, "POST", recurrentPath, y)
	_, page = h.page("GET", "/billing/confirm/"+str(c["id"]), nil)
	wantAll(t, page, "every 12 months", "no trial")
}

func TestDollars(t *testing.T) {
	for cents, want := range map[int64]string{0: "$0.00", 5: "$0.05", 1900: "$19.00", 123456: "$1234.56", -250: "-$2.50"} {
		if got := dollars(cents); got != want {
			t.Errorf("dollars(%d) = %q, want %q", cents, got, want)
		}
	}
}

// chromiumPath finds a Chromium to drive, or "".
func chromiumPath() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// The buyer opens the checkout link in a real browser and clicks Accept.
func TestCheckoutPage_browserAccept(t *testing.T) {
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("chromium is not installed (apt-get install -y chromium installs it); skipping the browser test")
	}
	h := newHarness(t, Options{})
	body := validRecurrent()
	body["name"] = "Chat Transcripts Pro"
	body["trial_days"] = 7
	c := h.must(http.StatusCreated, "POST", recurrentPath, body)
	id := str(c["id"])
	link := h.url + "/marketplace/checkout/charge/" + id + "/recurrent_charge?description=" + url.QueryEscape("Export every chat")

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	if err := chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS("#accept")),
	); err != nil {
		t.Fatalf("browser: opening the checkout link: %v", err)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("browser: reading %s: %v", sel, err)
		}
		return v
	}
	name, price, cycle, trial := text("#name"), text("#price"), text("#cycle"), text("#trial")
	description, before := text("#description"), text("#status")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#accept")),
		chromedp.WaitVisible(chromedp.CSS("#notice")),
	); err != nil {
		t.Fatalf("browser: clicking Accept: %v", err)
	}
	after := text("#status")
	for got, want := range map[string]string{name: "Chat Transcripts Pro", price: "$19.00", cycle: "every month",
		trial: "7-day free trial", description: "Export every chat", before: "pending", after: "accepted"} {
		if strings.TrimSpace(got) != want {
			t.Errorf("the page shows %q, want %q", got, want)
		}
	}
	// Ask the sandbox, not the page.
	if got := h.must(http.StatusOK, "GET", recurrentPath+"/"+id, nil)["status"]; got != "accepted" {
		t.Fatalf("after the click the charge is %v, want accepted", got)
	}
}

// A page of another site that knows a charge id cannot answer it for the
// buyer: the form takes posts from its own page (same Origin) or from tools
// that send none. The browser test covers the sandbox's own page.
func TestCheckoutPage_crossSiteRefused(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.must(http.StatusCreated, "POST", directPath, validDirect())
	id := str(c["id"])
	post := func(origin string, host ...string) int {
		req, _ := http.NewRequest(http.MethodPost, h.url+"/billing/confirm/"+id, strings.NewReader("action=accept"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if len(host) > 0 {
			req.Host = host[0]
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("https://evil.example"); got != http.StatusForbidden {
		t.Fatalf("a cross-site post got %d, want 403", got)
	}
	// DNS rebinding: the page's own name now resolves to 127.0.0.1, so its
	// Origin matches the Host the browser sends.
	if got := post("http://evil.example:80", "evil.example:80"); got != http.StatusForbidden {
		t.Fatalf("a post from a rebound host name got %d, want 403", got)
	}
	if s, _ := h.srv.ChargeStatus(id); s != "pending" {
		t.Fatalf("the cross-site post moved the charge to %s", s)
	}
	if got := post(h.url); got != http.StatusSeeOther {
		t.Fatalf("a post from the page's own origin got %d, want 303", got)
	}
	if s, _ := h.srv.ChargeStatus(id); s != "accepted" {
		t.Fatalf("the same-origin post left the charge %s", s)
	}
}
