"""Write the checkout's `.venv/bin/dlvauto`: Python started without `site` (-S), which runs later.

Why: on a from-source run the quick start (dlvauto/commands/quickstart.py) begins `go build` as
the first thing dlvauto does, and everything before it is on the run's critical path. Python's
`site` (the venv's site-packages and its .pth files: the editable install's path, setuptools'
distutils hook) takes ~3 ms of that. This launcher puts the checkout on sys.path itself (the
quick start needs dlvauto and the standard library only) and calls `entry(site_later=True)`, which
runs `site.main()` right after the quick start: every other module is found as before. Measured
with scripts/bench/bench_live.py's from-source rows (and 45 paired runs of deep_stack: -7 ms).

pip's own script is left where the flag cannot go on the `#!` line (a path with a space, or one
longer than the kernel reads: pip then writes a /bin/sh wrapper) and for installs other than the
checkout's (`pip install dlvauto` writes the usual script, which works the usual way).

Usage: python scripts/launcher.py VENV ROOT   (scripts/setup.sh runs it after each install)
"""

from __future__ import annotations

import sys
from pathlib import Path

SHEBANG_LIMIT = 255  # bytes of the `#!` line the kernel reads (BINPRM_BUF_SIZE - 1)
SCRIPT_MODE = 0o755  # what pip gives a console script


def text(python: str, root: str) -> str | None:
    """The launcher's source, or None when its `#!` line cannot carry `-S`."""
    shebang = f"#!{python} -S"
    if any(c.isspace() for c in python) or len(shebang.encode()) > SHEBANG_LIMIT:
        return None
    return (
        f"{shebang}\n"
        "# dlvauto's launcher, written by scripts/launcher.py (which says why: Python starts\n"
        "# without `site`, run after the quick start); rewritten by scripts/setup.sh.\n"
        "import sys\n\n"
        f"sys.path.append({root!r})\n"
        "from dlvauto.cli import entry\n\n"
        "entry(site_later=True)\n"
    )


def write(venv: Path, root: Path) -> bool:
    """Replace VENV/bin/dlvauto with the launcher (whole or not at all, as pip's script's mode);
    False when left as it was."""
    from dlvauto.system import files  # the venv's Python runs this: dlvauto is installed

    source = text(str(venv / "bin" / "python"), str(root))
    if source is None:
        return False
    with files.replace(venv / "bin" / "dlvauto", SCRIPT_MODE) as out:
        out.write(source)
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: python scripts/launcher.py VENV ROOT\n")
        return 2
    write(Path(argv[0]), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
