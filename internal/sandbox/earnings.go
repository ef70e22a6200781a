package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Partner earnings and balance (platform-api.md §2.2). The Partner Program reports
// money in dollars; the sandbox keeps cents and writes the JSON number
// literals itself, so no binary float ever touches an amount.

// partnerEarnings is the partner's money, in cents. It is one row,
// "earnings", seeded with consistent figures: available + pending +
// withdrawn + blocked = commission total = affiliate + solution totals.
type partnerEarnings struct {
	Available  int64             `json:"available"`
	Pending    int64             `json:"pending"`
	Withdrawn  int64             `json:"withdrawn"`
	Blocked    int64             `json:"blocked"`
	Last30Days int64             `json:"last_30_days"`
	Affiliate  []programEarnings `json:"affiliate"`
	Solution   []programEarnings `json:"solution"`
}

// programEarnings is one product's share of a program.
type programEarnings struct {
	Product    string `json:"product"`
	Total      int64  `json:"total"`
	Last30Days int64  `json:"last_30_days"`
	// Discount is what solution clients saved (solution program only).
	Discount int64 `json:"discount"`
}

// seedEarnings returns the documented balance (pending 21.00, withdrawn
// 37.00, available 362.00, total "420.00") split over the programs.
func seedEarnings() partnerEarnings {
	return partnerEarnings{
		Available:  36200,
		Pending:    2100,
		Withdrawn:  3700,
		Blocked:    0,
		Last30Days: 6134,
		Affiliate: []programEarnings{
			{Product: "livechat", Total: 25000},
			{Product: "chatbot", Total: 2012},
			{Product: "helpdesk", Total: 0},
			{Product: "partner_program", Total: 2854},
		},
		Solution: []programEarnings{
			{Product: "livechat", Total: 10000, Last30Days: 4000, Discount: 45943},
			{Product: "chatbot", Total: 2134, Last30Days: 2134},
			{Product: "helpdesk", Total: 0},
		},
	}
}

func (e partnerEarnings) total() int64 { return e.Available + e.Pending + e.Withdrawn + e.Blocked }

func (s *Server) earningsRoutes() {
	s.mux.HandleFunc("GET /v2/partners/earnings", s.requirePartner(s.getEarnings))
	s.mux.HandleFunc("GET /v2/partners/balance", s.requirePartner(s.getBalance))
}

func (s *Server) earningsSnapshot() partnerEarnings {
	var e partnerEarnings
	s.view(func() { e, _ = s.st.earnings.get("earnings") })
	return e
}

func programJSON(items []programEarnings, withDiscount bool) map[string]any {
	var total, last30 int64
	out := map[string]any{}
	for _, p := range items {
		total += p.Total
		last30 += p.Last30Days
		m := map[string]any{
			"commission_total":        dollarsNumber(p.Total),
			"commission_last_30_days": dollarsNumber(p.Last30Days),
		}
		if withDiscount {
			m["discount"] = dollarsNumber(p.Discount)
		}
		out[p.Product] = m
	}
	out["commission_total"] = dollarsNumber(total)
	out["commission_last_30_days"] = dollarsNumber(last30)
	return out
}

func (s *Server) getEarnings(w http.ResponseWriter, _ *http.Request) {
	e := s.earningsSnapshot()
	writeJSON(w, http.StatusOK, map[string]any{
		"balance":                 dollarsNumber(e.Available),
		"blocked":                 dollarsNumber(e.Blocked),
		"commission_total":        dollarsNumber(e.total()),
		"commission_last_30_days": dollarsNumber(e.Last30Days),
		"withdrawals":             dollarsNumber(e.Withdrawn),
		"pending":                 dollarsNumber(e.Pending),
		"affiliate":               programJSON(e.Affiliate, false),
		"solution":                programJSON(e.Solution, true),
	})
}

func (s *Server) getBalance(w http.ResponseWriter, _ *http.Request) {
	e := s.earningsSnapshot()
	writeJSON(w, http.StatusOK, map[string]any{
		"pending":   dollarsFixed(e.Pending),
		"withdrawn": dollarsFixed(e.Withdrawn),
		"available": dollarsFixed(e.Available),
		// The platform sends the total as a string.
		"total": string(dollarsFixed(e.total())),
	})
}

// dollarsFixed writes cents as a JSON number with two decimals (21.00).
func dollarsFixed(cents int64) json.Number {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return json.Number(fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100))
}

// dollarsNumber writes cents the way a float-minded server does: no
// trailing zeros (2552, 61.34, 4949.1).
func dollarsNumber(cents int64) json.Number {
	s := string(dollarsFixed(cents))
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "" || s == "-" {
		s = "0"
	}
	return json.Number(s)
}
