"""A portable reference: ``run --save-reference DIR`` keeps the reference's results; ``run --reference DIR``
reuses them.

The reference (tf1, CPU, float64) needs TensorFlow; a machine with a GPU and
no TensorFlow can still check every other framework against it when it is
given the reference's results instead of recomputing them. A bundle holds, per
model:

* ``<model>.problem.npz``: the problem every framework runs, as the worker loads it: data, initial
  weights (or the same-seed draws) and batch order (:meth:`tensorslow_parity.models.problem.Problem.to_arrays`);
* ``<model>.reference.npz``: the reference's outputs for each optimizer (initial weights, forward
  output, loss and gradients at the start, the loss trajectory, final weights, accuracies; see
  :mod:`tensorslow_parity.run.worker`), under keys ``<optimizer>__<draw>__<output>``;

and ``reference.json``, the manifest: format and version, the reference cell,
the init mode, the versions that computed it, and per model its spec, the
spec's SHA-256 (:func:`spec_hash`), the number of steps, each file's SHA-256
and the reference cells that failed (with why).

A bundle that cannot be used at all (missing, not a bundle, another format,
another init mode) is a :class:`ReferenceBundleError` before anything runs. A
model the bundle lacks, whose spec or steps differ, or whose file is missing or
corrupt gets ``error`` rows naming why; the other models run as usual.
"""
import hashlib
import io
import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np

from tensorslow_parity.files import ResultsFileError, atomic_write_bytes, atomic_write_json, sha256_of
from tensorslow_parity.models import zoo
from tensorslow_parity.schema import REFERENCE

FORMAT = "tensorslow-parity-reference"
VERSION = 1
MANIFEST = "reference.json"
#: the draw label of a reference cell that draws in its own dtype (float64)
OWN = "own"


class ReferenceBundleError(ResultsFileError):
    """A reference bundle that cannot be written or read at all (the message says which and why)."""


def spec_hash(spec):
    """SHA-256 of the model spec as JSON with sorted keys: a bundle is only for the model it was made from."""
    return hashlib.sha256(json.dumps(zoo.spec_to_dict(spec), sort_keys=True).encode("utf-8")).hexdigest()


def _key(cell):
    return f"{cell.optimizer}__{cell.draw or OWN}__"


