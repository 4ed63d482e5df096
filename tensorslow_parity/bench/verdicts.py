"""What the course benchmark prints: the engine x model tables, and one PASS/FAIL line per target.

A target's verdict (:func:`judge`) is

``PASS`` / ``FAIL``
    when the confidence interval of the two engines' paired per-round ratio
    (:mod:`tensorslow_parity.bench.noise`) lies wholly on one side of the
    target; the line gives both medians, their ratio, the interval, the
    ratio of their fastest rounds, and says ``noisy`` when either engine's
    spread over the rounds (upper over lower quartile) stayed above the
    threshold;
``UNDECIDED``
    the interval holds the target's limit even after the extra rounds: the
    machine was too noisy to decide. Not a pass, not a failure: a run with
    no failure but an undecided target exits with status 3;
``UNCHECKED``
    an engine it needs was skipped (not installed) or failed: the line says
    which and why. It is no pass: the run's exit status is 1;
``NOT RUN``
    an engine it needs was left out of the run on purpose (``--engines``):
    not counted.
"""
from dataclasses import dataclass

from tensorslow_parity.bench.engines import ENGINES, TITLES
from tensorslow_parity.bench.noise import decide, median_interval, paired_ratios
from tensorslow_parity.bench.timing import fmt_seconds


@dataclass(frozen=True)
class Verdict:
    target: object  # tensorslow_parity.bench.course.Target
    status: str  # PASS, FAIL, UNDECIDED, UNCHECKED or NOT RUN
    text: str

    def line(self):
        return f"{self.status}: {self.target.describe()}: {self.text}"


def judge(target, result):
    """The :class:`Verdict` of ``target`` on a :class:`~tensorslow_parity.bench.course.CourseResult`."""
    needed = {engine: result.get(engine, target.case) for engine in (target.engine, target.baseline)}
    not_run = [e for e in needed if e not in result.config.engines]
    if not_run:
        return Verdict(target, "NOT RUN", f"{' and '.join(not_run)} left out of this run")
    absent = {e: m for e, m in needed.items() if m.status != "ok"}
    if absent:
        return Verdict(target, "UNCHECKED", "needs " + "; ".join(f"{e}, which is {m.status}: {m.reason}"
                                                                  for e, m in absent.items()))
    ours, theirs = (needed[e].spread for e in (target.engine, target.baseline))
    ratio = ours.median / theirs.median
    interval = median_interval(paired_ratios(needed[target.engine].times, needed[target.baseline].times))
    relation = "<" if target.strict else "<="
    text = (f"{target.engine} {fmt_seconds(ours.median)} / {target.baseline} {fmt_seconds(theirs.median)} = "
            f"{ratio:.2f}x (target {relation} {target.max_ratio:g}x; round by round {interval.describe()}; "
            f"fastest rounds {ours.min / theirs.min:.2f}x)")
    noisy = [f"{e} quartiles {needed[e].spread.ratio:.2f}x apart" for e in needed
             if needed[e].spread.noisy(result.config.noise_threshold)]
    if noisy:
        attempts = result.attempts.get(target.case.key, 1)
        text += f" [noisy after {attempts} attempt{'s' * (attempts > 1)}: {', '.join(noisy)}]"
    status = decide(interval, target.max_ratio, target.strict)
    if status == "UNDECIDED":
        text += " [too noisy to decide: the interval holds the target]"
    return Verdict(target, status, text)


def verdicts(result):
    return [judge(t, result) for t in result.config.targets]


#: the exit status of a run whose targets passed or could not be decided (no failure), one undecided
UNDECIDED_EXIT = 3


def exit_status(found):
    """0 when every target that was run passed; 1 when one failed or could not be checked; else
    :data:`UNDECIDED_EXIT` when one could not be decided (the machine was too noisy)."""
    if any(v.status in ("FAIL", "UNCHECKED") for v in found):
        return 1
    return UNDECIDED_EXIT if any(v.status == "UNDECIDED" for v in found) else 0


