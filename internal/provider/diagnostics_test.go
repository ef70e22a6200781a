package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

func TestDescribeAPIError(t *testing.T) {
	t.Parallel()
	apiErr := func(api client.API, status int) *client.APIError {
		return &client.APIError{API: api, Method: "GET", Path: "/x", Status: status, Message: "the platform says why"}
	}
	for _, tc := range []struct {
		name string
		err  error
		want []string
		not  []string
	}{
		{"400", apiErr(client.APIBilling, 400), []string{"Billing API answered 400 Bad Request: the platform says why.", "Correct the value"}, nil},
		{"401 billing", apiErr(client.APIBilling, 401), []string{"401 Unauthorized", "access_token (LIVECHAT_ACCESS_TOKEN)", "8 hours", "oauth", "personal_access_token (LIVECHAT_PAT)", "account_id (LIVECHAT_ACCOUNT_ID)"}, []string{"partner_token"}},
		{"401 developer console", apiErr(client.APIDeveloperConsole, 401), []string{"Developer Console API answered 401", "LIVECHAT_ACCESS_TOKEN"}, nil},
		{"401 partners", apiErr(client.APIPartners, 401), []string{"Partner Program API answered 401", "partner_token (or LIVECHAT_PARTNER_TOKEN)", "not an OAuth token"}, []string{"8 hours"}},
		{"401 accounts", apiErr(client.APIAccounts, 401), []string{"Accounts API answered 401", "client_id and client_secret", "LIVECHAT_CLIENT_ID"}, []string{"8 hours"}},
		{"403", apiErr(client.APIBilling, 403), []string{"403 Forbidden", "scopes", "ledger_read", "billing_manage"}, nil},
		{"404", apiErr(client.APIBilling, 404), []string{"404 Not Found", "does not exist"}, nil},
		{"409", apiErr(client.APIPartners, 409), []string{"409 Conflict", "import it"}, nil},
		{"422", apiErr(client.APIBilling, 422), []string{"422 Unprocessable Entity", "current state"}, nil},
		{"429", apiErr(client.APIBilling, 429), []string{"429 Too Many Requests", "requests_per_second", "max_retries"}, nil},
		{"500", apiErr(client.APIBilling, 500), []string{"500 Internal Server Error", "max_retries", "check whether the object exists"}, nil},
		{"503", apiErr(client.APIBilling, 503), []string{"503 Service Unavailable", "max_retries"}, nil},
		{"418 has no next step", apiErr(client.APIBilling, 418), []string{"418 I'm a teapot: the platform says why."}, []string{"\n\n"}},
		{"code, request id, attempts and give-up", &client.APIError{API: client.APIBilling, Status: 503, Code: "maintenance",
			Message: "down", RequestID: "rid-42", Attempts: 3, GaveUp: "the server asked to retry after 1m0s"},
			[]string{"Error code: maintenance.", "Request ID: rid-42", "support", "sent 3 times", "retry after 1m0s", "request_timeout"}, nil},
		{"wrapped API error", fmt.Errorf("page 2: %w", apiErr(client.APIBilling, 404)), []string{"404 Not Found", "the platform says why"}, nil},
		{"missing billing credentials", fmt.Errorf("x: %w", &client.MissingCredentialsError{API: client.APIBilling, Hint: "set the provider's access_token (or LIVECHAT_ACCESS_TOKEN)"}),
			[]string{"no credentials for the LiveChat Billing API", "To fix it, set the provider's access_token (or LIVECHAT_ACCESS_TOKEN)."}, []string{"network"}},
		{"missing partner credentials", &client.MissingCredentialsError{API: client.APIPartners, Hint: "set the provider's partner_token (or LIVECHAT_PARTNER_TOKEN)"},
			[]string{"Partner Program API", "LIVECHAT_PARTNER_TOKEN"}, nil},
		{"network error", errors.New("dial tcp 127.0.0.1:1: connection refused"), []string{"request to the LiveChat platform failed: dial tcp", "network", "endpoints", "max_retries"}, nil},
		{"timeout", fmt.Errorf("GET /x: gave up: %w", context.DeadlineExceeded), []string{"did not answer in time", "request_timeout"}, []string{"network"}},
		{"cancelled", fmt.Errorf("GET /x: cancelled: %w", context.Canceled), []string{"cancelled"}, []string{"request_timeout"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			summary, detail := describeAPIError("Unable to read the thing", tc.err)
			if summary != "Unable to read the thing" {
				t.Errorf("summary = %q", summary)
			}
			for _, w := range tc.want {
				if !strings.Contains(detail, w) {
					t.Errorf("detail does not contain %q:\n%s", w, detail)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(detail, n) {
					t.Errorf("detail contains %q:\n%s", n, detail)
				}
			}
		})
	}

	var diags diag.Diagnostics
	addAPIError(&diags, "Unable to create recurrent charge", apiErr(client.APIBilling, 422))
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityError || diags[0].Summary() != "Unable to create recurrent charge" ||
		!strings.Contains(diags[0].Detail(), "422") {
		t.Errorf("addAPIError added %v", diags)
	}
}

func TestRequireClientAndConfigureData(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	if configureData(nil, &diags) != nil || diags.HasError() {
		t.Error("nil provider data (not yet configured) must be accepted quietly")
	}
	if requireClient(nil, &diags) || !diags.HasError() {
		t.Error("requireClient(nil) must report an error")
	}
	diags = nil
	if configureData("wrong", &diags) != nil || !diags.HasError() || !strings.Contains(diags[0].Detail(), "string") {
		t.Errorf("wrong provider data type: %v", diags)
	}
}

// A create that an interrupt kept from being sent says that nothing was
// created; one whose outcome is unknown names the candidates and the import.
func TestAddCreateError_outcomes(t *testing.T) {
	var diags diag.Diagnostics
	notSent := &client.CreateError{Outcome: client.NotCreated, Err: fmt.Errorf("not sent: %w", context.Canceled)}
	addCreateError(&diags, directChargeTarget, notSent)
	if d := diags[0].Detail(); !strings.Contains(d, "interrupted before this request was sent, so nothing was created") {
		t.Errorf("not sent: %s", d)
	}
	diags = nil
	unknown := &client.CreateError{Outcome: client.OutcomeUnknown, Err: errors.New("POST /x: EOF"), Candidates: []string{"c1", "c2"}}
	addCreateError(&diags, directChargeTarget, unknown)
	if s, d := diags[0].Summary(), diags[0].Detail(); s != "The direct charge may have been created" ||
		!strings.Contains(d, "2 objects that it may have made exist (c1, c2)") ||
		!strings.Contains(d, "terraform import livechat_direct_charge.<name> <product>/<id>") {
		t.Errorf("unknown: %s\n%s", s, d)
	}
}

// A server that lists a hundred thousand lookalikes gets a warning of a
// few lines: the first ones named with their creation times, and a count.
func TestAddLookalikeWarning_bounded(t *testing.T) {
	found := make([]client.Lookalike, 100_000)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for i := range found {
		found[i] = client.Lookalike{ID: fmt.Sprintf("dc-%06d", i), CreatedAt: at}
	}
	var diags diag.Diagnostics
	addLookalikeWarning(&diags, "direct charge", "dc-new", "pending direct charge", lookalikeResult{found: found}, "import it.")
	if len(diags) != 1 {
		t.Fatalf("want one warning, got %d", len(diags))
	}
	detail := diags[0].Detail()
	if len(detail) > 2000 {
		t.Errorf("the warning is %d characters long for %d lookalikes", len(detail), len(found))
	}
	for _, want := range []string{"dc-000000 (created 2026-03-04T05:06:07Z)", "dc-000009", "and 99990 more", "100000 pending direct charges"} {
		if !strings.Contains(detail+diags[0].Summary(), want) {
			t.Errorf("the warning does not say %q:\n%s\n%s", want, diags[0].Summary(), detail)
		}
	}
	if strings.Contains(detail, "dc-000010") {
		t.Errorf("the warning names more than %d lookalikes", lookalikesNamed)
	}
}

// The takeover of an existing campaign says which one (slug and id), that
// it may be someone else's, and how to hand it back without disabling it.
func TestAddPreexistingWarning_saysWhoseItMayBe(t *testing.T) {
	var diags diag.Diagnostics
	addPreexistingWarning(&diags, "partner campaign", "pp_spring (id 42)")
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning {
		t.Fatalf("want one warning, got %v", diags)
	}
	text := diags[0].Summary() + "\n" + diags[0].Detail()
	for _, want := range []string{"pp_spring (id 42)", "taken over", "No partner campaign was created",
		"another Terraform workspace or state", "a person", "disables it for both", "terraform state rm", "do not destroy it here"} {
		if !strings.Contains(text, want) {
			t.Errorf("the takeover warning does not say %q:\n%s", want, text)
		}
	}
}
