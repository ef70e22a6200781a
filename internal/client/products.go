package client

import "slices"

// The platform's products. Each API takes its own set of them: charges are
// made for LiveChat or HelpDesk, client licenses are also sold for ChatBot,
// and a campaign may promote the Partner Program itself.
const (
	ProductLiveChat               = "livechat"
	ProductHelpDesk               = "helpdesk"
	ProductChatBot                = "chatbot"
	CampaignProductPartnerProgram = "partner_program"
)

// BillingProducts are the products charges are made for, the <product> path
// segment of the Billing API (platform-api.md §1).
func BillingProducts() []string { return []string{ProductLiveChat, ProductHelpDesk} }

// LicenseProducts are the products a partner's client license (and so its
// subscription) is for (platform-api.md §2.3).
func LicenseProducts() []string { return []string{ProductLiveChat, ProductChatBot, ProductHelpDesk} }

// CampaignProducts are the products an affiliate campaign can promote (platform-api.md §2.1).
func CampaignProducts() []string {
	return []string{ProductLiveChat, ProductChatBot, ProductHelpDesk, CampaignProductPartnerProgram}
}

// IsBillingProduct reports whether charges can be made for product.
func IsBillingProduct(product string) bool { return slices.Contains(BillingProducts(), product) }
