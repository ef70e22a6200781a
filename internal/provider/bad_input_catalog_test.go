package provider

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// The catalog of bad input (platform-api.md §4.7): every invalid
// configuration a user can write for the provider block, each resource,
// data source and the function, and every bad import ID, with the valid
// edge cases beside them. A refused row must fail at plan time (or at
// import) with a message that names the attribute and the allowed values,
// and no row may reach the platform.

// catalogRow is one configuration of the catalog.
type catalogRow struct {
	name string
	// provider is the provider block's attributes; "" is the sandbox's
	// default credentials. Every block points all four APIs at the sandbox
	// unless endpoints says otherwise.
	provider  string
	endpoints map[string]string
	// hcl is the rest of the configuration.
	hcl string
	// importOf and importID make the row an import of importID into the
	// resource address importOf, declared in hcl.
	importOf, importID string
	// attr and allowed are how the error must name the attribute and the
	// values it allows; both must appear, in either order.
	attr, allowed string
	// planOnly keeps a valid row from being applied (it would plan only).
	planOnly bool
}

// hclValue is an HCL expression written as it is (a number, a list, a
// function call), not quoted as a string.
type hclValue string

// hclBody renders base with over laid on it, one attribute a line in name
// order; a nil value in over leaves the attribute out.
func hclBody(base, over map[string]any) string {
	merged := map[string]any{}
	for k, v := range base {
		merged[k] = v
	}
	for k, v := range over {
		merged[k] = v
	}
	keys := make([]string, 0, len(merged))
	for k, v := range merged {
		if v != nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		switch v := merged[k].(type) {
		case string:
			fmt.Fprintf(&b, "  %s = %q\n", k, v)
		default:
			fmt.Fprintf(&b, "  %s = %v\n", k, v)
		}
	}
	return b.String()
}

// block is an HCL block such as `resource "livechat_direct_charge" "x"`.
func block(header string, base, over map[string]any) string {
	return header + " {\n" + hclBody(base, over) + "}\n"
}

// The valid arguments of each object; rows change one of them.
var (
	catalogRecurrent = map[string]any{"name": "Catalog Pro", "price": hclValue("1900"), "return_url": "https://example.com/done"}
	catalogDirect    = map[string]any{"name": "Catalog seats", "price": hclValue("1900"), "quantity": hclValue("2"),
		"return_url": "https://example.com/done"}
	catalogUpgrade = map[string]any{"app_id": sandbox.SandboxAppID, "name": "Extra Accounts",
		"description": "Adds five more agent accounts.", "webhook_url": "https://example.com/hooks/upgrades",
		"type": "quantity", "price": hclValue("1500")}
	catalogCampaign     = map[string]any{"name": "Catalog campaign"}
	catalogSubscription = map[string]any{"product": "livechat", "license_id": "104130623", "plan": "team",
		"billing_cycle": "monthly", "seats": hclValue("1"), "card_token_wo": testCardToken}
)

func recurrentCharge(over map[string]any) string {
	return block(`resource "livechat_recurrent_charge" "x"`, catalogRecurrent, over)
}

func directCharge(over map[string]any) string {
	return block(`resource "livechat_direct_charge" "x"`, catalogDirect, over)
}

func inAppUpgrade(over map[string]any) string {
	return block(`resource "livechat_in_app_upgrade" "x"`, catalogUpgrade, over)
}

func partnerCampaign(over map[string]any) string {
	return block(`resource "livechat_partner_campaign" "x"`, catalogCampaign, over)
}

func partnerSubscription(over map[string]any) string {
	return block(`resource "livechat_partner_subscription" "x"`, catalogSubscription, over)
}

func dataSource(typ string, args map[string]any) string {
	return block(`data "`+typ+`" "x"`, nil, args)
}

// checkoutURL is an output calling the function with args.
func checkoutURL(args string) string {
	return "output \"x\" {\n  value = provider::livechat::checkout_url(" + args + ")\n}\n"
}

// balance makes Terraform configure the provider.
const balance = `data "livechat_ledger_balance" "x" {}` + "\n"

const oauthAttrs = `
  oauth {
    client_id     = "catalog-client"
    client_secret = "catalog-secret"
    refresh_token = "catalog-refresh"
  }`

