package client

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestParseDollars(t *testing.T) {
	for _, tc := range []struct {
		in    string
		str   string
		cents int64
		exact bool
	}{
		{"21.00", "21.00", 2100, true},
		{"2552", "2552.00", 255200, true},
		{"4949.1", "4949.10", 494910, true},
		{"16519.12", "16519.12", 1651912, true},
		// 0.29 × 100 is 28.999999999999996 in float64; exact here.
		{"0.29", "0.29", 29, true},
		{"1.005", "1.005", 101, false},
		{"0.125", "0.125", 13, false},
		{"-0.125", "-0.125", -13, false},
		{"-19.05", "-19.05", -1905, true},
		{"1e3", "1000.00", 100000, true},
		{"12.5E-1", "1.25", 125, true},
		{"0", "0.00", 0, true},
		{"92233720368547758.07", "92233720368547758.07", 9223372036854775807, true},
	} {
		d, err := ParseDollars(tc.in)
		if err != nil {
			t.Errorf("ParseDollars(%q): %v", tc.in, err)
			continue
		}
		cents, exact, err := d.Cents()
		if d.String() != tc.str || cents != tc.cents || exact != tc.exact || err != nil {
			t.Errorf("%q: String %q cents %d exact %v err %v; want %q %d %v", tc.in, d.String(), cents, exact, err, tc.str, tc.cents, tc.exact)
		}
	}
	for _, bad := range []string{"", "abc", "1/3", "NaN", "Inf", "1,5", "$5", "--1"} {
		if _, err := ParseDollars(bad); err == nil {
			t.Errorf("ParseDollars(%q) must fail", bad)
		}
	}
	big, _ := ParseDollars("92233720368547758.08")
	if _, _, err := big.Cents(); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("overflow: %v", err)
	}
	if !DollarsFromCents(2100).Equal(mustDollars(t, "21")) || DollarsFromCents(-5).String() != "-0.05" {
		t.Error("DollarsFromCents")
	}
	var zero Dollars
	if zero.IsSet() || zero.String() != "0.00" {
		t.Error("zero value")
	}
}

func mustDollars(t *testing.T, s string) Dollars {
	t.Helper()
	d, err := ParseDollars(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func cents(t *testing.T, d Dollars) int64 {
	t.Helper()
	c, exact, err := d.Cents()
	if err != nil || !exact {
		t.Fatalf("%s: cents %d exact %v err %v", d, c, exact, err)
	}
	return c
}

// The documented earnings example decodes exactly, unknown products included.
func TestPartnerEarnings_documentedExample(t *testing.T) {
	var e PartnerEarnings
	err := json.Unmarshal([]byte(`{
	  "balance": 2552, "blocked": 0, "commission_total": 16519.12, "commission_last_30_days": 61.34,
	  "withdrawals": 0, "pending": 13546,
	  "affiliate": {"commission_total": 16098, "commission_last_30_days": 0,
	    "livechat": {"commission_total": 15942, "commission_last_30_days": 0},
	    "chatbot": {"commission_total": 0, "commission_last_30_days": 0},
	    "partner_program": {"commission_total": 156, "commission_last_30_days": 0}},
	  "solution": {"commission_total": 421.12, "commission_last_30_days": 61.34,
	    "livechat": {"discount": 45943.76, "commission_total": 0, "commission_last_30_days": 0},
	    "chatbot": {"discount": 0, "commission_total": 421.12, "commission_last_30_days": 61.34},
	    "knowledgebase": {"commission_total": 0.1, "commission_last_30_days": 0}}
	}`), &e)
	if err != nil {
		t.Fatal(err)
	}
	if cents(t, e.CommissionTotal) != 1651912 || cents(t, e.Balance) != 255200 || cents(t, e.Pending) != 1354600 ||
		e.CommissionLast30Days.String() != "61.34" {
		t.Fatalf("top level %+v", e)
	}
	if len(e.Affiliate.Products) != 3 || cents(t, e.Affiliate.Products["partner_program"].CommissionTotal) != 15600 {
		t.Fatalf("affiliate %+v", e.Affiliate)
	}
	sol := e.Solution
	if cents(t, sol.CommissionTotal) != 42112 || cents(t, sol.Products["livechat"].Discount) != 4594376 ||
		sol.Products["knowledgebase"].CommissionTotal.String() != "0.10" || sol.Products["knowledgebase"].Discount.IsSet() {
		t.Fatalf("solution %+v", sol)
	}
}

func TestPartnerBalance_againstSandbox(t *testing.T) {
	f := newPartnerFixture(t, nil)
	b, err := f.client.GetPartnerBalance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if b.Pending.String() != "21.00" || b.Withdrawn.String() != "37.00" || b.Available.String() != "362.00" || b.Total.String() != "420.00" {
		t.Fatalf("balance %s %s %s %s", b.Pending, b.Withdrawn, b.Available, b.Total)
	}
	// The figures of platform-api.md §2.2, which the sandbox seeds.
	const pending, withdrawn, available, total = 2100, 3700, 36200, 42000
	if cents(t, b.Pending) != pending || cents(t, b.Withdrawn) != withdrawn || cents(t, b.Available) != available || cents(t, b.Total) != total {
		t.Fatal("balance cents disagree with the sandbox")
	}

	e, err := f.client.GetPartnerEarnings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cents(t, e.Balance) != available || cents(t, e.Pending) != pending || cents(t, e.Withdrawals) != withdrawn ||
		cents(t, e.CommissionTotal) != total {
		t.Fatalf("earnings %+v disagree with the balance", e)
	}
	var sum int64
	for _, p := range []EarningsProgram{e.Affiliate, e.Solution} {
		var progSum int64
		for _, prod := range p.Products {
			progSum += cents(t, prod.CommissionTotal)
		}
		if progSum != cents(t, p.CommissionTotal) {
			t.Fatalf("program total %s is not the sum of its products (%d)", p.CommissionTotal, progSum)
		}
		sum += progSum
	}
	if sum != total {
		t.Fatalf("programs sum to %d, commission total %d", sum, total)
	}
}
