package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ list.ListResourceWithConfigure = &inAppUpgradeList{}

// NewInAppUpgradeList returns the livechat_in_app_upgrade list resource.
func NewInAppUpgradeList() list.ListResource { return &inAppUpgradeList{} }

type inAppUpgradeList struct {
	configuredResource
}

type inAppUpgradeListModel struct {
	AppID types.String `tfsdk:"app_id"`
}

func (l *inAppUpgradeList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_in_app_upgrade"
}

func (l *inAppUpgradeList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the in-app upgrade definitions of one Developer Console app, the way the app's " +
			"upgrade list has them. Each result is an upgrade's identity (`app_id`, `id`) and its name and ID. The " +
			"platform never returns an upgrade's `webhook_secret`, so a listed upgrade's state has none, as after an " +
			"import." + listConfigNote,
		Attributes: map[string]listschema.Attribute{
			"app_id": listschema.StringAttribute{
				MarkdownDescription: "The Developer Console app (client ID) whose upgrades to list.",
				Required:            true,
				Validators:          []validator.String{idSegmentValidator{example: "sandbox-app"}},
			},
		},
	}
}

func (l *inAppUpgradeList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	cfg, ok := listConfig[inAppUpgradeListModel](ctx, l.data, req, stream)
	if !ok {
		return
	}
	appID := cfg.AppID.ValueString()
	walk := func(ctx context.Context, yield func(listedObject) bool) error {
		upgrades, err := l.data.client.ListInAppUpgrades(ctx, appID)
		if err != nil {
			return err
		}
		for _, u := range upgrades {
			if !yield(listedInAppUpgrade(appID, u)) {
				return nil
			}
		}
		return nil
	}
	stream.Results = streamList(ctx, req, "in-app upgrades of app "+appID, walk)
}

// listedInAppUpgrade is an upgrade as a list result; its state has no
// webhook secret, as an import's has none.
func listedInAppUpgrade(appID string, u client.InAppUpgrade) listedObject {
	return listedObject{
		identity:    map[string]string{"app_id": appID, "id": u.ID},
		displayName: u.Name + " (" + u.ID + ")",
		state: func(context.Context) (any, diag.Diagnostics) {
			return inAppUpgradeResourceModelFrom(&u, types.StringNull()), nil
		},
	}
}
