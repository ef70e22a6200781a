package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// DirectChargePageSize is the direct charge list's page size.
const DirectChargePageSize = 20

// DirectCharge is a one-time charge of Price × Quantity cents (platform-api.md §1.2).
type DirectCharge struct {
	ChargeCommon
	Quantity          int64  `json:"quantity"`
	RecurrentChargeID string `json:"recurrent_charge_id,omitempty"`
}

// DirectChargeRequest creates a direct charge.
type DirectChargeRequest struct {
	Name       string `json:"name"`
	Price      int64  `json:"price"`
	Quantity   int64  `json:"quantity"`
	ReturnURL  string `json:"return_url"`
	PerAccount bool   `json:"per_account"`
	Test       bool   `json:"test"`
}

// DirectChargeFilter narrows a direct charge list; empty fields match all.
type DirectChargeFilter struct {
	Status            string
	RecurrentChargeID string
}

// CreateDirectCharge creates a pending direct charge for product. It is
// retried only when the platform provably did not act on it; after an
// unknown outcome the charge it made is found by listing (platform-api.md §6.2).
func (c *Client) CreateDirectCharge(ctx context.Context, product string, req DirectChargeRequest) (CreateResult[DirectCharge], error) {
	spec := chargeSpec(c, ChargeTypeDirect, product, req, func(dc *DirectCharge) *ChargeCommon { return &dc.ChargeCommon })
	// Direct charges of the same arguments are interchangeable. %#v quotes
	// the strings, so different arguments never print alike.
	spec.twins = fmt.Sprintf("%s %#v", spec.family, req)
	matches := func(dc *DirectCharge) bool {
		return dc.Name == req.Name && dc.Price == req.Price && dc.Quantity == req.Quantity &&
			dc.ReturnURL == req.ReturnURL && dc.PerAccount == req.PerAccount && dc.Test == req.Test
	}
	spec.snapshot = func(ctx context.Context) (existing, error) {
		found, since, err := c.recentPendingDirectCharges(ctx, product, time.Time{}, matches)
		ids := map[string]bool{}
		for _, dc := range found {
			ids[dc.ID] = true
		}
		return existing{ids: ids, since: since}, err
	}
	spec.find = func(ctx context.Context, before existing) ([]DirectCharge, error) {
		found, _, err := c.recentPendingDirectCharges(ctx, product, before.since, matches)
		var fresh []DirectCharge
		for _, dc := range found {
			if !before.has(dc.ID) {
				fresh = append(fresh, dc)
			}
		}
		return fresh, err
	}
	atStart, startErr := listedAtStart(ctx, &c.creates, spec.family, func(ctx context.Context) ([]DirectCharge, error) {
		return c.pendingDirectChargesWithin(ctx, product, LookalikeWindow)
	})
	res, err := create(ctx, c, spec)
	if err == nil {
		res.Lookalikes = lookalikes(&c.creates, spec.family, atStart, res.Object, matches,
			func(dc *DirectCharge) string { return dc.ID }, func(dc *DirectCharge) time.Time { return dc.CreatedAt })
		res.LookalikesUnchecked = startErr
	}
	return res, err
}

// LookalikeWindow is how far back a create looks for objects with its
// arguments that it did not make (CreateResult.Lookalikes): long enough
// for a pipeline killed in the evening to be run again the next morning.
const LookalikeWindow = 24 * time.Hour

// lookalikePages bounds the listing of lookalike direct charges, so a
// seller with a great many pending charges does not wait for all of them;
// lookalikeLimit bounds what it keeps, whatever the size of a page.
const (
	lookalikePages = 50
	lookalikeLimit = lookalikePages * DirectChargePageSize
)

// pendingDirectChargesWithin lists the pending direct charges created in
// the last window (or whose age the listing does not tell), newest first,
// up to lookalikePages pages and lookalikeLimit charges; it returns what it
// saw with an error when a bound stopped it. The window ends at the earlier
// of this machine's clock and the server's Date, as the snapshot's does: a
// server whose clock runs behind stamps an orphan of an hour ago as older,
// and a window on this machine's clock alone would hide it.
func (c *Client) pendingDirectChargesWithin(ctx context.Context, product string, window time.Duration) ([]DirectCharge, error) {
	var found []DirectCharge
	var since time.Time
	pages, capped := 0, false
	fetch := func(ctx context.Context, page int) ([]DirectCharge, error) {
		var date time.Time
		items, err := c.listDirectChargesPage(ctx, product, page, DirectChargeFilter{Status: ChargePending}, &date)
		if err == nil && since.IsZero() {
			since = earliestNow(date).Add(-window)
		}
		return items, err
	}
	err := eachPage(ctx, DirectChargePageSize, fetch, func(items []DirectCharge) bool {
		pages++
		older := false
		for i := range items {
			if !items[i].CreatedAt.IsZero() && items[i].CreatedAt.Before(since) {
				older = true
				continue
			}
			if len(found) < lookalikeLimit {
				found = append(found, items[i])
			}
		}
		capped = !older && (pages >= lookalikePages || len(found) >= lookalikeLimit)
		return older || capped
	})
	if err == nil && capped {
		err = fmt.Errorf("only the newest %d pending direct charges were looked at", len(found))
	}
	return found, err
}

