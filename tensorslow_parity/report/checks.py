"""Sections 2 to 4 of the report: accuracy, gradients (model and op level) and training."""
import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.normwise import worst
from tensorslow_parity.report import figures
from tensorslow_parity.report.data import is_reference, measured_checks, ordered, sort_rows
from tensorslow_parity.report.document import (
    FAIL,
    Figure,
    Paragraph,
    Section,
    Table,
    fmt_err,
    fmt_flag,
    fmt_signed,
    missing,
    slug,
)

REFERENCE = f"the reference ({', '.join(schema.REFERENCE.values())}) with the same model and optimizer"


def check_cell(row, check):
    """``error (tol t)``, marked ❌ when the check failed; ``—`` when it did not run."""
    err, tol, flag = row[f"{check}_err"], row[f"{check}_tol"], row[f"{check}_pass"]
    if flag is None and missing(err):
        return "—"
    return ("❌ " if flag is False else "") + f"{fmt_err(err)} (tol {fmt_err(tol)})"


def check_table(results, checks, columns=None):
    """One row per results row that ran: its key, ``columns`` (name -> function of the row) and one
    :func:`check_cell` per check; rows where one of ``checks`` failed come first."""
    ran = results[results["status"].isin(["passed", "failed"])]
    ran = sort_rows(ran, schema.KEY)
    failed = ran[[f"{c}_pass" for c in checks]].apply(lambda r: any(f is False for f in r), axis=1)
    ran = pd.concat([ran[failed], ran[~failed]]) if len(ran) else ran
    rows = []
    for _, r in ran.iterrows():
        row = {k: r[k] for k in schema.KEY}
        row.update({name: fn(r) for name, fn in (columns or {}).items()})
        row.update({f"{c} check": check_cell(r, c) for c in checks})
        rows.append(row)
    return pd.DataFrame(rows, columns=schema.KEY + list(columns or {}) + [f"{c} check" for c in checks])


def _ran(results):
    return results is not None and results["status"].isin(["passed", "failed"]).any()


def accuracy_section(data):
    """Final train and test accuracy per row, the difference to the reference and the tolerance."""
    section = Section("Accuracy")
    if not _ran(data.results):
        section.blocks.append(Paragraph(f"No rows of `{schema.RESULTS}` ran: no accuracy to show."))
        return section
    section.blocks.append(Paragraph(
        f"Final train and test accuracy after training; Δ is the difference to {REFERENCE}. The accuracy "
        "check passes when max(|Δ train|, |Δ test|) <= `accuracy_tol`. Failures first."))
    columns = {
        "train accuracy": lambda r: _acc(r["train_accuracy"]),
        "Δ train": lambda r: fmt_signed(r["train_accuracy"] - r["train_accuracy_ref"]),
        "test accuracy": lambda r: _acc(r["test_accuracy"]),
        "Δ test": lambda r: fmt_signed(r["test_accuracy"] - r["test_accuracy_ref"]),
    }
    section.blocks.append(Table(check_table(data.results, ["accuracy"], columns), "Final accuracy"))
    return section


def _acc(x):
    return "—" if missing(x) else f"{x:.4f}"


def gradients_section(data):
    """Checks at the initial weights, the per-variable gradient errors (table and heat map per model)
    and the op-level parity table."""
    section = Section("Gradients")
    blocks = section.blocks
    if _ran(data.results):
        names = [c.name for c in measured_checks(data.results) if c.name in ("initial_weights", "forward", "loss",
                                                                              "gradients")]
        seeded = ("; `initial_weights` (same-seed runs): the starting weights against TensorSlow's draw from the "
                  "model's seed, bit for bit" if "initial_weights" in names else "")
        blocks.append(Paragraph(
            "Checks at the initial weights, before any training step: the model's output (`forward`), the loss "
            f"and the gradients of every variable, against {REFERENCE}{seeded}. Cells: error (tolerance). "
            "Failures first."))
        blocks.append(Table(check_table(data.results, names), "Initial-weights checks"))
    if data.gradients is not None:
        blocks += _variable_gradients(data.gradients)
    else:
        blocks.append(Paragraph(f"No `{schema.GRADIENTS}`: no per-variable gradient errors."))
    if data.ops is not None:
        blocks += ops_blocks(data.ops)
    else:
        blocks.append(Paragraph(f"No `{schema.OPS}`: no op-level parity table."))
    return section


