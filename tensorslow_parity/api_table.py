"""The migration guide's API mapping table: TensorSlow -> tf.compat.v1 -> TF2 -> Keras.

``render()`` returns the Markdown of ``migration_guide/api_table.md``. Its op
rows come from :data:`tensorslow_parity.ops.catalog.CATALOG`, one per op type, so a new op
appears in the guide when it enters the catalog. The API around the ops
(graphs, sessions, variables, gradients, optimizers) is not in the catalog and
is kept here, in :data:`API_ROWS`. The file is generated, never edited:

    python -m tensorslow_parity.api_table            # write migration_guide/api_table.md
    python -m tensorslow_parity.api_table --check    # exit 1 if the file differs from render()

Symbols are dotted names: TensorSlow's relative to ``tensorslow`` (shown with
the guide's ``ts.`` prefix), the others starting at ``tf.`` or ``keras.``.
``None`` means the API has no counterpart; the notes say what to use instead.
Like the catalog, this module needs NumPy only.
"""
import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from .files import atomic_write_text
from .ops.catalog import CATALOG

TABLE_PATH = Path(__file__).resolve().parent.parent / "migration_guide" / "api_table.md"
MISSING = "—"


@dataclass(frozen=True)
class ApiRow:
    """One piece of the API that is not an op, in each framework."""

    concept: str
    tensorslow: str
    tf_v1: str
    tf2: str | None
    keras: str | None
    notes: str = ""


API_ROWS = (
    ApiRow("graph", "Graph", "tf.compat.v1.Graph", None, None,
           "TF2 builds graphs by tracing a `tf.function`, one per input signature"),
    ApiRow("default graph", "Graph.as_default", "tf.compat.v1.Graph.as_default", None, None,
           "TensorSlow also takes it as a plain statement, as the course does; TF only as `with`"),
    ApiRow("input", "placeholder", "tf.compat.v1.placeholder", "tf.TensorSpec", "keras.Input",
           "TF1 needs the dtype; TF2: a `tf.function` argument, declared in `input_signature`"),
    ApiRow("parameter", "Variable", "tf.compat.v1.Variable", "tf.Variable", "keras.Variable",
           "Keras layers create their own; load values with `model.set_weights`"),
    ApiRow("initialization", "global_variables_initializer", "tf.compat.v1.global_variables_initializer", None,
           None, "required in each TF1 session; optional in TensorSlow; TF2 variables have a value when created"),
    ApiRow("trainable variables", "trainable_variables", "tf.compat.v1.trainable_variables", None,
           "keras.Model.trainable_variables", "TF2: keep your own list"),
    ApiRow("session", "Session", "tf.compat.v1.Session", None, None,
           "TF2: call the `tf.function`; Keras: call the model"),
    ApiRow("run", "Session.run", "tf.compat.v1.Session.run", "tf.function", "keras.Model.predict",
           "`feed_dict` becomes the arguments; `predict` converts float64 arrays to float32"),
    ApiRow("name scope", "name_scope", "tf.compat.v1.name_scope", "tf.name_scope", None),
    ApiRow("random seed", "set_random_seed", "tf.compat.v1.set_random_seed", "tf.random.set_seed",
           "keras.utils.set_random_seed", "TensorSlow's streams are NumPy's: same seeds, other numbers"),
    ApiRow("gradients", "gradients", "tf.compat.v1.gradients", "tf.GradientTape", None,
           "TF2 records the forward pass on a tape; Keras differentiates inside `fit`"),
    ApiRow("custom gradient", "RegisterGradient", "tf.compat.v1.RegisterGradient", "tf.custom_gradient",
           "keras.ops.custom_gradient", "TF1 attaches it to an existing op type with `Graph.gradient_override_map`"),
    ApiRow("minimize", "train.Optimizer.minimize", "tf.compat.v1.train.Optimizer.minimize",
           "tf.keras.optimizers.Optimizer.apply_gradients", "keras.Model.fit",
           "TF2: gradients from a tape, then `apply_gradients(zip(grads, variables))`"),
    ApiRow("loss", "losses.softmax_cross_entropy", "tf.compat.v1.losses.softmax_cross_entropy",
           "tf.keras.losses.CategoricalCrossentropy", "keras.losses.CategoricalCrossentropy",
           "all average over the batch; TF1 reduces in float32; Keras wants `from_logits=True` for logits"),
    *(ApiRow(concept, f"train.{tf1}", f"tf.compat.v1.train.{tf1}", f"tf.keras.optimizers.{keras}",
             f"keras.optimizers.{keras}", notes) for concept, tf1, keras, notes in [
        ("gradient descent", "GradientDescentOptimizer", "SGD", "the same steps"),
        ("momentum", "MomentumOptimizer", "SGD",
         "`SGD(lr, momentum=m)`: velocity `v = m v - lr g` is TF1's `-lr * accum`, the same trajectory for a "
         "constant `lr`; `use_nesterov` is `nesterov`"),
        ("Adam", "AdamOptimizer", "Adam",
         "default epsilon 1e-8 in TF1, 1e-7 in Keras; TF1 rounds every hyperparameter to float32 and keeps the "
         "beta powers in float32, Keras rounds the learning rate and the betas of the powers"),
        ("RMSProp", "RMSPropOptimizer", "RMSprop",
         "`decay` is `rho`; epsilon 1e-10 in TF1, 1e-7 in Keras; TF1 starts the mean square at 1, Keras at 0"),
        ("Adagrad", "AdagradOptimizer", "Adagrad",
         "Keras adds epsilon (1e-7) under the square root; `epsilon=0` gives TF1's steps"),
    ]),
)


