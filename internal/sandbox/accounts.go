package sandbox

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// accessTokenTTL is the documented lifetime of an access token (8 hours).
const accessTokenTTL = 8 * time.Hour

// issuedToken is an access or refresh token the accounts API handed out.
// Stored under "access:<token>" or "refresh:<token>".
type issuedToken struct {
	Kind      string    `json:"kind"`
	ExpiresAt time.Time `json:"expires_at"`
	Revoked   bool      `json:"revoked"`
}

const (
	sandboxAccountID      = "d1f9c2a4-5b6e-4c7d-8e9f-0a1b2c3d4e5f"
	sandboxOrganizationID = "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b"
)

func (s *Server) accountsRoutes() {
	s.mux.HandleFunc("POST /v2/token", s.token)
	s.mux.HandleFunc("GET /v2/info", s.requireAccess(famAccounts, s.info))
}

// token implements the refresh-token grant (platform-api.md §0.2).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	form, status, code, msg := s.tokenRequest(r)
	if code != "" {
		writeOAuthError(w, status, code, msg)
		return
	}
	refresh := form.Get("refresh_token")
	var access, newRefresh string
	err := s.update(func(x *tx) error {
		if !s.validRefreshLocked(refresh) {
			return errInvalidGrant
		}
		now := s.opts.Now().UTC()
		access = "sbx-at-" + newID(16)
		s.st.tokens.put(x, "access:"+access, issuedToken{Kind: "access", ExpiresAt: now.Add(accessTokenTTL)})
		newRefresh = refresh
		if s.opts.RotateRefreshTokens {
			newRefresh = "sbx-rt-" + newID(16)
			s.st.tokens.put(x, "refresh:"+refresh, issuedToken{Kind: "refresh", Revoked: true})
			s.st.tokens.put(x, "refresh:"+newRefresh, issuedToken{Kind: "refresh"})
		}
		return nil
	})
	if errors.Is(err, errInvalidGrant) {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token is invalid, expired or revoked")
		return
	}
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":    access,
		"refresh_token":   newRefresh,
		"expires_in":      int64(accessTokenTTL / time.Second),
		"token_type":      "Bearer",
		"scope":           strings.Join(s.opts.Scopes, ","),
		"account_id":      sandboxAccountID,
		"organization_id": sandboxOrganizationID,
	})
}

// tokenRequest reads and checks a token request: the grant, the required
// fields and the client's credentials. A non-empty code is the OAuth error
// to answer with.
func (s *Server) tokenRequest(r *http.Request) (form url.Values, status int, code, msg string) {
	form, err := decodeForm(r)
	if err != nil {
		return nil, http.StatusBadRequest, "invalid_request", err.Error()
	}
	switch gt := form.Get("grant_type"); gt {
	case "refresh_token":
	case "":
		return nil, http.StatusBadRequest, "invalid_request", "grant_type is required; the sandbox supports refresh_token"
	default:
		return nil, http.StatusBadRequest, "unsupported_grant_type", "grant_type " + gt + " is not supported; use refresh_token"
	}
	for _, f := range []string{"refresh_token", "client_id", "client_secret"} {
		if strings.TrimSpace(form.Get(f)) == "" {
			return nil, http.StatusBadRequest, "invalid_request", f + " is required"
		}
	}
	// Both are compared, whichever is wrong, so the time says nothing.
	idOK := secretEqual(form.Get("client_id"), s.opts.ClientID)
	if !secretEqual(form.Get("client_secret"), s.opts.ClientSecret) || !idOK {
		return nil, http.StatusUnauthorized, "invalid_client", "the client_id or client_secret is wrong"
	}
	return form, 0, "", ""
}

type sandboxErr string

func (e sandboxErr) Error() string { return string(e) }

const errInvalidGrant = sandboxErr("invalid grant")

// validRefreshLocked: the configured refresh token is valid until rotated
// away; issued ones until revoked.
func (s *Server) validRefreshLocked(tok string) bool {
	it, ok := s.st.tokens.get("refresh:" + tok)
	if ok {
		return !it.Revoked
	}
	return secretEqual(tok, s.opts.RefreshToken)
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	tok, _ := bearer(r)
	expires := int64(accessTokenTTL / time.Second)
	var it issuedToken
	var ok bool
	s.view(func() { it, ok = s.st.tokens.get("access:" + tok) })
	if ok {
		expires = int64(it.ExpiresAt.Sub(s.opts.Now()) / time.Second)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"scope":           strings.Join(s.opts.Scopes, ","),
		"client_id":       s.opts.ClientID,
		"account_id":      sandboxAccountID,
		"organization_id": sandboxOrganizationID,
		"expires_in":      expires,
	})
}
