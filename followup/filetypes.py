"""Recognise an uploaded file by its first bytes (magic numbers), never by its name alone."""

import zipfile

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (doc, xls, ppt)

# Allowed kinds: the extensions each may carry and the content type it is served with.
KINDS = {
    "pdf": ({".pdf"}, "application/pdf"),
    "png": ({".png"}, "image/png"),
    "jpeg": ({".jpg", ".jpeg"}, "image/jpeg"),
    "gif": ({".gif"}, "image/gif"),
    "docx": (
        {".docx"},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ({".xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        {".pptx"},
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odf": (
        {".odt", ".ods", ".odp"},
        "application/vnd.oasis.opendocument",
    ),
    "ole": ({".doc", ".xls", ".ppt"}, "application/octet-stream"),
}
ALLOWED_EXTENSIONS = sorted(ext for extensions, _type in KINDS.values() for ext in extensions)
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
# A zip bomb (a few kilobytes that unpack to gigabytes) is refused by what the archive's
# directory declares; nothing is ever unpacked except at most 64 bytes of `mimetype`.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200  # real Office XML packs about 5-20 times; zeros pack about 1,000 times
ZIP_RATIO_FROM_BYTES = 1024 * 1024  # small entries may pack well


def looks_like_zip_bomb(archive: zipfile.ZipFile) -> bool:
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        return True
    if sum(entry.file_size for entry in entries) > ZIP_MAX_UNPACKED_BYTES:
        return True
    return any(
        entry.file_size > ZIP_RATIO_FROM_BYTES
        and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )


def _zip_kind(file) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            if looks_like_zip_bomb(archive):
                return None
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(64).startswith(b"application/vnd.oasis.opendocument"):
                        return "odf"
            if "[Content_Types].xml" in names:
                for folder, kind in OOXML_FOLDERS.items():
                    if any(name.startswith(folder) for name in names):
                        return kind
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, RuntimeError):
        return None
    return None


def sniff(file) -> str | None:
    """The kind of the file's content (a key of KINDS), or None when it is none we accept."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        kind = "gif"
    elif head.startswith(OLE):
        kind = "ole"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(file)
        file.seek(0)
    return kind


def content_type_for(kind: str, extension: str) -> str:
    content_type = KINDS[kind][1]
    if kind == "odf":
        suffix = {".odt": "text", ".ods": "spreadsheet", ".odp": "presentation"}[extension]
        return f"{content_type}.{suffix}"
    return content_type
