"""Talking to dlv's terminal over a pty: type a line, read the reply up to the next prompt.

The reply ends when dlv prints its prompt, `(dlv) `, at the start of a line with nothing after it
(dlv is then waiting for input). A prompt that asks a question (`Would you like to kill the process?
[Y/n] `) is answered from the caller's table, never guessed. The pty is in cooked mode (liner's
fallback for TERM=dumb), so the terminal echoes each typed line: that echo is dropped from the reply
and kept in the transcript, which therefore reads as the session looked on screen. Replies are
searched only in their last few hundred characters, and a command fails only when dlv goes quiet
for `timeout` seconds, not when a long listing takes a while. A reply of megabytes (thousands of
goroutines) is better not sent through the pty at all: `command_to_file` has dlv write it to a file
with its own `transcript -x` and parses it as it grows.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

import pexpect
from pexpect.fdpexpect import fdspawn

from dlvauto.errors import DebuggerError
from dlvauto.repl.parse import PROMPT, lines_of

_PROMPT = re.compile(r"(?:\A|\r?\n)" + re.escape(PROMPT) + r"\Z")
_QUESTION = re.compile(r"(?:\A|\r?\n)(?P<q>[^\r\n]*\?[^\n]*\[[^\]\n]+\]\?? )\Z")
SEARCH_WINDOW = 512  # characters of the reply's tail searched for the prompt or a question
READ_CHUNK = 1 << 16
POLL = 0.25  # seconds between checks that dlv is still printing
TAIL_POLL = 0.02  # seconds between reads of a reply dlv writes to a file


class DlvGone(DebuggerError):
    """dlv's terminal closed (dlv exited or died) before it answered."""


class _FileTail:
    """Feeds the complete lines of a file that another process is still writing."""

    def __init__(self, path: Path, on_line: Callable[[str], None]) -> None:
        self.f = path.open("r", encoding="utf-8", errors="replace", newline="")
        self.on_line = on_line
        self.pending = ""

    def read(self, final: bool = False) -> bool:
        """Feed the lines completed since the last read (all of them when `final`); True when
        something was written since."""
        data = self.f.read()
        *lines, self.pending = (self.pending + data).split("\n")
        if final:
            if self.pending:
                lines.append(self.pending)
            self.pending = ""
            self.f.close()
        for line in lines:
            self.on_line(line.removesuffix("\r"))
        return bool(data)