// refusedProviderRows are the bad provider blocks.
func refusedProviderRows() []catalogRow {
	return []catalogRow{
		{name: "provider/access_token and oauth", provider: `access_token = "a-token"` + oauthAttrs, hcl: balance,
			attr: "Invalid Attribute Combination", allowed: "cannot be configured together: [access_token,oauth]"},
		{name: "provider/access_token and personal_access_token", hcl: balance,
			provider: "access_token = \"a-token\"\n  personal_access_token = \"a-pat\"\n  account_id = \"acc\"",
			attr:     "Invalid Attribute Combination", allowed: "cannot be configured together: [access_token,personal_access_token]"},
		{name: "provider/oauth and personal_access_token", hcl: balance,
			provider: "personal_access_token = \"a-pat\"\n  account_id = \"acc\"" + oauthAttrs,
			attr:     "Invalid Attribute Combination", allowed: "[oauth,personal_access_token]"},
		{name: "provider/personal_access_token without account_id", provider: `personal_access_token = "a-pat"`, hcl: balance,
			attr: "Missing account_id", allowed: "set account_id or LIVECHAT_ACCOUNT_ID"},
		{name: "provider/incomplete oauth", provider: "oauth {\n    client_id = \"catalog-client\"\n  }", hcl: balance,
			attr: "oauth.client_secret is not set", allowed: "Set it in the oauth block or through LIVECHAT_CLIENT_SECRET"},
		{name: "provider/whitespace-only access_token", provider: `access_token = "   "`, hcl: balance,
			attr: "access_token", allowed: "must contain a character other than whitespace"},
		{name: "provider/whitespace-only oauth.client_id", hcl: balance,
			provider: "oauth {\n    client_id = \" \"\n    client_secret = \"catalog-secret\"\n    refresh_token = \"catalog-refresh\"\n  }",
			attr:     "oauth.client_id", allowed: "must contain a character other than whitespace"},
		{name: "provider/whitespace-only partner_token", provider: "partner_token = \"\\t\"", hcl: dataSource("livechat_partner_balance", nil),
			attr: "partner_token", allowed: "must contain a character other than whitespace"},
		{name: "provider/product wrong casing", provider: `product = "LiveChat"`, hcl: balance,
			attr: "Attribute product", allowed: `value must be one of: ["livechat" "helpdesk"], got: "LiveChat"`},
		{name: "provider/max_retries above 20", provider: `max_retries = 21`, hcl: balance,
			attr: "Attribute max_retries", allowed: "value must be between 0 and 20, got: 21"},
		{name: "provider/max_retries below 0", provider: `max_retries = -1`, hcl: balance,
			attr: "Attribute max_retries", allowed: "value must be between 0 and 20, got: -1"},
		{name: "provider/request_timeout 0s", provider: `request_timeout = "0s"`, hcl: balance,
			attr: "Invalid request_timeout", allowed: `more than 0s and at most 1h; got "0s"`},
		{name: "provider/request_timeout just over 1h", provider: `request_timeout = "1h0m1s"`, hcl: balance,
			attr: "Invalid request_timeout", allowed: `more than 0s and at most 1h; got "1h0m1s"`},
		{name: "provider/request_timeout not a duration", provider: `request_timeout = "soon"`, hcl: balance,
			attr: "Invalid Time Duration String Value", allowed: "not a valid Go Time Duration"},
		{name: "provider/requests_per_second below 0", provider: `requests_per_second = -0.5`, hcl: balance,
			attr: "Attribute requests_per_second", allowed: "must be a number from 0 to 1000000 (0 means no limit), got -0.5"},
		{name: "provider/endpoint malformed", endpoints: map[string]string{"billing": "not a url"}, hcl: balance,
			attr: "endpoints.billing", allowed: "must be an absolute http(s) URL such as https://billing.text.com"},
		{name: "provider/endpoint empty", endpoints: map[string]string{"accounts": ""}, hcl: balance,
			attr: "endpoints.accounts", allowed: "must be an absolute http(s) URL"},
		{name: "provider/endpoint plain http to a remote host", endpoints: map[string]string{"partners": "http://partners.example.com"},
			hcl: balance, attr: "endpoints.partners",
			allowed: "plain http, which is allowed only for a loopback address (127.0.0.1, ::1, localhost); use https"},
		{name: "provider/endpoint plain HTTP in capitals", endpoints: map[string]string{"developer_console": "HTTP://api.example.com"},
			hcl: balance, attr: "endpoints.developer_console", allowed: "allowed only for a loopback address"},
		{name: "provider/endpoint with user info", endpoints: map[string]string{"billing": "https://u:pw-catalog@billing.example.com"},
			hcl: balance, attr: "endpoints.billing", allowed: "must not carry user info (user:password@)"},
		{name: "provider/endpoint with a query", endpoints: map[string]string{"billing": "https://billing.example.com/?x=1"},
			hcl: balance, attr: "endpoints.billing", allowed: "must not carry a query or fragment"},
	}
}

