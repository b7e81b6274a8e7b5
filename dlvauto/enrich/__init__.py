"""Enrichment: facts added to a finished report from outside it (files on disk), after the pure analysis."""
