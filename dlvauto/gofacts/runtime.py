"""Facts about the Go runtime's own functions that sources and analysis both rely on."""

from __future__ import annotations

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