// refusedChargeRows are the bad charges and charge data sources.
func refusedChargeRows() []catalogRow {
	cents := "must be a whole number of cents: 19.99 is not"
	return []catalogRow{
		{name: "recurrent/price 0", hcl: recurrentCharge(map[string]any{"price": hclValue("0")}),
			attr: "Attribute price", allowed: "value must be at least 1, got: 0"},
		{name: "recurrent/price fraction", hcl: recurrentCharge(map[string]any{"price": hclValue("19.99")}),
			attr: "price", allowed: cents},
		{name: "recurrent/months 0", hcl: recurrentCharge(map[string]any{"months": hclValue("0")}),
			attr: "Attribute months", allowed: "value must be between 1 and 12, got: 0"},
		{name: "recurrent/months 13", hcl: recurrentCharge(map[string]any{"months": hclValue("13")}),
			attr: "Attribute months", allowed: "value must be between 1 and 12, got: 13"},
		{name: "recurrent/months fraction", hcl: recurrentCharge(map[string]any{"months": hclValue("0.5")}),
			attr: "months", allowed: "must be a whole number: 0.5 is not"},
		{name: "recurrent/trial_days -1", hcl: recurrentCharge(map[string]any{"trial_days": hclValue("-1")}),
			attr: "Attribute trial_days", allowed: "value must be at least 0, got: -1"},
		{name: "recurrent/trial_days fraction", hcl: recurrentCharge(map[string]any{"trial_days": hclValue("1.5")}),
			attr: "trial_days", allowed: "must be a whole number: 1.5 is not"},
		{name: "recurrent/empty name", hcl: recurrentCharge(map[string]any{"name": ""}),
			attr: "Attribute name", allowed: "string length must be at least 1, got: 0"},
		{name: "recurrent/whitespace-only name", hcl: recurrentCharge(map[string]any{"name": "   "}),
			attr: "Attribute name", allowed: "must contain a character other than whitespace"},
		{name: "recurrent/empty external_id", hcl: recurrentCharge(map[string]any{"external_id": ""}),
			attr: "Attribute external_id", allowed: "string length must be at least 1, got: 0"},
		{name: "recurrent/product wrong casing", hcl: recurrentCharge(map[string]any{"product": "HelpDesk"}),
			attr: "Attribute product", allowed: `value must be one of: ["livechat" "helpdesk"], got: "HelpDesk"`},
		{name: "recurrent/return_url malformed", hcl: recurrentCharge(map[string]any{"return_url": "example.com/done"}),
			attr: "return_url", allowed: "must be an absolute http or https URL, such as https://example.com/billing/done"},
		{name: "recurrent/return_url without a host", hcl: recurrentCharge(map[string]any{"return_url": "https://:443/done"}),
			attr: "return_url", allowed: "must be an absolute http or https URL"},
		{name: "recurrent/return_url ftp", hcl: recurrentCharge(map[string]any{"return_url": "ftp://example.com/done"}),
			attr: "return_url", allowed: "must be an absolute http or https URL"},
		{name: "recurrent/return_url with user info", hcl: recurrentCharge(map[string]any{"return_url": "https://u:pw@example.com/done"}),
			attr: "return_url", allowed: "must not carry user info (user:password@)"},
		{name: "direct/quantity 0", hcl: directCharge(map[string]any{"quantity": hclValue("0")}),
			attr: "Attribute quantity", allowed: "value must be at least 1, got: 0"},
		{name: "direct/quantity fraction", hcl: directCharge(map[string]any{"quantity": hclValue("2.5")}),
			attr: "quantity", allowed: "must be a whole number: 2.5 is not"},
		{name: "direct/price fraction", hcl: directCharge(map[string]any{"price": hclValue("19.99")}),
			attr: "price", allowed: cents},
		{name: "direct/total just over 64 bits",
			hcl:  directCharge(map[string]any{"price": hclValue("4611686018427387904"), "quantity": hclValue("2")}),
			attr: "price × quantity", allowed: "more than the largest amount the platform holds (9223372036854775807 cents)"},
		{name: "direct/whitespace-only name", hcl: directCharge(map[string]any{"name": "\t \t"}),
			attr: "Attribute name", allowed: "must contain a character other than whitespace"},
		{name: "direct/product empty", hcl: directCharge(map[string]any{"product": ""}),
			attr: "Attribute product", allowed: `value must be one of: ["livechat" "helpdesk"], got: ""`},
		{name: "data.recurrent_charge/empty id", hcl: dataSource("livechat_recurrent_charge", map[string]any{"id": ""}),
			attr: "id must be one ID such as", allowed: `not empty, not "." or "..", without whitespace`},
		{name: "data.recurrent_charge/id with a slash", hcl: dataSource("livechat_recurrent_charge", map[string]any{"id": "a/b"}),
			attr: "id must be one ID such as", allowed: `"a/b" contains '/', '?' or '#'`},
		{name: "data.direct_charge/whitespace-only id", hcl: dataSource("livechat_direct_charge", map[string]any{"id": "  "}),
			attr: "id must be one ID such as", allowed: `contains whitespace`},
		{name: "data.direct_charge/product wrong casing", hcl: dataSource("livechat_direct_charge", map[string]any{"id": "abc", "product": "LIVECHAT"}),
			attr: "Attribute product", allowed: `value must be one of: ["livechat" "helpdesk"], got: "LIVECHAT"`},
		{name: "data.direct_charges/status not a direct charge status", hcl: dataSource("livechat_direct_charges", map[string]any{"status": "active"}),
			attr: "Attribute status", allowed: `value must be one of: ["pending" "accepted" "declined" "processed" "success" "failed"], got: "active"`},
		{name: "data.direct_charges/recurrent_charge_id with whitespace",
			hcl:  dataSource("livechat_direct_charges", map[string]any{"recurrent_charge_id": "1c286f7a aab8"}),
			attr: "recurrent_charge_id must be one ID such as", allowed: "contains whitespace"},
		{name: "data.ledger_entries/type wrong casing", hcl: dataSource("livechat_ledger_entries", map[string]any{"type": "Refund"}),
			attr: "Attribute type", allowed: `value must be one of: ["collection" "refund" "withdrawal"], got: "Refund"`},
		{name: "data.ledger_entries/since not RFC 3339", hcl: dataSource("livechat_ledger_entries", map[string]any{"since": "2026-01-01"}),
			attr: "Invalid RFC3339 String Value", allowed: "not valid RFC3339 string format"},
	}
}

