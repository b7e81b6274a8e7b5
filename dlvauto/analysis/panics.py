"""The panic chain of a crash: a panic raised while the program was already panicking.

`defer func() { panic(B) }()` during `panic(A)` kills the program with both on the crash
goroutine's stack (two `runtime.gopanic` frames) and the runtime prints `panic: A` then
`\tpanic: B` (`[recovered]` after a value that was recovered before the next was raised). The
report keeps every link, first raised first, so the headline can name the first and the last.
"""

from __future__ import annotations

from dlvauto.gofacts.runtime import PANIC_FUNCTIONS
from dlvauto.report import Frame, Goroutine, PanicLink, RecoveredPanic


def panic_chain(
    crash_g: Goroutine | None,
    printed: list[tuple[str, bool]],
    last_message: str | None,
    repanicked: bool,
    hidden_innermost: bool = False,
) -> list[PanicLink]:
    """The chain, or [] for a single panic. `printed` is the runtime's (value, recovered) list;
    `repanicked` says the innermost gopanic is a library's re-panic of the same value (not a chain);
    `hidden_innermost` that the text hid the runtime's frames of the panic that killed the program
    (its stack starts at the frame that raised it: the throw frame's index is -1)."""
    frames = crash_g.frames if crash_g is not None else []
    at = [i for i, f in enumerate(frames) if f.function in PANIC_FUNCTIONS][::-1]  # outermost first
    if hidden_innermost:
        at.append(-1)
    if repanicked and len(printed) < 2:
        return []
    count = len(printed) if len(printed) >= 2 else len(at)
    if count < 2:
        return []
    links = []
    for k in range(count):
        back = count - 1 - k  # how far from the innermost (the one that killed the program)
        index = at[len(at) - 1 - back] if back < len(at) else None
        message, recovered = printed[len(printed) - 1 - back] if back < len(printed) else (None, False)
        links.append(PanicLink(message=message, recovered=recovered, raised_by=_raiser(frames, index)))
    if links[-1].message is None:
        links[-1].message = last_message
    return links


def _raiser(frames: list[Frame], index: int | None) -> Frame | None:
    """The first frame above a gopanic that is not the runtime's: where the panic came from."""
    if index is None:
        return None
    return next((f for f in frames[index + 1 :] if f.category != "runtime"), None)


def recovered_panic(source: str, message: str | None, g: Goroutine) -> RecoveredPanic:
    """A survived panic: its first user frame is the innermost user frame above its gopanic (or,
    for a stack printed outside a panic, above runtime/debug.Stack)."""
    at = next((i for i, f in enumerate(g.frames) if f.function in PANIC_FUNCTIONS), None)
    start = at + 1 if at is not None else 0
    first = next(
        (f for f in g.frames[start:] if f.category == "user" and f.function != "runtime/debug.Stack"), None
    )
    return RecoveredPanic(
        source=source, message=message, goroutine_id=g.id, first_user_frame=first, frames=g.frames
    )
