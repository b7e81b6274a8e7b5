"""`dlvauto schema`: the JSON Schema of the report."""

from __future__ import annotations

import sys

from dlvauto.commands.app import app


@app.command()
def schema() -> None:
    """Print the JSON Schema of the report."""
    from dlvauto.render.json import schema_json

    sys.stdout.write(schema_json())
