"""The untrusted part of an upload (read, shape, validate) runs in a child process with limits.

A file is data from outside: a partner's workbook can be built to exhaust memory or CPU. The
child gets an address-space limit (RLIMIT_AS), a CPU-time limit (RLIMIT_CPU) and a wall-clock
deadline; the cell count is checked before any reader allocates. If it dies or hits a limit, the
user hears that the file is too large or damaged (naming the limits) and the server lives on.
One child runs at a time (each may use the whole memory limit), and should the machine still run
out of memory, the kernel kills the child first (oom_score_adj). The child hands back validated Arrow tables and the problems; the parent only plans and commits.

How the child is made: a single-threaded process (the command line) forks it directly, so the
child's memory counts as its own. A threaded one (the Streamlit server) must not fork itself, so
it keeps one small helper process (`python -m loaders.isolate`, the loaders already imported)
that forks a child per upload; each request brings its own socket, passed with SCM_RIGHTS, on
which the child reports progress and its result.
"""

from __future__ import annotations

import ctypes
import faulthandler
import os
import pickle
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.problems import LoaderError, Problem

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

MB = 1024 * 1024
_HEADER = struct.Struct("!Q")


@dataclass(frozen=True)
class Limits:
    """What one upload may cost. Defaults fit a 2-core server with 4 GB; each is an env setting."""

    memory_mb: int = 2560  # OVERBLIK_PARSE_MEMORY_MB: address space the child may add (500k rows need ~1 GB)
    cpu_seconds: int = 240  # OVERBLIK_PARSE_CPU_SECONDS
    wall_seconds: int = 300  # OVERBLIK_PARSE_WALL_SECONDS
    max_cells: int = 50_000_000  # OVERBLIK_MAX_CELLS: rows x columns of a sheet's real used range
    max_file_mb: int = 50  # OVERBLIK_MAX_FILE_MB: the upload itself (Streamlit's maxUploadSize too)
    max_unpacked_mb: int = 1000  # OVERBLIK_MAX_UNPACKED_MB: what an .xlsx unpacks to, counted as read

    @classmethod
    def from_env(cls) -> Limits:
        """The limits, each overridable by its environment variable."""
        names = {
            "memory_mb": "OVERBLIK_PARSE_MEMORY_MB",
            "cpu_seconds": "OVERBLIK_PARSE_CPU_SECONDS",
            "wall_seconds": "OVERBLIK_PARSE_WALL_SECONDS",
            "max_cells": "OVERBLIK_MAX_CELLS",
            "max_file_mb": "OVERBLIK_MAX_FILE_MB",
            "max_unpacked_mb": "OVERBLIK_MAX_UNPACKED_MB",
        }
        return cls(**{k: int(os.environ[v]) for k, v in names.items() if os.environ.get(v)})

    def words(self) -> list[int]:
        """The limits as a message shows them ('2.560 MB hukommelse, 240 s': problems.py words them)."""
        return [self.memory_mb, self.cpu_seconds]


class ChildBug(Exception):
    """Our own code failed inside the child: carries its traceback (never a user message)."""


def isolation_enabled() -> bool:
    """OVERBLIK_ISOLATE=0 runs the untrusted part in the same process (for profiling only)."""
    return os.environ.get("OVERBLIK_ISOLATE", "1") != "0"


# ---------------------------------------------------------------- messages on a socket


def _send(sock: socket.socket, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    parts, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _recv(sock: socket.socket) -> object | None:
    """One message, or None when the other end is gone."""
    head = _recv_exact(sock, _HEADER.size)
    if head is None:
        return None
    body = _recv_exact(sock, _HEADER.unpack(head)[0])
    return None if body is None else pickle.loads(body)  # noqa: S301 - our own child, our own socket


# ---------------------------------------------------------------- the child


def _child_main(sock: socket.socket, fn: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> None:
    """In the child: set the limits, run, send back exactly one result (or die trying)."""
    faulthandler.disable()  # an abort at a limit is expected and reported by the parent, not dumped
    _first_to_go()
    # The limit is what reading the file may add: a forked child starts with its parent's address
    # space (a command line with the store open has 1.5 GB mapped before it reads a byte, more when
    # the store's threads have grown their arenas), and a tiny file must never hit the limit.
    space = _address_space() + limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (space, space))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C belongs to the parent
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)

    def progress(stage: str, done: int, total: int) -> None:
        _send(sock, ("progress", (stage, done, total)))

    try:
        _send(sock, ("pid", os.getpid()))  # so the parent can stop a child that runs out of time
        result = fn(*args, progress=progress)
        _send(sock, ("result", result))
    except LoaderError as e:
        _send(sock, ("refused", e.problems))
    except MemoryError:
        _send(sock, ("limit", None))
    except Exception:
        _send(sock, ("bug", traceback.format_exc()))


def _first_to_go() -> None:
    """Linux: should memory still run out on the machine, the kernel kills this child, never the
    server (oom_score_adj 1000: first in line)."""
    try:
        with open("/proc/self/oom_score_adj", "w") as fh:
            fh.write("1000")
    except OSError:  # not Linux, or /proc not writable: the limits above still hold
        pass


