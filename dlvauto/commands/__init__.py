"""The subcommands: one module each, registered on `app` (commands/app.py) when `dlvauto.cli`
imports them; `early` starts a run's build and dlv before any of them is imported."""