def _variable_gradients(gradients):
    rows = gradients[~is_reference(gradients)].copy()
    if not len(rows):
        return [Paragraph(f"`{schema.GRADIENTS}` holds no rows besides the reference's: nothing to compare.")]
    multi_device = rows["device"].nunique() > 1
    rows["run"] = rows["framework"] + " " + rows["dtype"] + (" (" + rows["device"] + ")" if multi_device else "")
    runs = [f"{f} {t}" + (f" ({d})" if multi_device else "") for d in ordered(rows["device"], "device")
            for t in ordered(rows["dtype"], "dtype") for f in ordered(rows["framework"], "framework")]
    blocks = [Paragraph(
        "Max relative gradient error max|g - ref| / max|ref| per variable at the initial weights, the worst over "
        "optimizers, against the reference (tf1, cpu, float64, not shown: its error is 0 by definition). "
        "The heat maps use a log colour scale from 1e-17 (an error of exactly 0 is drawn there) to 1e-1; "
        "tolerances are the red lines on the colour bar, failing cells are outlined in red.")]
    for model in ordered(rows["model"], "model"):
        of_model = rows[rows["model"] == model]
        grouped = of_model.groupby(["variable", "run"], sort=False)
        variables = list(dict.fromkeys(of_model["variable"]))
        present = [r for r in runs if r in set(of_model["run"])]
        values = grouped["max_rel"].agg(worst).unstack("run").reindex(index=variables, columns=present)
        failed = grouped["pass"].agg(lambda f: any(x is False for x in f)).unstack("run")
        failed = failed.reindex(index=variables, columns=present).fillna(False).astype(bool)
        tolerances = of_model.groupby("run")["tol"].max().reindex(present)
        shapes = of_model.groupby("variable")["shape"].first()
        table = pd.DataFrame({"variable": variables, "shape": [shapes[v] for v in variables]})
        for run in present:
            table[run] = [("❌ " if failed.at[v, run] else "") + fmt_err(values.at[v, run]) for v in variables]
        table.loc[len(table)] = ["tolerance", ""] + [fmt_err(tolerances[r]) for r in present]
        blocks.append(Table(table, f"{model}: max relative gradient error per variable"))
        png = figures.gradient_heatmap(model, values, failed, tolerances.to_dict())
        blocks.append(Figure(f"gradients-{slug(model)}.png", png, f"{model}: gradient error heat map",
                             f"{model}: max relative gradient error per variable (log colour scale, 0 drawn at "
                             "1e-17); red outline: above tolerance."))
    return blocks


