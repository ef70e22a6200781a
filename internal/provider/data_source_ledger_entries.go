package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &ledgerEntriesDataSource{}

// NewLedgerEntriesDataSource returns the livechat_ledger_entries data source.
func NewLedgerEntriesDataSource() datasource.DataSource { return &ledgerEntriesDataSource{} }

type ledgerEntriesDataSource struct {
	configuredDataSource
}

type ledgerEntriesModel struct {
	Type    types.String       `tfsdk:"type"`
	Since   timetypes.RFC3339  `tfsdk:"since"`
	Entries []ledgerEntryModel `tfsdk:"entries"`
	Totals  map[string]int64   `tfsdk:"totals"`
	Net     types.Int64        `tfsdk:"net"`
}

type ledgerEntryModel struct {
	ID        types.String      `tfsdk:"id"`
	Name      types.String      `tfsdk:"name"`
	Type      types.String      `tfsdk:"type"`
	Value     types.Int64       `tfsdk:"value"`
	CreatedAt timetypes.RFC3339 `tfsdk:"created_at"`
}

// ledgerTypes are the documented ledger entry types.
var ledgerTypes = []string{client.LedgerCollection, client.LedgerRefund, client.LedgerWithdrawal}

func (d *ledgerEntriesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ledger_entries"
}

func (d *ledgerEntriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every movement of your LiveChat Billing ledger (all pages), newest first, optionally " +
			"filtered by type and date, with totals per type in cents. Needs a token with the `ledger_read` scope." +
			figuresReadAtPlan,
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: "Only entries of this type: `collection` (money collected from a charge), `refund` " +
					"(deducted) or `withdrawal` (paid out).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(ledgerTypes...)},
			},
			"since": schema.StringAttribute{
				CustomType:          timetypes.RFC3339Type{},
				MarkdownDescription: "Only entries created at or after this time (RFC 3339, e.g. `2026-01-01T00:00:00Z`).",
				Optional:            true,
			},
			"entries": schema.ListNestedAttribute{
				MarkdownDescription: "The matching entries, newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":   schema.StringAttribute{MarkdownDescription: "Entry ID.", Computed: true},
					"name": schema.StringAttribute{MarkdownDescription: "What the movement was for.", Computed: true},
					"type": schema.StringAttribute{MarkdownDescription: "`collection`, `refund` or `withdrawal`.", Computed: true},
					"value": schema.Int64Attribute{
						MarkdownDescription: "Amount in cents as the platform reports it.",
						Computed:            true,
					},
					"created_at": schema.StringAttribute{
						CustomType:          timetypes.RFC3339Type{},
						MarkdownDescription: "When the movement happened (RFC 3339, UTC).",
						Computed:            true,
					},
				}},
			},
			"totals": schema.MapAttribute{
				MarkdownDescription: "Sum of `value` in cents per entry type among the matching entries; every documented " +
					"type is present (0 when none match).",
				ElementType: types.Int64Type,
				Computed:    true,
			},
			"net": schema.Int64Attribute{
				MarkdownDescription: "Sum of `value` in cents over all matching entries.",
				Computed:            true,
			},
		},
	}
}

func (d *ledgerEntriesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m ledgerEntriesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	var since time.Time
	if !m.Since.IsNull() {
		t, diags := m.Since.ValueRFC3339Time()
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		since = t
	}
	entries, err := d.data.client.ListLedgerEntries(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the ledger entries", err)
		return
	}
	filtered, totals, net := filterLedger(entries, m.Type.ValueString(), since)
	m.Entries = make([]ledgerEntryModel, 0, len(filtered))
	for _, e := range filtered {
		m.Entries = append(m.Entries, ledgerEntryModel{
			ID:        types.StringValue(e.ID),
			Name:      types.StringValue(e.Name),
			Type:      types.StringValue(e.Type),
			Value:     types.Int64Value(e.Value),
			CreatedAt: timetypes.NewRFC3339TimeValue(e.CreatedAt.UTC()),
		})
	}
	m.Totals = totals
	m.Net = types.Int64Value(net)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// filterLedger keeps the entries of typ (any when empty) created at or after
// since (any when zero) and sums them per type.
func filterLedger(entries []client.LedgerEntry, typ string, since time.Time) ([]client.LedgerEntry, map[string]int64, int64) {
	totals := make(map[string]int64, len(ledgerTypes))
	for _, t := range ledgerTypes {
		totals[t] = 0
	}
	var out []client.LedgerEntry
	var net int64
	for _, e := range entries {
		if typ != "" && e.Type != typ {
			continue
		}
		if !since.IsZero() && e.CreatedAt.Before(since) {
			continue
		}
		out = append(out, e)
		totals[e.Type] += e.Value
		net += e.Value
	}
	return out, totals, net
}
