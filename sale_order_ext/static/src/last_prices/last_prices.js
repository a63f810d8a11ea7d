import { Component, useState } from "@odoo/owl";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { usePopover } from "@web/core/popover/popover_hook";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/** The list of last prices, loaded by the widget when the user opens it. */
export class LastPricesPopover extends Component {
    static template = "sale_order_ext.LastPricesPopover";
    static props = { state: Object, close: Function };

    formatDate(value) {
        return formatDate(deserializeDate(value));
    }
    formatPrice(row) {
        return formatMonetary(row.price_unit, { currencyId: row.currency_id });
    }
    formatNumber(value) {
        return formatFloat(value, { digits: [16, 2] });
    }
}

/**
 * 历史售价 on an order line: an icon that opens what this customer paid for the product on his
 * last confirmed orders. Nothing is fetched until the user opens it (no round trip per line).
 */
export class LastPricesWidget extends Component {
    static template = "sale_order_ext.LastPrices";
    static components = { Popover: LastPricesPopover };
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.popover = usePopover(LastPricesPopover, { position: "left" });
        this.state = useState({ loading: false, rows: [] });
    }

    get visible() {
        const { data } = this.props.record;
        return Boolean(data.product_id && data.order_partner_id && !data.display_type);
    }

    async open(ev) {
        const { data } = this.props.record;
        const order = this.props.record.model.root;
        this.state.loading = true;
        this.state.rows = [];
        this.popover.open(ev.currentTarget, { state: this.state });
        this.state.rows = await this.orm.call("sale.order.line", "get_last_sale_prices", [
            data.order_partner_id[0] ?? data.order_partner_id.id,
            data.product_id[0] ?? data.product_id.id,
            order.data.company_id?.[0] || false,
            order.resId || false,
        ]);
        this.state.loading = false;
    }
}

registry.category("view_widgets").add("sale_last_prices", { component: LastPricesWidget });