def _code(symbol, prefix=""):
    return MISSING if symbol is None else f"`{prefix}{symbol}`"


def _row(cells):
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def _table(header, rows):
    return "\n".join([_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows)])


def render():
    """The Markdown of ``migration_guide/api_table.md``."""
    api = _table(["", "TensorSlow", "tf.compat.v1", "TF2", "Keras", "notes"],
                 [[r.concept, _code(r.tensorslow, "ts."), _code(r.tf_v1), _code(r.tf2), _code(r.keras), r.notes]
                  for r in API_ROWS])
    ops = _table(["op type", "TensorSlow", "tf.compat.v1", "TF2", "Keras op", "Keras layer", "gradient", "notes"],
                 [[f"`{e.op_type}`", _code(e.tensorslow, "ts."), _code(e.tf_v1), _code(e.tf2), _code(e.keras_op),
                   _code(e.keras_layer), "yes" if e.differentiable else "none", e.notes] for e in CATALOG])
    return f"""<!-- Generated by `python -m tensorslow_parity.api_table` from tensorslow_parity/ops/catalog/ \
and tensorslow_parity/api_table.py. Do not edit: change those and run it again. -->

# API mapping: TensorSlow, tf.compat.v1, TensorFlow 2, Keras

Where each piece of TensorSlow lives in TensorFlow 1 (`tf.compat.v1`),
TensorFlow 2 and Keras 3. `{MISSING}` means there is no counterpart; the notes say
what takes its place. The chapters of this guide explain the differences that
change numbers.

## Graphs, sessions, variables, gradients, optimizers

{api}

## Ops

One row per op type of TensorSlow's gradient registry ({len(CATALOG)} op types), from the op
catalog that the test suite checks against TensorFlow. "gradient: none" marks ops
that pass no gradient to their inputs.

{ops}
"""


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tensorslow_parity.api_table", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 if {TABLE_PATH.name} differs from what would be written")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TABLE_PATH.read_text(encoding="utf-8") if TABLE_PATH.is_file() else None
        if current != text:
            print(f"{TABLE_PATH} is out of date: run python -m tensorslow_parity.api_table", file=sys.stderr)
            return 1
        print(f"{TABLE_PATH} is up to date")
        return 0
    atomic_write_text(TABLE_PATH, text)
    print(f"wrote {TABLE_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
