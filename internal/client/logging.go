package client

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"regexp"
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

// maskingLogger masks the known secret values in every message and field
// of the logs it passes on: the last pass after the redaction by name.
type maskingLogger struct {
	next    Logger
	secrets *SecretSet
}

func (l maskingLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	l.next.Debug(ctx, l.secrets.Mask(msg), l.maskMap(fields))
}

func (l maskingLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	l.next.Trace(ctx, l.secrets.Mask(msg), l.maskMap(fields))
}

func (l maskingLogger) maskMap(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		out[l.secrets.Mask(k)] = l.maskValue(v)
	}
	return out
}

// maskValue masks the strings of the field types the client logs; other
// values (numbers) hold no secret.
func (l maskingLogger) maskValue(v any) any {
	switch t := v.(type) {
	case string:
		return l.secrets.Mask(t)
	case map[string]string:
		out := make(map[string]string, len(t))
		for k, s := range t {
			out[l.secrets.Mask(k)] = l.secrets.Mask(s)
		}
		return out
	case map[string]any:
		return l.maskMap(t)
	case []string:
		out := make([]string, len(t))
		for i, s := range t {
			out[i] = l.secrets.Mask(s)
		}
		return out
	case error:
		return l.secrets.Mask(t.Error())
	default:
		return v
	}
}

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

// RedactURL returns u as text without its user info and with the values of
// secret query parameters replaced.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		if q, err := url.ParseQuery(c.RawQuery); err == nil {
			c.RawQuery = redactForm(q)
		} else {
			c.RawQuery = Redacted
		}
	}
	return c.String()
}

// redactURLText is RedactURL for a URL given as text (a header value, a
// JSON string); text that does not parse may hide anything and is replaced.
func redactURLText(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return Redacted
	}
	return RedactURL(u)
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

// urlHeaders are the headers whose values hold URLs, which may carry a
// token in their query or user info; each maps to its redactor.
var urlHeaders = map[string]func(string) string{
	"Location":         redactURLText,
	"Content-Location": redactURLText,
	"Link":             redactLinkHeader,
	"Refresh":          redactRefreshHeader,
}

// RedactHeaders returns a copy of h as a flat map with secrets redacted:
// the whole value of a header whose name marks a secret, and the user info
// and secret query parameters of URL-valued headers (Location, Link…).
func RedactHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		if IsSecretKey(k) {
			out[k] = Redacted
			continue
		}
		redact := urlHeaders[http.CanonicalHeaderKey(k)]
		if redact == nil {
			out[k] = strings.Join(v, ", ")
			continue
		}
		values := make([]string, len(v))
		for i, one := range v {
			values[i] = redact(one)
		}
		out[k] = strings.Join(values, ", ")
	}
	return out
}

// linkTarget is one <URL> of a Link header (RFC 8288).
var linkTarget = regexp.MustCompile(`<[^>]*>`)

func redactLinkHeader(v string) string {
	return linkTarget.ReplaceAllStringFunc(v, func(m string) string {
		return "<" + redactURLText(m[1:len(m)-1]) + ">"
	})
}

// redactRefreshHeader redacts the URL of "Refresh: 5; url=https://…".
func redactRefreshHeader(v string) string {
	i := strings.Index(strings.ToLower(v), "url=")
	if i < 0 {
		return v
	}
	return v[:i+len("url=")] + redactURLText(strings.Trim(v[i+len("url="):], `"' `))
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
	return truncate(trimmed, maxLog)
}

// redactValue redacts a decoded JSON value in place: members named as
// secrets, the value of a name/value pair naming one, and secrets inside
// strings that hold JSON, a URL or a form.
func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		pairNamesSecret := namesSecret(t)
		for k, inner := range t {
			if IsSecretKey(k) || (pairNamesSecret && isValueMember(k)) {
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
	case string:
		return redactString(t)
	default:
		return v
	}
}

// namesSecret reports an object such as {"name":"refresh_token","value":…}
// or {"key":"password","val":…}: its name member names a secret, so its
// value member holds one.
func namesSecret(obj map[string]any) bool {
	for k, v := range obj {
		if s, ok := v.(string); ok && isNameMember(k) && IsSecretKey(s) {
			return true
		}
	}
	return false
}

func isNameMember(k string) bool {
	return strings.EqualFold(k, "name") || strings.EqualFold(k, "key") || strings.EqualFold(k, "field")
}

func isValueMember(k string) bool {
	return strings.EqualFold(k, "value") || strings.EqualFold(k, "val") || strings.EqualFold(k, "values")
}

// redactString redacts a JSON string value that is itself a document: a
// JSON text (redacted recursively), an absolute URL (user info and secret
// query parameters) or a form naming a secret ("a=b&token=x"). Other
// strings are kept as they are.
func redactString(s string) string {
	trimmed := strings.TrimSpace(s)
	if (strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")) && json.Valid([]byte(trimmed)) {
		var inner any
		dec := json.NewDecoder(strings.NewReader(trimmed))
		dec.UseNumber()
		if dec.Decode(&inner) == nil {
			if out, err := json.Marshal(redactValue(inner)); err == nil {
				return string(out)
			}
		}
		return Redacted
	}
	if u, err := url.Parse(trimmed); err == nil && u.Scheme != "" && u.Host != "" {
		if u.User == nil && u.RawQuery == "" {
			return s
		}
		return RedactURL(u)
	}
	if !strings.Contains(trimmed, "=") {
		return s
	}
	form, err := url.ParseQuery(trimmed)
	switch {
	case err != nil && IsSecretKey(trimmed):
		// A malformed pair is dropped by the parser, not redacted.
		return Redacted
	case err == nil && slices.ContainsFunc(slices.Collect(maps.Keys(form)), IsSecretKey):
		return redactForm(form)
	}
	return s
}
