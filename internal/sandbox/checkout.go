package sandbox

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
)

// The buyer's side of a charge: the page a charge's confirmation_url opens,
// and the Marketplace checkout link of platform-api.md §1.4 mapped onto the sandbox
// (https://www.livechat.com/marketplace/checkout/charge/<id>/<kind> becomes
// <sandbox>/marketplace/checkout/charge/<id>/<kind>). Both show the charge
// and let the buyer accept or decline it with a form that posts back to the
// same address; after the action the page shows the new status.

func (s *Server) checkoutRoutes() {
	s.mux.HandleFunc("GET /billing/confirm/{id}", loopbackOnly(s.checkoutPage))
	s.mux.HandleFunc("POST /billing/confirm/{id}", loopbackOnly(s.checkoutAction))
	s.mux.HandleFunc("GET /marketplace/checkout/charge/{id}/{kind}", loopbackOnly(s.checkoutPage))
	s.mux.HandleFunc("POST /marketplace/checkout/charge/{id}/{kind}", loopbackOnly(s.checkoutAction))
}

// checkoutView is what the page shows.
type checkoutView struct {
	Title       string
	ID          string
	Kind        string
	Name        string
	Description string
	Icon        string
	Price       string
	Quantity    int64
	Total       string
	Cycle       string
	Trial       string
	PerAccount  bool
	Test        bool
	Status      string
	Pending     bool
	ReturnURL   string
	Notice      string
	Error       string
	Action      string
}

// checkoutLookup finds the charge the page is about. kind is "" on the
// confirmation page (either kind) or the checkout link's kind.
func (s *Server) checkoutLookup(r *http.Request) (checkoutView, bool) {
	id, kind := r.PathValue("id"), r.PathValue("kind")
	if kind != "" && kind != kindRecurrent && kind != kindDirect {
		return checkoutView{}, false
	}
	q := r.URL.Query()
	v := checkoutView{ID: id, Description: q.Get("description"), Icon: q.Get("icon"), Action: r.URL.RequestURI()}
	found := false
	s.view(func() {
		if c, ok := s.st.recurrent.get(id); ok && kind != kindDirect {
			found = true
			v.Kind, v.Title = kindRecurrent, "Subscription"
			v.Name, v.Price, v.Status, v.ReturnURL = c.Name, dollars(c.Price), c.Status, c.ReturnURL
			v.PerAccount, v.Test = c.PerAccount, c.Test
			v.Cycle = "every month"
			if c.Months > 1 {
				v.Cycle = fmt.Sprintf("every %d months", c.Months)
			}
			if c.TrialDays > 0 {
				v.Trial = fmt.Sprintf("%d-day free trial", c.TrialDays)
			}
			return
		}
		if c, ok := s.st.direct.get(id); ok && kind != kindRecurrent {
			found = true
			v.Kind, v.Title = kindDirect, "One-time charge"
			v.Name, v.Price, v.Status, v.ReturnURL = c.Name, dollars(c.Price), c.Status, c.ReturnURL
			v.PerAccount, v.Test = c.PerAccount, c.Test
			v.Quantity, v.Total = c.Quantity, dollars(c.amount())
		}
	})
	v.Pending = v.Status == statusPending
	switch v.Status {
	case statusAccepted:
		v.Notice = "You accepted this charge. The app will activate it."
	case statusDeclined:
		v.Notice = "You declined this charge."
	}
	return v, found
}

func (s *Server) checkoutPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.checkoutLookup(r)
	if !ok {
		writeCheckoutNotFound(w, r)
		return
	}
	renderCheckout(w, http.StatusOK, v)
}

// checkoutAction handles the Accept and Decline buttons.
func (s *Server) checkoutAction(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "the checkout form answers posts from its own page only", http.StatusForbidden)
		return
	}
	v, ok := s.checkoutLookup(r)
	if !ok {
		writeCheckoutNotFound(w, r)
		return
	}
	form, err := decodeForm(r)
	if err != nil {
		v.Error = err.Error()
		renderCheckout(w, http.StatusBadRequest, v)
		return
	}
	var to string
	switch form.Get("action") {
	case "accept":
		to = statusAccepted
	case "decline":
		to = statusDeclined
	default:
		v.Error = fmt.Sprintf("action must be accept or decline, got %q", form.Get("action"))
		renderCheckout(w, http.StatusBadRequest, v)
		return
	}
	err = s.update(func(x *tx) error {
		_, err := s.answerChargeLocked(x, r, v.ID, v.Kind, to)
		return err
	})
	if err != nil {
		v.Error = err.Error()
		renderCheckout(w, http.StatusUnprocessableEntity, v)
		return
	}
	// Post/redirect/get: reloading the page does not answer twice.
	http.Redirect(w, r, r.URL.RequestURI(), http.StatusSeeOther)
}

