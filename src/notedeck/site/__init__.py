"""The vault as a MkDocs Material site (pages rendered by :mod:`notedeck.render`).

* :mod:`.plugin` — the MkDocs plugin ``notedeck``: a thin adapter (loads the vault once per build, hides private
  notes, gives MkDocs notedeck's HTML and table of contents for every note);
* :mod:`.default_config` / ``mkdocs_base.yml`` — the configuration for a vault without ``mkdocs.yml``;
* :mod:`.emit` — ``notedeck build``'s site step (``<out>/site``); :mod:`.command` — ``notedeck serve``;
* :mod:`.linkcheck` — checks a built site (every href/src/#fragment resolves, no Obsidian syntax left).
"""
