package client

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// LedgerPageSize is the Billing ledger's page size.
const LedgerPageSize = 20

// Ledger entry types.
const (
	LedgerCollection = "collection"
	LedgerRefund     = "refund"
	LedgerWithdrawal = "withdrawal"
)

// LedgerEntry is one movement of the seller's Billing ledger; Value is in cents.
type LedgerEntry struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Value     int64     `json:"value"`
	CreatedAt time.Time `json:"created_at"`
}

// GetLedgerBalance returns the LiveChat ledger balance in cents.
func (c *Client) GetLedgerBalance(ctx context.Context) (int64, error) {
	var out struct {
		Balance int64 `json:"balance"`
	}
	err := c.do(ctx, request{api: APIBilling, method: "GET", path: "/v2/ledger/livechat/balance", out: &out})
	return out.Balance, err
}

// ListLedgerEntriesPage returns one page (first is 1) of ledger entries.
func (c *Client) ListLedgerEntriesPage(ctx context.Context, page int) ([]LedgerEntry, error) {
	var out struct {
		Result []LedgerEntry `json:"result"`
	}
	q := url.Values{"page": {strconv.Itoa(page)}}
	err := c.do(ctx, request{api: APIBilling, method: "GET", path: "/v2/ledger/livechat", query: q, out: &out})
	return out.Result, err
}

// ListLedgerEntries returns every ledger entry, newest first.
func (c *Client) ListLedgerEntries(ctx context.Context) ([]LedgerEntry, error) {
	return WalkPages(ctx, LedgerPageSize, c.ListLedgerEntriesPage)
}
