package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// A generated configuration of many objects of every family, and the
// checks of Terraform's state against the sandbox's own state that the
// fault suite and the interrupted and killed applies share. The sandbox is
// read through its control API (GET /_sandbox/state), never through the
// provider.

// objectMix is how many objects of each family a configuration holds.
type objectMix struct {
	campaigns, recurrent, direct, upgrades, subscriptions int
}

// mixOf splits total objects evenly over the five families.
func mixOf(total int) objectMix {
	var parts [5]int
	for i := 0; i < total; i++ {
		parts[i%5]++
	}
	return objectMix{campaigns: parts[0], recurrent: parts[1], direct: parts[2], upgrades: parts[3], subscriptions: parts[4]}
}

func (m objectMix) total() int {
	return m.campaigns + m.recurrent + m.direct + m.upgrades + m.subscriptions
}

// of is the number of objects of one resource type.
func (m objectMix) of(resourceType string) int {
	return map[string]int{
		"livechat_partner_campaign":     m.campaigns,
		"livechat_recurrent_charge":     m.recurrent,
		"livechat_direct_charge":        m.direct,
		"livechat_in_app_upgrade":       m.upgrades,
		"livechat_partner_subscription": m.subscriptions,
	}[resourceType]
}

func (m objectMix) String() string {
	return fmt.Sprintf("%d objects: %d campaigns, %d recurrent, %d direct, %d upgrades, %d subscriptions",
		m.total(), m.campaigns, m.recurrent, m.direct, m.upgrades, m.subscriptions)
}

