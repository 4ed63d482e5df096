"""``tf.summary.FileWriter``: event files that TensorBoard reads.

An event file (``events.out.tfevents.<seconds>.<hostname>``, TF1's name) is a sequence of TFRecords, each
one serialized ``Event`` protocol buffer: first ``file_version: "brain.Event:2"``, then whatever the
program adds (a ``Summary`` with its step and wall time, the graph as a ``GraphDef``, a ``SessionLog``).
A TFRecord frames the bytes as ``length (uint64) | masked crc32c(length) | data | masked crc32c(data)`` so
a reader detects a torn or corrupt record; the ``tensorboard`` package's ``RecordWriter`` does the framing.

Writes are buffered and reach the file on ``flush()`` or ``close()`` (TF writes from a queue in the
background and flushes every ``flush_secs``; a program that closes its writer sees the same file).
"""
from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any

from tensorslow.graph import Graph, get_default_graph
from tensorslow.summary.protos import INSTALL_HINT, MissingExtraError, proto


def _record_writer_class() -> Any:
    try:
        from tensorboard.summary.writer.record_writer import RecordWriter
    except ImportError as error:
        raise MissingExtraError(None, f"{INSTALL_HINT} ({error})") from error
    return RecordWriter


class FileWriter:
    """Writes ``Summary`` protos, the graph and session logs to an event file in ``logdir`` for TensorBoard.

    ``FileWriter(logdir, graph)`` creates ``logdir`` if needed, opens a new event file and, given a graph,
    writes it at once (TensorBoard's Graphs tab). ``add_summary(sess.run(merged), step)`` adds a step.
    Needs the ``tensorboard`` package (``pip install tensorslow-parity[summary]``).
    """

    def __init__(self, logdir: str, graph: Graph | None = None, max_queue: int = 10, flush_secs: float = 120,
                 graph_def: Any = None, filename_suffix: str | None = None, session: Any = None) -> None:
        self._event_pb2 = proto("event_pb2")  # ImportError naming the extra, before any file is made
        self._record_writer_class = _record_writer_class()
        self._logdir = str(logdir)
        self._suffix = filename_suffix or ""
        self._lock = threading.Lock()
        self._seen_summary_tags: set[str] = set()
        self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _open(self) -> None:
        os.makedirs(self._logdir, exist_ok=True)
        base = os.path.join(self._logdir, f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}")
        path, n = base + self._suffix, 0
        while os.path.exists(path):  # a second writer in the same second: keep both files
            n += 1
            path = f"{base}.{os.getpid()}.{n}{self._suffix}"
        self._path = path
        self._records = self._record_writer_class(open(path, "wb"))  # closed by close()
        self._closed = False
        self.add_event(self._event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2"))
        self.flush()

    # -- what a program adds ---------------------------------------------------------------------------
    def add_summary(self, summary: Any, global_step: int | None = None) -> None:
        """Add a ``Summary`` (a proto, or the ``bytes`` a summary op returns) at step ``global_step``.

        As TF does, a value's plugin metadata is kept only the first time its tag is written."""
        summary_pb2 = proto("summary_pb2")
        if isinstance(summary, bytes):
            summary = summary_pb2.Summary.FromString(summary)
        elif not isinstance(summary, summary_pb2.Summary):
            raise TypeError(f"add_summary: expected a Summary proto or the bytes a summary op returns, "
                            f"got {type(summary).__name__}")
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
            else:
                self._seen_summary_tags.add(value.tag)
        self._add_event(self._event_pb2.Event(summary=summary), global_step)

    def add_graph(self, graph: Graph | None, global_step: int | None = None, graph_def: Any = None) -> None:
        """Add ``graph`` (a TensorSlow Graph; or ``graph_def``, a GraphDef proto) for TensorBoard's graph view."""
        from tensorslow.graph_def import as_graph_def
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        if graph is not None:
            if not isinstance(graph, Graph):
                raise TypeError(f"add_graph: expected a tf.Graph, got {type(graph).__name__}")
            graph_def = as_graph_def(graph)
        elif graph_def is None:
            raise ValueError("add_graph: pass a graph (or a graph_def)")
        self._add_event(self._event_pb2.Event(graph_def=graph_def.SerializeToString()), global_step)

    def add_session_log(self, session_log: Any, global_step: int | None = None) -> None:
        """Add a ``SessionLog`` (``tf.SessionLog(status=tf.SessionLog.START)``: TensorBoard restarts a run there)."""
        self._add_event(self._event_pb2.Event(session_log=session_log), global_step)

    def add_run_metadata(self, run_metadata: Any, tag: str, global_step: int | None = None) -> None:
        """Add a step's ``RunMetadata`` under ``tag`` (TensorSlow records none: an empty one)."""
        serialized = run_metadata.SerializeToString() if hasattr(run_metadata, "SerializeToString") else b""
        tagged = self._event_pb2.TaggedRunMetadata(tag=tag, run_metadata=serialized)
        self._add_event(self._event_pb2.Event(tagged_run_metadata=tagged), global_step)

    def add_event(self, event: Any) -> None:
        """Write an ``Event`` proto as it is (dropped after ``close()``, as TF drops it)."""
        if not isinstance(event, self._event_pb2.Event):
            raise TypeError(f"add_event: expected an Event proto, got {type(event).__name__}")
        with self._lock:
            if not self._closed:
                self._records.write(event.SerializeToString())

    def _add_event(self, event: Any, step: int | None) -> None:
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    # -- the file --------------------------------------------------------------------------------------
    def get_logdir(self) -> str:
        return self._logdir

    def flush(self) -> None:
        """Write what was added so far to disk (TensorBoard sees it from then on)."""
        with self._lock:
            if not self._closed:
                self._records.flush()

    def close(self) -> None:
        """Flush and close the event file; later adds are dropped until ``reopen()``."""
        with self._lock:
            if not self._closed:
                self._records.flush()
                self._records.close()
                self._closed = True

    def reopen(self) -> None:
        """After ``close()``, continue in a new event file in the same ``logdir``."""
        if self._closed:
            self._open()

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<tensorslow.summary.FileWriter {self._path!r}{' (closed)' if self._closed else ''}>"


class FileWriterCache:
    """One shared ``FileWriter`` per logdir (``FileWriterCache.get(logdir)``), with the default graph."""

    _cache: dict[str, FileWriter] = {}
    _lock = threading.Lock()

    @staticmethod
    def get(logdir: str) -> FileWriter:
        with FileWriterCache._lock:
            if logdir not in FileWriterCache._cache:
                FileWriterCache._cache[logdir] = FileWriter(logdir, graph=get_default_graph())
            return FileWriterCache._cache[logdir]

    @staticmethod
    def clear() -> None:
        """Close and forget every cached writer."""
        with FileWriterCache._lock:
            for writer in FileWriterCache._cache.values():
                writer.close()
            FileWriterCache._cache = {}
