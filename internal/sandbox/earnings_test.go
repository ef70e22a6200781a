package sandbox

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

func TestPartnerBalance_documentedPayload(t *testing.T) {
	_, ts := partnerSandbox(t, Options{})
	r := partnerCall(t, ts, "GET", "/v2/partners/balance", nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	// The documented example, byte for byte apart from key order: two
	// decimals on the numbers and the total as a string.
	if got, want := strings.TrimSpace(r.body), `{"available":362.00,"pending":21.00,"total":"420.00","withdrawn":37.00}`; got != want {
		t.Fatalf("balance\n got %s\nwant %s", got, want)
	}
}

// rat parses a JSON number or string exactly.
func rat(t *testing.T, raw json.RawMessage) *big.Rat {
	t.Helper()
	s := strings.Trim(string(raw), `"`)
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("not a decimal: %s", raw)
	}
	return r
}

func TestPartnerEarnings_consistent(t *testing.T) {
	_, ts := partnerSandbox(t, Options{})
	r := partnerCall(t, ts, "GET", "/v2/partners/earnings", nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"balance", "blocked", "commission_total", "commission_last_30_days", "withdrawals", "pending", "affiliate", "solution"} {
		if _, ok := top[k]; !ok {
			t.Fatalf("earnings lacks %s: %s", k, r.body)
		}
	}
	programs := map[string]map[string]json.RawMessage{}
	for _, p := range []string{"affiliate", "solution"} {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(top[p], &m); err != nil {
			t.Fatal(err)
		}
		programs[p] = m
		// A program's total is the sum of its products.
		sum := new(big.Rat)
		for k, v := range m {
			if strings.HasPrefix(k, "commission_") {
				continue
			}
			var prod map[string]json.RawMessage
			if err := json.Unmarshal(v, &prod); err != nil {
				t.Fatalf("%s.%s: %v", p, k, err)
			}
			sum.Add(sum, rat(t, prod["commission_total"]))
		}
		if sum.Cmp(rat(t, m["commission_total"])) != 0 {
			t.Fatalf("%s.commission_total %s is not the sum of its products %s", p, m["commission_total"], sum.FloatString(2))
		}
	}
	if _, ok := programs["solution"]["livechat"]; !ok || !strings.Contains(string(programs["solution"]["livechat"]), `"discount"`) {
		t.Fatalf("solution.livechat lacks discount: %s", programs["solution"]["livechat"])
	}
	total := new(big.Rat).Add(rat(t, programs["affiliate"]["commission_total"]), rat(t, programs["solution"]["commission_total"]))
	if total.Cmp(rat(t, top["commission_total"])) != 0 {
		t.Fatalf("commission_total %s != affiliate + solution %s", top["commission_total"], total.FloatString(2))
	}
	money := new(big.Rat)
	for _, k := range []string{"balance", "blocked", "withdrawals", "pending"} {
		money.Add(money, rat(t, top[k]))
	}
	if money.Cmp(total) != 0 {
		t.Fatalf("balance+blocked+withdrawals+pending = %s, commission_total %s", money.FloatString(2), total.FloatString(2))
	}
	// The earnings agree with the balance endpoint.
	bal := partnerCall(t, ts, "GET", "/v2/partners/balance", nil)
	var b map[string]json.RawMessage
	_ = json.Unmarshal([]byte(bal.body), &b)
	if rat(t, b["total"]).Cmp(total) != 0 || rat(t, b["available"]).Cmp(rat(t, top["balance"])) != 0 {
		t.Fatalf("balance %s disagrees with earnings %s", bal.body, r.body)
	}
	// Amounts are written like a float-minded server: 362, 61.34.
	if string(top["balance"]) != "362" || string(top["commission_last_30_days"]) != "61.34" {
		t.Fatalf("balance %s, last 30 days %s", top["balance"], top["commission_last_30_days"])
	}
}

func TestDollarsFormatting(t *testing.T) {
	for cents, want := range map[int64][2]string{
		0:      {"0.00", "0"},
		1:      {"0.01", "0.01"},
		10:     {"0.10", "0.1"},
		2100:   {"21.00", "21"},
		494910: {"4949.10", "4949.1"},
		-1905:  {"-19.05", "-19.05"},
	} {
		if got := string(dollarsFixed(cents)); got != want[0] {
			t.Errorf("dollarsFixed(%d) = %s, want %s", cents, got, want[0])
		}
		if got := string(dollarsNumber(cents)); got != want[1] {
			t.Errorf("dollarsNumber(%d) = %s, want %s", cents, got, want[1])
		}
	}
}
