"""The subcommands: one module each, registered on `app` when imported here."""

from dlvauto.commands import attach, doctor, run, schema, suite
from dlvauto.commands.app import app

__all__ = ["app", "attach", "doctor", "run", "schema", "suite"]
