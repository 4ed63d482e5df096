"""The run matrix: model x optimizer x framework x device x dtype, compared with the tf1 CPU float64 reference.

The parent process prepares each model's problem once (data, initial weights,
batch order: :func:`tensorslow_parity.models.problem.make_problem`) and saves
it; every cell loads the same arrays. In same-seed mode (``init="same-seed"``)
the problem carries the model's seed: TensorSlow and tf1 draw their own
weights from it, the other frameworks load TensorSlow's draw, and every row's
starting weights are checked against that draw bit for bit (the
``initial_weights`` check) before anything is compared with the reference. Cells run in framework subprocesses
(:mod:`tensorslow_parity.run.subprocesses`), ``jobs`` of them at once
(:mod:`tensorslow_parity.run.jobs`). The reference cells (tf1, CPU, float64)
always run, reported or not, unless a saved reference is given
(:mod:`tensorslow_parity.run.reference`): then its results stand in for them.
Devices that are absent, devices a framework cannot use or its library does not
see, and frameworks that are not installed, are ``skipped`` with the reason.

Outputs (see :mod:`tensorslow_parity.schema`): results.csv, gradients.csv,
trajectories.csv and environment.json, written as one set once every cell has
run (:func:`write_results`), under a lock on the directory held for the whole
run, so a second run into the same directory fails at once.
"""
import datetime
import os
import sys
import time

import numpy as np

from tensorslow_parity import devices as device_probe
from tensorslow_parity import frameworks, schema
from tensorslow_parity.cli import DEFAULT_OUT
from tensorslow_parity.files import DirectoryLock, csv_text, prepare_out_dir, write_set
from tensorslow_parity.frameworks import keras_backends
from tensorslow_parity.initializers import INIT_MODES, INJECTED, SAME_SEED
from tensorslow_parity.models import zoo
from tensorslow_parity.models.problem import make_problem, same_seed_problem
from tensorslow_parity.run import checks
from tensorslow_parity.run import reference as saved_reference
from tensorslow_parity.run.jobs import run_cells
from tensorslow_parity.run.scratch import scratch_dir
from tensorslow_parity.run.subprocesses import CELL_TIMEOUT_S, STARTUP_TIMEOUT_S, WORKER, Cell, Outcome
from tensorslow_parity.run.worker import load_problem
from tensorslow_parity.tolerances import model_check_tolerances


def plan(models, optimizers, framework_names, device_names, dtypes, found, init=INJECTED, reference=False):
    """Split the matrix into cells to run and skipped rows; add the reference cells.

    Returns ``(to_run, skipped, reported)``: cells to run (reference cells
    included, unless ``reference`` says they come from a saved bundle), {cell:
    reason} for skipped ones, and the cells that appear in results.csv, in
    matrix order. A cell is skipped when its device is absent, when its
    framework cannot use that device, when its framework's library does not see
    the device (``found[device]["backends"]``) or when its framework is not installed.
    """
    reported, skipped = [], {}
    missing = {f: frameworks.missing_requirement(f) for f in framework_names}
    for m in models:
        for o in optimizers:
            for f in framework_names:
                for d in device_names:
                    for t in dtypes:
                        cell = Cell(m, o, f, d, t, init=init)
                        reported.append(cell)
                        why = _why_skipped(f, d, found, missing[f])
                        if why:
                            skipped[cell] = why
    to_run = [c for c in reported if c not in skipped]
    if not reference:
        references = [c.reference() for c in to_run]
        to_run += [r for r in dict.fromkeys(references) if r not in to_run]
    return to_run, skipped, reported


def _why_skipped(framework, device, found, missing):
    """Why ``framework`` cannot run on ``device`` here, or None."""
    entry = found.get(device, {})
    if not entry.get("available"):
        return entry.get("reason", f"device {device} not probed")
    if device in frameworks.UNSUPPORTED_DEVICES.get(framework, {}):
        return frameworks.UNSUPPORTED_DEVICES[framework][device]
    if missing:
        return missing
    backend = frameworks.DEVICE_BACKENDS.get(framework)
    seen = entry.get("backends", {}).get(backend)
    if device != "cpu" and seen is not None and not seen.get("available"):
        return f"{framework} computes with {backend}, which cannot use the {device.upper()}: {seen.get('reason')}"
    return None


