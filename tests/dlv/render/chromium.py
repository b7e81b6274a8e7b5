"""A headless Chromium driven over the Chrome DevTools protocol, for the HTML report's browser test.

Started through dlvauto.system.proc (its own process group, ended with it) with the flags that keep it off
the network (this machine has none: without them Chromium waits on connections), listening for
DevTools on a free loopback port it writes to `DevToolsActivePort` in its profile folder. Messages go
over one websocket to the page target (websocket-client; the Origin header is suppressed, which
Chromium requires of clients not started with --remote-allow-origins).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import time
import urllib.request
from pathlib import Path
from typing import Any

import websocket

from dlvauto.system import proc

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--remote-debugging-port=0",
    "--window-size=1280,900",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """One headless browser with one page; `call` sends a DevTools command and returns its result."""

    def __init__(self, exe: str, profile: Path, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._id = 0
        profile.mkdir(parents=True, exist_ok=True)
        # Chromium's crash handler detaches into a session of its own and keeps a database under
        # $XDG_CONFIG_HOME: both are kept inside the profile folder, so it is found and ended with it.
        env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(profile / "config"),
            "XDG_CACHE_HOME": str(profile / "cache"),
        }
        self.profile = profile
        self.spawned = proc.spawn([exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"], env=env)
        try:
            port = self._port(profile / "DevToolsActivePort")
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
            with opener.open(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as r:
                targets = json.load(r)
            page = next(t for t in targets if t.get("type") == "page")
            self.ws = websocket.create_connection(
                page["webSocketDebuggerUrl"],
                timeout=timeout,
                suppress_origin=True,
                http_no_proxy=["127.0.0.1"],
            )
        except BaseException:
            self.spawned.stop()
            raise

    def _port(self, active: Path) -> int:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if active.is_file():
                first = active.read_text().split("\n", 1)[0].strip()
                if first.isdigit():
                    return int(first)
            if self.spawned.popen.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.spawned.popen.returncode}")
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its DevTools port")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                result: dict[str, Any] = msg.get("result", {})
                return result
            self.events.append(msg)
        raise TimeoutError(f"{method}: no reply")

    def wait_event(self, method: str) -> dict[str, Any]:
        """The first event `method` seen so far or arriving within the timeout."""
        for e in self.events:
            if e.get("method") == method:
                return e
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            self.events.append(msg)
            if msg.get("method") == method:
                return msg
        raise TimeoutError(f"no {method} event")

    def open(self, url: str) -> None:
        self.call("Page.enable")
        self.call("Network.enable")
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expression}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed, released) at the middle of the element `selector` names."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView();"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        x, y = box
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        path.write_bytes(data)
        return data

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:
            pass
        finally:
            try:
                self.ws.close()
            finally:
                self.spawned.stop()
                self._end_crash_handlers()

    def _end_crash_handlers(self) -> None:
        """Crash handlers of this browser (their database lies in our profile) still alive, by pid."""
        mine = f"--database={self.profile}/".encode()
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                argv = (d / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if (
                argv
                and argv[0].endswith(b"chrome_crashpad_handler")
                and any(a.startswith(mine) for a in argv)
            ):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(d.name), signal.SIGKILL)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
