package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

// diagnosticSecrets are the secret sets of every client this process
// configured. The platform's own messages and transport errors reach
// diagnostics verbatim, and diagnostics reach CI logs: whatever one of them
// quotes of any configured or exchanged secret is masked. A set is shared
// with its client, so secrets added later (exchanged tokens, card tokens,
// webhook secrets) are masked too.
var diagnosticSecrets secretSets

type secretSets struct {
	mu   sync.RWMutex
	sets []*client.SecretSet
}

// register masks s's secrets in every later diagnostic.
func (r *secretSets) register(s *client.SecretSet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sets = append(r.sets, s)
}

func (r *secretSets) mask(text string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range r.sets {
		text = s.Mask(text)
	}
	return text
}

// redactSecrets masks every secret this process knows in a diagnostic's
// text; describeAPIError applies it, and so must any diagnostic that quotes
// an error's text itself.
func redactSecrets(text string) string { return diagnosticSecrets.mask(text) }

// describeAPIError turns a client error into a diagnostic summary and a
// detail a person can act on: the platform's own message, the status, the
// request id and what to do next. Secrets quoted anywhere in it are masked.
func describeAPIError(summary string, err error) (string, string) {
	s, d := describeUnmasked(summary, err)
	return redactSecrets(s), redactSecrets(d)
}

func describeUnmasked(summary string, err error) (string, string) {
	var missing *client.MissingCredentialsError
	if errors.As(err, &missing) {
		return summary, fmt.Sprintf("The provider has no credentials for the LiveChat %s API. To fix it, %s.", missing.API, missing.Hint)
	}
	apiErr, ok := client.AsAPIError(err)
	if !ok {
		next := "Check the network and the provider's endpoints; reads are retried up to max_retries times."
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			next = "The platform did not answer in time: raise request_timeout, or try again later."
		case errors.Is(err, context.Canceled):
			next = "The operation was cancelled (for example by an interrupt) before the platform answered."
		}
		return summary, "The request to the LiveChat platform failed: " + err.Error() + "\n\n" + next
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The LiveChat %s API answered %d %s", apiErr.API, apiErr.Status, http.StatusText(apiErr.Status))
	if apiErr.Message != "" {
		fmt.Fprintf(&b, ": %s", apiErr.Message)
	}
	b.WriteString(".")
	if apiErr.Code != "" {
		fmt.Fprintf(&b, "\nError code: %s.", apiErr.Code)
	}
	if apiErr.RequestID != "" {
		fmt.Fprintf(&b, "\nRequest ID: %s (quote it to LiveChat support).", apiErr.RequestID)
	}
	if apiErr.Attempts > 1 {
		fmt.Fprintf(&b, "\nThe request was sent %d times.", apiErr.Attempts)
	}
	if apiErr.GaveUp != "" {
		fmt.Fprintf(&b, "\nNot retried further: %s (request_timeout).", apiErr.GaveUp)
	}
	if next := nextStep(apiErr); next != "" {
		b.WriteString("\n\n")
		b.WriteString(next)
	}
	return summary, b.String()
}

func nextStep(e *client.APIError) string {
	switch {
	case e.Status == http.StatusUnauthorized && e.API == client.APIPartners:
		return "Check partner_token (or " + EnvPartnerToken + "): the Partner Program API takes its own API token, not an OAuth token."
	case e.Status == http.StatusUnauthorized && e.API == client.APIAccounts:
		return "Check the oauth block: client_id and client_secret (" + EnvClientID + ", " + EnvClientSecret +
			") must belong to the app that was issued the refresh token."
	case e.Status == http.StatusUnauthorized:
		return "Check the credentials: access_token (" + EnvAccessToken + ") expires after 8 hours, so a pipeline should " +
			"use the oauth block with a refresh token; personal_access_token (" + EnvPAT + ") must belong to account_id (" + EnvAccountID + ")."
	case e.Status == http.StatusForbidden:
		return "The credentials are valid but not allowed to do this: check the token's scopes (billing_manage, billing--all:rw for HelpDesk, ledger_read for the ledger) or the object's owner."
	case e.Status == http.StatusNotFound:
		return "The object does not exist (any more) or belongs to another account or product."
	case e.Status == http.StatusConflict:
		return "The object already exists; import it into Terraform instead of creating it."
	case e.Status == http.StatusUnprocessableEntity:
		return "The platform refused the change in the object's current state."
	case e.Status == http.StatusTooManyRequests:
		return "The platform is rate limiting the provider: lower requests_per_second or raise max_retries, then run again."
	case e.Status >= 500:
		return "The platform failed. Reads and state changes were retried up to max_retries times; creating requests " +
			"are not retried when the platform may have acted, so check whether the object exists before trying again."
	case e.Status == http.StatusBadRequest:
		return "Correct the value named in the message and run again."
	}
	return ""
}

