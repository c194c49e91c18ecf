"""``notedeck serve``: MkDocs' live-reloading server for the vault (its mkdocs.yml, or the default)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ..config import load_config
from .default_config import write_default_config


@click.command("serve")
@click.argument("vault", required=False)
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              help="Address to serve on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
def serve(vault: str | None, dev_addr: str, open_browser: bool) -> None:
    """Serve the site with live reload while you edit the notes (wraps `mkdocs serve`)."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    config = load_config(vault)
    if not Path(config.vault).is_dir():
        raise click.UsageError(f"vault folder {config.vault} does not exist")
    with tempfile.TemporaryDirectory(prefix="notedeck-serve-") as tmp:
        cfg = config.mkdocs_yml or write_default_config(Path(tmp), Path(config.vault), Path(tmp) / "site",
                                                        config.site_name)
        try:
            mkdocs_serve(config_file=str(cfg), livereload=True, dev_addr=dev_addr, open_in_browser=open_browser)
        except MkDocsException as e:
            raise click.ClickException(str(e)) from e