// refusedUpgradeRows are the bad in-app upgrades.
func refusedUpgradeRows() []catalogRow {
	return []catalogRow{
		{name: "upgrade/price -1", hcl: inAppUpgrade(map[string]any{"price": hclValue("-1")}),
			attr: "Attribute price", allowed: "value must be between 0 and 2000000, got: -1"},
		{name: "upgrade/price 2000001", hcl: inAppUpgrade(map[string]any{"price": hclValue("2000001")}),
			attr: "Attribute price", allowed: "value must be between 0 and 2000000, got: 2000001"},
		{name: "upgrade/price fraction", hcl: inAppUpgrade(map[string]any{"price": hclValue("19.99")}),
			attr: "price", allowed: "must be a whole number of cents: 19.99 is not"},
		{name: "upgrade/empty name", hcl: inAppUpgrade(map[string]any{"name": ""}),
			attr: "Attribute name", allowed: "UTF-8 character count must be between 1 and 64, got: 0"},
		{name: "upgrade/whitespace-only name", hcl: inAppUpgrade(map[string]any{"name": "   "}),
			attr: "Attribute name", allowed: "must contain a character other than spaces"},
		{name: "upgrade/name of 65 multibyte characters", hcl: inAppUpgrade(map[string]any{"name": strings.Repeat("é", 65)}),
			attr: "Attribute name", allowed: "UTF-8 character count must be between 1 and 64, got: 65"},
		{name: "upgrade/whitespace-only description", hcl: inAppUpgrade(map[string]any{"description": " "}),
			attr: "Attribute description", allowed: "must contain a character other than spaces"},
		{name: "upgrade/description of 201 multibyte characters", hcl: inAppUpgrade(map[string]any{"description": strings.Repeat("ż", 201)}),
			attr: "Attribute description", allowed: "UTF-8 character count must be between 1 and 200, got: 201"},
		{name: "upgrade/empty webhook_secret", hcl: inAppUpgrade(map[string]any{"webhook_secret": ""}),
			attr: "Attribute webhook_secret", allowed: "UTF-8 character count must be between 1 and 256, got: 0"},
		{name: "upgrade/webhook_secret of 257 multibyte characters", hcl: inAppUpgrade(map[string]any{"webhook_secret": strings.Repeat("ß", 257)}),
			attr: "Attribute webhook_secret", allowed: "UTF-8 character count must be between 1 and 256, got: 257"},
		{name: "upgrade/type wrong casing", hcl: inAppUpgrade(map[string]any{"type": "Once"}),
			attr: "Attribute type", allowed: `value must be one of: ["once" "quantity"], got: "Once"`},
		{name: "upgrade/payment_type wrong casing", hcl: inAppUpgrade(map[string]any{"payment_type": "Account"}),
			attr: "Attribute payment_type", allowed: `value must be one of: ["organization" "account"], got: "Account"`},
		{name: "upgrade/webhook_url plain http to a remote host", hcl: inAppUpgrade(map[string]any{"webhook_url": "http://example.com/hook"}),
			attr: "webhook_url must use https", allowed: "plain http is allowed only for a loopback host such as 127.0.0.1 or localhost"},
		{name: "upgrade/webhook_url malformed", hcl: inAppUpgrade(map[string]any{"webhook_url": "example.com/hook"}),
			attr: "webhook_url", allowed: "must be an absolute https URL such as https://example.com/hooks/livechat"},
		{name: "upgrade/webhook_url with user info", hcl: inAppUpgrade(map[string]any{"webhook_url": "https://u:pw@example.com/hook"}),
			attr: "webhook_url", allowed: "must not carry user info"},
		{name: "upgrade/price missing", hcl: inAppUpgrade(map[string]any{"price": nil}),
			attr: `The argument "price" is required`, allowed: "but no definition was found"},
		{name: "upgrade/app_id with a slash", hcl: inAppUpgrade(map[string]any{"app_id": "a/b"}),
			attr: "app_id must be one ID such as sandbox-app", allowed: `"a/b" contains '/', '?' or '#'`},
		{name: "upgrade/app_id dot-dot", hcl: inAppUpgrade(map[string]any{"app_id": ".."}),
			attr: "app_id must be one ID such as sandbox-app", allowed: `".." is not an ID`},
		{name: "upgrade/app_id with trailing whitespace", hcl: inAppUpgrade(map[string]any{"app_id": "sandbox-app "}),
			attr: "app_id must be one ID such as sandbox-app", allowed: `"sandbox-app " contains whitespace`},
	}
}

