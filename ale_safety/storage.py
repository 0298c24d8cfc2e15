"""The embedded default file storage: a local folder, written so that another process never
reads half a file (S3-compatible stores give that themselves)."""

import os
import tempfile

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage


class LocalStorage(FileSystemStorage):
    """Files under MEDIA_ROOT. A new file is written to a temporary name beside it and linked
    into place, so it appears whole or not at all, and an existing file is never replaced."""

    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        if self.directory_permissions_mode is not None:
            os.chmod(directory, self.directory_permissions_mode)
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".part", delete=False) as tmp:
            for chunk in content.chunks():
                tmp.write(chunk if isinstance(chunk, bytes) else chunk.encode())
        try:
            while True:
                try:
                    os.link(tmp.name, self.path(name))
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
        finally:
            os.unlink(tmp.name)
        if self.file_permissions_mode is not None:
            os.chmod(self.path(name), self.file_permissions_mode)
        return str(name).replace("\\", "/")

    def _open(self, name, mode="rb"):
        # A symlink must not lead out of the folder (safe_join checks the name, not the target).
        root = os.path.realpath(self.location)
        if os.path.commonpath([root, os.path.realpath(self.path(name))]) != root:
            raise SuspiciousFileOperation(f"{name!r} leads out of the storage folder")
        return super()._open(name, mode)
