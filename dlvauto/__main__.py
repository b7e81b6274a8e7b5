"""`python -m dlvauto`."""

from dlvauto.cli import entry

entry()
