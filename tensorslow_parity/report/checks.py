"""The accuracy, gradients and training sections: pivot tables first, the row-by-row tables folded below."""
import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.normwise import worst
from tensorslow_parity.report import figures
from tensorslow_parity.report.data import is_reference, measured_checks, ordered, sort_rows
from tensorslow_parity.report.document import (
    FAIL,
    Details,
    Figure,
    Paragraph,
    Section,
    Table,
    fmt_err,
    fmt_signed,
    missing,
    slug,
)
from tensorslow_parity.report.pivots import check_pivots

REFERENCE = f"the reference ({', '.join(schema.REFERENCE.values())}) with the same model and optimizer"


def check_cell(row, check):
    """``error (tol t)``, marked FAIL when the check failed; ``—`` when it did not run."""
    err, tol, flag = row[f"{check}_err"], row[f"{check}_tol"], row[f"{check}_pass"]
    if flag is None and missing(err):
        return "—"
    return (f"{FAIL} " if flag is False else "") + f"{fmt_err(err)} (tol {fmt_err(tol)})"


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
        f"Final train and test accuracy after training against {REFERENCE}. The accuracy check passes when "
        "max(|Δ train|, |Δ test|) <= `accuracy_tol`; a cell shows the worst over the optimizers, error / tolerance."))
    section.blocks += check_pivots(data.results, ["accuracy"], "Accuracy")
    columns = {
        "train accuracy": lambda r: _acc(r["train_accuracy"]),
        "Δ train": lambda r: fmt_signed(r["train_accuracy"] - r["train_accuracy_ref"]),
        "test accuracy": lambda r: _acc(r["test_accuracy"]),
        "Δ test": lambda r: fmt_signed(r["test_accuracy"] - r["test_accuracy_ref"]),
    }
    table = Table(check_table(data.results, ["accuracy"], columns), "Final accuracy; Δ: difference to the reference")
    section.blocks.append(Details("Every row: final accuracies and their differences (failures first)", [table]))
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
            f"and the gradients of every variable, against {REFERENCE}{seeded}. A cell shows the worst of these "
            "checks over the optimizers, error / tolerance."))
        blocks += check_pivots(data.results, names, "Initial-weights checks")
        blocks.append(Details("Every row: each initial-weights check, error (tolerance), failures first",
                              [Table(check_table(data.results, names), "Initial-weights checks")]))
    if data.gradients is not None:
        blocks += _variable_gradients(data.gradients)
    else:
        blocks.append(Paragraph(f"No `{schema.GRADIENTS}`: no per-variable gradient errors."))
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
        "tolerances are the grey lines on the colour bar, failing cells are outlined in red.")]
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
            table[run] = [(f"{FAIL} " if failed.at[v, run] else "") + fmt_err(values.at[v, run]) for v in variables]
        table.loc[len(table)] = ["tolerance", ""] + [fmt_err(tolerances[r]) for r in present]
        png = figures.gradient_heatmap(model, values, failed, tolerances.to_dict())
        blocks.append(Figure(f"gradients-{slug(model)}.png", png, f"{model}: gradient error heat map",
                             f"{model}: max relative gradient error per variable (log colour scale, 0 drawn at "
                             "1e-17); grey lines on the colour bar: tolerances; red outline: above tolerance."))
        blocks.append(Details(f"{model}: the numbers, per variable",
                              [Table(table, f"{model}: max relative gradient error per variable")]))
    return blocks


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
        checks = ["trajectory_head", "trajectory_tail", "weights"]
        blocks.append(Paragraph(
            f"Training checks against {REFERENCE}: `trajectory_head` is the max absolute loss difference over the "
            f"first {figures.HEAD_STEPS} steps, `trajectory_tail` the max relative difference |loss - ref| / |ref| "
            "over the later steps, `weights` the normwise error of the weights after training. A cell shows the "
            "worst of the three over the optimizers, error / tolerance."))
        blocks += check_pivots(data.results, checks, "Training checks")
        blocks.append(Details("Every row: each training check, error (tolerance), failures first",
                              [Table(check_table(data.results, checks, columns), "Training checks")]))
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
        "drawn at 1e-17 so that the log scale can show them. Grey lines: the tolerances of the rows "
        f"(`trajectory_head_tol`, absolute, over the first {figures.HEAD_STEPS} steps; `trajectory_tail_tol` is "
        "relative, so it is drawn as tol x |reference loss| over the later steps). Line style: colour = "
        "framework, dashed = float32; markers at staggered steps keep curves that coincide apart."))
    results = data.results
    drawn = ", with tolerances in grey" if results is not None else ""
    for model in ordered(trajectories["model"], "model"):
        tolerances = None if results is None else results[results["model"] == model]
        png = figures.training_figure(model, trajectories[trajectories["model"] == model], tolerances)
        blocks.append(Figure(f"training-{slug(model)}.png", png, f"{model}: loss curves and divergence",
                             f"{model}: loss per step (top) and |loss - reference loss| (bottom, log scale, "
                             f"floor 1e-17) per optimizer{drawn}."))
    return section


def _loss(x):
    return "—" if missing(x) else f"{x:.6g}"

