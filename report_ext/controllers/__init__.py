from . import report_download