def check_target(directory):
    """Check before the run that a bundle can be written to ``directory``: absent, empty or an older bundle."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ReferenceBundleError(f"{directory}: cannot save the reference there: it is a file")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MANIFEST).is_file():
        raise ReferenceBundleError(f"{directory}: cannot save the reference there: the directory holds other files "
                                   f"and no {MANIFEST} (not a reference bundle); choose an empty or new directory")
    parent = directory.resolve().parent
    if not os.access(parent if parent.exists() else Path.cwd(), os.W_OK):
        raise ReferenceBundleError(f"{directory}: cannot save the reference there: {parent} is not writable")


def save(directory, problems, reference_outcomes, init, versions, created):
    """Write the bundle to ``directory`` as one piece (staged beside it, then renamed into place).

    ``problems`` is {model: path of its problem npz}, ``reference_outcomes`` {reference cell: Outcome}.
    Returns the manifest.
    """
    directory = Path(directory)
    check_target(directory)
    staging = directory.parent / f".{directory.name}.staging-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        models = {}
        for model, problem_path in problems.items():
            spec = zoo.get(model)
            outputs, failed = {}, {}
            for cell, outcome in reference_outcomes.items():
                if cell.model != model:
                    continue
                if outcome.error:
                    failed[_key(cell).rstrip("_")] = outcome.error
                else:
                    outputs.update({_key(cell) + k: v for k, v in outcome.outputs.items()})
            shutil.copyfile(problem_path, staging / f"{model}.problem.npz")
            buf = io.BytesIO()
            np.savez(buf, **outputs)
            atomic_write_bytes(staging / f"{model}.reference.npz", buf.getvalue())
            with np.load(problem_path) as f:
                steps = int(f["batches"].shape[0])
            models[model] = {
                "spec": zoo.spec_to_dict(spec), "spec_hash": spec_hash(spec), "steps": steps,
                "problem": {"file": f"{model}.problem.npz", "sha256": sha256_of(staging / f"{model}.problem.npz")},
                "outputs": {"file": f"{model}.reference.npz",
                            "sha256": sha256_of(staging / f"{model}.reference.npz")},
                "failed": failed}
        manifest = {"format": FORMAT, "version": VERSION, "reference": REFERENCE, "init": init,
                    "created": created, "versions": versions, "models": models}
        atomic_write_json(staging / MANIFEST, manifest)
        old = None
        if directory.exists():
            old = directory.parent / f".{directory.name}.old-{uuid.uuid4().hex}"
            os.replace(directory, old)
        os.replace(staging, directory)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


class Bundle:
    """A reference bundle opened for reading; see the module docstring."""

    def __init__(self, directory, init):
        self.directory = Path(directory)
        path = self.directory / MANIFEST
        if not self.directory.is_dir():
            raise ReferenceBundleError(f"{self.directory}: no reference bundle there (no such directory); make one "
                                       "with run --save-reference")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ReferenceBundleError(f"{path}: missing: {self.directory} is not a reference bundle") from None
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise ReferenceBundleError(f"{path}: unreadable, not a reference manifest ({e})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ReferenceBundleError(f"{path}: not a reference manifest (format is not {FORMAT!r})")
        if manifest.get("version") != VERSION:
            raise ReferenceBundleError(f"{path}: bundle format version {manifest.get('version')!r}; this "
                                       f"tensorslow-parity reads version {VERSION}; save the reference again")
        if manifest.get("reference") != REFERENCE:
            raise ReferenceBundleError(f"{path}: its reference is {manifest.get('reference')}, not {REFERENCE}")
        if manifest.get("init") != init:
            raise ReferenceBundleError(f"{path}: saved with --init {manifest.get('init')}, this run uses --init {init}")
        if not isinstance(manifest.get("models"), dict):
            raise ReferenceBundleError(f"{path}: no list of models")
        self.manifest = manifest
        self._outputs = {}

    def _file(self, model, which):
        entry = self.manifest["models"][model].get(which) or {}
        path = self.directory / str(entry.get("file", f"{model}.{which}.npz"))
        if not path.is_file():
            raise ValueError(f"the reference bundle's {path.name} is missing")
        if sha256_of(path) != entry.get("sha256"):
            raise ValueError(f"the reference bundle's {path.name} is corrupt or changed (its SHA-256 is not the "
                             f"manifest's)")
        return path

    def problem(self, model, steps=None):
        """The path of ``model``'s saved problem; ValueError (the rows' reason) when the bundle cannot serve it."""
        entry = self.manifest["models"].get(model)
        if not isinstance(entry, dict):
            raise ValueError(f"the reference bundle {self.directory} has no results for model {model!r} (it has: "
                             f"{', '.join(self.manifest['models']) or 'none'})")
        if entry.get("spec_hash") != spec_hash(zoo.get(model)):
            raise ValueError(f"the reference bundle's {model!r} is another model: its spec hash differs from this "
                             f"zoo's (saved spec: {json.dumps(entry.get('spec'), sort_keys=True)[:300]})")
        if steps is not None and steps != entry.get("steps"):
            raise ValueError(f"the reference bundle ran {model!r} for {entry.get('steps')} steps; this run asks for "
                             f"{steps} (--steps)")
        return self._file(model, "problem")

    def outcome(self, cell, outcome_class):
        """The saved reference outcome of reference cell ``cell``, as an ``outcome_class``; its error when the
        bundle has none (the reference failed when saved, or the file cannot be read)."""
        model, key = cell.model, _key(cell)
        failed = self.manifest["models"].get(model, {}).get("failed", {})
        if key.rstrip("_") in failed:
            return outcome_class(error=f"(saved reference) {failed[key.rstrip('_')]}")
        try:
            if model not in self._outputs:
                with np.load(self._file(model, "outputs"), allow_pickle=False) as f:
                    self._outputs[model] = {k: np.asarray(f[k]) for k in f.files}
        except Exception as e:  # noqa: BLE001  a bad file is the model's rows' error
            return outcome_class(error=f"the reference bundle cannot be read: {type(e).__name__}: {e}")
        outputs = {k[len(key):]: v for k, v in self._outputs[model].items() if k.startswith(key)}
        if not outputs:
            return outcome_class(error=f"the reference bundle has no reference for {cell.id} (it was saved from "
                                       f"a run without optimizer {cell.optimizer!r})")
        return outcome_class(outputs=outputs)
