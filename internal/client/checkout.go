package client

import (
	"fmt"
	"net/url"
	"strings"
)

// CheckoutBaseURL is where the Marketplace's checkout links start (platform-api.md §1.4).
const CheckoutBaseURL = "https://www.livechat.com/marketplace/checkout/charge/"

// CheckoutURL builds the Marketplace link that sends a buyer to an existing
// charge:
//
//	https://www.livechat.com/marketplace/checkout/charge/<id>/<direct_charge|recurrent_charge>?icon=<url>&description=<text>
//
// icon and description are optional (omitted when empty) and URL-encoded;
// icon must be an absolute http(s) URL.
func CheckoutURL(chargeID, chargeType, icon, description string) (string, error) {
	if err := validChargeID(chargeID); err != nil {
		return "", fmt.Errorf("charge_id: %w", err)
	}
	if chargeType != ChargeTypeDirect && chargeType != ChargeTypeRecurrent {
		return "", fmt.Errorf("charge_type must be %s or %s, got %q", ChargeTypeDirect, ChargeTypeRecurrent, chargeType)
	}
	if icon != "" {
		u, ok := ParseAbsoluteHTTPURL(icon)
		if !ok {
			return "", fmt.Errorf("icon must be an absolute http(s) URL, got %q", icon)
		}
		if p := HostProblem(u); p != "" {
			return "", fmt.Errorf("icon must be an absolute http(s) URL that can be reached: %s, got %q", p, icon)
		}
	}
	var b strings.Builder
	b.WriteString(CheckoutBaseURL)
	b.WriteString(url.PathEscape(chargeID))
	b.WriteString("/")
	b.WriteString(chargeType)
	sep := "?"
	for _, kv := range [][2]string{{"icon", icon}, {"description", description}} {
		if kv[1] == "" {
			continue
		}
		b.WriteString(sep + kv[0] + "=" + url.QueryEscape(kv[1]))
		sep = "&"
	}
	return b.String(), nil
}
