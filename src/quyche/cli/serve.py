"""`quyche serve`: the HTTP API, for callers that are not Python."""

from __future__ import annotations

import typer

from ..errors import QuycheError
from .app import app
from .terminal import fail

__all__ = ["serve"]


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on (loopback by default)"),
    port: int = typer.Option(8000, min=0, max=65535, help="port to listen on"),
    max_body_mb: float = typer.Option(64, min=0.001, help="largest request body, in MiB"),
    max_events: int = typer.Option(1_000_000, min=1, help="most events in one request"),
) -> None:
    """Serve the HTTP API on 127.0.0.1 (needs the package's "server" extra installed)."""
    try:
        from ..server import Limits
        from ..server import serve as run
    except QuycheError as exc:
        fail(str(exc))
    run(host, port, Limits(int(max_body_mb * 1024 * 1024), max_events))
