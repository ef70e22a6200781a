package sandbox

import "time"

// seed fills a new sandbox with the data of platform-api.md §5.3: two coupons, the
// Developer Console app sandbox-app, a ledger whose balance is the sum of
// its entries and partner earnings. Families with seed data add it here.
// x is nil for an in-memory sandbox.
func (s *Server) seed(x *tx) {
	s.st.meta.put(x, "meta", meta{})
	for _, c := range []coupon{{ID: 1, Label: "30% off first payment"}, {ID: 2, Label: "$25 discount"}} {
		s.st.coupons.put(x, itoa(c.ID), c)
	}
	s.st.apps.put(x, SandboxAppID, app{ID: SandboxAppID, Name: "Sandbox App"})
	base := s.now().AddDate(0, 0, -30)
	for i, e := range []ledgerEntry{
		{Name: "Chat Transcripts Pro: subscription", Type: "collection", Value: 15200},
		{Name: "Chat Transcripts Pro: subscription", Type: "collection", Value: 7900},
		{Name: "Refund: duplicate charge", Type: "refund", Value: -1900},
		{Name: "Payout to bank account", Type: "withdrawal", Value: -10000},
		{Name: "Chat Transcripts Pro: subscription", Type: "collection", Value: 15200},
	} {
		e.ID = newUUID()
		e.CreatedAt = base.Add(time.Duration(i) * 72 * time.Hour)
		s.st.ledger.put(x, e.ID, e)
	}
	s.st.earnings.put(x, "earnings", seedEarnings())
}