// addAPIError appends an error diagnostic for err.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	s, d := describeAPIError(summary, err)
	diags.AddError(s, d)
}

// readFailed ends a resource's Read whose lookup failed: an object the
// platform no longer knows (404) is removed from the state; any other
// error is an error diagnostic and the state is left alone. It reports
// whether Read must stop, that is whether err is not nil.
func readFailed(ctx context.Context, resp *resource.ReadResponse, summary string, err error) bool {
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return true
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, summary, err)
		return true
	}
	return false
}

// createTarget names what a resource creates, for the diagnostics of a
// create that did not simply succeed.
type createTarget struct {
	// what is the object in words: "direct charge".
	what string
	// importCommand imports it, with <placeholders> for what the user fills in.
	importCommand string
	// findHint says where the user can look for the object.
	findHint string
}

// addCreateError reports a create that left nothing in the state: the
// platform's answer, and whether the object may exist after all.
func addCreateError(diags *diag.Diagnostics, t createTarget, err error) {
	summary, detail := describeAPIError("Unable to create "+t.what, err)
	ce, ok := client.AsCreateError(err)
	switch {
	case ok && ce.Outcome == client.OutcomeUnknown:
		summary = "The " + t.what + " may have been created"
		detail += "\n\n" + redactSecrets(unknownOutcomeDetail(t, ce))
	case ok && ce.Outcome == client.NotCreated && errors.Is(err, context.Canceled):
		detail += "\n\nThe operation was interrupted before this request was sent, so nothing was created: " +
			"running apply again creates the " + t.what + "."
	case ok && ce.Searched:
		detail += "\n\nThe provider looked for the " + t.what + " this request could have made and found none: " +
			"nothing was created, so running apply again is safe."
	}
	diags.AddError(summary, detail)
}

func unknownOutcomeDetail(t createTarget, ce *client.CreateError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The request failed in a way that does not tell whether the platform created the %s, ", t.what)
	switch {
	case ce.Unreconcilable:
		fmt.Fprintf(&b, "and the platform offers no way to look for it. ")
	case len(ce.Candidates) > 0:
		fmt.Fprintf(&b, "and %d objects that it may have made exist (%s), so none was adopted. ",
			len(ce.Candidates), strings.Join(ce.Candidates, ", "))
	case ce.ReconcileErr != nil:
		fmt.Fprintf(&b, "and looking for it failed (%v). ", ce.ReconcileErr)
	}
	fmt.Fprintf(&b, "It may exist without being in the Terraform state. Before applying again, %s; if it exists, "+
		"import it instead of creating another:\n\n  %s", t.findHint, t.importCommand)
	return b.String()
}

// addAdoptionWarning tells that a create whose answer was lost made the
// object, and that Terraform manages it now.
func addAdoptionWarning(diags *diag.Diagnostics, what, id string, failedWith error) {
	diags.AddWarning("The "+what+" was created despite a failed request",
		redactSecrets(fmt.Sprintf("The create request failed (%v), but the platform had created %s %s with exactly these arguments, "+
			"and no other resource owns it. Terraform manages it now instead of creating another.", failedWith, what, id)))
}

// addPreexistingWarning tells that a create took an object that existed
// before, with this name and every argument, instead of making one
// (platform-api.md §6.7).
func addPreexistingWarning(diags *diag.Diagnostics, what, id string) {
	diags.AddWarning(fmt.Sprintf("Existing %s %s taken over", what, id),
		redactSecrets(fmt.Sprintf("No %[1]s was created: an active %[1]s with this name and exactly these arguments "+
			"already existed, %[2]s, and the platform refuses a second one, so Terraform manages %[2]s from now on.\n\n"+
			"It may be an orphan of an earlier run of this configuration, interrupted before the platform's answer "+
			"reached the state. It may also belong to someone else: another Terraform workspace or state, or a person "+
			"who made it in the Partner Program dashboard. Then both manage it, and destroying either disables it for "+
			"both. To hand it back without disabling it, remove it from this state (terraform state rm with this "+
			"resource's address) and give this resource another name; do not destroy it here.",
			what, id)))
}