func writeCheckoutNotFound(w http.ResponseWriter, r *http.Request) {
	renderCheckout(w, http.StatusNotFound, checkoutView{
		Title: "Charge not found",
		Error: fmt.Sprintf("There is no charge at %s.", r.URL.Path),
	})
}

func renderCheckout(w http.ResponseWriter, status int, v checkoutView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = checkoutTemplate.Execute(w, v)
}

// dollars formats cents as $19.00.
func dollars(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s$%d.%02d", sign, cents/100, cents%100)
}

// safeIcon keeps only absolute http(s) icon URLs.
func safeIcon(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return raw
}

var checkoutTemplate = template.Must(template.New("checkout").Funcs(template.FuncMap{
	"safeIcon": safeIcon,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Name}}{{.Name}} – {{end}}LiveChat sandbox checkout</title>
<style>
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f5f7; color: #1b1d21; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem;
         box-shadow: 0 1px 3px rgba(0,0,0,.08), 0 8px 24px rgba(0,0,0,.06); }
  header { display: flex; align-items: center; gap: .75rem; margin-bottom: 1rem; }
  header img { width: 48px; height: 48px; border-radius: 8px; object-fit: cover; }
  .kind { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: #6b7280; margin: 0; }
  h1 { font-size: 1.4rem; margin: 0; }
  .description { color: #4b5563; margin: 0 0 1rem; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .4rem 1rem; margin: 0 0 1.5rem; }
  dt { color: #6b7280; }
  dd { margin: 0; font-weight: 600; }
  .status { display: inline-block; padding: .1rem .55rem; border-radius: 999px; background: #eef2ff; color: #3730a3; font-size: .9rem; }
  .notice { background: #ecfdf5; color: #065f46; padding: .6rem .8rem; border-radius: 8px; }
  .error { background: #fef2f2; color: #991b1b; padding: .6rem .8rem; border-radius: 8px; }
  .test { background: #fffbeb; color: #92400e; padding: .4rem .8rem; border-radius: 8px; font-size: .9rem; }
  form { display: flex; gap: .75rem; }
  button { flex: 1; font: inherit; font-weight: 600; padding: .7rem 1rem; border-radius: 8px; border: 1px solid transparent; cursor: pointer; }
  button.accept { background: #2563eb; color: #fff; }
  button.decline { background: #fff; color: #374151; border-color: #d1d5db; }
  footer { margin-top: 1.5rem; font-size: .85rem; color: #6b7280; }
  a { color: #2563eb; }
</style>
</head>
<body>
<main>
{{if .Kind}}
  <header>
    {{with safeIcon .Icon}}<img src="{{.}}" alt="">{{end}}
    <div>
      <p class="kind">{{.Title}}</p>
      <h1 id="name">{{.Name}}</h1>
    </div>
  </header>
  {{with .Description}}<p class="description" id="description">{{.}}</p>{{end}}
  {{if .Test}}<p class="test">Test charge: no money moves.</p>{{end}}
  <dl>
    <dt>Price</dt><dd id="price">{{.Price}}{{if .PerAccount}} per account{{end}}</dd>
    {{if .Cycle}}<dt>Billed</dt><dd id="cycle">{{.Cycle}}</dd>{{end}}
    {{if .Cycle}}<dt>Trial</dt><dd id="trial">{{with .Trial}}{{.}}{{else}}no trial{{end}}</dd>{{end}}
    {{if .Quantity}}<dt>Quantity</dt><dd id="quantity">{{.Quantity}}</dd><dt>Total</dt><dd id="total">{{.Total}}</dd>{{end}}
    <dt>Status</dt><dd><span class="status" id="status">{{.Status}}</span></dd>
  </dl>
  {{with .Error}}<p class="error" id="error">{{.}}</p>{{end}}
  {{with .Notice}}<p class="notice" id="notice">{{.}}</p>{{end}}
  {{if .Pending}}
  <form method="post" action="{{.Action}}">
    <button type="submit" class="accept" id="accept" name="action" value="accept">Accept</button>
    <button type="submit" class="decline" id="decline" name="action" value="decline">Decline</button>
  </form>
  {{else}}
  <p><a href="{{.ReturnURL}}" id="return">Return to the app</a></p>
  {{end}}
  <footer>LiveChat sandbox · charge <code>{{.ID}}</code></footer>
{{else}}
  <h1>{{.Title}}</h1>
  <p class="error" id="error">{{.Error}}</p>
{{end}}
</main>
</body>
</html>
`))

// sameOrigin reports whether a form post came from the sandbox's own page
// (its Origin is http://<Host>, Host a loopback name) or from a tool that
// sends no Origin. A page of another site that knows a charge id must not
// accept it for the buyer, nor one that rebound its own host name to
// 127.0.0.1, whose Origin matches the Host it sends.
func sameOrigin(r *http.Request) bool {
	origin, ok := r.Header["Origin"]
	if !ok {
		return true
	}
	return len(origin) == 1 && origin[0] == "http://"+r.Host && loopbackHost(r.Host)
}
