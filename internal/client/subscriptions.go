package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// Solution partners' client organizations, licenses and subscriptions
// (platform-api.md §2.3, §2.4).

// Subscription plans and billing cycles.
const (
	PlanStarter  = "starter"
	PlanTeam     = "team"
	PlanBusiness = "business"

	BillingMonthly = "monthly"
	BillingAnnual  = "annual"
)

// License statuses seen; decode status as an open string.
const (
	LicenseTrial   = "trial"
	LicensePaid    = "paid"
	LicenseExpired = "expired"
)

// LicenseID is a license number. The platform writes it as a string
// ("104130623"); a JSON number is accepted too.
type LicenseID string

// UnmarshalJSON implements json.Unmarshaler.
func (l *LicenseID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*l = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = LicenseID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("license: %w", err)
	}
	*l = LicenseID(n.String())
	return nil
}

// OrganizationCreate creates a client organization; DataCenter is dal
// (USA) or fra (EU), empty for the platform's default.
type OrganizationCreate struct {
	OrganizationName string `json:"organization_name"`
	ClientName       string `json:"client_name"`
	ClientEmail      string `json:"client_email"`
	DataCenter       string `json:"data_center,omitempty"`
}

// LicenseCreate creates a trial license for an organization's owner.
type LicenseCreate struct {
	ClientName    string `json:"client_name"`
	ClientEmail   string `json:"client_email"`
	PaymentOrigin string `json:"payment_origin"`
	TrialDuration int64  `json:"trial_duration,omitempty"`
	CouponID      int64  `json:"coupon_id,omitempty"`
	PurchaseOrder string `json:"purchase_order,omitempty"`
}

// License is a client license: the create answer and the license detail.
// Plan, BillingCycle and Seats are nil until a subscription was set up.
type License struct {
	License       LicenseID   `json:"license"`
	Product       string      `json:"product"`
	ClientName    string      `json:"client_name"`
	ClientEmail   string      `json:"client_email"`
	PurchaseOrder string      `json:"purchase_order"`
	PaymentOrigin string      `json:"payment_origin"`
	CreatedAt     PartnerTime `json:"creation_timestamp"`
	EndAt         PartnerTime `json:"end_timestamp"`
	CCAdded       bool        `json:"cc_added"`
	Paid          bool        `json:"paid"`
	// Recurrent is true while a subscription renews; nil when not reported.
	Recurrent    *bool   `json:"recurrent"`
	Expired      bool    `json:"expired"`
	Status       string  `json:"status"`
	Plan         *string `json:"plan"`
	BillingCycle *string `json:"billing_cycle"`
	Seats        *int64  `json:"seats"`
	DataCenter   string  `json:"data_center"`
}

// SubscriptionState is what a license says of its subscription.
type SubscriptionState int

const (
	SubscriptionOpen SubscriptionState = iota
	SubscriptionClosed
	// SubscriptionUnsure: the license does not say clearly.
	SubscriptionUnsure
)

// Subscription tells whether the license has a subscription that has not
// been closed. The recurrent flag says so when the platform sends it;
// without it, a plan, a cycle and seats mean one is open (in trial too), an
// expired license or none of them means none is, and anything else is
// unsure, so that a caller never drops a subscription on a guess.
func (l *License) Subscription() SubscriptionState {
	hasPlan := l.Plan != nil && l.BillingCycle != nil && l.Seats != nil
	noPlan := l.Plan == nil && l.BillingCycle == nil && l.Seats == nil
	switch {
	case l.Recurrent != nil && *l.Recurrent:
		return SubscriptionOpen
	case l.Recurrent != nil, l.Expired, l.Status == LicenseExpired, noPlan:
		return SubscriptionClosed
	case hasPlan:
		return SubscriptionOpen
	default:
		return SubscriptionUnsure
	}
}

func licensePath(product, licenseID string) string {
	return "/v2/partners/solutions/licenses/" + url.PathEscape(product) + "/" + url.PathEscape(licenseID)
}

