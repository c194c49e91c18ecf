"""The vault as a MkDocs Material site.

* :mod:`.transform` — the pure function note + vault → Material Markdown (splices at the model's spans);
* :mod:`.plugin` — the MkDocs plugin ``notedeck`` (loads the vault once per build, hides private notes);
* :mod:`.default_config` / ``mkdocs_base.yml`` — the configuration for a vault without ``mkdocs.yml``;
* :mod:`.emit` — ``notedeck build``'s site step (``<out>/site``); :mod:`.command` — ``notedeck serve``;
* :mod:`.linkcheck` — checks a built site (every href/src/#fragment resolves, no Obsidian syntax left).
"""