// directChargeClockSkew is how much earlier than the server's Date header a
// charge's created_at may read; the snapshot before a create covers it.
const directChargeClockSkew = 2 * time.Minute

// recentPendingDirectCharges walks the pending direct charges newest first
// and returns those that match and were created at or after since, or whose
// age the listing does not tell. A zero since means the earlier of the
// server's Date on the first page and this machine's clock, less
// directChargeClockSkew, which it returns, so that a later walk covers
// exactly the same time. The earlier clock wins because a window that
// starts too late hides the charge a lost answer made, and the next apply
// would charge again; one that starts too early only walks further.
func (c *Client) recentPendingDirectCharges(ctx context.Context, product string, since time.Time, match func(*DirectCharge) bool) ([]DirectCharge, time.Time, error) {
	var found []DirectCharge
	fetch := func(ctx context.Context, page int) ([]DirectCharge, error) {
		var date time.Time
		items, err := c.listDirectChargesPage(ctx, product, page, DirectChargeFilter{Status: ChargePending}, &date)
		if err == nil && since.IsZero() {
			since = earliestNow(date).Add(-directChargeClockSkew)
		}
		return items, err
	}
	err := eachPage(ctx, DirectChargePageSize, fetch, func(items []DirectCharge) bool {
		older := false
		for i := range items {
			switch {
			case !items[i].CreatedAt.IsZero() && items[i].CreatedAt.Before(since):
				older = true
			case match(&items[i]):
				found = append(found, items[i])
			}
		}
		return older
	})
	if errors.Is(err, errTooManyPages) {
		// An unfinished walk cannot tell what existed before a create, nor
		// find what it made.
		return nil, since, fmt.Errorf("more than %d pages of pending direct charges: giving up", maxPages)
	}
	if err != nil {
		return nil, since, err
	}
	return found, since, nil
}

// earliestNow is the earlier of the server's clock from its Date header
// and this machine's; this machine's when the server sent no Date.
func earliestNow(date time.Time) time.Time {
	now := time.Now()
	if date.IsZero() || now.Before(date) {
		return now
	}
	return date
}

// GetDirectCharge reads a direct charge; an unknown id is a 404 APIError.
func (c *Client) GetDirectCharge(ctx context.Context, product, id string) (*DirectCharge, error) {
	return chargeCall[DirectCharge](ctx, c, "GET", ChargeTypeDirect, product, id, "")
}

// ActivateDirectCharge hands a charge the buyer accepted to the payment
// gateway (status processed); the platform answers 422 in other states.
func (c *Client) ActivateDirectCharge(ctx context.Context, product, id string) (*DirectCharge, error) {
	return activateCharge(ctx, c, ChargeTypeDirect, product, id, func(dc *DirectCharge) *ChargeCommon { return &dc.ChargeCommon })
}

// ListDirectChargesPage returns one page (first is 1) of product's direct
// charges matching filter, newest first.
func (c *Client) ListDirectChargesPage(ctx context.Context, product string, page int, filter DirectChargeFilter) ([]DirectCharge, error) {
	return c.listDirectChargesPage(ctx, product, page, filter, nil)
}

// listDirectChargesPage reads a page and, when date is set, the server's
// Date of the answer.
func (c *Client) listDirectChargesPage(ctx context.Context, product string, page int, filter DirectChargeFilter, date *time.Time) ([]DirectCharge, error) {
	p, err := chargePath(ChargeTypeDirect, product, "")
	if err != nil {
		return nil, err
	}
	q := url.Values{"page": {strconv.Itoa(page)}}
	if filter.Status != "" {
		q.Set("status", filter.Status)
	}
	if filter.RecurrentChargeID != "" {
		q.Set("recurrent_charge_id", filter.RecurrentChargeID)
	}
	var out struct {
		Result []DirectCharge `json:"result"`
	}
	err = c.do(ctx, request{api: APIBilling, method: "GET", path: p, query: q, out: &out, date: date})
	return out.Result, err
}

// ListDirectCharges returns every direct charge of product matching
// filter, newest first.
func (c *Client) ListDirectCharges(ctx context.Context, product string, filter DirectChargeFilter) ([]DirectCharge, error) {
	return WalkPages(ctx, DirectChargePageSize, func(ctx context.Context, page int) ([]DirectCharge, error) {
		return c.ListDirectChargesPage(ctx, product, page, filter)
	})
}

// UnmarshalJSON reads buyer_license_id and commission_percent leniently: a
// number, a numeric string or null.
func (dc *DirectCharge) UnmarshalJSON(data []byte) error {
	type plain DirectCharge
	aux := struct {
		*plain
		lenientChargeInts
	}{plain: (*plain)(dc)}
	return decodeCharge(data, &aux, &aux.lenientChargeInts, &dc.ChargeCommon)
}
