"""Re-panic by a library: the throw frame is the original panic's, seen through stdlib re-panics."""

from __future__ import annotations

from dlvauto.landmarks import Classifier, original_panic
from dlvauto.snapshot import BuildFacts, RawFrame

FACTS = BuildFacts(module_path="example.com/m", module_dir="/src/m", goroot="/go")


def frame(function: str, file: str) -> RawFrame:
    return RawFrame(function=function, file=file, line=1)


GOPANIC = frame("runtime.gopanic", "/go/src/runtime/panic.go")
TRUNNER_DEFER = frame("testing.tRunner.func1.2", "/go/src/testing/testing.go")
TRUNNER_DEFER_OUT = frame("testing.tRunner.func1", "/go/src/testing/testing.go")
USER_DEFER = frame("example.com/m.run.func1", "/src/m/run.go")
USER = frame("example.com/m.TestCrash", "/src/m/m_test.go")


def test_a_stdlib_re_panic_moves_the_throw_frame_to_the_original_panic() -> None:
    frames = [GOPANIC, TRUNNER_DEFER, TRUNNER_DEFER_OUT, GOPANIC, USER]
    assert original_panic(frames, 0, Classifier(FACTS)) == 3


def test_a_users_own_deferred_re_panic_keeps_the_inner_panic() -> None:
    frames = [GOPANIC, USER_DEFER, GOPANIC, USER]
    assert original_panic(frames, 0, Classifier(FACTS)) == 0


def test_the_rule_repeats_outward_and_starts_above_a_hidden_frame() -> None:
    # A text traceback at GOTRACEBACK=single hides the innermost gopanic (throw frame -1).
    frames = [TRUNNER_DEFER, GOPANIC, TRUNNER_DEFER, GOPANIC, USER]
    assert original_panic(frames, -1, Classifier(FACTS)) == 3
    assert original_panic([USER], -1, Classifier(FACTS)) == -1
    assert original_panic(frames, None, Classifier(FACTS)) is None
