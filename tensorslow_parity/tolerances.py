"""Every tolerance the harness holds a comparison to, in one place.

* :data:`MODEL_CHECK_TOLERANCES`: ``tensorslow-parity run``'s checks of a model
  run against the reference (tf1, CPU, float64), by the dtype of the run, and
  :data:`KNOWN_DIFFERENCES`, the documented framework differences that change
  some of them for some rows (:func:`model_check_tolerances`);
* :data:`OP_TOLERANCES`: ``tensorslow-parity ops``, TensorSlow's ops against
  TensorFlow's (``numpy.allclose``'s rtol and atol), by dtype;
* :data:`PRINTED_NUMBER_TOLERANCES`: ``tensorslow-parity migrate --check``,
  the numbers a program and its translation print, by the precision the
  program computes in.

Model checks (errors are normwise, ``max|x - ref| / max|ref|``; a check passes
when ``err <= tol``):

============== ============ ============ =========================================================
check          float32      float64      where it comes from
============== ============ ============ =========================================================
forward        1e-5         1e-12        TF's migration guide (outputs rtol 1e-6, atol 1e-5);
                                         float64 TensorSlow vs TF agree to ~1e-15
loss           1e-5         1e-12        as forward
gradients      1e-4         1e-10        tinygrad's gradient tolerance 1e-4; float64 ~1e-10
trajectory     atol 1e-5    atol 1e-10   TF's migration guide: first 10 steps atol 1e-5
(first 10)
trajectory     rtol 5e-2    rtol 1e-8    TF's migration guide: later steps rtol 5e-2
(later)
weights        1e-3         1e-8         after training; float32 rounding accumulates over steps
accuracy       0.02         0            float32 may flip a borderline example; float64 may not
============== ============ ============ =========================================================

Where two frameworks' formulations cannot be made identical the row carries a
``note`` saying so, and where that changes what can be expected the affected
tolerances are set in :data:`KNOWN_DIFFERENCES` — visibly, in the row's
``<check>_tol`` and ``note`` — rather than loosened for everyone.
"""
from dataclasses import dataclass, field

MODEL_CHECK_TOLERANCES = {
    "float32": dict(forward=1e-5, loss=1e-5, gradients=1e-4, trajectory_head=1e-5, trajectory_tail=5e-2,
                    weights=1e-3, accuracy=0.02),
    "float64": dict(forward=1e-12, loss=1e-12, gradients=1e-10, trajectory_head=1e-10, trajectory_tail=1e-8,
                    weights=1e-8, accuracy=0.0),
}

#: ``tensorslow-parity ops``: a value passes when ``numpy.allclose(tensorslow, tensorflow, rtol, atol)``
OP_TOLERANCES = {"float32": dict(rtol=1e-5, atol=1e-6), "float64": dict(rtol=1e-10, atol=1e-12)}

#: ``migrate --check``: (rtol, atol) of the numbers two programs print, by the precision they compute in
PRINTED_NUMBER_TOLERANCES = {"float32": (1e-5, 1e-6), "float64": (1e-7, 1e-12)}


ALL_OPTIMIZERS, ALL_DTYPES = ("sgd", "momentum", "adam"), ("float32", "float64")


@dataclass(frozen=True)
class KnownDifference:
    """A documented difference between a framework's formulation and TF1's (for the models of some
    ``architectures`` only, when given: see :mod:`tensorslow_parity.models.architectures`)."""

    frameworks: tuple
    optimizers: tuple
    dtypes: tuple
    note: str
    tolerances: dict = field(default_factory=dict)  # check -> tolerance that replaces the default
    architectures: tuple = ()  # () : every model

    def applies(self, framework, optimizer, dtype, architecture=None):
        if self.architectures and architecture not in self.architectures:
            return False
        return framework in self.frameworks and optimizer in self.optimizers and dtype in self.dtypes


KNOWN_DIFFERENCES = (
    KnownDifference(
        ("tf2", "keras"), ("adam",), ("float64",),
        "Keras Adam computes beta1^t and beta2^t as powers in float64; tf.compat.v1's AdamOptimizer accumulates "
        "them in float32 variables (one rounding per step). 1 - beta2^t cancels early on, so the step sizes "
        "differ by up to 7e-6 relative (at step 3) and float64 losses agree to ~1e-6, not ~1e-12; trajectory and "
        "weight tolerances for this row are set to 1e-5 (first 10 steps, absolute), 1e-4 (later steps, relative) "
        "and 1e-4 (weights).",
        dict(trajectory_head=1e-5, trajectory_tail=1e-4, weights=1e-4),
    ),
    KnownDifference(
        ("tf2", "keras"), ("momentum",), ("float32", "float64"),
        "Keras SGD(momentum) keeps a velocity v = m v - lr g and steps w += v; tf.compat.v1's MomentumOptimizer "
        "keeps an accumulator a = m a + g and steps w -= lr a. Equal in exact arithmetic (v = -lr a), they "
        "differ in rounding only; default tolerances hold.",
    ),
    KnownDifference(
        ("keras",), ALL_OPTIMIZERS, ALL_DTYPES,
        "Keras's LSTM keeps a kernel and a recurrent kernel with gate columns i, f, c, o and no forget bias; TF1's "
        "LSTMCell one kernel over [x, h] with gates i, j, f, o and forget_bias 1.0 added inside the cell. The "
        "weights are converted (gate columns permuted, the +1 folded into Keras's forget-gate bias) and converted "
        "back on read, gradients alike. Keras computes x K + h R + (b_f + 1) where TF1 computes [x, h] W + b_f, "
        "then + 1: rounding only (in float32 the folded bias rounds once more, ~6e-8); default tolerances hold.",
        architectures=("lstm",),
    ),
    KnownDifference(
        ("tf2",), ALL_OPTIMIZERS, ALL_DTYPES,
        "Eager TensorFlow 2 has no TF1 LSTMCell (it lives on only in tf_keras's legacy cells): the tf2 model writes "
        "TF1's cell out with tf ops (same kernel layout, gate order i, j, f, o and forget bias 1.0) and unrolls it "
        "in its tf.function, where the reference's dynamic_rnn runs a tf.while_loop: rounding only; default "
        "tolerances hold.",
        architectures=("lstm",),
    ),
)


def model_check_tolerances(framework, optimizer, dtype, model=None):
    """The tolerance of every model check for one row, and the notes of the known differences that apply.

    ``model``, a zoo model's name (or its :class:`tensorslow_parity.models.zoo.ModelSpec`), adds the
    differences of its architecture; without it only those of every architecture apply.
    """
    tol = dict(MODEL_CHECK_TOLERANCES[dtype])
    notes = []
    architecture = _architecture(model)
    for diff in KNOWN_DIFFERENCES:
        if diff.applies(framework, optimizer, dtype, architecture):
            tol.update(diff.tolerances)
            notes.append(diff.note)
    return tol, " ".join(notes)


def _architecture(model):
    """The architecture of ``model`` (a zoo name or a spec); None when not given or not in the zoo."""
    if model is None or hasattr(model, "architecture"):
        return getattr(model, "architecture", None)
    from tensorslow_parity.models import zoo
    spec = zoo.MODELS.get(model)
    return spec.architecture if spec is not None else None
