"""A file's kind in words ("PDF", "Word document", "Image (PNG)") instead of its MIME type."""

import mimetypes
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

# MIME type → a key of NAMES. Legacy Office files are stored as application/octet-stream (their
# bytes do not tell Word from Excel), so the file name decides for them.
BY_TYPE = {
    "application/pdf": "pdf",
    "application/msword": "word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word",
    "application/vnd.ms-excel": "excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "excel",
    "application/vnd.ms-powerpoint": "powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "powerpoint",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "text/plain": "text",
    "text/csv": "csv",
}
BY_EXTENSION = {
    ".pdf": "pdf",
    ".doc": "word",
    ".docx": "word",
    ".xls": "excel",
    ".xlsx": "excel",
    ".ppt": "powerpoint",
    ".pptx": "powerpoint",
    ".odt": "odt",
    ".ods": "ods",
    ".odp": "odp",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".gif": "gif",
    ".txt": "text",
    ".csv": "csv",
}


def _names():
    return {
        "pdf": "PDF",
        "word": _("Word document"),
        "excel": _("Excel spreadsheet"),
        "powerpoint": _("PowerPoint presentation"),
        "odt": _("OpenDocument text"),
        "ods": _("OpenDocument spreadsheet"),
        "odp": _("OpenDocument presentation"),
        "png": _("Image (PNG)"),
        "jpeg": _("Image (JPEG)"),
        "gif": _("Image (GIF)"),
        "text": _("Text file"),
        "csv": _("CSV file"),
    }


def file_kind(content_type: str = "", name: str = "") -> str:
    """The kind of a file in the active language, from its MIME type or else its name."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    extension = PurePosixPath(name or "").suffix.lower()
    key = BY_TYPE.get(content_type) or BY_EXTENSION.get(extension)
    if key is None and not content_type and extension:
        key = BY_TYPE.get(mimetypes.guess_type(f"x{extension}")[0] or "")
    if key is not None:
        return _names()[key]
    if extension:
        return _("File (%(extension)s)") % {"extension": extension[1:].upper()}
    return _("File")
