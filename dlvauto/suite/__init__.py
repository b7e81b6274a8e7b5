"""The crash-regression suite: scenarios (a Go main package + expect.toml), run and checked."""
