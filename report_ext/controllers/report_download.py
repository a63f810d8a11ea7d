import werkzeug.exceptions

from odoo import http
from odoo.exceptions import AccessError, UserError

from odoo.addons.web.controllers.report import ReportController


class ReportDownloadController(ReportController):
    @http.route()
    def report_download(self, data, context=None, token=None, readonly=True):
        # Odoo answers every report error with HTTP 500. A refused or invalid request (our
        # translated AccessError / UserError) is the client's, not a server failure: the same
        # body (the web client shows its message either way), 403 / 400.
        try:
            return super().report_download(data, context=context, token=token, readonly=readonly)
        except werkzeug.exceptions.InternalServerError as error:
            cause = error.__cause__
            if isinstance(cause, AccessError):
                error.response.status_code = 403
                raise werkzeug.exceptions.Forbidden(response=error.response) from cause
            if isinstance(cause, UserError):
                error.response.status_code = 400
                raise werkzeug.exceptions.BadRequest(response=error.response) from cause
            raise
