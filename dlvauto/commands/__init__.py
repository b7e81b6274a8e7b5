"""The subcommands: one module each, registered on `app` when imported here."""

from dlvauto.commands import attach, core, doctor, parse, run, sandbox, schema, suite
from dlvauto.commands.app import app

__all__ = ["app", "attach", "core", "doctor", "parse", "run", "sandbox", "schema", "suite"]
