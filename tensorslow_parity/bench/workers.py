"""The parent's side of the engines' worker processes (:mod:`tensorslow_parity.bench.worker`).

An :class:`EngineWorker` starts ``python -m tensorslow_parity.bench.worker``
with the thread-pinning environment (and, for a NumPy-based engine, the OpenBLAS core of
:mod:`tensorslow_parity.bench.blas`), sends it one JSON request per line and
reads one JSON reply per line, with a timeout: a worker that hangs or dies
becomes a :class:`WorkerError` naming the engine and the end of its stderr,
never a hung benchmark. The worker's stderr goes to a temporary file, so that
a chatty library can never fill a pipe and block it; what of it is shown (in an
error) is filtered of TensorFlow's log lines (:func:`tensorslow_parity.quiet_tf.filter_stderr`).

A :class:`LocalWorker` answers the same requests in this process (the tests
inject model classes that fail on purpose through it; no process to start).
"""
import json
import os
import select
import subprocess
import sys
import tempfile
import time

from tensorslow_parity.bench.blas import VARIABLE, took
from tensorslow_parity.bench.engines import thread_environment
from tensorslow_parity.quiet_tf import environment, filter_stderr

#: seconds a worker may take to import its engine (TensorFlow on two busy cores takes tens of seconds)
START_TIMEOUT_S = 300

#: seconds a build (model, first step, warm-up) or a timed block may take
REQUEST_TIMEOUT_S = 300


class WorkerError(RuntimeError):
    """A worker that died, hung or answered something that is not a reply."""


class EngineWorker:
    """One engine's worker process."""

    def __init__(self, engine, threads, extra_env=None):
        self.engine, self.threads, self.extra_env = engine, threads, dict(extra_env or {})
        self.blas_note = ""  # why the worker runs without the OPENBLAS_CORETYPE it was given (start_workers)
        self.stderr = tempfile.TemporaryFile()
        env = environment(dict(os.environ, **thread_environment(threads), **self.extra_env))
        self.process = subprocess.Popen([sys.executable, "-m", "tensorslow_parity.bench.worker", engine, str(threads)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, env=env,
                                        bufsize=0)
        self._buffer = b""
        self.hello = None

    def ready(self, timeout=START_TIMEOUT_S):
        """The worker's first line: ``{"ok": true, "threads": ..., "versions": ...}`` or the error that kept
        the engine from loading."""
        if self.hello is None:
            self.hello = self.receive(timeout)
        return self.hello

    def send(self, request):
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
        except (BrokenPipeError, OSError) as e:
            raise WorkerError(f"{self.engine} worker: cannot send ({e}){self._stderr_tail()}") from None

    def receive(self, timeout=REQUEST_TIMEOUT_S):
        """The next reply, as a dict."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WorkerError(f"{self.engine} worker: no reply within {timeout:g} s{self._stderr_tail()}")
            chunk = os.read(fd, 65536)
            if not chunk:
                code = self.process.wait()
                raise WorkerError(f"{self.engine} worker exited with status {code}{self._stderr_tail()}")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            raise WorkerError(f"{self.engine} worker: not a reply: {line[:200]!r}") from None

    def request(self, request, timeout=REQUEST_TIMEOUT_S):
        self.send(request)
        return self.receive(timeout)

    def _stderr_tail(self, chars=600):
        self.stderr.seek(0, os.SEEK_END)
        size = self.stderr.tell()
        self.stderr.seek(max(0, size - chars))
        tail = " ".join(filter_stderr(self.stderr.read().decode(errors="replace")).split())
        return f"; its stderr ends: {tail}" if tail else ""

    def close(self, timeout=10):
        """Ask the worker to quit; kill it if it does not within ``timeout`` seconds."""
        if self.process.poll() is None:
            try:
                self.send({"cmd": "quit"})
                self.process.stdin.close()
                self.process.wait(timeout)
            except (WorkerError, OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self.stderr.close()


class LocalWorker:
    """An engine's :class:`~tensorslow_parity.bench.worker.Worker` in this process, with
    :class:`EngineWorker`'s interface: ``send`` answers at once, ``receive`` hands the answers back in order.
    ``cls`` replaces the engine's model class (tests)."""

    def __init__(self, engine, threads, cls=None):
        from tensorslow_parity.bench.engines import versions
        from tensorslow_parity.bench.worker import Worker
        self.engine, self.threads, self._answers = engine, threads, []
        self.extra_env, self.blas_note = {}, ""  # nothing to set: this process's BLAS is loaded already
        try:
            self.worker = Worker(engine, cls)
            self.hello = {"ok": True, "threads": "this process's", "versions": versions(engine)}
        except Exception as e:  # noqa: BLE001 (reported as the engine's error, as a worker process would)
            from tensorslow_parity.bench.timing import error_message
            self.worker, self.hello = None, {"ok": False, "error": error_message(e)}

    def ready(self, timeout=None):
        return self.hello

    def send(self, request):
        if request.get("cmd") != "quit":
            self._answers.append(self.worker.answer(request))

    def receive(self, timeout=None):
        if not self._answers:
            raise WorkerError(f"{self.engine}: no request to answer")
        return self._answers.pop(0)

    def request(self, request, timeout=None):
        self.send(request)
        return self.receive()

    def close(self, timeout=None):
        if self.worker is not None:
            self.worker.close()


def _hello(worker):
    try:
        return worker.ready()
    except WorkerError as e:
        return {"ok": False, "error": str(e)}


def start_workers(engines, threads, local=None, blas=None):
    """{engine: EngineWorker}, all started at once (their imports overlap), each waited for; and {engine: why
    it failed to start} for those whose first line was an error (their processes are closed). With ``local``
    ({engine: model class or None}), those engines get a :class:`LocalWorker` in this process instead.

    ``blas`` (a :class:`~tensorslow_parity.bench.blas.BlasCore`) gives the NumPy-based engines'
    workers its ``OPENBLAS_CORETYPE``; a worker whose OpenBLAS then reports another core did not take it:
    it is restarted without it, and its ``blas_note`` says so."""
    local = local or {}
    workers = {engine: LocalWorker(engine, threads, local[engine]) if engine in local else
               EngineWorker(engine, threads, blas.environment(engine) if blas else None) for engine in engines}
    failed = {}
    for engine, worker in list(workers.items()):
        hello = _hello(worker)
        if hello.get("ok") and worker.extra_env and not took(hello.get("blas", {})):
            asked = worker.extra_env.get(VARIABLE)
            worker.close()
            workers[engine] = worker = EngineWorker(engine, threads)
            worker.blas_note = (f"{VARIABLE}={asked} did not take (OpenBLAS reported "
                                f"{hello.get('blas', {}).get('architecture') or 'no core'}): OpenBLAS's choice kept")
            hello = _hello(worker)
        if not hello.get("ok"):
            failed[engine] = hello.get("error", "no reason given")
            workers.pop(engine).close()
    return workers, failed
