package client

import (
	"net/url"
	"strings"
	"testing"
)

func TestCheckoutURL(t *testing.T) {
	for _, tc := range []struct {
		id, typ, icon, desc string
		want                string
	}{
		{"1c286f7a", "recurrent_charge", "", "", "https://www.livechat.com/marketplace/checkout/charge/1c286f7a/recurrent_charge"},
		{"d1", "direct_charge", "https://cdn.example.com/icon.png?v=2", "",
			"https://www.livechat.com/marketplace/checkout/charge/d1/direct_charge?icon=https%3A%2F%2Fcdn.example.com%2Ficon.png%3Fv%3D2"},
		{"d1", "direct_charge", "", "10 seats & more: 50% off", "https://www.livechat.com/marketplace/checkout/charge/d1/direct_charge?description=10+seats+%26+more%3A+50%25+off"},
		{"r1", "recurrent_charge", "http://x.example/i.png", "Zażółć gęślą", "https://www.livechat.com/marketplace/checkout/charge/r1/recurrent_charge?icon=http%3A%2F%2Fx.example%2Fi.png&description=Za%C5%BC%C3%B3%C5%82%C4%87+g%C4%99%C5%9Bl%C4%85"},
	} {
		got, err := CheckoutURL(tc.id, tc.typ, tc.icon, tc.desc)
		if err != nil || got != tc.want {
			t.Errorf("CheckoutURL(%q, %q, %q, %q) = %q, %v; want %q", tc.id, tc.typ, tc.icon, tc.desc, got, err, tc.want)
			continue
		}
		// The parameters round-trip.
		u, err := url.Parse(got)
		if err != nil || u.Query().Get("icon") != tc.icon || u.Query().Get("description") != tc.desc {
			t.Errorf("%q does not decode back: %v", got, err)
		}
	}
	for _, tc := range []struct{ id, typ, icon, msg string }{
		{"x", "subscription", "", `charge_type must be direct_charge or recurrent_charge, got "subscription"`},
		{"x", "", "", "charge_type must be"},
		{"", "direct_charge", "", `invalid charge id ""`},
		{"a/b", "direct_charge", "", `invalid charge id "a/b"`},
		{"x", "direct_charge", "ftp://x/i.png", `icon must be an absolute http(s) URL, got "ftp://x/i.png"`},
		{"x", "direct_charge", "icon.png", "icon must be an absolute http(s) URL"},
		{"x", "direct_charge", "https://:443/i.png", `icon must be an absolute http(s) URL, got "https://:443/i.png"`},
	} {
		_, err := CheckoutURL(tc.id, tc.typ, tc.icon, "")
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("CheckoutURL(%q, %q, %q): error %v, want %q", tc.id, tc.typ, tc.icon, err, tc.msg)
		}
	}
}
