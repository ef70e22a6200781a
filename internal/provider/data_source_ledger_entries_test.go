package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func TestAccLedgerEntriesDataSource_allPagesAndFilters(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	// The sandbox's seed ledger (internal/sandbox/seed.go; platform-api.md §5.3 names
	// no figures): collections of 152.00, 79.00 and 152.00, a refund of
	// 19.00 and a withdrawal of 100.00, 18 to 30 days old.
	totals := map[string]int64{"collection": 38300, "refund": -1900, "withdrawal": -10000}
	entries, collections := 5, 3
	// Enough entries for three pages of 20, added now.
	const added = 43
	var newestValue int64
	for i := range added {
		typ, v := "collection", int64(1000+i)
		if i%5 == 0 {
			typ, v = "refund", -int64(100+i)
		}
		if _, err := sbx.AddLedgerEntry(fmt.Sprintf("entry %d", i), typ, v); err != nil {
			t.Fatal(err)
		}
		totals[typ] += v
		entries++
		if typ == "collection" {
			collections++
		}
		newestValue = v
	}
	net := totals["collection"] + totals["refund"] + totals["withdrawal"]
	// A cut-off a day ago keeps only the entries added now.
	since := time.Now().UTC().Add(-24 * time.Hour).Format(time.RFC3339)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.providerConfig() + fmt.Sprintf(`
data "livechat_ledger_entries" "all" {}
data "livechat_ledger_entries" "collections" {
  type = "collection"
}
data "livechat_ledger_entries" "recent" {
  since = %q
}
`, since),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.livechat_ledger_entries.all", tfjsonpath.New("entries"), knownvalue.ListSizeExact(entries)),
				statecheck.ExpectKnownValue("data.livechat_ledger_entries.all", tfjsonpath.New("entries").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact(fmt.Sprintf("entry %d", added-1))),
				statecheck.ExpectKnownValue("data.livechat_ledger_entries.all", tfjsonpath.New("entries").AtSliceIndex(0).AtMapKey("value"), knownvalue.Int64Exact(newestValue)),
				statecheck.ExpectKnownValue("data.livechat_ledger_entries.all", tfjsonpath.New("totals"), knownvalue.MapExact(map[string]knownvalue.Check{
					"collection": knownvalue.Int64Exact(totals["collection"]),
					"refund":     knownvalue.Int64Exact(totals["refund"]),
					"withdrawal": knownvalue.Int64Exact(totals["withdrawal"]),
				})),
				statecheck.ExpectKnownValue("data.livechat_ledger_entries.all", tfjsonpath.New("net"), knownvalue.Int64Exact(net)),
				statecheck.ExpectKnownValue("data.livechat_ledger_entries.collections", tfjsonpath.New("entries"), knownvalue.ListSizeExact(collections)),
				statecheck.ExpectKnownValue("data.livechat_ledger_entries.collections", tfjsonpath.New("totals").AtMapKey("refund"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue("data.livechat_ledger_entries.collections", tfjsonpath.New("net"), knownvalue.Int64Exact(totals["collection"])),
				statecheck.ExpectKnownValue("data.livechat_ledger_entries.recent", tfjsonpath.New("entries"), knownvalue.ListSizeExact(added)),
			},
		}},
	})
	if n := sbx.RequestCount("GET /v2/ledger/livechat"); n < 3 {
		t.Fatalf("expected the walk to read at least 3 pages per data source, saw %d requests", n)
	}
}

func TestFilterLedger(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	entries := []client.LedgerEntry{
		{ID: "c", Type: "withdrawal", Value: -500, CreatedAt: t0.Add(48 * time.Hour)},
		{ID: "b", Type: "collection", Value: 900, CreatedAt: t0.Add(24 * time.Hour)},
		{ID: "a", Type: "collection", Value: 1900, CreatedAt: t0},
	}
	got, totals, net := filterLedger(entries, "", t0.Add(24*time.Hour))
	if len(got) != 2 || got[0].ID != "c" || got[1].ID != "b" {
		t.Fatalf("since filter: got %+v", got)
	}
	if totals["withdrawal"] != -500 || totals["collection"] != 900 || totals["refund"] != 0 || net != 400 {
		t.Fatalf("totals %v net %d", totals, net)
	}
	got, totals, net = filterLedger(entries, "collection", time.Time{})
	if len(got) != 2 || totals["collection"] != 2800 || totals["withdrawal"] != 0 || net != 2800 {
		t.Fatalf("type filter: got %+v totals %v net %d", got, totals, net)
	}
}
