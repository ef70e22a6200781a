package client

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Logger receives the client's request and response logs. The provider
// connects it to tflog; the client itself stays free of Terraform.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}

// Redacted replaces every secret in logs.
const Redacted = "[REDACTED]"

// secretWords mark a header, form field, query parameter or JSON key whose
// value is a secret. Keys are compared without case, "-" or "_", so
// "api_key", "X-Api-Key" and "apiKey" all match "apikey".
var secretWords = []string{"authorization", "token", "password", "passwd", "secret", "cookie", "apikey", "credential", "signature"}

// keySeparators are dropped before a key is compared with secretWords.
var keySeparators = strings.NewReplacer("-", "", "_", "", " ", "")

// IsSecretKey reports whether a field named key carries a secret.
func IsSecretKey(key string) bool {
	k := keySeparators.Replace(strings.ToLower(key))
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// RedactURL returns u as text with the values of secret query parameters
// and any user info replaced.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(Redacted)
	}
	if c.RawQuery != "" {
		if q, err := url.ParseQuery(c.RawQuery); err == nil {
			c.RawQuery = redactForm(q)
		} else {
			c.RawQuery = Redacted
		}
	}
	return c.String()
}

// redactForm encodes form values with the secret ones replaced, leaving the
// placeholder readable (not percent-encoded).
func redactForm(form url.Values) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(form)) {
		for _, v := range form[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if IsSecretKey(k) {
				b.WriteString(Redacted)
			} else {
				b.WriteString(url.QueryEscape(v))
			}
		}
	}
	return b.String()
}

// RedactHeaders returns a copy of h as a flat map with secrets redacted.
func RedactHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		if IsSecretKey(k) {
			out[k] = Redacted
			continue
		}
		out[k] = strings.Join(v, ", ")
	}
	return out
}

// RedactBody returns body as loggable text with secret values replaced.
// JSON bodies are redacted key by key at any depth, form bodies field by
// field; anything else is returned only when it does not look like it holds
// a secret.
func RedactBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	ct := strings.ToLower(contentType)
	trimmed := strings.TrimSpace(string(body))
	if strings.Contains(ct, "json") || strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber() // keep large ids and cents exact in the log
		if err := dec.Decode(&v); err == nil {
			out, err := json.Marshal(redactValue(v))
			if err == nil {
				return string(out)
			}
		}
	}
	if strings.Contains(ct, "x-www-form-urlencoded") {
		if form, err := url.ParseQuery(trimmed); err == nil {
			return redactForm(form)
		}
		return Redacted
	}
	if IsSecretKey(trimmed) {
		return Redacted
	}
	const maxLog = 8192
	if len(trimmed) > maxLog {
		return trimmed[:maxLog] + "…"
	}
	return trimmed
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, inner := range t {
			if IsSecretKey(k) {
				t[k] = Redacted
				continue
			}
			t[k] = redactValue(inner)
		}
		return t
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
		return t
	default:
		return v
	}
}
