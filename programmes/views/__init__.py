"""Views of the programmes app: public pages, and the editor for the security chief."""

from programmes.views.adoption import adopt, correct_adoption
from programmes.views.editor import (
    add_item,
    add_related,
    add_section,
    delete_item,
    delete_related,
    delete_section,
    edit,
    edit_item,
    edit_metadata,
    edit_section,
    move_item,
    move_section,
)
from programmes.views.public import (
    home,
    municipality_detail,
    public_detail,
    public_version,
    related_file,
)
from programmes.views.versions import (
    compare,
    create,
    delete_draft,
    document,
    history,
    index,
    preview,
    start_revision,
)

__all__ = [
    "add_item",
    "add_related",
    "add_section",
    "adopt",
    "compare",
    "correct_adoption",
    "create",
    "delete_draft",
    "delete_item",
    "delete_related",
    "delete_section",
    "document",
    "edit",
    "edit_item",
    "edit_metadata",
    "edit_section",
    "history",
    "home",
    "index",
    "move_item",
    "move_section",
    "municipality_detail",
    "preview",
    "public_detail",
    "public_version",
    "related_file",
    "start_revision",
]
