from risks.views.register import entry, entry_merge, register, register_export
from risks.views.reports import (
    inbox,
    mine,
    overview,
    report_comment,
    report_detail,
    report_file,
    report_new,
    report_register,
    report_step,
)

__all__ = [
    "entry",
    "entry_merge",
    "inbox",
    "mine",
    "overview",
    "register",
    "register_export",
    "report_comment",
    "report_detail",
    "report_file",
    "report_new",
    "report_register",
    "report_step",
]