// refusedPartnerRows are the bad campaigns, subscriptions and partner data
// sources.
func refusedPartnerRows() []catalogRow {
	return []catalogRow{
		{name: "campaign/name of 4 characters", hcl: partnerCampaign(map[string]any{"name": "abcd"}),
			attr: "Attribute name", allowed: "UTF-8 character count must be between 5 and 100, got: 4"},
		{name: "campaign/name of 101 multibyte characters", hcl: partnerCampaign(map[string]any{"name": strings.Repeat("ł", 101)}),
			attr: "Attribute name", allowed: "UTF-8 character count must be between 5 and 100, got: 101"},
		{name: "campaign/whitespace-only name", hcl: partnerCampaign(map[string]any{"name": "     "}),
			attr: "Attribute name", allowed: "must not start or end with whitespace"},
		{name: "campaign/name with leading whitespace", hcl: partnerCampaign(map[string]any{"name": " Padded name"}),
			attr: "Attribute name", allowed: "must not start or end with whitespace"},
		{name: "campaign/trial_duration 13", hcl: partnerCampaign(map[string]any{"trial_duration": hclValue("13")}),
			attr: "Attribute trial_duration", allowed: "value must be between 14 and 60, got: 13"},
		{name: "campaign/trial_duration 61", hcl: partnerCampaign(map[string]any{"trial_duration": hclValue("61")}),
			attr: "Attribute trial_duration", allowed: "value must be between 14 and 60, got: 61"},
		{name: "campaign/trial_duration fraction", hcl: partnerCampaign(map[string]any{"trial_duration": hclValue("14.5")}),
			attr: "trial_duration", allowed: "must be a whole number: 14.5 is not"},
		{name: "campaign/coupon_id 0", hcl: partnerCampaign(map[string]any{"coupon_id": hclValue("0")}),
			attr: "Attribute coupon_id", allowed: "value must be at least 1, got: 0"},
		{name: "campaign/coupon_id fraction", hcl: partnerCampaign(map[string]any{"coupon_id": hclValue("1.5")}),
			attr: "coupon_id", allowed: "must be a whole number: 1.5 is not"},
		{name: "campaign/product wrong casing", hcl: partnerCampaign(map[string]any{"product": "ChatBot"}),
			attr: "Attribute product", allowed: `value must be one of: ["livechat" "chatbot" "helpdesk" "partner_program"], got: "ChatBot"`},
		{name: "campaign/link malformed", hcl: partnerCampaign(map[string]any{"link": "not a url"}),
			attr: "link", allowed: "must be an absolute http(s) URL such as https://www.livechat.com/pricing/"},
		{name: "subscription/plan wrong casing", hcl: partnerSubscription(map[string]any{"plan": "Team"}),
			attr: "Attribute plan", allowed: `value must be one of: ["starter" "team" "business"], got: "Team"`},
		{name: "subscription/billing_cycle unknown", hcl: partnerSubscription(map[string]any{"billing_cycle": "yearly"}),
			attr: "Attribute billing_cycle", allowed: `value must be one of: ["monthly" "annual"], got: "yearly"`},
		{name: "subscription/seats 0", hcl: partnerSubscription(map[string]any{"seats": hclValue("0")}),
			attr: "Attribute seats", allowed: "value must be at least 1, got: 0"},
		{name: "subscription/seats fraction", hcl: partnerSubscription(map[string]any{"seats": hclValue("2.5")}),
			attr: "seats", allowed: "must be a whole number: 2.5 is not"},
		{name: "subscription/product not a license product", hcl: partnerSubscription(map[string]any{"product": "partner_program"}),
			attr: "Attribute product", allowed: `value must be one of: ["livechat" "chatbot" "helpdesk"], got: "partner_program"`},
		{name: "subscription/license_id not digits", hcl: partnerSubscription(map[string]any{"license_id": "LC-1"}),
			attr: "Attribute license_id", allowed: "must be a license number, digits only, such as 104130623"},
		{name: "subscription/empty license_id", hcl: partnerSubscription(map[string]any{"license_id": ""}),
			attr: "Attribute license_id", allowed: "must be a license number, digits only"},
		{name: "subscription/no card token", hcl: partnerSubscription(map[string]any{"card_token_wo": nil}),
			attr: "card_token_wo is required", allowed: "Get a one-time card token from the card processor (Recurly)"},
		{name: "subscription/empty card token", hcl: partnerSubscription(map[string]any{"card_token_wo": ""}),
			attr: "card_token_wo is required", allowed: "Get a one-time card token from the card processor (Recurly)"},
		{name: "subscription/whitespace-only card token", hcl: partnerSubscription(map[string]any{"card_token_wo": "  "}),
			attr: "card_token_wo", allowed: "must contain a character other than whitespace"},
		{name: "data.coupon/empty label", hcl: dataSource("livechat_coupon", map[string]any{"label": ""}),
			attr: "Attribute label", allowed: "string length must be at least 1, got: 0"},
		{name: "data.coupon/whitespace-only label", hcl: dataSource("livechat_coupon", map[string]any{"label": "  "}),
			attr: "Attribute label", allowed: "must contain a character other than whitespace"},
		{name: "data.coupons/label_regex malformed", hcl: dataSource("livechat_coupons", map[string]any{"label_regex": "(unclosed"}),
			attr: "label_regex must be a valid regular expression", allowed: "missing closing )"},
		{name: "data.partner_campaigns/state unknown", hcl: dataSource("livechat_partner_campaigns", map[string]any{"state": "archived"}),
			attr: "Attribute state", allowed: `value must be one of: ["active" "disabled"], got: "archived"`},
		{name: "data.partner_campaigns/product wrong casing", hcl: dataSource("livechat_partner_campaigns", map[string]any{"product": "HelpDesk"}),
			attr: "Attribute product", allowed: `value must be one of: ["livechat" "chatbot" "helpdesk" "partner_program"], got: "HelpDesk"`},
	}
}

