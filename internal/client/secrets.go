package client

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// MinSecretLength is the length below which SecretSet ignores a value:
// masking a two-letter password would mask that pair of letters in every
// word of every log line, and a value that short is no real secret.
const MinSecretLength = 6

// SecretSet is a set of secret values (tokens, passwords) to mask wherever
// they appear in text. The Client fills one from its Config and from every
// access token it is given later, and masks every log line with it; a
// caller can mask its own text with the same set (Client.Secrets) and add
// the secrets it learns. The zero value is an empty set ready for use, and
// a nil *SecretSet masks nothing. It is safe for concurrent use.
type SecretSet struct {
	mu       sync.RWMutex
	values   map[string]struct{}
	replacer *strings.Replacer
}

// Add adds secret values. Empty and short values (under MinSecretLength
// bytes) are ignored. Each value is also added as it appears percent-encoded
// in a query or path and escaped inside a JSON string, so that an encoded
// copy is masked too.
func (s *SecretSet) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for _, v := range values {
		for _, form := range encodedForms(v) {
			if _, ok := s.values[form]; ok || len(form) < MinSecretLength {
				continue
			}
			if s.values == nil {
				s.values = map[string]struct{}{}
			}
			s.values[form] = struct{}{}
			changed = true
		}
	}
	if changed {
		s.replacer = newMaskReplacer(s.values)
	}
}

// Mask returns text with every occurrence of every secret replaced by
// Redacted. A longer secret is masked whole before a shorter one that it
// contains.
func (s *SecretSet) Mask(text string) string {
	if s == nil || text == "" {
		return text
	}
	s.mu.RLock()
	r := s.replacer
	s.mu.RUnlock()
	if r == nil {
		return text
	}
	return r.Replace(text)
}

// encodedForms are v and the ways it is written in a URL and in JSON.
func encodedForms(v string) []string {
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v)}
	if js, err := json.Marshal(v); err == nil {
		forms = append(forms, string(js[1:len(js)-1]))
	}
	return forms
}

// newMaskReplacer replaces the values, longest first: strings.Replacer
// prefers the earlier of two old strings that match at one position.
func newMaskReplacer(values map[string]struct{}) *strings.Replacer {
	sorted := make([]string, 0, len(values))
	for v := range values {
		sorted = append(sorted, v)
	}
	slices.SortFunc(sorted, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	pairs := make([]string, 0, 2*len(sorted))
	for _, v := range sorted {
		pairs = append(pairs, v, Redacted)
	}
	return strings.NewReplacer(pairs...)
}

// Secrets returns the client's secret values: those of its Config and every
// access token set since. Text shown to people (diagnostics, logs) can be
// masked with it, and secrets learnt elsewhere added to it; the client's
// own logs are masked with the same set.
func (c *Client) Secrets() *SecretSet { return c.secrets }
