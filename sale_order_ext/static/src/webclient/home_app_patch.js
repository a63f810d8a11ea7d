import { router } from "@web/core/browser/router";
import { user } from "@web/core/user";
import { patch } from "@web/core/utils/patch";
import { WebClient } from "@web/webclient/webclient";

/**
 * A user who lands on /odoo opens his home action (each role's work, see res.users
 * _role_home_actions). The web client finds the app to show in the navbar from the loaded
 * window action; a menu that runs a server action (库存 → 发货 is one) is not found that way:
 * take the app of the menu that runs the home action itself.
 */
patch(WebClient.prototype, {
    async loadRouterState() {
        const landing = !router.current.actionStack?.length && !router.current.menu_id;
        await super.loadRouterState(...arguments);
        if (landing && user.homeActionId && !this.menuService.getCurrentApp()) {
            const menu = this.menuService
                .getAll()
                .find((m) => m.actionID === user.homeActionId);
            if (menu) {
                this.menuService.setCurrentMenu(menu.appID);
            }
        }
    },
});