def build_rows(reported, skipped, outcomes, problems_meta):
    """results.csv, gradients.csv and trajectories.csv rows for the reported cells."""
    results, gradients, trajectories = [], [], []
    for cell in reported:
        meta = problems_meta[cell.model]
        tol, note = row_tolerances(cell)
        row = dict(cell.key, init=init_label(cell), steps=meta["steps"], batch_size=meta["batch_size"],
                   n_params=meta["n_params"], note=note, reason="")
        if cell in skipped:
            results.append(dict(row, status="skipped", reason=skipped[cell]))
            continue
        if meta.get("error"):
            results.append(dict(row, status="error", reason=meta["error"]))
            continue
        outcome, ref = outcomes[cell.id], outcomes[cell.reference().id]
        if outcome.error:
            results.append(dict(row, status="error", reason=outcome.error))
            continue
        if ref.error:
            results.append(dict(row, status="error",
                                reason=f"the reference (tf1, cpu, float64) failed, nothing to compare with: "
                                       f"{ref.error}"))
            continue
        draws = meta.get("draws")  # same-seed: {dtype: TensorSlow's draw}, what every row must start from
        try:
            drift = _reference_drift(cell, ref, draws)
            if drift:
                results.append(dict(row, status="error", reason=drift))
                continue
            figures, grad_rows = checks.compare(outcome.outputs, ref.outputs, meta["variables"],
                                                dict(tol, initial_weights=0.0) if draws else tol,
                                                draws[cell.dtype] if draws else None)
        except Exception as e:  # noqa: BLE001  a worker's odd outputs are this row's error, not the run's
            results.append(dict(row, status="error", reason=f"outputs not comparable with the reference: {e}"))
            continue
        failed = checks.failed_checks(figures)
        reason = "; ".join(f"{c}: {figures[c + '_err']:.3g} > tolerance {figures[c + '_tol']:g}" for c in failed)
        results.append(dict(row, **figures, status="failed" if failed else "passed", reason=reason))
        gradients += [dict(cell.key, **g) for g in grad_rows]
        ref_losses = ref.outputs["losses"]
        trajectories += [dict(cell.key, step=i, loss=float(a), loss_ref=float(b), abs_diff=float(abs(a - b)))
                         for i, (a, b) in enumerate(zip(outcome.outputs["losses"], ref_losses))]
    return results, gradients, trajectories


def row_tolerances(cell):
    """The tolerances of ``cell``'s checks and the notes of the documented differences that set them: those of
    :mod:`tensorslow_parity.tolerances` (Keras on JAX/PyTorch shares Keras's), then the Keras backends' own."""
    tol, note = model_check_tolerances(frameworks.TOLERANCES_AS.get(cell.framework, cell.framework), cell.optimizer,
                                       cell.dtype, cell.model)
    backend_tol, backend_note = keras_backends.known_differences(cell.framework, zoo.get(cell.model), cell.dtype)
    return dict(tol, **backend_tol), " ".join(n for n in (note, backend_note) if n)


def _reference_drift(cell, ref, draws):
    """Same-seed mode: why ``cell``'s reference cannot be compared with, when it did not start from TensorSlow's
    draw (its own row, if reported, fails ``initial_weights`` instead); None when it did, or when injected."""
    reference = cell.reference()
    if not draws or cell == reference:
        return None
    drift = checks.start_error(ref.outputs, draws[reference.draw or reference.dtype])
    if drift == 0:
        return None
    return (f"the reference ({reference.id}) did not start from the same-seed draw (initial weights off by "
            f"{drift:.3g}): nothing to compare with")


def init_label(cell):
    """The ``init`` column of ``cell``'s row (:data:`tensorslow_parity.schema.INIT_VALUES`)."""
    if cell.init != SAME_SEED:
        return INJECTED
    return SAME_SEED if cell.framework in frameworks.DRAWS_SAME_SEED else "same-seed draw, injected"


