package sandbox

import (
	"net/http"
	"sort"
)

// coupon is a Partner Program discount (platform-api.md §2.2).
type coupon struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

func (s *Server) couponsRoutes() {
	s.mux.HandleFunc("GET /v2/partners/coupons", s.requirePartner(s.listCoupons))
}

func (s *Server) listCoupons(w http.ResponseWriter, _ *http.Request) {
	var out []coupon
	s.view(func() { out = s.st.coupons.newestFirst() })
	// Coupons are listed by id, as the platform's example shows.
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

// AddPartnerCoupon adds a coupon the partner may use (for tests).
func (s *Server) AddPartnerCoupon(id int64, label string) error {
	return s.update(func(x *tx) error {
		s.st.coupons.put(x, itoa(id), coupon{ID: id, Label: label})
		return nil
	})
}
