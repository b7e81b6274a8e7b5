"""The subcommands: one module each, registered on `app` when imported here."""

from dlvauto.commands import doctor, run, schema
from dlvauto.commands.app import app

__all__ = ["app", "doctor", "run", "schema"]
