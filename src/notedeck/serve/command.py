"""``notedeck serve``: the vault's site with live reload, re-rendering only the pages an edit changes
(see :mod:`notedeck.serve`)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..config import load_config


@click.command("serve")
@click.argument("vault", required=False)
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              help="Address to serve on (port 0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
def serve(vault: str | None, dev_addr: str, open_browser: bool) -> None:
    """Serve the site with live reload while you edit the notes: an edit re-renders only the pages it changes."""
    from mkdocs.exceptions import MkDocsException

    from .server import Server

    config = load_config(vault)
    if not Path(config.vault).is_dir():
        raise click.UsageError(f"vault folder {config.vault} does not exist")
    host, _, port = dev_addr.rpartition(":")
    if not port.isdigit():
        raise click.UsageError(f"--dev-addr must be IP:PORT, not {dev_addr}")
    server = Server(config, dev_addr)
    try:
        url = server.start()
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        click.echo("notedeck serve: shutting down", err=True)
    except (OSError, MkDocsException) as e:  # the port is taken, mkdocs.yml is invalid …
        raise click.ClickException(str(e)) from e
    finally:
        server.stop()
