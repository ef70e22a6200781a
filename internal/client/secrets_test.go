package client

import (
	"strings"
	"sync"
	"testing"
)

func TestSecretSet_Mask(t *testing.T) {
	t.Parallel()
	var s SecretSet
	s.Add("abc", "", "tok-12345", "tok-12345-longer", "p@ss/w+rd&x")
	for _, tc := range []struct{ in, want string }{
		{"no secret here, abc", "no secret here, abc"}, // too short to be masked
		{"Bearer tok-12345", "Bearer " + Redacted},
		{"tok-12345-longer and tok-12345", Redacted + " and " + Redacted},
		{"pw=p%40ss%2Fw%2Brd%26x", "pw=" + Redacted},    // as in a query
		{"/x/p@ss%2Fw+rd&x/y", "/x/" + Redacted + "/y"}, // as in a path
		{`{"password":"p@ss/w+rd\u0026x"}`, `{"password":"` + Redacted + `"}`},
		{"", ""},
	} {
		if got := s.Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	var empty SecretSet
	if got := empty.Mask("tok-12345"); got != "tok-12345" {
		t.Errorf("an empty set masked %q", got)
	}
	var none *SecretSet
	if got := none.Mask("tok-12345"); got != "tok-12345" {
		t.Errorf("a nil set masked %q", got)
	}
}

func TestSecretSet_concurrent(t *testing.T) {
	t.Parallel()
	var s SecretSet
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			s.Add(strings.Repeat(string(rune('a'+i)), 8))
		}()
		go func() {
			defer wg.Done()
			_ = s.Mask("aaaaaaaa bbbbbbbb")
		}()
	}
	wg.Wait()
	if got := s.Mask("aaaaaaaa hhhhhhhh"); got != Redacted+" "+Redacted {
		t.Errorf("after concurrent adds: %q", got)
	}
}

// The client's set holds every configured secret and every access token
// set later; the Basic credential built from the PAT too.
func TestClientSecrets(t *testing.T) {
	t.Parallel()
	cfg := Config{
		AccessToken: "cfg-access-token", PersonalAccessToken: "cfg-pat-value", AccountID: "acc-1",
		PartnerToken: "cfg-partner-token", PartnerPassword: "cfg-partner-pw",
		OAuth: &OAuthConfig{ClientID: "client-id-public", ClientSecret: "cfg-client-secret", RefreshToken: "cfg-refresh-token"},
	}
	c := newTestClient(t, cfg)
	c.SetAccessToken("later-access-token")
	text := strings.Join([]string{cfg.AccessToken, cfg.PersonalAccessToken, basicCredential("acc-1", "cfg-pat-value"),
		cfg.PartnerToken, cfg.PartnerPassword, cfg.OAuth.ClientSecret, cfg.OAuth.RefreshToken, "later-access-token"}, " ")
	want := strings.TrimSpace(strings.Repeat(Redacted+" ", 8))
	if got := c.Secrets().Mask(text); got != want {
		t.Errorf("Mask = %q, want every secret masked", got)
	}
	if got := c.Secrets().Mask("client-id-public"); got != "client-id-public" {
		t.Errorf("the client id is no secret, got %q", got)
	}
}
