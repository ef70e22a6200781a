package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// Error envelopes, one per API family:
//
//	Billing            {"error":{"type":"<code>","message":"…"}}
//	Partner Program    {"errors":["…"]}
//	Developer Console  {"error":{"type":"<code>","message":"…"}}
//	Accounts and auth  {"error":"<code>","error_description":"…"} (OAuth)
//	Control API        {"error":"…"}
func writeError(w http.ResponseWriter, fam family, status int, code, msg string) {
	switch fam {
	case famPartners:
		writeJSON(w, status, map[string]any{"errors": []string{msg}})
	case famAccounts:
		writeOAuthError(w, status, code, msg)
	case famControl:
		writeJSON(w, status, map[string]any{"error": msg})
	default:
		writeJSON(w, status, map[string]any{"error": map[string]string{"type": code, "message": msg}})
	}
}

func writeOAuthError(w http.ResponseWriter, status int, code, msg string) {
	body := map[string]any{"error": code, "error_description": msg}
	if id := w.Header().Get("X-Request-Id"); id != "" {
		body["request_id"] = id
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="`+code+`"`)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// maxBody bounds request bodies.
const maxBody = 1 << 20

// limitBody answers 413 in the family's envelope for a body over maxBody
// and reports whether the request may go on. A declared length is checked
// before anything is read. The body is then read here, whole: no handler
// ever sees one cut short at the limit, and the client's part of the
// request is over before any injected delay, so the server's ReadTimeout
// bounds the client alone.
func limitBody(w http.ResponseWriter, r *http.Request) bool {
	fam := familyOf(r.URL.Path)
	if r.ContentLength > maxBody {
		writeTooLarge(w, fam)
		return false
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeTooLarge(w, fam)
		return false
	case err != nil:
		writeError(w, fam, http.StatusBadRequest, "bad_request", fmt.Sprintf("reading the request body: %v", err))
		return false
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(data)), int64(len(data))
	return true
}

func writeTooLarge(w http.ResponseWriter, fam family) {
	code := "request_too_large"
	if fam == famAccounts {
		code = "invalid_request" // the OAuth error codes have none more precise
	}
	writeError(w, fam, http.StatusRequestEntityTooLarge, code,
		fmt.Sprintf("the request body is larger than the limit of %d bytes", maxBody))
}

// errBadBody is returned for bodies that are not what the endpoint takes.
var errBadBody = errors.New("malformed body")

// decodeJSON reads a JSON object body into v, refusing unknown shapes with
// a message that says what was wrong.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/json" {
			return fmt.Errorf("%w: Content-Type must be application/json, got %s", errBadBody, mt)
		}
	}
	data, err := io.ReadAll(r.Body) // bounded by limitBody
	if err != nil {
		return fmt.Errorf("%w: %v", errBadBody, err)
	}
	if strings.TrimSpace(string(data)) == "" {
		return fmt.Errorf("%w: the body is empty; a JSON object is required", errBadBody)
	}
	if err := json.Unmarshal(data, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return fmt.Errorf("%w: %s must be a %s, got %s", errBadBody, typeErr.Field, typeErr.Type.String(), typeErr.Value)
		}
		return fmt.Errorf("%w: invalid JSON: %v", errBadBody, err)
	}
	return nil
}

// decodeForm reads a form-encoded body.
func decodeForm(r *http.Request) (url.Values, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return nil, fmt.Errorf("%w: Content-Type must be application/x-www-form-urlencoded, got %q", errBadBody, mt)
	}
	data, err := io.ReadAll(r.Body) // bounded by limitBody
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadBody, err)
	}
	v, err := url.ParseQuery(string(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadBody, err)
	}
	return v, nil
}
