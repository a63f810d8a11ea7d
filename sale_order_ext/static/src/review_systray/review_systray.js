import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";

const REFRESH_MS = 60000;
const REVIEW_CHANGED = "sale_order_ext.review_changed";

/**
 * 待我审核: the number of orders waiting for the current user's approval, next to the
 * activity menu; a click opens the "To Review" list. The count is the server's
 * can_approve search, so it follows the approval levels and groups exactly. The server
 * tells the approver groups over the bus when a step is added or done: the count follows
 * live (the timer only covers a lost websocket).
 */
export class ReviewSystray extends Component {
    static template = "sale_order_ext.ReviewSystray";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.busService = useService("bus_service");
        this.state = useState({ count: 0 });
        this.title = _t("Orders waiting for my review");
        onWillStart(() => this.refresh());
        useBus(this.env.bus, "ACTION_MANAGER:UI-UPDATED", () => this.refresh());
        const onReviewChanged = () => this.refresh();
        this.busService.subscribe(REVIEW_CHANGED, onReviewChanged);
        this.busService.start();
        const timer = setInterval(() => this.refresh(), REFRESH_MS);
        onWillUnmount(() => {
            clearInterval(timer);
            this.busService.unsubscribe(REVIEW_CHANGED, onReviewChanged);
        });
    }

    async refresh() {
        try {
            this.state.count = await this.orm.searchCount(
                "sale.order",
                [["can_approve", "=", true]],
                { context: { active_test: true } }
            );
        } catch {
            this.state.count = 0; // users without access to sales orders see nothing
        }
    }

    onClick() {
        this.action.doAction("sale_order_ext.action_orders_to_review");
    }
}

registry
    .category("systray")
    .add("sale_order_ext.ReviewSystray", { Component: ReviewSystray }, { sequence: 30 });
