"""One HTML renderer over the vault model's tokens, shared by every output.

* :mod:`.html` — the renderer (markdown-it-py's, with rules for notedeck's tokens) and its per-render context;
* :mod:`.embeds` — links, media and transclusions; :mod:`.links` — link labels and embed kinds;
* :mod:`.target` — what an output decides (URLs, math, code); :mod:`.site` — the site's target and pages;
* :mod:`.urls` — page paths and URLs, shared by the site and the cards;
* :mod:`.math` — TeX → MathML at build time (no script, no network).
"""

from .site import SiteIndex, render_page
from .target import RenderedPage, Target, TocEntry

__all__ = ["RenderedPage", "SiteIndex", "Target", "TocEntry", "render_page"]
