"""One point of the sweeps: every framework's model built in its engine's worker, timed round-robin.

The workers (:mod:`tensorslow_parity.bench.workers`, one process per engine,
threads pinned alike) live for the whole run; at each point the parent sends
every engine the point's problem file, gets each model's first-step loss and
block sizes, then runs the rounds: one block of every (framework, device,
phase) in turn, the order rotating from round to round. A unit whose spread
(upper over lower quartile of its rounds) exceeds the threshold gets more
rounds, all units interleaved as before, up to ``retries`` times; one still
over it is marked ``noisy``. Afterwards the models are dropped.
"""
import itertools
from dataclasses import asdict, dataclass, field

import numpy as np

from tensorslow_parity.bench.timing import BLOCK_LIMIT, Spread, rotated
from tensorslow_parity.bench.workers import WorkerError


@dataclass
class Outcome:
    """One (framework, device, phase) at one point: per-call times of the rounds, or why there are none."""

    status: str = "ok"  # ok, skipped or error
    reason: str = ""
    times: list = field(default_factory=list)
    noisy: bool = False


def built_as(framework):
    """The engine whose model ``framework`` times (keras_fit fits the keras model)."""
    return "keras" if framework == "keras_fit" else framework


def write_problem(point, path):
    """The point's weights, batch, labels and keras_fit epoch (float64) into ``path`` (npz), for the workers."""
    weights, x, y, x_epoch, y_epoch = point.problem()
    np.savez(path, x=x, y=y, x_epoch=x_epoch, y_epoch=y_epoch, **{f"w{j}": w for j, w in enumerate(weights)})
    return str(path)


def _plan(point, config, found, phases, skip_reason):
    """(outcomes of the skipped, {(engine, device): [(framework, phase), ...]} to build and time)."""
    outcomes, builds = {}, {}
    for device, framework in itertools.product(config.devices, config.frameworks):
        reason = skip_reason(framework, device, found)
        if reason is not None:
            outcomes.update({(framework, device, p): Outcome("skipped", reason) for p in phases[framework]})
            continue
        timed = [p for p in phases[framework] if not (framework == "keras_fit" and p == "train")]
        builds.setdefault((built_as(framework), device), []).extend((framework, p) for p in timed)
    return outcomes, builds


def _fail(outcomes, units, reason):
    for framework, device, phase in units:
        outcomes[framework, device, phase] = Outcome("error", reason)


def _build(point, dtype, config, pool, problem, builds, outcomes):
    """Send every build (the workers build at once), record each reply: {(engine, device): {phase: calls}}."""
    key = f"{point.shape}/{point.batch_size}/{dtype}"
    sent = []
    for (engine, device), units in builds.items():
        worker = pool.get(engine)
        if isinstance(worker, str):  # the engine failed to start: the reason
            _fail(outcomes, [(f, device, p) for f, p in units], worker)
            continue
        phases = list(dict.fromkeys(p for _, p in units))
        worker.send({"cmd": "build", "case": f"{key}/{device}", "point": asdict(point), "dtype": dtype,
                     "problem": problem, "warmup": config.warmup, "block_time": config.block_time,
                     "device": device, "phases": phases})
        sent.append((engine, device))
    calls = {}
    for engine, device in sent:
        units = [(f, device, p) for f, p in builds[engine, device]]
        try:
            reply = pool[engine].receive()
        except WorkerError as e:
            pool[engine] = str(e)
            _fail(outcomes, units, str(e))
            continue
        if not reply["ok"]:
            _fail(outcomes, units, reply["error"])
            continue
        calls[engine, device] = reply["calls"]
        for unit in units:
            why = reply.get("errors", {}).get(unit[2])
            outcomes[unit] = Outcome("error", why) if why else Outcome()
    return f"{key}/", calls


def _rounds(units, rounds, offset, pool, case, calls, config, outcomes):
    for r in range(rounds):
        for framework, device, phase in rotated(units, offset + r):
            o, engine = outcomes[framework, device, phase], built_as(framework)
            if o.status != "ok" or isinstance(pool.get(engine), str):
                continue
            try:
                reply = pool[engine].request({"cmd": "time", "case": case + device, "phase": phase,
                                              "calls": calls[engine, device][phase],
                                              "limit": BLOCK_LIMIT * config.block_time})
            except WorkerError as e:
                pool[engine] = str(e)
                _fail(outcomes, [u for u in units if built_as(u[0]) == engine], str(e))
                continue
            if reply["ok"]:
                o.times.append(reply["seconds"])
            else:
                outcomes[framework, device, phase] = Outcome("error", reply["error"])


def time_point(point, dtype, config, found, pool, problem, phases, skip_reason):
    """Time every framework of ``config`` on every device at ``point`` in ``dtype`` in the workers of ``pool``
    ({engine: worker, or the reason it failed}); ``problem`` is the point's :func:`write_problem` file.

    Returns {(framework, device, phase): Outcome} for every phase of ``phases``
    (keras_fit's ``train`` is derived by the caller from its ``epoch``).
    """
    outcomes, builds = _plan(point, config, found, phases, skip_reason)
    case, calls = _build(point, dtype, config, pool, problem, builds, outcomes)
    units = [(f, d, p) for (e, d), us in builds.items() for f, p in us if outcomes[f, d, p].status == "ok"]
    try:
        _rounds(units, config.repeats, 0, pool, case, calls, config, outcomes)
        for attempt in range(1, config.retries + 1):
            if not any(_noisy(outcomes[u], config) for u in units):
                break
            _rounds(units, config.repeats, attempt * config.repeats, pool, case, calls, config, outcomes)
    finally:
        for engine, device in calls:
            if not isinstance(pool.get(engine), str):
                try:
                    pool[engine].request({"cmd": "drop", "case": case + device})
                except WorkerError as e:
                    pool[engine] = str(e)
    for unit in units:
        o = outcomes[unit]
        if o.status == "ok" and not o.times:
            outcomes[unit] = Outcome("error", "no block was timed")
        o.noisy = _noisy(o, config)
    return outcomes


def _noisy(outcome, config):
    return outcome.status == "ok" and bool(outcome.times) and Spread.of(outcome.times).noisy(config.noise_threshold)