def run_matrix(models, optimizers, framework_names, device_names, dtypes, steps=None, out=DEFAULT_OUT,
               cell_timeout=CELL_TIMEOUT_S, progress=True, found=None, command=None,
               startup_timeout=STARTUP_TIMEOUT_S, worker=WORKER, init=INJECTED, jobs=1, reference=None,
               save_reference=None):
    """Run the matrix and write the results directory ``out``; return the results rows.

    ``init`` is how the cells get their initial weights: ``"injected"`` (drawn
    once with NumPy, loaded everywhere) or ``"same-seed"`` (see the module
    docstring). ``jobs`` worker processes run at once (:mod:`.jobs`).
    ``reference``, a directory, is a saved reference bundle to compare with
    instead of running the reference cells; ``save_reference`` a directory to
    save this run's reference results in (:mod:`.reference`). ``out`` is checked
    and locked before anything runs (:class:`ResultsFileError` when it cannot be
    written or another run holds it; :class:`.reference.ReferenceBundleError`
    for a bundle that cannot be read or written); the results are written as
    one set at the end (:func:`write_results`), never before.
    """
    if init not in INIT_MODES:
        raise ValueError(f"unknown init mode {init!r}; known: {', '.join(INIT_MODES)}")
    for what, items in (("model", models), ("optimizer", optimizers), ("framework", framework_names),
                        ("device", device_names), ("dtype", dtypes)):
        if not items:
            raise ValueError(f"no {what} selected: nothing to run")
    if reference is not None and save_reference is not None:
        raise ValueError("--reference and --save-reference together: a run either reuses a saved reference or "
                         "computes and saves one")
    started, t0 = datetime.datetime.now(datetime.UTC), time.monotonic()
    out = prepare_out_dir(out)
    bundle = None if reference is None else saved_reference.Bundle(reference, init)
    # Without TensorFlow every row would be an error naming the failed reference: say what to do instead, once.
    # (A worker of the caller's own, as tests pass, brings its own frameworks.)
    if bundle is None and worker == WORKER and frameworks.missing_requirement(schema.REFERENCE["framework"]):
        raise saved_reference.ReferenceBundleError(
            f"the reference (tf1, cpu, float64) cannot run here: "
            f"{frameworks.missing_requirement(schema.REFERENCE['framework'])}; compare with a reference saved where "
            "TensorFlow is installed instead: run --save-reference DIR there, run --reference DIR here")
    if save_reference is not None:
        saved_reference.check_target(save_reference)
    with DirectoryLock(out):
        if found is None:
            found = (device_probe.detect(backends=_backends(framework_names)) if set(device_names) - {"cpu"}
                     else device_probe.cpu_only())
        to_run, skipped, reported = plan(models, optimizers, framework_names, device_names, dtypes, found, init,
                                         reference=bundle is not None)
        versions = {}
        with scratch_dir() as workdir:
            problems, meta = _save_problems(reported, steps, workdir, init, bundle)
            to_run = [c for c in to_run if c.model in problems]  # not the models that could not be drawn
            bar = _progress(len(to_run), progress)
            try:
                outcomes = run_cells(to_run, problems, workdir, jobs=jobs, cell_timeout=cell_timeout,
                                     startup_timeout=startup_timeout, worker=worker, versions=versions,
                                     on_start=lambda framework, device: bar.set_description(f"{framework} on {device}"),
                                     on_done=lambda cell, outcome: bar.update(1))
            finally:
                bar.close()
            references = {c.reference() for c in to_run}
            if bundle is not None:
                outcomes.update({r.id: bundle.outcome(r, Outcome) for r in references})
            results, gradients, trajectories = build_rows(reported, skipped, outcomes, meta)
            if save_reference is not None:
                saved_reference.save(save_reference, problems, {r: outcomes[r.id] for r in references}, init,
                                     versions, started.isoformat(timespec="seconds"))
        environment = environment_info(found, versions, started, time.monotonic() - t0, command, init)
        environment.update(jobs=jobs, reference=None if reference is None else str(reference))
        write_results(out, results, gradients, trajectories, environment)
    return results


