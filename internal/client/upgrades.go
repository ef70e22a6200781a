package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// In-app upgrade types and payment types (platform-api.md §3).
const (
	UpgradeTypeOnce     = "once"
	UpgradeTypeQuantity = "quantity"

	UpgradePaymentOrganization = "organization"
	UpgradePaymentAccount      = "account"

	// UpgradeMaxPrice is the highest price of an upgrade in cents ($20,000.00).
	UpgradeMaxPrice = 2_000_000
)

// InAppUpgrade is an in-app upgrade definition of a Developer Console app.
// Its webhook secret is write-only: the platform returns it only once, from
// CreateInAppUpgrade.
type InAppUpgrade struct {
	ID          string    `json:"id"`
	AppID       string    `json:"app_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	WebhookURL  string    `json:"webhook_url"`
	Type        string    `json:"type"`
	Price       int64     `json:"price"`
	PaymentType string    `json:"payment_type"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// InAppUpgradeCreate is the body of a create call. An empty WebhookSecret
// lets the platform generate one.
type InAppUpgradeCreate struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	WebhookURL    string `json:"webhook_url"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
	Type          string `json:"type"`
	Price         int64  `json:"price"`
	PaymentType   string `json:"payment_type,omitempty"`
}

// InAppUpgradeUpdate is a PATCH body: only the fields that are set are sent.
// The type cannot be changed.
type InAppUpgradeUpdate struct {
	Name          *string `json:"name,omitempty"`
	Description   *string `json:"description,omitempty"`
	WebhookURL    *string `json:"webhook_url,omitempty"`
	WebhookSecret *string `json:"webhook_secret,omitempty"`
	Price         *int64  `json:"price,omitempty"`
	PaymentType   *string `json:"payment_type,omitempty"`
}

// IsEmpty reports whether u changes nothing.
func (u InAppUpgradeUpdate) IsEmpty() bool { return u == InAppUpgradeUpdate{} }

// upgradesPath builds the collection path, or the path of one upgrade when
// id is given. Ids are path segments, so an empty one or one with a slash
// would address another endpoint.
func upgradesPath(appID string, id ...string) (string, error) {
	if appID == "" || strings.ContainsAny(appID, "/?#") {
		return "", fmt.Errorf("invalid app id %q: it must be non-empty and contain no '/', '?' or '#'", appID)
	}
	p := "/v2/applications/" + appID + "/in-app-upgrades"
	for _, s := range id {
		if s == "" || strings.ContainsAny(s, "/?#") {
			return "", fmt.Errorf("invalid in-app upgrade id %q: it must be non-empty and contain no '/', '?' or '#'", s)
		}
		p += "/" + s
	}
	return p, nil
}

// CreateInAppUpgrade creates an upgrade of app appID. It returns the upgrade
// and its webhook secret, which no other call returns. When in has no
// secret the client generates one and sends it, so that a lost answer
// cannot lose the secret. The request is retried only when the platform
// provably did not act on it; after an unknown outcome the upgrade is
// looked for in the app's list.
func (c *Client) CreateInAppUpgrade(ctx context.Context, appID string, in InAppUpgradeCreate) (CreateResult[InAppUpgrade], string, error) {
	if in.WebhookSecret == "" {
		secret, err := NewWebhookSecret()
		if err != nil {
			return CreateResult[InAppUpgrade]{}, "", &CreateError{Outcome: NotCreated, Err: err}
		}
		in.WebhookSecret = secret
	}
	// The secret is known before anything is sent: no diagnostic of this
	// create may show it.
	c.secrets.Add(in.WebhookSecret)
	family := "upgrade/" + appID
	atStart, startErr := listedAtStart(ctx, &c.creates, family, func(ctx context.Context) ([]InAppUpgrade, error) {
		return c.upgradesWithin(ctx, appID, LookalikeWindow)
	})
	res, err := create(ctx, c, createSpec[InAppUpgrade]{
		family: family,
		snapshot: func(ctx context.Context) (existing, error) {
			list, err := c.ListInAppUpgrades(ctx, appID)
			ids := map[string]bool{}
			for _, u := range list {
				ids[u.ID] = true
			}
			return existing{ids: ids}, err
		},
		post:     func(ctx context.Context) (*InAppUpgrade, error) { return c.postInAppUpgrade(ctx, appID, in) },
		complete: func(u *InAppUpgrade) bool { return u.ID != "" },
		find: func(ctx context.Context, before existing) ([]InAppUpgrade, error) {
			list, err := c.ListInAppUpgrades(ctx, appID)
			var fresh []InAppUpgrade
			for _, u := range list {
				if !before.has(u.ID) && upgradeMatches(&u, in) {
					fresh = append(fresh, u)
				}
			}
			return fresh, err
		},
		id: func(u *InAppUpgrade) string { return u.ID },
	})
	if err == nil {
		res.Lookalikes = lookalikes(&c.creates, family, atStart, res.Object,
			func(u *InAppUpgrade) bool { return upgradeMatches(u, in) },
			func(u *InAppUpgrade) string { return u.ID }, func(u *InAppUpgrade) time.Time { return u.CreatedAt })
		res.LookalikesUnchecked = startErr
	}
	return res, in.WebhookSecret, err
}

func (c *Client) postInAppUpgrade(ctx context.Context, appID string, in InAppUpgradeCreate) (*InAppUpgrade, error) {
	p, err := upgradesPath(appID)
	if err != nil {
		return nil, &notSentError{err}
	}
	var out InAppUpgrade
	if err := c.do(ctx, request{api: APIDeveloperConsole, method: "POST", path: p, body: in, retry: retryIfNotActed, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// upgradeMatches reports whether u is what in describes.
func upgradeMatches(u *InAppUpgrade, in InAppUpgradeCreate) bool {
	return u.Name == in.Name && u.Description == in.Description && u.WebhookURL == in.WebhookURL &&
		u.Type == in.Type && u.Price == in.Price && (in.PaymentType == "" || u.PaymentType == in.PaymentType)
}

// NewWebhookSecret returns a random webhook secret: 32 hexadecimal
// characters (128 bits).
func NewWebhookSecret() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating a webhook secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// GetInAppUpgrade reads one upgrade; a missing one is a 404 (IsNotFound).
func (c *Client) GetInAppUpgrade(ctx context.Context, appID, id string) (*InAppUpgrade, error) {
	p, err := upgradesPath(appID, id)
	if err != nil {
		return nil, err
	}
	var out InAppUpgrade
	if err := c.do(ctx, request{api: APIDeveloperConsole, method: "GET", path: p, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListInAppUpgrades returns every upgrade of app appID.
func (c *Client) ListInAppUpgrades(ctx context.Context, appID string) ([]InAppUpgrade, error) {
	return c.listInAppUpgrades(ctx, appID, nil)
}

// listInAppUpgrades lists the upgrades and, when date is set, reads the
// server's Date of the answer.
func (c *Client) listInAppUpgrades(ctx context.Context, appID string, date *time.Time) ([]InAppUpgrade, error) {
	p, err := upgradesPath(appID)
	if err != nil {
		return nil, err
	}
	var out struct {
		Result []InAppUpgrade `json:"result"`
	}
	if err := c.do(ctx, request{api: APIDeveloperConsole, method: "GET", path: p, out: &out, date: date}); err != nil {
		return nil, err
	}
	return out.Result, nil
}

// upgradesWithin lists the upgrades of app appID created in the last
// window (or whose age the list does not tell), the window ending at the
// earlier of this machine's clock and the server's Date (see
// pendingDirectChargesWithin).
func (c *Client) upgradesWithin(ctx context.Context, appID string, window time.Duration) ([]InAppUpgrade, error) {
	var date time.Time
	list, err := c.listInAppUpgrades(ctx, appID, &date)
	if err != nil {
		return nil, err
	}
	since := earliestNow(date).Add(-window)
	var out []InAppUpgrade
	for _, u := range list {
		if u.CreatedAt.IsZero() || !u.CreatedAt.Before(since) {
			out = append(out, u)
		}
	}
	return out, nil
}

// UpdateInAppUpgrade changes the set fields of an upgrade. A new price
// applies to new purchases only. A PATCH of the same fields is idempotent,
// so it is retried like a read.
func (c *Client) UpdateInAppUpgrade(ctx context.Context, appID, id string, in InAppUpgradeUpdate) (*InAppUpgrade, error) {
	p, err := upgradesPath(appID, id)
	if err != nil {
		return nil, err
	}
	var out InAppUpgrade
	if err := c.do(ctx, request{api: APIDeveloperConsole, method: "PATCH", path: p, body: in, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteInAppUpgrade deletes an upgrade; a missing one is a 404 (IsNotFound).
func (c *Client) DeleteInAppUpgrade(ctx context.Context, appID, id string) error {
	p, err := upgradesPath(appID, id)
	if err != nil {
		return err
	}
	return c.do(ctx, request{api: APIDeveloperConsole, method: "DELETE", path: p})
}
