"""Bad input and early ends: a missing binary, a bad spec (the command's
one-line error as the exception's text), the engine dying mid-stream (an
exception, not a hang), and a consumer that stops early (the engine process
ends and is reaped: no zombie)."""

import contextlib
import gc
import os
import signal
import subprocess
import sys
import unittest

import common
import synbols_gpu as sg


@contextlib.contextmanager
def deadline(seconds):
    """Fail (TimeoutError) instead of hanging past seconds."""
    def on_alarm(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def children():
    """The pids of this process's live or zombie children (from /proc)."""
    me, out = os.getpid(), set()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == me:
            out.add(int(d))
    return out


def cli_error(*args):
    """The last stderr line of running the binary with args (which must fail)."""
    r = subprocess.run([common.binary(), *args], stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert r.returncode != 0, r
    return [line for line in r.stderr.splitlines() if line.strip()][-1].strip()


class Reaped:
    def assert_reaped(self, pid):
        """pid is neither running nor a zombie waiting for us."""
        with self.assertRaises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        self.assertNotIn(pid, children())


class TestMissingBinary(unittest.TestCase):
    def test_generate_and_stream(self):
        old = os.environ.get("SYNBOLS_GPU")
        os.environ["SYNBOLS_GPU"] = "/nonexistent/synbols-gpu"
        try:
            with self.assertRaises(FileNotFoundError) as cm:
                sg.generate("tiny", 5, out=os.path.join(common.tmpdir(), "nobin.h5py"))
            self.assertIn("SYNBOLS_GPU", str(cm.exception))
            with self.assertRaises(FileNotFoundError):
                list(sg.stream("tiny", stop=5))
        finally:
            if old is None:
                os.environ.pop("SYNBOLS_GPU", None)
            else:
                os.environ["SYNBOLS_GPU"] = old


class TestBadSpec(unittest.TestCase):
    """The CLI's one-line error, raised with the same text."""

    @classmethod
    def setUpClass(cls):
        common.binary()
        d = os.path.join(common.tmpdir(), "badspec")
        os.makedirs(d, exist_ok=True)
        cls.out = os.path.join(d, "out.h5py")
        cls.missing = os.path.join(d, "does-not-exist.yaml")
        cls.bad_yaml = os.path.join(d, "bad-field.yaml")
        with open(cls.bad_yaml, "w") as f:
            f.write("name: bad-field\nbase: default\nbogus: 1\n")

    def generate_error(self, spec):
        with self.assertRaises(sg.SynbolsError) as cm:
            sg.generate(spec, 5, out=self.out, quiet=True)
        e = cm.exception
        self.assertIsInstance(e, RuntimeError)
        self.assertIsInstance(e, subprocess.CalledProcessError)  # as before
        self.assertIsInstance(e, sg.GenerateError)
        self.assertNotEqual(e.returncode, 0)
        self.assertEqual(len(str(e).splitlines()), 1, str(e))
        self.assertFalse(os.path.exists(self.out))
        return str(e)

    def stream_error(self, spec):
        s = sg.stream(spec, stop=5, quiet=True)
        with deadline(60), self.assertRaises(sg.StreamError) as cm:
            for _ in s:
                pass
        e = cm.exception
        self.assertIsInstance(e, sg.SynbolsError)
        self.assertIsInstance(e, RuntimeError)
        self.assertNotEqual(e.returncode, 0)
        self.assertEqual(len(str(e).splitlines()), 1, str(e))
        self.assertIsNone(s._proc)
        return str(e)

    def test_unknown_preset(self):
        want = cli_error("generate", "--dataset", "no-such-preset", "--n_samples", "5", "--out", self.out, "--quiet")
        self.assertIn('unknown preset "no-such-preset"', want)
        self.assertEqual(self.generate_error("no-such-preset"), want)
        if common.stream_available():
            want = cli_error("stream", "--dataset", "no-such-preset", "--stop", "5")
            self.assertEqual(self.stream_error("no-such-preset"), want)

    def test_missing_yaml(self):
        want = cli_error("generate", "--spec", self.missing, "--n_samples", "5", "--out", self.out, "--quiet")
        self.assertIn(self.missing, want)
        self.assertEqual(self.generate_error(self.missing), want)
        if common.stream_available():
            self.assertEqual(self.stream_error(self.missing), cli_error("stream", "--spec", self.missing, "--stop", "5"))

    def test_unknown_field_yaml(self):
        want = cli_error("generate", "--spec", self.bad_yaml, "--n_samples", "5", "--out", self.out, "--quiet")
        self.assertIn("bogus: unknown field", want)
        self.assertEqual(self.generate_error(self.bad_yaml), want)
        if common.stream_available():
            self.assertEqual(self.stream_error(self.bad_yaml), cli_error("stream", "--spec", self.bad_yaml, "--stop", "5"))

    def test_unknown_field_dict(self):
        spec = {"name": "bad-dict", "base": "default", "bogus": 1}
        # The dict is written to a temporary file, whose path the message names.
        for msg in [self.generate_error(spec)] + ([self.stream_error(spec)] if common.stream_available() else []):
            self.assertTrue(msg.startswith("synbols-gpu: spec: "), msg)
            self.assertIn("bad-dict.yaml: bogus: unknown field", msg)

    def test_quiet_prints_nothing_on_stdout(self):
        code = ("import synbols_gpu as sg; "
                f"sg.generate('tiny', 5, out={os.path.join(common.tmpdir(), 'quiet.h5py')!r}, quiet=True, force=True, "
                "fonts='embedded', backend='cpu', preview=False)")
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        code = code.replace("quiet=True", "quiet=False")
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("tiny: 5 samples", r.stdout)  # the summary, without quiet


class EndsChecks(Reaped):
    """The engine dying, and consumers that stop early."""

    def engine(self, **env):
        raise NotImplementedError

    def open(self, stop=None, **kw):
        return sg.stream("default", seed=5, batch_size=16, stop=stop, quiet=True, **common.FONTS, **kw)

    def test_killed_after_first_batch(self):
        with self.engine(), deadline(120):
            s = self.open(stop=4000)
            it = iter(s)
            next(it)
            pid = s._proc.pid
            os.kill(pid, signal.SIGKILL)
            with self.assertRaises(sg.StreamError) as cm:
                for _ in it:
                    pass
        self.assertIn("status -9", str(cm.exception))
        self.assertEqual(cm.exception.returncode, -9)
        self.assertIsNone(s._proc)
        self.assert_reaped(pid)

    def test_break_out_of_loop(self):
        before = children()
        with self.engine(), deadline(120):
            for _ in self.open(stop=4000):
                pids = children() - before
                break
        self.assertEqual(len(pids), 1, pids)
        self.assert_reaped(pids.pop())  # the loop's iterator was the last reference

    def test_break_then_close(self):
        with self.engine(), deadline(120):
            s = self.open(stop=4000)
            for _ in s:
                break
            pid = s._proc.pid
            self.assertIn(pid, children())  # s still holds the stream
            s.close()
        self.assertIsNone(s._proc)
        self.assert_reaped(pid)
        with self.assertRaises(ValueError):  # closed for good
            next(iter(s))

    def test_with_block(self):
        with self.engine(), deadline(120):
            with self.open(stop=4000) as s:
                next(iter(s))
                pid = s._proc.pid
        self.assert_reaped(pid)

    def test_garbage_collected(self):
        with self.engine(), deadline(120):
            s = self.open(stop=4000)
            next(iter(s))
            pid = s._proc.pid
            del s
            gc.collect()
        self.assert_reaped(pid)

    def test_header_only_then_dropped(self):
        with self.engine(), deadline(120):
            s = self.open(stop=4000)
            self.assertEqual(s.header["format"], "synbols-gpu-stream")
            pid = s._proc.pid
            del s
            gc.collect()
        self.assert_reaped(pid)


class RealEnds(EndsChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        common.binary()
        if not common.stream_available():
            raise unittest.SkipTest("the binary has no `stream` sub-command")

    def engine(self, **env):
        return contextlib.nullcontext()

    def test_unbounded_break(self):
        before = children()
        with deadline(120):
            for i, _ in enumerate(sg.stream("tiny", batch_size=64, quiet=True, **common.FONTS)):
                if i == 3:
                    pids = children() - before
                    break
        self.assertEqual(len(pids), 1, pids)
        self.assert_reaped(pids.pop())


class FakeEnds(EndsChecks, unittest.TestCase):
    """The same against fake_engine.py (which generates the rows first: a
    smaller range)."""

    @classmethod
    def setUpClass(cls):
        common.require("h5py")
        common.binary()

    def engine(self, **env):
        return common.FakeEngine(**env)

    def open(self, stop=None, **kw):
        return super().open(stop=300 if stop is None else min(stop, 300), **kw)

    def test_crash_mid_batch(self):
        with self.engine(FAKE_STREAM_DIE_AT=40), deadline(120):
            s = self.open(stop=100)
            it = iter(s)
            next(it)
            pid = s._proc.pid
            with self.assertRaises(sg.StreamError) as cm:
                for _ in it:
                    pass
        self.assertIn("status 3", str(cm.exception))
        self.assertEqual(cm.exception.returncode, 3)
        self.assert_reaped(pid)

    def test_error_frame(self):
        with self.engine(FAKE_STREAM_FAIL_AT=30), deadline(120):
            s = self.open(stop=100)
            with self.assertRaises(sg.StreamError) as cm:
                for _ in s:
                    pass
        self.assertEqual(str(cm.exception), "synbols-gpu: stream: injected failure")


if __name__ == "__main__":
    unittest.main()