// refusedEdgeRows are bad input a hostile review found reaching the
// platform or refused without saying why: control characters in names,
// ports out of range, hosts that are empty or not ASCII, and numbers beyond
// 64 bits.
func refusedEdgeRows() []catalogRow {
	control := "must not contain control characters (such as NUL, tab or a line break)"
	port := "its port must be a number from 1 to 65535"
	ascii := "its host must be ASCII: write an international domain name in its xn-- (punycode) form"
	return []catalogRow{
		{name: "recurrent/name with a NUL byte", hcl: recurrentCharge(map[string]any{"name": hclValue(`"Catalog\u0000Pro"`)}),
			attr: "Attribute name", allowed: control},
		{name: "direct/name with a line break", hcl: directCharge(map[string]any{"name": "Catalog\nseats"}),
			attr: "Attribute name", allowed: control},
		{name: "campaign/name with a line break inside", hcl: partnerCampaign(map[string]any{"name": "Catalog\ncampaign"}),
			attr: "Attribute name", allowed: control},
		{name: "upgrade/name with an escape character", hcl: inAppUpgrade(map[string]any{"name": hclValue(`"Extra\u001bAccounts"`)}),
			attr: "Attribute name", allowed: control},
		{name: "upgrade/description with a NUL byte", hcl: inAppUpgrade(map[string]any{"description": hclValue(`"Adds\u0000five"`)}),
			attr: "Attribute description", allowed: "must not contain control characters other than tab and line breaks (such as NUL or escape)"},
		{name: "recurrent/return_url port out of range", hcl: recurrentCharge(map[string]any{"return_url": "https://example.com:99999/done"}),
			attr: "return_url", allowed: port},
		{name: "direct/return_url port 0", hcl: directCharge(map[string]any{"return_url": "https://example.com:0/done"}),
			attr: "return_url", allowed: port},
		{name: "direct/return_url with an IDN host", hcl: directCharge(map[string]any{"return_url": "https://bücher.example/done"}),
			attr: "return_url", allowed: ascii},
		{name: "campaign/link port out of range", hcl: partnerCampaign(map[string]any{"link": "https://www.livechat.com:65536/pricing/"}),
			attr: "link", allowed: port},
		{name: "upgrade/webhook_url with an empty host", hcl: inAppUpgrade(map[string]any{"webhook_url": "https://"}),
			attr: "webhook_url", allowed: "must be an absolute https URL such as https://example.com/hooks/livechat"},
		{name: "upgrade/webhook_url port out of range", hcl: inAppUpgrade(map[string]any{"webhook_url": "https://example.com:70000/hook"}),
			attr: "webhook_url", allowed: port},
		{name: "upgrade/webhook_url with an IDN host", hcl: inAppUpgrade(map[string]any{"webhook_url": "https://bücher.example/hook"}),
			attr: "webhook_url", allowed: ascii},
		{name: "function/icon port out of range", hcl: checkoutURL(`"abc", "direct_charge", "https://cdn.example.com:99999/i.png", ""`),
			attr: "icon", allowed: port},
		{name: "provider/endpoint port out of range", endpoints: map[string]string{"billing": "https://billing.example.com:70000"},
			hcl: balance, attr: "endpoints.billing", allowed: port},
		{name: "provider/endpoint with an empty host", endpoints: map[string]string{"partners": "https://"},
			hcl: balance, attr: "endpoints.partners", allowed: "must be an absolute http(s) URL such as https://billing.text.com"},
		{name: "upgrade/webhook_url with a token in its query", hcl: inAppUpgrade(map[string]any{
			"webhook_url": "https://example.com/hook?id=7&token=catalog-hook-token"}),
			attr: "webhook_url", allowed: "must not carry a secret in its query (token=…), which would be kept in plain state"},
		{name: "provider/max_retries beyond 64 bits", provider: `max_retries = 99999999999999999999`, hcl: balance,
			attr: "max_retries must be a whole number", allowed: "that fits in 64 bits (at most 9223372036854775807)"},
		{name: "provider/max_retries fraction", provider: `max_retries = 2.5`, hcl: balance,
			attr: "max_retries", allowed: "must be a whole number: 2.5 is not"},
		{name: "provider/requests_per_second beyond float64", provider: `requests_per_second = 1e400`, hcl: balance,
			attr: "Attribute requests_per_second", allowed: "must be a number from 0 to 1000000 (0 means no limit), got 1e+400"},
		{name: "provider/requests_per_second above the bound", provider: `requests_per_second = 1000000.5`, hcl: balance,
			attr: "Attribute requests_per_second", allowed: "must be a number from 0 to 1000000"},
		// Pinned: a whole number beyond 64 bits already named the attribute.
		{name: "recurrent/price beyond 64 bits", hcl: recurrentCharge(map[string]any{"price": hclValue("9223372036854775808")}),
			attr: "price must be a whole number of cents", allowed: "that fits in 64 bits (at most 9223372036854775807)"},
		{name: "campaign/trial_duration beyond 64 bits", hcl: partnerCampaign(map[string]any{"trial_duration": hclValue("1e20")}),
			attr: "trial_duration must be a whole number", allowed: "that fits in 64 bits (at most 9223372036854775807)"},
	}
}

// refusedFunctionRows are the bad calls of checkout_url.
func refusedFunctionRows() []catalogRow {
	return []catalogRow{
		{name: "function/charge_type wrong casing", hcl: checkoutURL(`"abc", "Recurrent_Charge", "", ""`),
			attr: "charge_type", allowed: `value must be one of: ["recurrent_charge" "direct_charge"], got: "Recurrent_Charge"`},
		{name: "function/empty charge_id", hcl: checkoutURL(`"", "direct_charge", "", ""`),
			attr: "charge_id must be one ID such as", allowed: "a segment is empty"},
		{name: "function/charge_id with whitespace", hcl: checkoutURL(`"abc def", "direct_charge", "", ""`),
			attr: "charge_id must be one ID such as", allowed: `"abc def" contains whitespace`},
		{name: "function/icon malformed", hcl: checkoutURL(`"abc", "direct_charge", "icon.png", ""`),
			attr: "icon", allowed: `must be an absolute http(s) URL, got "icon.png"`},
	}
}