// GetLicense returns a license's details, subscription included.
func (c *Client) GetLicense(ctx context.Context, product, licenseID string) (*License, error) {
	var out License
	if err := c.do(ctx, request{api: APIPartners, method: "GET", path: licensePath(product, licenseID), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListLicenses returns every client license of the solution partner, all
// products (platform-api.md §2.4). The items carry no plan, cycle or seats:
// GetLicense tells whether a license has a subscription.
func (c *Client) ListLicenses(ctx context.Context) ([]License, error) {
	var out struct {
		Result []License `json:"result"`
	}
	if err := c.do(ctx, request{api: APIPartners, method: "GET", path: "/v2/partners/solutions/licenses", out: &out}); err != nil {
		return nil, err
	}
	return out.Result, nil
}

// SubscriptionCreate starts a subscription. Token is the card processor's
// (Recurly) token: the client sends it once and never keeps it.
type SubscriptionCreate struct {
	Token        string `json:"token"`
	Plan         string `json:"plan"`
	BillingCycle string `json:"billing_cycle"`
	Seats        int64  `json:"seats"`
}

// SubscriptionUpdate changes a subscription's plan, cycle and seats.
type SubscriptionUpdate struct {
	Plan         string `json:"plan"`
	BillingCycle string `json:"billing_cycle"`
	Seats        int64  `json:"seats"`
}

// CreateSubscription starts a subscription on a license. It charges a card,
// so it is repeated only when the platform provably did not act. After an
// unknown outcome the license is read: the subscription is taken as made
// only when the license shows it open with the requested plan, cycle and
// seats and showed none before the request. The platform answers a create
// with an empty body, so the result's Object is the license as read.
func (c *Client) CreateSubscription(ctx context.Context, product, licenseID string, in SubscriptionCreate) (CreateResult[License], error) {
	// The snapshot notes an open subscription, which the platform refuses
	// to create again (409), apart from an unclear license, which it may not.
	const theSubscription, unclearBefore = "subscription", "unclear"
	open := func(l *License) bool {
		return l.Subscription() == SubscriptionOpen && l.Plan != nil && *l.Plan == in.Plan &&
			l.BillingCycle != nil && *l.BillingCycle == in.BillingCycle && l.Seats != nil && *l.Seats == in.Seats
	}
	return create(ctx, c, createSpec[License]{
		family: "subscription/" + product + "/" + licenseID,
		snapshot: func(ctx context.Context) (existing, error) {
			l, err := c.GetLicense(ctx, product, licenseID)
			if err != nil {
				return existing{}, err
			}
			state := l.Subscription()
			return existing{ids: map[string]bool{theSubscription: state == SubscriptionOpen, unclearBefore: state == SubscriptionUnsure}}, nil
		},
		post: func(ctx context.Context) (*License, error) {
			err := c.do(ctx, request{api: APIPartners, method: "POST", path: licensePath(product, licenseID) + "/subscription",
				body: in, retry: retryIfNotActed})
			return &License{License: LicenseID(licenseID), Product: product}, err
		},
		complete: func(*License) bool { return true },
		find: func(ctx context.Context, before existing) ([]License, error) {
			l, err := c.GetLicense(ctx, product, licenseID)
			switch {
			case err != nil:
				return nil, err
			case before.has(theSubscription):
				return nil, nil // a second subscription is refused
			case before.has(unclearBefore):
				return nil, errSubscriptionBefore
			case open(l):
				return []License{*l}, nil
			case l.Subscription() == SubscriptionClosed:
				return nil, nil
			}
			return nil, errSubscriptionUnclear
		},
		id: func(*License) string { return theSubscription },
	})
}

// A subscription's reconciliation can tell "not created" only from a
// license that showed an open subscription before (the platform refuses a
// second), or none before and none after; these are the other cases, in
// which a second create may charge the card twice.
var (
	errSubscriptionBefore  = errors.New("the license did not tell clearly before the request whether it had a subscription, so it cannot tell whether the request made one")
	errSubscriptionUnclear = errors.New("the license shows a subscription that is not clearly the requested one, nor clearly none")
)

// UpdateSubscription changes a subscription (the same body twice has the
// same effect, so it is retried like a read).
func (c *Client) UpdateSubscription(ctx context.Context, product, licenseID string, in SubscriptionUpdate) error {
	return c.do(ctx, request{api: APIPartners, method: "PUT", path: licensePath(product, licenseID) + "/subscription", body: in})
}

// ErrNoPartnerPassword is returned by CloseSubscription when the client has
// no partner password.
var ErrNoPartnerPassword = errors.New("closing a subscription needs the partner password: set the provider's partner_password (or LIVECHAT_PARTNER_PASSWORD)")

// CloseSubscription closes a subscription with the configured partner
// password. With expire the license ends now, otherwise at the end of the
// billing cycle.
func (c *Client) CloseSubscription(ctx context.Context, product, licenseID string, expire bool) error {
	if c.cfg.PartnerPassword == "" {
		return ErrNoPartnerPassword
	}
	body := struct {
		Password string `json:"password"`
		Expire   bool   `json:"expire"`
	}{c.cfg.PartnerPassword, expire}
	return c.do(ctx, request{api: APIPartners, method: "DELETE", path: licensePath(product, licenseID) + "/subscription", body: body})
}
