package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = &ledgerBalanceDataSource{}

// NewLedgerBalanceDataSource returns the livechat_ledger_balance data source.
func NewLedgerBalanceDataSource() datasource.DataSource { return &ledgerBalanceDataSource{} }

type ledgerBalanceDataSource struct {
	configuredDataSource
}

type ledgerBalanceModel struct {
	Balance types.Int64 `tfsdk:"balance"`
}

func (d *ledgerBalanceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ledger_balance"
}

func (d *ledgerBalanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The current balance of your LiveChat Billing ledger: collections from your apps' " +
			"charges, less refunds and withdrawals. Needs a token with the `ledger_read` scope." + figuresReadAtPlan,
		Attributes: map[string]schema.Attribute{
			"balance": schema.Int64Attribute{
				MarkdownDescription: "The balance in cents (`12345` is $123.45).",
				Computed:            true,
			},
		},
	}
}

func (d *ledgerBalanceDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	balance, err := d.data.client.GetLedgerBalance(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the ledger balance", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, ledgerBalanceModel{Balance: types.Int64Value(balance)})...)
}
