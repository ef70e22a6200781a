package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// Partner earnings and balance (platform-api.md §2.2). The Partner Program reports
// dollars as JSON numbers (and the balance total as a string). They are
// decoded exactly, never through float64, and converted to integer cents
// on request.

// Dollars is an exact decimal dollar amount as the platform wrote it.
// The zero value is an absent amount ($0.00).
type Dollars struct {
	r *big.Rat
}

// decimalRE is a plain or exponent decimal, as JSON writes numbers.
var decimalRE = regexp.MustCompile(`^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$`)

// ParseDollars reads a decimal such as "21.00", "2552", "4949.1" or "1e3".
func ParseDollars(s string) (Dollars, error) {
	s = strings.TrimSpace(s)
	if !decimalRE.MatchString(s) {
		return Dollars{}, fmt.Errorf("%q is not a decimal amount", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return Dollars{}, fmt.Errorf("%q is not a decimal amount", s)
	}
	return Dollars{r: r}, nil
}

// UnmarshalJSON accepts a JSON number, a string holding one, or null.
func (d *Dollars) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*d = Dollars{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if strings.TrimSpace(s) == "" {
			*d = Dollars{}
			return nil
		}
	}
	v, err := ParseDollars(s)
	if err != nil {
		return fmt.Errorf("dollar amount: %w", err)
	}
	*d = v
	return nil
}

// MarshalJSON writes the exact amount as a JSON number.
func (d Dollars) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// IsSet reports whether the platform sent the amount.
func (d Dollars) IsSet() bool { return d.r != nil }

func (d Dollars) rat() *big.Rat {
	if d.r == nil {
		return new(big.Rat)
	}
	return d.r
}

// String is the exact amount as a decimal with at least two decimals
// ("21.00", "4949.10", "0.125").
func (d Dollars) String() string {
	r := d.rat()
	// A decimal input has a denominator of the form 2^a·5^b, so some
	// power of ten makes it whole; find the smallest from 10^2 up.
	scaled := new(big.Rat).Mul(r, big.NewRat(100, 1))
	for digits := 2; digits <= 40; digits++ {
		if scaled.IsInt() {
			return r.FloatString(digits)
		}
		scaled.Mul(scaled, big.NewRat(10, 1))
	}
	return r.FloatString(40)
}

// Cents converts to integer cents, rounding a fraction of a cent half away
// from zero; exact reports whether nothing was rounded. It fails only when
// the amount does not fit in an int64.
func (d Dollars) Cents() (cents int64, exact bool, err error) {
	scaled := new(big.Rat).Mul(d.rat(), big.NewRat(100, 1))
	num, den := scaled.Num(), scaled.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	exact = m.Sign() == 0
	if !exact {
		twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
		if twice.Cmp(den) >= 0 {
			q.Add(q, big.NewInt(int64(num.Sign())))
		}
	}
	if !q.IsInt64() {
		return 0, false, fmt.Errorf("%s dollars is too large to count in cents", d.String())
	}
	return q.Int64(), exact, nil
}

// Equal reports whether two amounts are the same number.
func (d Dollars) Equal(o Dollars) bool { return d.rat().Cmp(o.rat()) == 0 }

// PartnerEarnings is the partner's commission and balance.
type PartnerEarnings struct {
	Balance              Dollars `json:"balance"`
	Blocked              Dollars `json:"blocked"`
	CommissionTotal      Dollars `json:"commission_total"`
	CommissionLast30Days Dollars `json:"commission_last_30_days"`
	Withdrawals          Dollars `json:"withdrawals"`
	Pending              Dollars `json:"pending"`
	// Affiliate and Solution split the commission per program.
	Affiliate EarningsProgram `json:"affiliate"`
	Solution  EarningsProgram `json:"solution"`
}

// EarningsProgram is one program's commission and its split per product.
type EarningsProgram struct {
	CommissionTotal      Dollars
	CommissionLast30Days Dollars
	// Products maps a product (livechat, chatbot, helpdesk,
	// partner_program, or any the platform adds) to its figures.
	Products map[string]EarningsProduct
}

// EarningsProduct is one product's commission within a program.
type EarningsProduct struct {
	CommissionTotal      Dollars `json:"commission_total"`
	CommissionLast30Days Dollars `json:"commission_last_30_days"`
	// Discount is what the partner's clients saved (solution program);
	// unset elsewhere.
	Discount Dollars `json:"discount"`
}

// UnmarshalJSON reads the program's totals and takes every other object
// member as a product, so products the platform adds are kept.
func (p *EarningsProgram) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*p = EarningsProgram{}
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := EarningsProgram{Products: map[string]EarningsProduct{}}
	for k, v := range raw {
		var err error
		switch k {
		case "commission_total":
			err = json.Unmarshal(v, &out.CommissionTotal)
		case "commission_last_30_days":
			err = json.Unmarshal(v, &out.CommissionLast30Days)
		default:
			if t := bytes.TrimSpace(v); len(t) == 0 || t[0] != '{' {
				continue
			}
			var prod EarningsProduct
			err = json.Unmarshal(v, &prod)
			out.Products[k] = prod
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	*p = out
	return nil
}

// PartnerBalance is the partner's balance. Total = Pending + Withdrawn + Available.
type PartnerBalance struct {
	Pending   Dollars `json:"pending"`
	Withdrawn Dollars `json:"withdrawn"`
	Available Dollars `json:"available"`
	Total     Dollars `json:"total"`
}

// GetPartnerEarnings returns the partner's earnings.
func (c *Client) GetPartnerEarnings(ctx context.Context) (*PartnerEarnings, error) {
	var out PartnerEarnings
	if err := c.do(ctx, request{api: APIPartners, method: "GET", path: "/v2/partners/earnings", out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetPartnerBalance returns the partner's balance.
func (c *Client) GetPartnerBalance(ctx context.Context) (*PartnerBalance, error) {
	var out PartnerBalance
	if err := c.do(ctx, request{api: APIPartners, method: "GET", path: "/v2/partners/balance", out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
