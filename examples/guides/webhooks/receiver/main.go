// Command receiver receives the webhooks of a LiveChat in-app upgrade: it
// accepts a delivery only when it is signed with the upgrade's webhook
// secret, keeps each customer's enabled quantity, and answers 200, or a 4xx
// with a short reason that the platform shows the customer.
//
//	go build -o bin/receiver ./examples/guides/webhooks/receiver
//	WEBHOOK_SECRET=... bin/receiver -listen 127.0.0.1:8080
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

// signatureHeader carries the hex HMAC-SHA256 of the body, keyed with the
// upgrade's webhook_secret.
const signatureHeader = "X-LiveChat-Signature"

// delivery is the body the platform posts when a customer enables or
// disables an upgrade.
type delivery struct {
	ID           string `json:"id"` // the upgrade
	Transaction  string `json:"transaction"`
	Organization string `json:"organization"`
	License      string `json:"license"`
	Name         string `json:"name"`
	Type         string `json:"type"` // ENABLE or DISABLE
	Quantity     int64  `json:"quantity"`
}

func (d delivery) wellFormed() bool {
	return d.ID != "" && d.Organization != "" && d.License != "" && d.Quantity >= 1 &&
		(d.Type == "ENABLE" || d.Type == "DISABLE")
}

// verify reports whether signature is the hex HMAC-SHA256 of body keyed
// with secret. The comparison takes the same time wherever the two differ.
// An empty secret verifies nothing: anyone can sign with it, so a receiver
// whose secret failed to load refuses every delivery instead of all comers'.
func verify(secret string, body []byte, signature string) bool {
	if secret == "" {
		return false
	}
	got, err := hex.DecodeString(signature)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// maxBody bounds what a request may make the receiver hold in memory; a
// delivery is a few hundred bytes.
const maxBody = 64 << 10

// customer is one license of one organization, for one upgrade.
type customer struct{ upgrade, organization, license string }

// receiver keeps, per customer, the quantity of every enable not yet
// disabled: each disable ends one earlier enable of the same quantity.
type receiver struct {
	secret string
	mu     sync.Mutex
	active map[customer][]int64
}

func newReceiver(secret string) *receiver {
	return &receiver{secret: secret, active: map[customer][]int64{}}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	// The signature covers the exact bytes sent: read them before decoding.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	if !verify(rc.secret, body, r.Header.Get(signatureHeader)) {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	var d delivery
	if err := json.Unmarshal(body, &d); err != nil || !d.wellFormed() {
		http.Error(w, "malformed delivery", http.StatusBadRequest)
		return
	}
	if err := rc.apply(d); err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	log.Printf("%s %s x%d for organization %s, license %s: now %d", d.Type, d.Name, d.Quantity, d.Organization, d.License, rc.quantity(d))
	w.WriteHeader(http.StatusOK)
}

// apply records an enable, or ends the enable a disable mirrors. The
// transaction id is the same for every enable of one customer, so it cannot
// tell two deliveries apart.
func (rc *receiver) apply(d delivery) error {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	c := customer{d.ID, d.Organization, d.License}
	if d.Type == "ENABLE" {
		rc.active[c] = append(rc.active[c], d.Quantity)
		return nil
	}
	i := slices.Index(rc.active[c], d.Quantity)
	if i < 0 {
		return fmt.Errorf("no enabled quantity of %d to disable", d.Quantity)
	}
	rc.active[c] = slices.Delete(rc.active[c], i, i+1)
	return nil
}

// quantity is what the customer has enabled now: what your app grants.
func (rc *receiver) quantity(d delivery) int64 {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var sum int64
	for _, q := range rc.active[customer{d.ID, d.Organization, d.License}] {
		sum += q
	}
	return sum
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	secret := os.Getenv("WEBHOOK_SECRET")
	if secret == "" {
		log.Fatal("set WEBHOOK_SECRET to the upgrade's webhook_secret (terraform output -raw webhook_secret)")
	}
	srv := newServer(*listen, newReceiver(secret))
	log.Printf("receiving upgrade webhooks on http://%s/livechat/upgrades", *listen)
	log.Fatal(srv.ListenAndServe())
}

// newServer serves the receiver at /livechat/upgrades. Every phase of a
// connection has a deadline, so that clients that send slowly, or never
// finish, cannot hold connections open until the receiver runs out of them.
func newServer(listen string, rc *receiver) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("/livechat/upgrades", rc)
	return &http.Server{
		Addr:              listen,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}
