"""Programs written fresh at test time, with names nothing in dlvauto has seen, get the right report.

Guards against tuning the analysis to the examples: the module path, package and function names are
random, and the expected lines are computed from the generated source.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from dlvauto.analysis import analyze
from dlvauto.gobuild.program import build
from dlvauto.sources.live import run_live

from tests.helpers import needs_dlv

pytestmark = needs_dlv


def _line_of(text: str, marker: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if marker in line:
            return i
    raise AssertionError(marker)


def _program(tmp: Path, body: str, helper: str) -> tuple[Path, str, str]:
    """A module with a random path; `helper` goes into a sub-package named at random."""
    tag = secrets.token_hex(3)
    module = f"corp{tag}.internal/svc{tag}"
    pkg = f"zz{tag}"
    (tmp / "go.mod").write_text(f"module {module}\n\ngo 1.25\n")
    (tmp / pkg).mkdir()
    (tmp / pkg / "h.go").write_text(f"package {pkg}\n\n" + helper.replace("PKG", pkg))
    main = f'package main\n\nimport "{module}/{pkg}"\n\n' + body.replace("PKG", pkg)
    (tmp / "main.go").write_text(main)
    return tmp, module, pkg


CASES = {
    "panic_in_subpackage": (
        "func main() {\n\tPKG.Frobnicate(3)\n}\n",
        'func Frobnicate(n int) {\n\tif n > 2 {\n\t\tpanic("frobnication overflow") // CRASH\n\t}\n}\n',
        "panic",
        "frobnication overflow",
        "Frobnicate",
    ),
    "nil_map_via_method": (
        'func main() {\n\tvar r PKG.Registry\n\tr.Add("k")\n}\n',
        "type Registry struct{ m map[string]int }\n\n"
        "func (r *Registry) Add(k string) {\n\tr.m[k]++ // CRASH\n}\n",
        "panic",
        "assignment to entry in nil map",
        "(*Registry).Add",
    ),
    "fatal_unlock": (
        "func main() {\n\tPKG.Release()\n}\n",
        'import "sync"\n\nvar mu sync.Mutex\n\nfunc Release() {\n\tmu.Unlock() // CRASH\n}\n',
        "fatal",
        "sync: unlock of unlocked mutex",
        "Release",
    ),
    "deadlock_in_subpackage": (
        "func main() {\n\tPKG.Await()\n}\n",
        "func Await() {\n\tch := make(chan int)\n\t<-ch // CRASH\n}\n",
        "fatal",
        "all goroutines are asleep - deadlock!",
        "Await",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fresh_program(case: str, tmp_path: Path) -> None:
    body, helper, kind, message, func = CASES[case]
    src, module, pkg = _program(tmp_path, body, helper)
    built = build(src)
    report = analyze(run_live(built.binary, facts=built.facts, timeout=30))
    assert report.crash.kind == kind
    assert report.crash.message == message
    assert report.crash.goroutine_id == 1
    fu = report.crash.first_user_frame
    assert fu is not None
    assert fu.function == f"{module}/{pkg}.{func}"
    assert fu.package == f"{module}/{pkg}"
    assert fu.file == str(src / pkg / "h.go")
    assert fu.line == _line_of((src / pkg / "h.go").read_text(), "// CRASH")
    g = report.crash_goroutine()
    assert g is not None
    caller = g.frames[fu.index + 1]
    assert (caller.function, caller.category) == ("main.main", "user")
