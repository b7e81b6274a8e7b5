"""dlvauto: explain Go crashes by driving the Go debugger Delve.

source -> snapshot -> analysis -> report -> renderers. The public names live here; the modules
behind them are free to change.
"""

from dlvauto.analysis import analyze
from dlvauto.build import build
from dlvauto.errors import DlvautoError, UserError
from dlvauto.report import Report
from dlvauto.snapshot import Snapshot
from dlvauto.sources.live import run_live

__version__ = "0.1.0"

__all__ = ["DlvautoError", "Report", "Snapshot", "UserError", "analyze", "build", "run_live"]