class Transcript:
    """The session as it looked on screen, with the pty's `\r\n` line ends written as `\n`.

    A line is written once it is complete; the line in progress (a prompt, between commands) is
    held back, so a reply dlv wrote to a file can be put in before it (`insert`).
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._line = ""

    def comment(self, text: str) -> None:
        for line in text.splitlines():
            self.out.write(f"# {line}\n")

    def insert(self, note: str, text: str) -> None:
        """Put `text` in before the line in progress, under a `# note` line."""
        self.comment(note)
        self.out.write(text if text.endswith("\n") or not text else text + "\n")

    def write(self, data: str) -> None:
        data = (self._line + data).replace("\r\n", "\n")
        if data.endswith("\r"):  # maybe the first half of a line end: wait for the rest
            data, self._line = data[:-1], "\r"
        else:
            self._line = ""
        cut = data.rfind("\n") + 1
        self.out.write(data[:cut])
        self._line = data[cut:] + self._line

    def flush(self) -> None:
        """Write the line in progress too: the session is over."""
        line = self._line.rstrip("\r")
        self.out.write(line + "\n" if line else "")
        self._line = ""
        self.out.flush()


class _Tap:
    """Sees every character dlv prints: counts them (is dlv still talking?) and feeds the transcript."""

    def __init__(self, transcript: Transcript | None) -> None:
        self.transcript = transcript
        self.count = 0

    def write(self, data: str) -> None:
        self.count += len(data)
        if self.transcript is not None:
            self.transcript.write(data)

    def flush(self) -> None:
        """pexpect flushes its log after every read: the transcript holds its line in progress."""


class Terminal:
    """dlv's terminal on the master end `fd` of its pty.

    `ctty` says the pty is dlv's controlling terminal, so Ctrl-C typed into it is dlv's SIGINT;
    otherwise `pid`'s group is sent SIGINT directly, which is what the terminal would have done.
    """

    def __init__(
        self,
        fd: int,
        *,
        timeout: float = 60.0,
        transcript: Transcript | None = None,
        ctty: bool = True,
        pid: int | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.child = fdspawn(
            fd, timeout=timeout, maxread=READ_CHUNK, encoding="utf-8", codec_errors="replace", use_poll=True
        )
        self.child.delaybeforesend = None  # pexpect waits 50 ms before each send by default
        self.child.delayafterread = None  # and sleeps after every read (~0.5 ms: 1 s per 2,000 reads)
        self.tap = _Tap(transcript)
        self.child.logfile_read = self.tap
        self.timeout = timeout
        self.transcript = transcript
        self.ctty = ctty
        self.pid = pid
        self.cwd = cwd  # dlv's working directory, where command_to_file has dlv write
        self.last_command = ""

    def start(self, timeout: float | None = None) -> str:
        """What dlv printed before its first prompt (its banner, or why it could not start)."""
        return self._reply(timeout or self.timeout, {})

    def command(
        self, line: str, *, timeout: float | None = None, answers: Mapping[str, str] | None = None
    ) -> str:
        """Type `line` and return dlv's reply, without the echoed line and the next prompt.

        `answers` maps a part of a question dlv may ask to the answer to type.
        """
        self._send(line)
        return self._strip_echo(line, self._reply(timeout or self.timeout, answers or {}))

    def command_to_file(
        self, line: str, name: str, on_line: Callable[[str], None], *, timeout: float | None = None
    ) -> str:
        """Type `line` with its reply going to the file `name` in dlv's working directory instead
        of the pty, through dlv's own `transcript -t -x NAME` ... `transcript -off`, and hand each
        line of the reply to `on_line` as dlv writes it. Returns what the pty still showed for
        `line` (`Command failed: ...`).

        For replies of megabytes (every goroutine's stack): a pty moves ~700 bytes a read, so dlv
        printing 40 MB to the terminal takes twice as long as dlv writing it (buffered) to a file;
        and the reply is parsed while dlv is still writing it, never held whole. The session
        transcript gets the reply where the screen would have shown it, marked as such.
        """
        if self.cwd is None or not re.fullmatch(r"[\w.-]+", name):
            raise ValueError(
                f"command_to_file needs dlv's working directory and a plain file name, not {name!r}"
            )
        path = self.cwd / name
        self.command(f"transcript -t -x {name}")
        fed = _FileTail(path, on_line)
        self._send(line)
        limit = timeout or self.timeout
        quiet_since = time.monotonic()
        while True:
            i = self._expect(TAIL_POLL)
            if i == 0:
                break
            if i == 1:
                raise DebuggerError(f"dlv asked {self._question()!r} after `{line}`")
            if i == 2:
                raise self._gone()
            if fed.read():
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > limit:
                raise DebuggerError(f"dlv wrote nothing for {limit:g}s after `{line}` and showed no prompt")
        said = self._strip_echo(line, self.child.before or "")
        self.command("transcript -off")  # closes the file: dlv flushes the rest
        fed.read(final=True)
        if self.transcript is not None:
            # The reply as dlv wrote it, less the lines where dlv echoed the prompt and command.
            with path.open(encoding="utf-8", errors="replace") as f:
                reply = "".join(ln for ln in f if not ln.startswith(PROMPT))
            self.transcript.insert(f"dlv wrote its reply to `{line}` to {name} (transcript -x):", reply)
        return said

    def run_for(self, line: str, seconds: float) -> tuple[str, bool]:
        """Type `line` (a `continue`) and wait up to `seconds` for dlv to stop the program; when the
        time is up press Ctrl-C, which dlv answers by halting the program. Returns the reply and
        whether Ctrl-C was needed."""
        self._send(line)
        i = self._expect(seconds)
        if i == 0:
            return self._strip_echo(line, self.child.before or ""), False
        if i == 1:
            raise DebuggerError(f"dlv asked {self._question()!r} while running `{line}`")
        if i == 2:
            raise self._gone()
        self.interrupt()
        return self._strip_echo(line, self._reply(self.timeout, {})), True

    def quit(self, line: str, *, answers: Mapping[str, str], timeout: float | None = None) -> bool:
        """Type `line` (an `exit`), answer what dlv asks, and wait for the terminal to close.

        False when dlv showed its prompt again instead (it refused, e.g. it could not detach).
        """
        self._send(line)
        deadline = time.monotonic() + (timeout or self.timeout)
        while (left := deadline - time.monotonic()) > 0:
            i = self._expect(min(left, POLL))
            if i == 0:
                return False
            if i == 1:
                question = self._question()
                answer = next((a for key, a in answers.items() if key in question), None)
                if answer is None:
                    raise DebuggerError(f"dlv asked {question.strip()!r} after `{line}`")
                self.child.sendline(answer)
            elif i == 2:
                return True
        return False

    def interrupt(self) -> None:
        """Ctrl-C: typed into the terminal, or as SIGINT to dlv when the pty is not its terminal."""
        if self.ctty:
            self.child.send("\x03")  # VINTR: the line discipline signals dlv
        elif self.pid is not None:
            os.killpg(self.pid, signal.SIGINT)

    def _send(self, line: str) -> None:
        self.last_command = line
        try:
            self.child.sendline(line)
        except OSError as exc:
            raise DlvGone(f"dlv is gone: cannot type `{line}` ({exc.strerror})") from exc

    def _expect(self, timeout: float) -> int:
        """0 prompt, 1 question, 2 end of file, 3 timeout."""
        i: int = self.child.expect(
            [_PROMPT, _QUESTION, pexpect.EOF, pexpect.TIMEOUT],
            timeout=timeout,
            searchwindowsize=SEARCH_WINDOW,
        )
        return i

    def _reply(self, timeout: float, answers: Mapping[str, str]) -> str:
        """Read up to the prompt, answering questions; fail after `timeout` seconds of silence."""
        parts: list[str] = []
        quiet_since = time.monotonic()
        seen = 0
        while True:
            i = self._expect(POLL)
            if i == 0:
                parts.append(self.child.before or "")
                return "".join(parts)
            if i == 1:
                question = self._question()
                parts.append((self.child.before or "") + (self.child.after or ""))
                answer = next((a for key, a in answers.items() if key in question), None)
                if answer is None:
                    raise DebuggerError(f"dlv asked {question.strip()!r} after `{self.last_command}`")
                self.child.sendline(answer)
                quiet_since = time.monotonic()
                continue
            if i == 2:
                raise self._gone()
            size = self.tap.count
            if size != seen:
                seen, quiet_since = size, time.monotonic()
            elif time.monotonic() - quiet_since > timeout:
                raise DebuggerError(
                    f"dlv printed nothing for {timeout:g}s after `{self.last_command}` and showed no prompt"
                )

    def _question(self) -> str:
        m = self.child.match
        return m.group("q") if isinstance(m, re.Match) else ""

    def _gone(self) -> DlvGone:
        # dlv's last words, less the terminal's echo of what we typed
        said = [
            ln.strip()
            for ln in lines_of(self.child.before or "")
            if ln.strip() not in ("", self.last_command)
        ]
        tail = said[-1] if said else "no output"
        if not self.last_command:
            return DlvGone(f"dlv exited before its first prompt: {tail}")
        return DlvGone(f"dlv exited while running `{self.last_command}`: {tail}")

    @staticmethod
    def _strip_echo(line: str, reply: str) -> str:
        text = reply.replace("\r\n", "\n")
        first, sep, rest = text.partition("\n")
        return rest if sep and first.rstrip("\r") == line else text

    def close(self) -> None:
        if self.transcript is not None:
            self.transcript.flush()
