"""Clean-up of the file storage: files that no row refers to any more (old PDF renderings,
evidence of deleted reports, files left by an interrupted upload) go once they are older than a
grace period (STORAGE_CLEANUP_GRACE_HOURS), so a reader holding a link or an ETag is not cut off
and a file being saved with its row is never touched.

Each app registers the folders it owns with the names its rows still refer to (in `ready()`),
so this module needs no imports from the apps above it."""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Folder:
    prefix: str
    referenced: Callable[[], Iterable[str]]


FOLDERS: dict[str, Folder] = {}


def register(prefix: str, referenced: Callable[[], Iterable[str]]) -> None:
    """Own `prefix` in the storage; `referenced()` gives every name under it still in use."""
    FOLDERS[prefix] = Folder(prefix, referenced)


def stored_names(folder: str) -> list[str]:
    """Every file name under `folder` (recursively), through the storage API."""
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += stored_names(f"{folder}/{directory}")
    return names


def clean_up(*, grace_hours: int | None = None, dry_run: bool = False) -> dict:
    """Delete the unreferenced files older than the grace period; returns what was freed:
    {"files": n, "bytes": n, "folders": {prefix: {"files": n, "bytes": n}}}."""
    hours = settings.STORAGE_CLEANUP_GRACE_HOURS if grace_hours is None else grace_hours
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    freed = {"files": 0, "bytes": 0, "folders": {}}
    for folder in FOLDERS.values():
        # Read the references before listing: a file stored after this is younger than the cutoff.
        referenced = set(folder.referenced())
        count = size = 0
        for name in stored_names(folder.prefix):
            if name in referenced:
                continue
            try:
                if default_storage.get_modified_time(name) > cutoff:
                    continue
                bytes_ = default_storage.size(name)
                if not dry_run:
                    default_storage.delete(name)
            except FileNotFoundError:  # another clean-up took it first
                continue
            logger.info(
                "clean-up: %s %s (%d bytes)", "would delete" if dry_run else "deleted", name, bytes_
            )
            count += 1
            size += bytes_
        freed["folders"][folder.prefix] = {"files": count, "bytes": size}
        freed["files"] += count
        freed["bytes"] += size
    logger.info(
        "clean-up %s %d files, %d bytes (grace %d hours)",
        "would free" if dry_run else "freed",
        freed["files"],
        freed["bytes"],
        hours,
    )
    return freed
