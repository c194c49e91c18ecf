"""The vault model: parse every note once; emitters only read it."""

from .diagnostics import Diagnostic, Diagnostics, display_path
from .index import Target, VaultIndex
from .note import BlockRef, Callout, CodeBlock, Heading, Link, Note, Span, Tag, media_kind
from .parse import parse_info, parse_note, split_wikilink
from .slugs import slugify
from .syntax import parser
from .vault import Resolved, Vault, collector_paused

__all__ = [
    "BlockRef", "Callout", "CodeBlock", "Diagnostic", "Diagnostics", "Heading", "Link", "Note", "Resolved",
    "Span", "Tag", "Target", "Vault", "VaultIndex", "collector_paused", "display_path", "media_kind", "parse_info", "parse_note",
    "parser", "slugify", "split_wikilink",
]