def _backends(framework_names):
    """The libraries to ask about GPUs and TPUs: those the frameworks of this run compute with."""
    return tuple(dict.fromkeys(frameworks.DEVICE_BACKENDS[f] for f in framework_names))


def _save_problems(reported, steps, workdir, init=INJECTED, bundle=None):
    """Make and save each model's problem once (or take it from ``bundle``); return ({model: path}, {model: meta}).

    In same-seed mode ``meta`` also holds TensorSlow's ``draws``; a model whose
    weights cannot be drawn, or that the bundle cannot serve, gets an ``error``
    instead, which becomes its rows' reason.
    """
    problems, meta = {}, {}
    for name in dict.fromkeys(c.model for c in reported):
        spec = zoo.get(name)
        if bundle is not None:
            try:
                path = bundle.problem(name, steps)
                problem = load_problem(spec, path)
            except Exception as e:  # noqa: BLE001  a model the bundle cannot serve is its rows' error
                meta[name] = dict(steps=steps or spec.steps, batch_size=spec.batch_size, variables=[], n_params=0,
                                  error=f"{e}" if isinstance(e, ValueError) else f"{type(e).__name__}: {e}")
                continue
            meta[name] = _problem_meta(problem)
            problems[name] = path
            continue
        problem = make_problem(spec, steps)
        meta[name] = _problem_meta(problem)
        if init == SAME_SEED:
            try:
                problem = same_seed_problem(problem)
            except Exception as e:  # noqa: BLE001  one model that cannot be drawn is its rows' error, not the run's
                meta[name]["error"] = (f"same-seed: TensorSlow cannot draw the initial weights of {name!r} from seed "
                                       f"{problem.spec.seed}: {type(e).__name__}: {e}")
                continue
            meta[name]["draws"] = problem.draws
        problems[name] = workdir / f"{name}.npz"
        np.savez(problems[name], **problem.to_arrays())
    return problems, meta


def _problem_meta(problem):
    """What the rows of a model say about its problem (and, in same-seed mode, TensorSlow's draws)."""
    meta = dict(steps=len(problem.batches), batch_size=problem.batches.shape[1],
                variables=problem.variable_names, n_params=int(sum(w.size for w in problem.weights)))
    if problem.init == SAME_SEED:
        meta["draws"] = problem.draws
    return meta


def write_results(out, results, gradients, trajectories, environment):
    """Write the run's four files into ``out`` as one set; environment.json, written last, lists them.

    environment.json gets a fresh ``run_id`` and the SHA-256 of each file, so
    ``report`` can tell a complete set from a cut or mixed one.
    """
    import uuid
    files = {
        schema.RESULTS: csv_text(results, schema.RESULTS_COLUMNS).encode("utf-8"),
        schema.GRADIENTS: csv_text(gradients, schema.GRADIENTS_COLUMNS).encode("utf-8"),
        schema.TRAJECTORIES: csv_text(trajectories, schema.TRAJECTORIES_COLUMNS).encode("utf-8"),
    }
    manifest = dict(environment, run_id=uuid.uuid4().hex, rows={schema.RESULTS: len(results),
                                                                schema.GRADIENTS: len(gradients),
                                                                schema.TRAJECTORIES: len(trajectories)})
    return write_set(out, files, schema.ENVIRONMENT, manifest)


def environment_info(found, versions, started, duration, command, init=INJECTED):
    import platform
    env = {"created": started.isoformat(timespec="seconds"), "command": command or "", "init": init,
           "duration_s": round(duration, 1),
           "python": platform.python_version(), "numpy": np.__version__, "tensorflow": None, "keras": None,
           "jax": None, "torch": None, "platform": platform.platform(), "cpu": device_probe.cpu_name(),
           "cpu_count": os.cpu_count(),
           "devices": found}
    env.update({k: v for k, v in versions.items() if k in ("tensorflow", "keras", "jax", "torch")})
    return env


class _NoBar:
    def update(self, n):
        pass

    def set_description(self, text):
        print(text, file=sys.stderr, flush=True)

    def close(self):
        pass


def _progress(total, enabled):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm
    return tqdm(total=total, unit="cell", file=sys.stderr, dynamic_ncols=True)