def _grid(result, title, cell):
    """A table: one row per engine of the run, one column per case; ``cell(engine, case, measurement)``."""
    cases = result.config.cases
    engines = [e for e in ENGINES if e in result.config.engines] + [e for e in result.config.engines
                                                                    if e not in ENGINES]
    first = max(len(title), *(len(TITLES.get(e, e)) for e in engines))
    widths = [max(len(c.short()), 12) for c in cases]
    lines = [f"{title:<{first}}  " + "  ".join(f"{c.short():>{w}}" for c, w in zip(cases, widths))]
    for engine in engines:
        cells = [cell(engine, c, result.get(engine, c)) for c in cases]
        lines.append(f"{TITLES.get(engine, engine):<{first}}  " + "  ".join(f"{s:>{w}}" for s, w in zip(cells, widths)))
    return lines


def _median_cell(threshold):
    def cell(engine, case, m):
        if m.status != "ok":
            return m.status
        return fmt_seconds(m.spread.median) + ("*" if m.spread.noisy(threshold) else " ")
    return cell


def _ratio_cell(result, baseline):
    def cell(engine, case, m):
        base = result.get(baseline, case)
        if m.status != "ok" or base.status != "ok":
            return "-"
        return f"{m.spread.median / base.spread.median:.2f}x"
    return cell


def _range_cell(engine, case, m):
    if m.status != "ok":
        return "-"
    return f"{fmt_seconds(m.spread.min)}-{fmt_seconds(m.spread.max)}".replace(" ", "")


def report(result):
    """The printed tables: engines and their threads, medians, min-max, ratios to NumPy and to TensorSlow, and
    the reasons of every skipped or failed measurement."""
    config = result.config
    lines = [f"One SGD step (forward, mean softmax cross-entropy from logits, backward, update; the loss fetched), "
             f"same weights and batch in every engine. Each engine in its own process, threads pinned to "
             f"{config.threads}; {config.rounds} rounds of {config.block_time * 1e3:g} ms blocks, engines "
             f"interleaved; median over the rounds. * noisy: the upper quartile of the rounds > "
             f"{config.noise_threshold:g}x the lower one, after up to {config.retries} re-measurement(s).", "",
             "Engines:"]
    lines += [f"  {engine:<11} {about}" for engine, about in result.engines.items()]
    if result.blas is not None:
        lines.append(f"BLAS of the NumPy-based engines: {result.blas.why}")
    attempts = {k: n for k, n in result.attempts.items() if n > 1}
    if attempts:
        lines.append("Measured again (noisy): " + ", ".join(f"{k} {n} attempts" for k, n in attempts.items()))
    lines += [""] + _grid(result, "median step", _median_cell(config.noise_threshold))
    lines += [""] + _grid(result, "min-max over rounds", _range_cell)
    lines += [""] + _grid(result, "ratio to NumPy", _ratio_cell(result, "numpy"))
    lines += [""] + _grid(result, "ratio to TensorSlow", _ratio_cell(result, "tensorslow"))
    reasons = {}
    for (engine, key), m in result.measurements.items():
        if m.status != "ok":
            reasons.setdefault(f"{engine} {m.status}: {m.reason}", []).append(key)
    if reasons:
        lines += ["", "Not timed:"]
        lines += [f"  {why} ({', '.join(keys) if len(keys) < len(config.cases) else 'every case'})"
                  for why, keys in reasons.items()]
    return "\n".join(lines)


def targets_text(found):
    """One line per target, then a summary line."""
    counts = {s: sum(v.status == s for v in found) for s in ("PASS", "FAIL", "UNDECIDED", "UNCHECKED", "NOT RUN")}
    summary = ", ".join(f"{n} {s.lower()}" for s, n in counts.items() if n)
    lines = ["Targets (default configuration, medians of this run):"] + [v.line() for v in found]
    lines.append(f"{len(found)} targets: {summary}")
    if counts["UNDECIDED"] and not counts["FAIL"]:
        lines.append(f"The machine was too noisy to decide {counts['UNDECIDED']} target(s): their ratio's interval "
                     "holds the limit. Run again when the machine is quieter.")
    return "\n".join(lines)
