"""The Delve API v2 wire types dlvauto uses (service/api/types.go, v1.27.1), as plain dataclasses.

Field names follow the JSON that dlv writes (some Go fields carry json tags, some do not: `Pid`,
`FrameOffset`, `Locals` keep Go's capitalisation on the wire); a field read from another key names
it in its metadata under `WIRE_NAME`. `checked.py` makes them from a decoded reply, checking each
value's type: unknown keys (a newer dlv) are ignored, a missing key takes the field's default, and
a missing key without one is an error. Stdlib dataclasses, not pydantic models: importing pydantic
and building its validators cost 0.1-0.2 s at every start, as much as a small dlv job (issue 18).
Slotted: 100,000 goroutines' stacks are millions of these, each made and read once. These types
stay next to the client; the snapshot model is ours and never exposes them.
"""

from __future__ import annotations

from dataclasses import field

from dlvauto.records import record

WIRE_NAME = "wire_name"  # field metadata key: the JSON key a field is read from, when not its name
# Field metadata of a key that dlv leaves out when its value is empty (Go's `omitempty` tag): the
# checker reads it without expecting it, where a missing key would otherwise mean its slow path.
OMITEMPTY = {"omitempty": True}


@record(slots=True)
class Function:
    name: str = ""
    value: int = 0  # entry PC
    type: int = 0
    goType: int = 0
    optimized: bool = False


@record(slots=True)
class Location:
    pc: int = 0
    file: str = ""
    line: int = 0
    function: Function | None = field(default=None, metadata=OMITEMPTY)


@record(slots=True)
class Variable:
    name: str = ""
    addr: int = 0
    onlyAddr: bool = False
    type: str = ""
    realType: str = ""
    flags: int = 0
    kind: int = 0
    value: str = ""
    len: int = 0
    cap: int = 0
    children: list[Variable] | None = None
    base: int = 0
    unreadable: str = ""


@record(slots=True)
class Stackframe(Location):
    Locals: list[Variable] | None = None
    Arguments: list[Variable] | None = None
    FrameOffset: int = 0
    FramePointerOffset: int = 0
    Bottom: bool = field(default=False, metadata=OMITEMPTY)
    Err: str = ""


@record(slots=True)
class Breakpoint:
    id: int = 0
    name: str = ""
    addr: int = 0
    file: str = ""
    line: int = 0
    functionName: str = field(default="", metadata=OMITEMPTY)
    variables: list[str] | None = field(default=None, metadata=OMITEMPTY)


@record(slots=True)
class BreakpointInfo:
    variables: list[Variable] | None = field(default=None, metadata=OMITEMPTY)
    arguments: list[Variable] | None = field(default=None, metadata=OMITEMPTY)
    locals: list[Variable] | None = field(default=None, metadata=OMITEMPTY)


@record(slots=True)
class Thread:
    id: int = 0
    pc: int = 0
    file: str = ""
    line: int = 0
    function: Function | None = field(default=None, metadata=OMITEMPTY)
    goroutineID: int = 0
    breakPoint: Breakpoint | None = field(default=None, metadata=OMITEMPTY)
    breakPointInfo: BreakpointInfo | None = field(default=None, metadata=OMITEMPTY)


@record(slots=True)
class Goroutine:
    id: int
    currentLoc: Location = field(default_factory=Location)
    userCurrentLoc: Location = field(default_factory=Location)
    goStatementLoc: Location = field(default_factory=Location)
    startLoc: Location = field(default_factory=Location)
    threadID: int = 0
    status: int = 0
    waitSince: int = 0
    waitReason: int = 0
    unreadable: str = ""
    labels: dict[str, str] | None = field(default=None, metadata=OMITEMPTY)


@record(slots=True)
class DebuggerState:
    Pid: int = 0
    TargetCommandLine: str = ""
    Running: bool = False
    currentThread: Thread | None = field(default=None, metadata=OMITEMPTY)
    currentGoroutine: Goroutine | None = field(default=None, metadata=OMITEMPTY)
    Threads: list[Thread] | None = None
    exited: bool = False
    exitStatus: int = 0
    stopReason: str = field(default="", metadata=OMITEMPTY)


@record(slots=True)
class LoadConfig:
    FollowPointers: bool = True
    MaxVariableRecurse: int = 1
    MaxStringLen: int = 64
    MaxArrayValues: int = 64
    MaxStructFields: int = -1


@record(slots=True)
class EvalScope:
    GoroutineID: int = -1
    Frame: int = 0
    DeferredCall: int = 0


# ---- method replies -------------------------------------------------------------------------


@record(slots=True)
class GetVersionOut:
    DelveVersion: str = ""
    APIVersion: int = 0
    Backend: str = ""
    TargetGoVersion: str = ""
    MinSupportedVersionOfGo: str = ""
    MaxSupportedVersionOfGo: str = ""


@record(slots=True)
class CommandOut:
    State: DebuggerState


@record(slots=True)
class StateOut:
    State: DebuggerState


@record(slots=True)
class ProcessPidOut:
    Pid: int


@record(slots=True)
class ListGoroutinesOut:
    Goroutines: list[Goroutine] | None = None
    Nextg: int = -1


@record(slots=True)
class StacktraceOut:
    Locations: list[Stackframe] | None = None


@record(slots=True)
class EvalOut:
    variable: Variable | None = field(default=None, metadata={WIRE_NAME: "Variable"})


@record(slots=True)
class DetachOut:
    """An empty reply (Detach, DumpCancel): only its envelope matters."""


@record(slots=True)
class ListThreadsOut:
    Threads: list[Thread] | None = None


@record(slots=True)
class PackageBuildInfo:
    ImportPath: str = ""
    DirectoryPath: str = ""
    Files: list[str] | None = None


@record(slots=True)
class ListPackagesBuildInfoOut:
    List: list[PackageBuildInfo] | None = None


@record(slots=True)
class IsMulticlientOut:
    IsMulticlient: bool = False


@record(slots=True)
class Register:
    Name: str = ""
    Value: str = ""
    DwarfNumber: int = 0


@record(slots=True)
class ListRegistersOut:
    Regs: list[Register] | None = None


@record(slots=True)
class ExaminedMemoryOut:
    Mem: bytes | None = None  # Go's []byte travels as base64 (checked.py decodes it)
    IsLittleEndian: bool = True


@record(slots=True)
class FindLocationOut:
    Locations: list[Location] | None = None


@record(slots=True)
class Ancestor:
    ID: int = 0
    Stack: list[Stackframe] | None = None
    Unreadable: str = ""


@record(slots=True)
class AncestorsOut:
    Ancestors: list[Ancestor] | None = None


@record(slots=True)
class DumpState:
    """Progress of a core dump dlv is writing (`api.DumpState`); `Err` is "" while all is well."""

    Dumping: bool = False
    AllDone: bool = False
    ThreadsDone: int = 0
    ThreadsTotal: int = 0
    MemDone: int = 0
    MemTotal: int = 0
    Err: str = ""


@record(slots=True)
class DumpStartOut:
    State: DumpState = field(default_factory=DumpState)


@record(slots=True)
class DumpWaitOut:
    State: DumpState = field(default_factory=DumpState)


@record(slots=True)
class ListFunctionArgsOut:
    Args: list[Variable] | None = None


@record(slots=True)
class ListLocalVarsOut:
    Variables: list[Variable] | None = None
