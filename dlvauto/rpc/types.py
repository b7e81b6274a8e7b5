"""Pydantic mirror of the Delve API v2 wire types dlvauto uses (service/api/types.go, v1.27.1).

Field names follow the JSON that dlv writes (some Go fields carry json tags, some do not: `Pid`,
`FrameOffset`, `Locals` keep Go's capitalisation on the wire). These types stay next to the client;
the snapshot model is ours and never exposes them.
"""

from __future__ import annotations

from pydantic import Base64Bytes, BaseModel, ConfigDict, Field


class Wire(BaseModel):
    """Base for wire types: unknown fields (newer dlv) are ignored, names are the wire's."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Function(Wire):
    name: str = ""
    value: int = 0  # entry PC
    type: int = 0
    goType: int = 0
    optimized: bool = False


class Location(Wire):
    pc: int = 0
    file: str = ""
    line: int = 0
    function: Function | None = None


class Variable(Wire):
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


class Stackframe(Location):
    Locals: list[Variable] | None = None
    Arguments: list[Variable] | None = None
    FrameOffset: int = 0
    FramePointerOffset: int = 0
    Bottom: bool = False
    Err: str = ""


class Breakpoint(Wire):
    id: int = 0
    name: str = ""
    addr: int = 0
    file: str = ""
    line: int = 0
    functionName: str = ""
    variables: list[str] | None = None


class BreakpointInfo(Wire):
    variables: list[Variable] | None = None
    arguments: list[Variable] | None = None
    locals: list[Variable] | None = None


class Thread(Wire):
    id: int = 0
    pc: int = 0
    file: str = ""
    line: int = 0
    function: Function | None = None
    goroutineID: int = 0
    breakPoint: Breakpoint | None = None
    breakPointInfo: BreakpointInfo | None = None


class Goroutine(Wire):
    id: int
    currentLoc: Location = Field(default_factory=Location)
    userCurrentLoc: Location = Field(default_factory=Location)
    goStatementLoc: Location = Field(default_factory=Location)
    startLoc: Location = Field(default_factory=Location)
    threadID: int = 0
    status: int = 0
    waitSince: int = 0
    waitReason: int = 0
    unreadable: str = ""
    labels: dict[str, str] | None = None


class DebuggerState(Wire):
    Pid: int = 0
    TargetCommandLine: str = ""
    Running: bool = False
    currentThread: Thread | None = None
    currentGoroutine: Goroutine | None = None
    Threads: list[Thread] | None = None
    exited: bool = False
    exitStatus: int = 0
    stopReason: str = ""


class LoadConfig(Wire):
    FollowPointers: bool = True
    MaxVariableRecurse: int = 1
    MaxStringLen: int = 64
    MaxArrayValues: int = 64
    MaxStructFields: int = -1


class EvalScope(Wire):
    GoroutineID: int = -1
    Frame: int = 0
    DeferredCall: int = 0


# ---- method replies -------------------------------------------------------------------------


class GetVersionOut(Wire):
    DelveVersion: str = ""
    APIVersion: int = 0
    Backend: str = ""
    TargetGoVersion: str = ""
    MinSupportedVersionOfGo: str = ""
    MaxSupportedVersionOfGo: str = ""


class CommandOut(Wire):
    State: DebuggerState


class StateOut(Wire):
    State: DebuggerState


class ProcessPidOut(Wire):
    Pid: int


class ListGoroutinesOut(Wire):
    Goroutines: list[Goroutine] | None = None
    Nextg: int = -1


class StacktraceOut(Wire):
    Locations: list[Stackframe] | None = None


class EvalOut(Wire):
    variable: Variable | None = Field(default=None, alias="Variable")


class DetachOut(Wire):
    pass


class ListThreadsOut(Wire):
    Threads: list[Thread] | None = None


class PackageBuildInfo(Wire):
    ImportPath: str = ""
    DirectoryPath: str = ""
    Files: list[str] | None = None


class ListPackagesBuildInfoOut(Wire):
    List: list[PackageBuildInfo] | None = None


class IsMulticlientOut(Wire):
    IsMulticlient: bool = False


class Register(Wire):
    Name: str = ""
    Value: str = ""
    DwarfNumber: int = 0


class ListRegistersOut(Wire):
    Regs: list[Register] | None = None


class ExaminedMemoryOut(Wire):
    Mem: Base64Bytes | None = None  # Go's []byte travels as base64
    IsLittleEndian: bool = True


class FindLocationOut(Wire):
    Locations: list[Location] | None = None


class Ancestor(Wire):
    ID: int = 0
    Stack: list[Stackframe] | None = None
    Unreadable: str = ""


class AncestorsOut(Wire):
    Ancestors: list[Ancestor] | None = None


class DumpState(Wire):
    """Progress of a core dump dlv is writing (`api.DumpState`); `Err` is "" while all is well."""

    Dumping: bool = False
    AllDone: bool = False
    ThreadsDone: int = 0
    ThreadsTotal: int = 0
    MemDone: int = 0
    MemTotal: int = 0
    Err: str = ""


class DumpStartOut(Wire):
    State: DumpState = Field(default_factory=DumpState)


class DumpWaitOut(Wire):
    State: DumpState = Field(default_factory=DumpState)


class ListFunctionArgsOut(Wire):
    Args: list[Variable] | None = None


class ListLocalVarsOut(Wire):
    Variables: list[Variable] | None = None
