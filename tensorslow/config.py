"""``tf.ConfigProto``, ``tf.GPUOptions``, ``tf.RunOptions``, ``tf.RunMetadata``...: accepted, with no effect.

In TensorFlow these are protocol buffers that tune a session: threads, GPU memory, tracing. TensorSlow
runs NumPy on one CPU and has nothing to tune, but TF1 programs build them and pass them to
``tf.Session(config=...)`` and ``sess.run(..., options=..., run_metadata=...)``. So they exist as plain
objects with the same fields and defaults (nested messages are created on first use, so
``config.gpu_options.allow_growth = True`` works), and an unknown field is an error, as in TF.
"""
from __future__ import annotations

from typing import Any, ClassVar


class _Message:
    """A record with fixed fields and defaults; ``Message(field=value)``, ``message.field = value``."""

    FIELDS: ClassVar[dict[str, Any]] = {}  # field -> default (a _Message subclass: a fresh one per object)

    def __init__(self, **kwargs: Any) -> None:
        for name, default in self.FIELDS.items():
            value = kwargs.pop(name) if name in kwargs else default
            object.__setattr__(self, name, _fresh(value))
        if kwargs:
            raise ValueError(f'Protocol message {type(self).__name__} has no "{next(iter(kwargs))}" field.')

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.FIELDS:
            raise AttributeError(f'Assignment not allowed (no field "{name}" in protocol message object).')
        object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)

    def __repr__(self) -> str:
        changed = {k: v for k, v in vars(self).items() if v != _fresh(self.FIELDS[k])}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    def CopyFrom(self, other: _Message) -> None:  # noqa: N802  (the protobuf method)
        for name in self.FIELDS:
            object.__setattr__(self, name, getattr(other, name))

    def SerializeToString(self) -> bytes:  # noqa: N802  (the protobuf method)
        return b""  # nothing TensorSlow reads back


def _fresh(value: Any) -> Any:
    if isinstance(value, type) and issubclass(value, _Message):
        return value()
    return dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value


class GPUOptions(_Message):
    FIELDS: ClassVar[dict[str, Any]] = {
        "per_process_gpu_memory_fraction": 0.0, "allow_growth": False, "allocator_type": "",
        "deferred_deletion_bytes": 0, "visible_device_list": "", "polling_active_delay_usecs": 0,
        "polling_inactive_delay_msecs": 0, "force_gpu_compatible": False, "experimental": None}


class OptimizerOptions(_Message):
    L1, L0 = 0, -1  # opt_level
    DEFAULT, OFF, ON_1, ON_2 = 0, -1, 1, 2  # global_jit_level
    FIELDS: ClassVar[dict[str, Any]] = {
        "do_common_subexpression_elimination": False, "do_constant_folding": False, "max_folded_constant_in_bytes": 0,
        "do_function_inlining": False, "opt_level": 0, "global_jit_level": 0, "cpu_global_jit": False}


class GraphOptions(_Message):
    FIELDS: ClassVar[dict[str, Any]] = {
        "enable_recv_scheduling": False, "optimizer_options": OptimizerOptions, "build_cost_model": 0,
        "build_cost_model_after": 0, "infer_shapes": False, "place_pruned_graph": False,
        "enable_bfloat16_sendrecv": False, "timeline_step": 0, "rewrite_options": None}


class ConfigProto(_Message):
    FIELDS: ClassVar[dict[str, Any]] = {
        "device_count": {}, "intra_op_parallelism_threads": 0, "inter_op_parallelism_threads": 0,
        "use_per_session_threads": False, "session_inter_op_thread_pool": [], "placement_period": 0,
        "device_filters": [], "gpu_options": GPUOptions, "allow_soft_placement": False,
        "log_device_placement": False, "graph_options": GraphOptions, "operation_timeout_in_ms": 0,
        "rpc_options": None, "cluster_def": None, "isolate_session_state": False,
        "share_cluster_devices_in_session": False, "experimental": None}


class RunOptions(_Message):
    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3  # trace_level
    FIELDS: ClassVar[dict[str, Any]] = {
        "trace_level": 0, "timeout_in_ms": 0, "inter_op_thread_pool": 0, "output_partition_graphs": False,
        "debug_options": None, "report_tensor_allocations_upon_oom": False, "experimental": None}


class RunMetadata(_Message):
    """What TF fills in during a traced run; TensorSlow records nothing, so it stays empty."""

    FIELDS: ClassVar[dict[str, Any]] = {"step_stats": None, "cost_graph": None, "partition_graphs": [],
                                        "function_graphs": []}
