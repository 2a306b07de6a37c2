"""Errors of the synbols-gpu process, carrying the command's own message."""

import subprocess
import sys
import threading


class SynbolsError(RuntimeError):
    """synbols-gpu failed. ``str()`` is the command's one-line error (the
    last line it wrote to stderr, e.g. ``synbols-gpu: spec: …: unknown
    field``) or, when it wrote none, what happened to the process.
    ``returncode`` is its exit status (negative: killed by that signal),
    ``stderr`` the tail of what it wrote there, ``cmd`` the command line."""

    def __init__(self, message, returncode=None, cmd=None, stderr=""):
        RuntimeError.__init__(self, message)
        self.message, self.returncode, self.cmd, self.stderr = message, returncode, cmd, stderr

    def __str__(self):
        return self.message


class GenerateError(SynbolsError, subprocess.CalledProcessError):
    """``synbols-gpu generate`` exited non-zero (also a CalledProcessError)."""

    def __init__(self, message, returncode, cmd, stderr=""):
        subprocess.CalledProcessError.__init__(self, returncode, cmd, None, stderr)
        SynbolsError.__init__(self, message, returncode, cmd, stderr)

    def __str__(self):
        return self.message


class StderrTail:
    """Reads a process's stderr pipe in a thread: keeps its last bytes and,
    with ``echo``, copies it to this process's stderr as it comes."""

    KEEP = 16 << 10

    def __init__(self, pipe, echo):
        self.pipe, self.echo, self.buf = pipe, echo, b""
        self.thread = threading.Thread(target=self._run, name="synbols-gpu-stderr", daemon=True)
        self.thread.start()

    def _run(self):
        out = getattr(sys.stderr, "buffer", None)
        try:
            while True:
                b = self.pipe.read1(1 << 16) if hasattr(self.pipe, "read1") else self.pipe.read(1 << 16)
                if not b:
                    break
                self.buf = (self.buf + b)[-self.KEEP:]
                if self.echo:
                    try:
                        if out is not None:
                            out.write(b)
                            out.flush()
                        else:
                            sys.stderr.write(b.decode("utf-8", "replace"))
                    except (OSError, ValueError):
                        pass
        except (OSError, ValueError):
            pass

    def join(self, timeout=5.0):
        self.thread.join(timeout)
        try:
            self.pipe.close()
        except OSError:
            pass

    def text(self):
        return self.buf.decode("utf-8", "replace")

    def last_line(self):
        """The last non-empty line (a progress bar's \\r pieces split too)."""
        for line in reversed(self.text().replace("\r", "\n").split("\n")):
            if line.strip():
                return line.strip()
        return ""
