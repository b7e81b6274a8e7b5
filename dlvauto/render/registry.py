"""Every way a report can be written, by name: the JSON and the views `--format` chooses from.

A format is a function `(Report, TextIO) -> None` in a module of its own, named here and imported
only when a report is written in it: `dlvauto run --json -` never loads the terminal view (nor
rich). Adding a format is a module with a `write` function and its line below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO, cast

from dlvauto.errors import UserError
from dlvauto.records import record

if TYPE_CHECKING:
    from dlvauto.report import Report

Renderer = Callable[["Report", TextIO], None]
SeveralRenderer = Callable[[Sequence["Report"], TextIO], None]


@record(frozen=True)
class Format:
    name: str
    what: str  # how an error names a file of it
    document: bool  # a document that owns stdout when it goes there, not the view for whoever runs us
    write: str  # "module:function" of its Renderer
    write_several: str | None = None  # the same for several reports in one stream (`parse --all`)

    def renderer(self) -> Renderer:
        return cast("Renderer", _load(self.write))

    def several_renderer(self) -> SeveralRenderer:
        assert self.write_several is not None, f"the {self.name} format writes one report at a time"
        return cast("SeveralRenderer", _load(self.write_several))


def _load(spec: str) -> object:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


JSON = Format(
    "json",
    "JSON report",
    document=True,
    write="dlvauto.render.json:write_json",
    write_several="dlvauto.render.json:write_json_array",
)
TERMINAL = Format(
    "terminal",
    "report",
    document=False,
    write="dlvauto.render.plain:write",  # rich's layout without rich when it can; else terminal.py
    write_several="dlvauto.render.terminal:write_several",
)
VIEWS = {
    f.name: f
    for f in (
        TERMINAL,
        Format("md", "Markdown report", document=True, write="dlvauto.render.markdown:write"),
        Format("html", "HTML report", document=True, write="dlvauto.render.html:write"),
    )
}


def view(name: str) -> Format:
    """The view `--format NAME` asks for; an unknown name is bad input."""
    found = VIEWS.get(name)
    if found is None:
        raise UserError(f"unknown --format {name!r}: use one of {', '.join(VIEWS)}")
    return found
