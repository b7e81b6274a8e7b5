"""Facts about the Go runtime's own functions that sources and analysis both rely on."""

from __future__ import annotations

# The first line of each report of the race detector (-race) in a program's stderr: text with none
# needs none of racetext.py's reading (nor its import).
RACE_WARNING = "WARNING: DATA RACE"

# Where a panic and a fatal error (throw) show on the crashing goroutine's stack.
PANIC_FUNCTIONS = frozenset({"runtime.gopanic"})
THROW_FUNCTIONS = frozenset({"runtime.throw", "runtime.fatal", "runtime.fatalsignal"})

# A signal handler is entered through these; past them the stack is the interrupted code's.
SIGNAL_TRAMPOLINES = frozenset({"runtime.sigtramp", "runtime.cgoSigtramp"})
# These switch from one stack to another without a frame-pointer link between the two.
STACK_SWITCHES = frozenset(
    {"runtime.asmcgocall", "runtime.systemstack", "runtime.mcall", "runtime.morestack"}
)

# The handler of every signal the runtime catches; a core taken after a fatal signal shows it
# calling runtime.crash where fatalsignal (which has returned by then) stood in a live stop.
SIGNAL_HANDLER = "runtime.sighandler"


def runtime_name(function: str | None) -> tuple[str | None, str | None]:
    """A function's name as the runtime prints it, and the instantiation dlv's name carried.

    dlv names an instantiated generic function by its shape (`pkg.(*Stack[go.shape.string]).Pop`,
    `pkg.Map[go.shape.int,go.shape.string]`); the runtime's traceback prints `[...]` for every
    type-argument list. The same crash must read the same in every mode, so report names are the
    runtime's; the type arguments are kept beside (`go.shape.string`, lists joined by `; `).
    Compiler-generated `type:` names are left as they are.
    """
    if not function or "[" not in function or function.startswith("type:"):
        return function, None
    out: list[str] = []
    args: list[str] = []
    depth = 0
    start = 0
    for i, c in enumerate(function):
        if c == "[":
            if depth == 0:
                out.append("[")
                start = i + 1
            depth += 1
        elif c == "]" and depth > 0:
            depth -= 1
            if depth == 0:
                inner = function[start:i]
                out.append("...]")
                if inner != "...":
                    args.append(inner)
        elif depth == 0:
            out.append(c)
    if depth != 0:  # unbalanced: not a name this understands
        return function, None
    return "".join(out), "; ".join(args) or None