def _address_space() -> int:
    """This process's mapped address space in bytes (VmSize), 0 where /proc does not say."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _die_with_parent() -> None:
    """Linux: the child is killed when the process that forked it dies, whatever the reason."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the closed socket still ends the child
        pass


def _fork_child(
    sock: socket.socket, parents: socket.socket, fn: Callable[..., Any], args: tuple[Any, ...], limits: Limits
) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            # The parent's end must not stay open here, or a child whose parent was killed
            # would wait forever on a socket that only it still holds.
            parents.close()
            _die_with_parent()
            if os.getppid() != parent:
                os._exit(70)
            _child_main(sock, fn, args, limits)
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    return pid


# ---------------------------------------------------------------- the helper of a threaded server


class _Helper:
    """`python -m loaders.isolate`: forks one child per request; dies with its parent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None

    def request(self, channel: socket.socket, payload: bytes) -> None:
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            assert self.sock is not None
            socket.send_fds(self.sock, [_HEADER.pack(len(payload)) + payload], [channel.fileno()])

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "loaders.isolate", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            cwd=str(Path(__file__).resolve().parents[1]),
        )
        theirs.close()
        self.sock = ours


_HELPER = _Helper()


def _serve(fd: int) -> None:
    """The helper's loop: receive (request, socket), fork a child for it, repeat until the parent goes."""
    import loaders.ingest  # noqa: F401 - preload: each child starts with the loaders imported

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    sock = socket.socket(fileno=fd)
    while True:
        head, fds, _, _ = socket.recv_fds(sock, _HEADER.size, 1)
        if not head:
            return
        body = _recv_exact(sock, _HEADER.unpack(head)[0])
        if body is None or not fds:
            return
        fn, args, limits = pickle.loads(body)  # noqa: S301 - from the process that started us
        channel = socket.socket(fileno=fds[0])
        pid = os.fork()
        if pid == 0:
            sock.close()
            _die_with_parent()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            code = 0
            try:
                _child_main(channel, fn, args, limits)
            except BaseException:
                code = 70
            finally:
                os._exit(code)
        channel.close()


# ---------------------------------------------------------------- the parent


# One parsing child at a time per process: each may use the whole memory limit, and two at once
# on a 4 GB server would together pass it. A second upload waits its turn; its wall clock starts
# when its child does.
_ONE_AT_A_TIME = threading.Lock()


def run_isolated(
    fn: Callable[..., Any], args: tuple[Any, ...], *, limits: Limits, progress: Any = None
) -> Any:
    """fn(*args, progress=...) in a child under the limits: its result, or its LoaderError, or
    LoaderError('file.limit') when the child dies or runs out of time; ChildBug for our own bug.
    One child at a time: a call waits for the one before it to end."""
    with _ONE_AT_A_TIME:
        return _run_isolated(fn, args, limits=limits, progress=progress)


def _run_isolated(fn: Callable[..., Any], args: tuple[Any, ...], *, limits: Limits, progress: Any) -> Any:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid, child = None, None
    try:
        if threading.active_count() == 1:
            _preload()
            pid = _fork_child(theirs, ours, fn, args, limits)
        else:
            _HELPER.request(theirs, pickle.dumps((fn, args, limits), protocol=pickle.HIGHEST_PROTOCOL))
        theirs.close()
        deadline = time.monotonic() + limits.wall_seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _limit(limits)
            ours.settimeout(remaining)
            try:
                message = _recv(ours)
            except TimeoutError:
                raise _limit(limits) from None
            if message is None:
                raise _limit(limits)  # the child died: killed or aborted at a limit
            kind, payload = message  # type: ignore[misc]
            if kind == "pid":
                child = payload
                # The wall clock is the child's: it starts when the child runs, not while the
                # helper of a server starts up.
                deadline = time.monotonic() + limits.wall_seconds
            elif kind == "progress":
                if progress:
                    progress(*payload)
            elif kind == "result":
                return payload
            elif kind == "refused":
                raise LoaderError(*payload)
            elif kind == "limit":
                raise _limit(limits)
            else:
                raise ChildBug(payload)
    finally:
        ours.close()
        if pid is not None:  # our own child: stopped if still running, always reaped
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
        elif child is not None and sys.exc_info()[0] is not None:
            # The helper's child, out of time or gone wrong: stop it (a finished one has exited).
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _preload() -> None:
    """Import before forking what both sides need (pyarrow imports pandas the first time it builds
    an array): imported once, shared by the child, not loaded twice."""
    import fastexcel  # noqa: F401
    import pandas  # noqa: F401
    import python_calamine  # noqa: F401


def _limit(limits: Limits) -> LoaderError:
    return LoaderError(Problem("file.limit", params={"limit": limits.words()}))


def file_size_ok(path: Path, name: str, limits: Limits) -> None:
    """The upload itself within the size limit, checked before any child starts (and before a
    byte of it is read); LoaderError('file.not_found') for a file that is not there."""
    try:
        size = path.stat().st_size
    except OSError:
        raise LoaderError(Problem("file.not_found", file=name)) from None
    if size > limits.max_file_mb * MB:
        raise LoaderError(
            Problem(
                "file.too_large",
                file=name,
                params={"size_mb": round(size / MB, 1), "limit_mb": limits.max_file_mb},
            )
        )


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
