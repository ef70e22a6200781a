package client

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// minSecretLength is the shortest value a SecretSet masks: shorter values
// (a stray "1", an empty default) would blank out ordinary words.
const minSecretLength = 6

// SecretSet is the set of secret values a client knows: configured
// credentials, exchanged tokens and secrets the provider read from a
// configuration. Mask hides every one of them in any text, such as an
// error message that quotes a token. It is safe for concurrent use; the
// zero value is an empty set.
type SecretSet struct {
	mu sync.RWMutex
	// values are kept longest first, so that a secret containing another
	// is masked whole.
	values []string
}

// Add remembers v; values shorter than six characters are ignored.
func (s *SecretSet) Add(v string) {
	if s == nil || len(v) < minSecretLength {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Contains(s.values, v) {
		return
	}
	s.values = append(s.values, v)
	slices.SortStableFunc(s.values, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
}

// Mask returns text with every value of the set replaced by [REDACTED].
func (s *SecretSet) Mask(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		text = strings.ReplaceAll(text, v, Redacted)
	}
	return text
}

// Secrets is the client's secret set: every credential of its Config and
// every access token it was given since. Callers add the secrets they
// handle themselves.
func (c *Client) Secrets() *SecretSet { return &c.secrets }

// addConfigSecrets fills the set from the configuration New was given.
func (c *Client) addConfigSecrets(cfg Config) {
	for _, v := range []string{cfg.AccessToken, cfg.PersonalAccessToken, cfg.PartnerToken, cfg.PartnerPassword} {
		c.secrets.Add(v)
	}
	if cfg.OAuth != nil {
		c.secrets.Add(cfg.OAuth.ClientSecret)
		c.secrets.Add(cfg.OAuth.RefreshToken)
	}
}
