"""Shared CLI plumbing: turning typed errors into exit code 2 with a clear message."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import InputError

console = Console()
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def guarded(fn: F) -> F:
    """Run a command; an :class:`InputError` becomes a red message and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            # soft_wrap: never break a file path inside the message; the terminal wraps it.
            # escape: a message quoting "[geography]" must print it, not read it as terminal markup.
            err_console.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return cast(F, wrapper)