// refusedImportRows are the bad import IDs of every resource.
func refusedImportRows() []catalogRow {
	charge := "expected <id> or <product>/<id>"
	upgrade := "expected <app_id>/<id> such as sandbox-app/stsmuqjb"
	campaign := "Expected a campaign slug such as pp_summer-sale (letters, digits, - and _)"
	subscription := "expected <product>/<license_id>"
	rc, dc := "livechat_recurrent_charge.x", "livechat_direct_charge.x"
	up, cp, sub := "livechat_in_app_upgrade.x", "livechat_partner_campaign.x", "livechat_partner_subscription.x"
	return []catalogRow{
		{name: "import recurrent/dot-dot id", importOf: rc, importID: "livechat/..", attr: charge, allowed: `".." is not an ID`},
		{name: "import recurrent/product wrong casing", importOf: rc, importID: "LiveChat/abc", attr: charge,
			allowed: `(product is livechat or helpdesk): "LiveChat" is not a product`},
		{name: "import recurrent/three segments", importOf: rc, importID: "livechat/a/b", attr: charge,
			allowed: "it has 3 segments separated by '/', not 1 or 2"},
		{name: "import recurrent/unknown product", importOf: rc, importID: "foo/123", attr: charge, allowed: `"foo" is not a product`},
		{name: "import recurrent/empty product", importOf: rc, importID: "/x", attr: charge, allowed: "a segment is empty"},
		{name: "import recurrent/dot id", importOf: rc, importID: "livechat/.", attr: charge, allowed: `"." is not an ID`},
		{name: "import direct/leading whitespace", importOf: dc, importID: " abc", attr: charge, allowed: `" abc" contains whitespace`},
		{name: "import direct/empty", importOf: dc, importID: "livechat/", attr: charge, allowed: "a segment is empty"},
		{name: "import upgrade/no app_id", importOf: up, importID: "stsmuqjb", attr: upgrade,
			allowed: "it has 1 segments separated by '/', not 2"},
		{name: "import upgrade/dot-dot id", importOf: up, importID: "sandbox-app/..", attr: upgrade, allowed: `".." is not an ID`},
		{name: "import upgrade/whitespace in the id", importOf: up, importID: "sandbox-app/stsm uqjb", attr: upgrade,
			allowed: `"stsm uqjb" contains whitespace`},
		{name: "import campaign/not a slug", importOf: cp, importID: "not a slug!", attr: campaign, allowed: `contains whitespace`},
		{name: "import campaign/punctuation", importOf: cp, importID: "pp_summer!", attr: campaign,
			allowed: "a slug has only letters, digits, - and _"},
		{name: "import campaign/dot-dot", importOf: cp, importID: "..", attr: campaign, allowed: `".." is not an ID`},
		{name: "import subscription/no slash", importOf: sub, importID: "livechat-104130623", attr: subscription,
			allowed: "it has 1 segments separated by '/', not 2"},
		{name: "import subscription/product wrong casing", importOf: sub, importID: "LiveChat/104130623", attr: subscription,
			allowed: `with product livechat, chatbot or helpdesk, got product "LiveChat"`},
		{name: "import subscription/license not digits", importOf: sub, importID: "livechat/10413062a", attr: subscription,
			allowed: `with a license number of digits, got "10413062a"`},
		{name: "import subscription/trailing whitespace", importOf: sub, importID: "livechat/104130623 ", attr: subscription,
			allowed: "contains whitespace"},
	}
}

// importTargets are the configurations an import row imports into.
var importTargets = map[string]string{
	"livechat_recurrent_charge.x":     recurrentCharge(nil),
	"livechat_direct_charge.x":        directCharge(nil),
	"livechat_in_app_upgrade.x":       inAppUpgrade(nil),
	"livechat_partner_campaign.x":     partnerCampaign(nil),
	"livechat_partner_subscription.x": partnerSubscription(nil),
}

// acceptedRows are the valid edge cases: exact bounds and multibyte text
// at the limit. Each plans, and unless planOnly applies and destroys.
func acceptedRows(license string) []catalogRow {
	return []catalogRow{
		{name: "provider/max_retries 0, request_timeout 1h, requests_per_second 0",
			provider: "access_token = \"" + sandbox.DefaultAccessToken + "\"\n  max_retries = 0\n  request_timeout = \"1h\"\n  requests_per_second = 0",
			hcl:      balance},
		{name: "provider/max_retries 20, request_timeout 1ns, product helpdesk",
			provider: "access_token = \"" + sandbox.DefaultAccessToken + "\"\n  max_retries = 20\n  request_timeout = \"1ns\"\n  product = \"helpdesk\"",
			hcl:      recurrentCharge(nil), planOnly: true},
		{name: "provider/empty access_token falls back to the environment", provider: `access_token = ""`,
			hcl: partnerCampaign(map[string]any{"name": "Empty token campaign"}), planOnly: true},
		{name: "recurrent/months 1 and 12, trial_days 0, price 1",
			hcl: recurrentCharge(map[string]any{"months": hclValue("12"), "trial_days": hclValue("0"), "price": hclValue("1")}) +
				block(`resource "livechat_recurrent_charge" "y"`, catalogRecurrent, map[string]any{"months": hclValue("1")})},
		{name: "recurrent/multibyte name, plain http return_url to a remote host",
			hcl: recurrentCharge(map[string]any{"name": strings.Repeat("ż", 64), "return_url": "http://example.com/done"})},
		{name: "direct/largest total", planOnly: true,
			hcl: directCharge(map[string]any{"price": hclValue("4611686018427387903"), "quantity": hclValue("2")}) +
				block(`resource "livechat_direct_charge" "y"`, catalogDirect, map[string]any{"price": hclValue("9223372036854775807"),
					"quantity": hclValue("1")})},
		{name: "upgrade/every limit exactly, in multibyte text", hcl: inAppUpgrade(map[string]any{
			"name": strings.Repeat("é", 64), "description": strings.Repeat("ż", 200), "webhook_secret": strings.Repeat("ß", 256),
			"price": hclValue("2000000")})},
		{name: "upgrade/free, one character, http to loopback", hcl: inAppUpgrade(map[string]any{
			"name": "é", "description": "ż", "webhook_secret": "ß", "price": hclValue("0"), "webhook_url": "http://127.0.0.1:9/hook"}) +
			block(`resource "livechat_in_app_upgrade" "y"`, catalogUpgrade, map[string]any{"webhook_url": "http://localhost/hook",
				"name": "Localhost hook"}) +
			block(`resource "livechat_in_app_upgrade" "z"`, catalogUpgrade, map[string]any{"webhook_url": "http://[::1]:8080/hook",
				"name": "IPv6 hook"})},
		{name: "campaign/name of 5 and of 100 multibyte characters, trial 14 and 60",
			hcl: partnerCampaign(map[string]any{"name": "Abcde", "trial_duration": hclValue("14")}) +
				block(`resource "livechat_partner_campaign" "y"`, catalogCampaign, map[string]any{"name": strings.Repeat("ł", 100),
					"trial_duration": hclValue("60"), "link": "http://example.com/landing"})},
		{name: "subscription/one seat", hcl: partnerSubscription(map[string]any{"license_id": license, "seats": hclValue("1")})},
		{name: "data sources/exact filters", hcl: dataSource("livechat_ledger_entries", map[string]any{"type": "refund",
			"since": "2000-01-01T00:00:00Z"}) +
			block(`data "livechat_partner_campaigns" "x"`, nil, map[string]any{"state": "disabled", "product": "partner_program"}) +
			block(`data "livechat_direct_charges" "x"`, nil, map[string]any{"status": "success", "product": "helpdesk"}) +
			block(`data "livechat_coupon" "x"`, nil, map[string]any{"label": "$25 discount"})},
		{name: "upgrade/description from a heredoc, explicit port, punycode host, a query without a secret",
			hcl: inAppUpgrade(map[string]any{"description": "Adds five more agent accounts.\n",
				"webhook_url": "https://xn--bcher-kva.example:8443/hook?id=7"})},
		{name: "provider/requests_per_second at the bound, charge on port 65535", planOnly: true,
			provider: "access_token = \"" + sandbox.DefaultAccessToken + "\"\n  requests_per_second = 1000000",
			hcl:      recurrentCharge(map[string]any{"return_url": "https://example.com:65535/done"})},
		{name: "function/multibyte description, http icon",
			hcl: checkoutURL(`"1c286f7a-aab8-4384-8e09-dc6749c550cd", "recurrent_charge", "http://cdn.example.com/i.png", "Zażółć gęślą jaźń"`)},
	}
}