// addLookalikeWarning names the objects with every argument of a create
// that the run neither created nor took: possibly orphans of an earlier,
// interrupted run (platform-api.md §6.7). made is the id of what the create made; kind
// says what the lookalikes are ("pending direct charge"); afterwards says
// what the user can do with an orphan.
func addLookalikeWarning(diags *diag.Diagnostics, what, made, kind string, res lookalikeResult, afterwards string) {
	if res.unchecked != nil {
		diags.AddWarning(fmt.Sprintf("Could not look for orphans of an earlier run before creating %s %s", what, made),
			redactSecrets(fmt.Sprintf("Listing what existed before this run's first create failed (%v), so the provider "+
				"could not tell whether an earlier, interrupted run left a %s with these arguments. If it did, %s",
				res.unchecked, kind, afterwards)))
	}
	if len(res.found) == 0 {
		return
	}
	names := lookalikeNames(res.found)
	summary := fmt.Sprintf("Possible orphan: %s %s has the same arguments", kind, res.found[0].ID)
	if len(res.found) > 1 {
		summary = fmt.Sprintf("Possible orphans: %d %ss have the same arguments", len(res.found), kind)
	}
	diags.AddWarning(summary, redactSecrets(fmt.Sprintf("Before creating %[1]s %[2]s, the provider found %[3]s with exactly "+
		"the same arguments, made in the last %[4]s and not by this run: %[5]s. It may have been left by an earlier run "+
		"that was interrupted or killed before the platform's answer reached the state. The platform has no idempotency "+
		"keys, so the provider cannot tell, and it never takes over an object that may belong to another resource: %[2]s "+
		"was created as planned. If one of them is an orphan, nothing manages it: %[6]s",
		what, made, pluralize(len(res.found), kind), shortDuration(client.LookalikeWindow), names, afterwards)))
}

// lookalikesNamed bounds the lookalikes a warning names: a seller with
// thousands of identical pending charges gets a warning of a few lines.
const lookalikesNamed = 10

// lookalikeNames lists the first lookalikesNamed lookalikes with their
// creation times, and how many more there are.
func lookalikeNames(found []client.Lookalike) string {
	shown := found[:min(len(found), lookalikesNamed)]
	names := make([]string, len(shown))
	for i, l := range shown {
		names[i] = l.ID
		if !l.CreatedAt.IsZero() {
			names[i] += " (created " + l.CreatedAt.UTC().Format(time.RFC3339) + ")"
		}
	}
	text := strings.Join(names, ", ")
	if more := len(found) - len(shown); more > 0 {
		text += fmt.Sprintf(" and %d more", more)
	}
	return text
}

// lookalikeResult is what a create found of its lookalikes.
type lookalikeResult struct {
	found     []client.Lookalike
	unchecked error
}

func pluralize(n int, what string) string {
	if n == 1 {
		return "one " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// keepPlanned keeps a configured argument's planned value in the state of
// an object just created or updated when the platform answered another
// one, and notes the difference. Terraform refuses a new state that
// contradicts a known planned value and taints a created object, which the
// next apply replaces: for a direct charge, a second charge.
func keepPlanned[T attr.Value](diffs *[]string, name string, planned T, answered *T) {
	if planned.IsNull() || planned.IsUnknown() || planned.Equal(*answered) {
		return
	}
	*diffs = append(*diffs, fmt.Sprintf("%s: planned %s, the platform answered %s", name, answerText(planned), answerText(*answered)))
	*answered = planned
}

// answerText shows an amount of money in cents and dollars, so that a
// price the buyer would pay differently stands out.
func answerText(v attr.Value) string {
	if n, ok := v.(wholeNumber); ok && n.cents && n.notWhole == nil && !n.IsNull() && !n.IsUnknown() {
		return centsAndDollars(n.ValueInt64())
	}
	return v.String()
}

// paymentTerms are the arguments that decide what the buyer pays.
var paymentTerms = []string{"price:", "quantity:", "per_account:", "months:", "trial_days:", "payment_type:"}

// addAnswerDiffersWarning tells that an answer did not repeat the
// configured arguments, which the state keeps. The answer's values are the
// platform's words and are masked like them.
func addAnswerDiffersWarning(diags *diag.Diagnostics, what, id string, diffs []string) {
	if len(diffs) == 0 {
		return
	}
	summary, pays := "The platform answered other values than planned", ""
	for _, d := range diffs {
		for _, term := range paymentTerms {
			if strings.HasPrefix(d, term) {
				summary = "The platform answered other payment terms than planned"
				pays = " The buyer is asked to pay on the platform's terms, not the state's: check them before the buyer accepts."
			}
		}
	}
	diags.AddWarning(summary, redactSecrets(
		fmt.Sprintf("The platform's answer about %s %s differs from the plan:\n\n  %s\n\n"+
			"The state keeps the planned values, so Terraform does not replace the object.%s The next refresh reads the "+
			"platform's values: if they still differ, the plan shows them as a change; check the object before applying it.",
			what, id, strings.Join(diffs, "\n  "), pays)))
}