def ops_blocks(ops):
    """The op-level parity table: ops.csv aggregated to one row per op type and dtype (worst case over
    its cases and shapes), failures first. Rows with status error are listed with the errors."""
    ran = ops[ops["status"] != "error"]
    rows = []
    for (op_type, dtype), group in ran.groupby(["op_type", "dtype"], sort=False):
        flags = list(group["forward_pass"]) + list(group["grad_pass"])
        n_failed = int(sum(any(f is False for f in pair) for pair in zip(group["forward_pass"], group["grad_pass"])))
        if n_failed:
            result = f"{FAIL} ({n_failed} of {len(group)} cases)"
        else:
            result = fmt_flag(True if any(f is True for f in flags) else None)
        rows.append({
            "op type": op_type, "tf.compat.v1": _first(group["tf_v1"]), "TF2 / Keras": _tf2_keras(group),
            "dtype": dtype, "cases": str(len(group)),
            "forward error abs / rel": f"{fmt_err(group['forward_max_abs'].max())} / "
                                       f"{fmt_err(group['forward_max_rel'].max())}",
            "gradient error abs / rel": f"{fmt_err(group['grad_max_abs'].max())} / "
                                        f"{fmt_err(group['grad_max_rel'].max())}",
            "rtol / atol": f"{fmt_err(group['rtol'].max())} / {fmt_err(group['atol'].max())}",
            "result": result, "_failed": n_failed > 0,
        })
    if not rows:
        return [Paragraph(f"`{schema.OPS}` holds no op case that ran.")]
    table = pd.DataFrame(rows)
    table = sort_rows(table, ["op type", "dtype"])
    table = pd.concat([table[table["_failed"]], table[~table["_failed"]]]).drop(columns="_failed")
    n_types = table["op type"].nunique()
    return [
        Paragraph(f"Op-level parity: every op of TensorSlow's gradient registry against its TensorFlow counterpart "
                  f"({n_types} op types ran). One row per op type and dtype, the worst case over its cases and input "
                  "shapes; a case passes when forward output and gradients agree within rtol/atol "
                  "(|a - b| <= atol + rtol |b|). Failures first."),
        Table(table.reset_index(drop=True), "Op-level parity"),
    ]


def _first(values):
    return next((v for v in values if v), "—")


def _tf2_keras(group):
    return " / ".join(_first(group[c]) for c in ("tf2", "keras"))


def training_section(data):
    """Loss and weight checks per row, and per model the loss curves and their divergence from the reference."""
    section = Section("Training")
    blocks = section.blocks
    if _ran(data.results):
        columns = {
            "steps": lambda r: "—" if missing(r["steps"]) else str(int(r["steps"])),
            "final loss": lambda r: _loss(r["loss_final"]),
            "reference final loss": lambda r: _loss(r["loss_final_ref"]),
        }
        blocks.append(Paragraph(
            f"Training checks against {REFERENCE}: `trajectory_head` is the max absolute loss difference over the "
            f"first {figures.HEAD_STEPS} steps, `trajectory_tail` the max relative difference |loss - ref| / |ref| "
            "over the later steps, `weights` the normwise error of the weights after training. Failures first."))
        blocks.append(Table(check_table(data.results, ["trajectory_head", "trajectory_tail", "weights"], columns),
                            "Training checks"))
    if data.trajectories is None:
        blocks.append(Paragraph(f"No `{schema.TRAJECTORIES}`: no loss curves."))
        return section
    trajectories = data.trajectories[~is_reference(data.trajectories)]
    if not len(trajectories):
        blocks.append(Paragraph(f"`{schema.TRAJECTORIES}` holds no rows besides the reference's: no loss curves."))
        return section
    if data.results is None:
        blocks.append(Paragraph(f"No `{schema.RESULTS}`: the tolerances are unknown and not drawn."))
    blocks.append(Paragraph(
        "Loss per training step (before the step's update) of every framework, overlaid on the reference's loss "
        "(wide grey line), and |loss - reference loss| per step on a log scale. Differences of exactly 0 are "
        "drawn at 1e-17 so that the log scale can show them. Red lines: the tolerances of the rows "
        f"(`trajectory_head_tol`, absolute, over the first {figures.HEAD_STEPS} steps; `trajectory_tail_tol` is "
        "relative, so it is drawn as tol x |reference loss| over the later steps). Line style: colour = "
        "framework, dashed = float32, markers = GPU/TPU."))
    results = data.results
    drawn = ", with tolerances in red" if results is not None else ""
    for model in ordered(trajectories["model"], "model"):
        tolerances = None if results is None else results[results["model"] == model]
        png = figures.training_figure(model, trajectories[trajectories["model"] == model], tolerances)
        blocks.append(Figure(f"training-{slug(model)}.png", png, f"{model}: loss curves and divergence",
                             f"{model}: loss per step (top) and |loss - reference loss| (bottom, log scale, "
                             f"floor 1e-17) per optimizer{drawn}."))
    return section


def _loss(x):
    return "—" if missing(x) else f"{x:.6g}"