// providerBlockFor is the provider block of a row, pointed at the sandbox.
func (r catalogRow) providerBlockFor(sbx *testSandbox) string {
	attrs := r.provider
	if attrs == "" {
		attrs = fmt.Sprintf("  access_token = %q\n  partner_token = %q\n  partner_password = %q\n  max_retries = 0",
			sandbox.DefaultAccessToken, sandbox.DefaultPartnerToken, sandbox.DefaultPartnerPassword)
	}
	endpoints := map[string]any{"billing": sbx.URL, "partners": sbx.URL, "accounts": sbx.URL, "developer_console": sbx.URL}
	for k, v := range r.endpoints {
		endpoints[k] = v
	}
	return "provider \"livechat\" {\n  " + attrs + "\n" + block("  endpoints", endpoints, nil) + "}\n"
}

// step is the row as a test step of its own.
func (r catalogRow) step(sbx *testSandbox, refused bool) resource.TestStep {
	cfg := r.providerBlockFor(sbx) + r.hcl
	step := resource.TestStep{Config: cfg}
	if r.importOf != "" {
		step.Config = r.providerBlockFor(sbx) + importTargets[r.importOf]
		step.ResourceName, step.ImportState, step.ImportStateId = r.importOf, true, r.importID
	} else if refused || r.planOnly {
		step.PlanOnly, step.ExpectNonEmptyPlan = true, !refused
	}
	if refused {
		step.ExpectError = bothInEitherOrder(r.attr, r.allowed)
	}
	return step
}

// bothInEitherOrder matches output that has the words of a and of b, in
// either order, each with any whitespace between its words (the CLI wraps
// long lines).
func bothInEitherOrder(a, b string) *regexp.Regexp {
	words := func(s string) string {
		ws := strings.Fields(s)
		for i, w := range ws {
			ws[i] = regexp.QuoteMeta(w)
		}
		return strings.Join(ws, `\s+`)
	}
	wa, wb := words(a), words(b)
	return regexp.MustCompile(`(?s)(?:` + wa + `.*` + wb + `|` + wb + `.*` + wa + `)`)
}

func refusedRows() []catalogRow {
	var rows []catalogRow
	for _, part := range [][]catalogRow{refusedProviderRows(), refusedChargeRows(), refusedUpgradeRows(),
		refusedPartnerRows(), refusedFunctionRows(), refusedImportRows(), refusedEdgeRows()} {
		rows = append(rows, part...)
	}
	return rows
}

// TestAccBadInputCatalog plans every refused row against one sandbox,
// which must count no request at all, and applies the accepted rows
// against another.
func TestAccBadInputCatalog(t *testing.T) {
	refused := refusedRows()
	if len(refused) < 40 {
		t.Fatalf("the catalog has %d refused configurations, want at least 40", len(refused))
	}
	sbx := newTestSandbox(t, sandbox.Options{})
	t.Run("refused", func(t *testing.T) {
		for _, row := range refused {
			if row.attr == "" || row.allowed == "" {
				t.Fatalf("%s: a refused row names the attribute and the allowed values", row.name)
			}
			t.Run(row.name, func(t *testing.T) {
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviderFactories,
					TerraformVersionChecks:   writeOnlyVersions,
					Steps:                    []resource.TestStep{row.step(sbx, true)},
				})
			})
		}
	})
	// The parallel rows have all finished when t.Run returns.
	if n := apiRequests(t, sbx); n != 0 {
		t.Errorf("refused configurations sent %d requests to the platform", n)
	}
	ok := newTestSandbox(t, sandbox.Options{})
	license := newClientLicense(t, ok, "livechat")
	t.Run("accepted", func(t *testing.T) {
		for _, row := range acceptedRows(license) {
			t.Run(row.name, func(t *testing.T) {
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviderFactories,
					TerraformVersionChecks:   writeOnlyVersions,
					Steps:                    []resource.TestStep{row.step(ok, false)},
				})
			})
		}
	})
}