// objectsFromEnv reads a size from the environment variable name, or def
// when it is not set.
func objectsFromEnv(t *testing.T, name string, def int) int {
	t.Helper()
	raw := os.Getenv(name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 5 {
		t.Fatalf("%s=%q: want a whole number of objects, at least 5", name, raw)
	}
	return n
}

// mixLicenses makes one client license per subscription of m, for the
// configuration to subscribe.
func mixLicenses(t *testing.T, sbx *testSandbox, m objectMix) []string {
	t.Helper()
	licenses := make([]string, m.subscriptions)
	for i := range licenses {
		lic, err := sbx.NewClientLicense("livechat", fmt.Sprintf("Client org %d", i), "Joe Doe", fmt.Sprintf("client%d@example.com", i))
		if err != nil {
			t.Fatal(err)
		}
		licenses[i] = lic
	}
	return licenses
}

// providerWith is a provider block with the sandbox's credentials and
// attrs (lines of HCL).
func (s *testSandbox) providerWith(attrs string) string {
	return s.providerBlock(fmt.Sprintf("  access_token     = %q\n  partner_token    = %q\n  partner_password = %q\n%s",
		sandbox.DefaultAccessToken, sandbox.DefaultPartnerToken, sandbox.DefaultPartnerPassword, attrs))
}

// mixedConfig is a whole configuration of m's objects, every one with a
// name of its own, subscribing licenses (one per subscription), with
// provider as the provider block.
func mixedConfig(provider string, m objectMix, licenses []string) string {
	quoted := make([]string, len(licenses))
	for i, l := range licenses {
		quoted[i] = strconv.Quote(l)
	}
	return fmt.Sprintf(`
terraform {
  required_providers {
    livechat = { source = %q }
  }
}
%s
locals {
  licenses = [%s]
}

resource "livechat_partner_campaign" "pc" {
  count          = %d
  name           = "Mixed campaign ${count.index}"
  product        = "livechat"
  trial_duration = 14
  link           = "https://www.livechat.com/pricing/"
}

resource "livechat_recurrent_charge" "rc" {
  count      = %d
  name       = "Mixed subscription ${count.index}"
  price      = 1900
  return_url = "https://example.com/billing/done"
}

resource "livechat_direct_charge" "dc" {
  count      = %d
  name       = "Mixed seats ${count.index}"
  price      = 1900
  quantity   = 1
  return_url = "https://example.com/billing/done"
}

resource "livechat_in_app_upgrade" "up" {
  count       = %d
  app_id      = %q
  name        = "Mixed upgrade ${count.index}"
  description = "Adds five more agent accounts."
  webhook_url = "https://example.com/hooks/upgrades"
  type        = "quantity"
  price       = 1500
}

resource "livechat_partner_subscription" "ps" {
  count         = %d
  product       = "livechat"
  license_id    = local.licenses[count.index]
  plan          = "team"
  billing_cycle = "monthly"
  seats         = 2
  card_token_wo = %q
}
`, interruptProviderAddr, provider, strings.Join(quoted, ", "), m.campaigns, m.recurrent, m.direct, m.upgrades, sandbox.SandboxAppID,
		m.subscriptions, testCardToken)
}

// objectFamily is one kind of object of the mixed configuration as the
// sandbox stores it.
type objectFamily struct {
	resource string // the Terraform resource type
	table    string // the sandbox's state table
	// id is the id the Terraform state holds for a row; name is what no
	// two objects may share (a second one was created twice).
	id, name func(row map[string]any) string
	// exists tells a row that is an object of the family (nil: every row).
	exists func(row map[string]any) bool
	// active tells an object that destroy must have undone; nil when the
	// platform cannot undo the family (direct charges).
	active func(row map[string]any) bool
	// creates tells a request that creates an object of the family.
	creates func(r *http.Request) bool
}

func field(name string) func(map[string]any) string {
	return func(row map[string]any) string { s, _ := row[name].(string); return s }
}

func subscriptionID(row map[string]any) string {
	return field("product")(row) + "/" + field("license")(row)
}

var objectFamilies = []objectFamily{
	{
		resource: "livechat_partner_campaign", table: "campaigns", id: field("slug"), name: field("name"),
		active:  func(row map[string]any) bool { return row["active"] == true },
		creates: func(r *http.Request) bool { return r.URL.Path == "/v2/partners/affiliates/campaigns" },
	},
	{
		resource: "livechat_recurrent_charge", table: "recurrent_charges", id: field("id"), name: field("name"),
		active:  func(row map[string]any) bool { s := row["status"]; return s != "cancelled" && s != "declined" },
		creates: func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v3/recurrent_charge/") },
	},
	{
		resource: "livechat_direct_charge", table: "direct_charges", id: field("id"), name: field("name"),
		creates: func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v3/direct_charge/") },
	},
	{
		resource: "livechat_in_app_upgrade", table: "upgrades", id: field("id"), name: field("name"),
		active:  func(map[string]any) bool { return true }, // destroy deletes the row
		creates: func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v2/applications/") },
	},
	{
		resource: "livechat_partner_subscription", table: "licenses", id: subscriptionID, name: subscriptionID,
		// A license is an object of the family while its subscription is open.
		exists:  func(row map[string]any) bool { return row["recurrent"] == true },
		active:  func(map[string]any) bool { return true },
		creates: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/subscription") },
	},
}

// isCreatingPost matches the POSTs that create an object of any family.
func isCreatingPost(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	return creatingFamily(r) != ""
}

// creatingFamily is the resource type a POST creates, or "".
func creatingFamily(r *http.Request) string {
	for _, f := range objectFamilies {
		if f.creates(r) {
			return f.resource
		}
	}
	return ""
}

// platformObject is one object the sandbox holds.
type platformObject struct {
	name   string
	active bool
}

// platformObjects are the objects the sandbox holds, by resource type
// and id.
type platformObjects map[string]map[string]platformObject

// sandboxObjects reads the sandbox's own state: every object any request
// made, whether or not its answer arrived.
func sandboxObjects(t *testing.T, sbx *testSandbox) platformObjects {
	t.Helper()
	resp, err := http.Get(sbx.URL + "/_sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var dump map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&dump); err != nil {
		t.Fatalf("GET /_sandbox/state: %v", err)
	}
	out := platformObjects{}
	for _, f := range objectFamilies {
		var rows []map[string]any
		if err := json.Unmarshal(dump[f.table], &rows); err != nil {
			t.Fatalf("GET /_sandbox/state: table %s: %v", f.table, err)
		}
		out[f.resource] = map[string]platformObject{}
		for _, row := range rows {
			if f.exists != nil && !f.exists(row) {
				continue
			}
			id := f.id(row)
			if id == "" {
				t.Fatalf("%s: an object without an id: %v", f.table, row)
			}
			out[f.resource][id] = platformObject{name: f.name(row), active: f.active != nil && f.active(row)}
		}
	}
	return out
}

func (p platformObjects) total() int {
	n := 0
	for _, objs := range p {
		n += len(objs)
	}
	return n
}

// duplicates lists the names that more than one object has, with their
// ids, by resource type. except holds ids that may repeat a name because a
// diagnostic named them.
func (p platformObjects) duplicates(except func(id string) bool) []string {
	var out []string
	for typ, objs := range p {
		byName := map[string][]string{}
		for id, o := range objs {
			if except == nil || !except(id) {
				byName[o.name] = append(byName[o.name], id)
			}
		}
		for name, ids := range byName {
			if len(ids) > 1 {
				sort.Strings(ids)
				out = append(out, fmt.Sprintf("%s %q exists %d times (%s)", typ, name, len(ids), strings.Join(ids, ", ")))
			}
		}
	}
	sort.Strings(out)
	return out
}

// missingFromState lists the objects of the sandbox that the state does
// not hold, by resource type: with onlyActive, only those destroy should
// have undone.
func (p platformObjects) missingFromState(state map[string][]string, onlyActive bool) map[string][]string {
	out := map[string][]string{}
	for typ, objs := range p {
		held := map[string]bool{}
		for _, id := range state[typ] {
			held[id] = true
		}
		for id, o := range objs {
			if !held[id] && (!onlyActive || o.active) {
				out[typ] = append(out[typ], id)
			}
		}
		sort.Strings(out[typ])
	}
	return out
}

// expectStateMatchesPlatform checks that Terraform's state holds exactly
// the objects the platform made: none exists outside the state (it would
// be created again by the next apply), none is in the state twice or only
// there, and no name was created twice.
func expectStateMatchesPlatform(t *testing.T, tf *terraformCLI, sbx *testSandbox) platformObjects {
	t.Helper()
	onPlatform := sandboxObjects(t, sbx)
	for _, d := range onPlatform.duplicates(nil) {
		t.Errorf("created twice: %s", d)
	}
	state := tf.stateIDs()
	for typ, ids := range state {
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Errorf("%s %s is in the state twice", typ, id)
			}
			seen[id] = true
			if _, ok := onPlatform[typ][id]; !ok {
				t.Errorf("%s %s is in the state but not on the platform", typ, id)
			}
		}
	}
	for typ, ids := range onPlatform.missingFromState(state, false) {
		if len(ids) > 0 {
			t.Errorf("%d of %d %s objects on the platform are not in the state: %v", len(ids), len(onPlatform[typ]), typ, ids)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return onPlatform
}

// expectDestroyed checks that destroy emptied the state and undid what the
// platform can undo: recurrent charges cancelled, campaigns disabled,
// upgrades deleted, subscriptions closed (direct charges cannot be undone
// and stay).
func expectDestroyed(t *testing.T, tf *terraformCLI, sbx *testSandbox) {
	t.Helper()
	for typ, ids := range tf.stateIDs() {
		if len(ids) > 0 {
			t.Errorf("%d %s left in the state after destroy", len(ids), typ)
		}
	}
	for typ, objs := range sandboxObjects(t, sbx) {
		for id, o := range objs {
			if o.active {
				t.Errorf("%s %s (%q) is still active after destroy", typ, id, o.name)
			}
		}
	}
}
