"""The benchmark on a noisy machine, with synthetic timings (deterministic): the interval of a paired ratio,
verdicts decided only when the interval is clearly on one side, re-measurement of undecided and noisy cases,
the noisy flag of the sweeps' rows and the printed noise note."""
import pandas as pd
import pytest

from tensorslow_parity import schema
from tensorslow_parity.bench import course, engines, sweep_point, verdicts
from tensorslow_parity.bench.noise import decide, median_interval, paired_ratios
from tensorslow_parity.bench.summary import noise_note


def test_median_interval_uses_order_statistics_with_the_stated_coverage():
    seven = median_interval([7, 1, 6, 2, 5, 3, 4])
    assert (seven.median, seven.low, seven.high, seven.rounds) == (4, 1, 7, 7)
    assert seven.coverage == pytest.approx(1 - 2 / 2 ** 7)  # [x(1), x(7)]: [x(2), x(6)] covers only 87.5%
    fourteen = median_interval(range(1, 15))
    assert (fourteen.low, fourteen.high) == (4, 11) and fourteen.coverage >= 0.9
    assert median_interval([2.0]).low == median_interval([2.0]).high == 2.0
    assert median_interval([1.0, float("nan"), 3.0]).rounds == 2
    with pytest.raises(ValueError, match="no finite values"):
        median_interval([])


def test_decide_needs_the_whole_interval_on_one_side():
    wide = median_interval([1.3, 1.4, 1.45, 1.6, 1.7])
    assert decide(wide, 1.5) == "UNDECIDED"
    assert decide(median_interval([1.1, 1.2, 1.3, 1.2, 1.25]), 1.5) == "PASS"
    assert decide(median_interval([1.6, 1.7, 1.8, 1.65, 1.9]), 1.5) == "FAIL"
    at_limit = median_interval([0.8, 0.9, 1.0])
    assert decide(at_limit, 1.0) == "PASS" and decide(at_limit, 1.0, strict=True) == "UNDECIDED"
    assert decide(median_interval([1.0, 1.1, 1.2]), 1.0, strict=True) == "FAIL"
    assert paired_ratios([2.0, 4.0, 3.0], [1.0, 2.0, 0.0]) == [2.0, 2.0]


def result_with(times):
    """A CourseResult at the course case only: {engine: per-round times}; every other engine absent."""
    config = course.CourseConfig(engines=tuple(times), cases=(course.CASES[0],),
                                 targets=(course.Target(course.CASES[0], "tensorslow", "numpy", 1.5),))
    measurements = {(e, course.CASES[0].key): course.Measurement(times=list(t), loss=0.5) for e, t in times.items()}
    return course.CourseResult(config, measurements, {e: "test" for e in times}, {course.CASES[0].key: 3})


def test_a_target_whose_rounds_straddle_the_limit_is_undecided_and_says_the_machine_was_too_noisy():
    # TensorSlow's median is 1.45x NumPy's, but round by round the ratio runs from 1.2 to 1.9.
    numpy = [10.0] * 7
    tensorslow = [12.0, 19.0, 14.5, 13.0, 18.0, 14.0, 15.0]
    found = verdicts.verdicts(result_with({"numpy": numpy, "tensorslow": tensorslow}))
    assert [v.status for v in found] == ["UNDECIDED"]
    assert "too noisy to decide" in found[0].line() and "round by round 1.45x [1.20, 1.90]" in found[0].line()
    assert verdicts.exit_status(found) == verdicts.UNDECIDED_EXIT
    assert "The machine was too noisy to decide 1 target(s)" in verdicts.targets_text(found)
    # Paired rounds: a busy moment that slows both engines alike leaves the ratio, and the verdict, clear.
    busy = [1.0, 5.0, 1.0, 9.0, 1.0, 3.0, 1.0]
    steady = verdicts.verdicts(result_with({"numpy": [10 * b for b in busy], "tensorslow": [12 * b for b in busy]}))
    assert [v.status for v in steady] == ["PASS"] and "round by round 1.20x [1.20, 1.20]" in steady[0].line()
    slow = verdicts.verdicts(result_with({"numpy": [10 * b for b in busy], "tensorslow": [17 * b for b in busy]}))
    assert [v.status for v in slow] == ["FAIL"] and verdicts.exit_status(slow) == 1
    # An undecided target does not hide a failure: the exit status is the failure's.
    assert verdicts.exit_status(found + slow) == 1


class ScriptedWorker:
    """A worker that answers time requests from a script: {round index: seconds} per call, in order."""

    def __init__(self, times):
        self.times, self.asked = list(times), 0

    def request(self, request, timeout=None):
        self.asked += 1
        return {"ok": True, "seconds": self.times.pop(0)}


def measure(ratios, retries, rounds=5):
    case = course.CASES[0]
    config = course.CourseConfig(engines=("numpy", "tensorslow"), cases=(case,), rounds=rounds, retries=retries,
                                 targets=(course.Target(case, "tensorslow", "numpy", 1.5),))
    workers = {"numpy": ScriptedWorker([1.0] * len(ratios)), "tensorslow": ScriptedWorker(ratios)}
    measurements = {(e, case.key): course.Measurement(calls=1) for e in config.engines}
    attempts, lines = {}, []
    course._measure(workers, config, measurements, attempts, lines.append)
    result = course.CourseResult(config, measurements, {}, attempts)
    return result, lines, [v.status for v in verdicts.verdicts(result)]


def test_an_undecided_case_gets_more_rounds_and_they_add_up():
    # The first 5 rounds straddle 1.5; then the ratio sits at 1.2. Every round counts: after 10 rounds the
    # 90% interval [x(2), x(9)] still holds 1.5, after 15 it is [x(4), x(12)] = [1.2, 1.3]: PASS.
    ratios = [1.2, 1.9, 1.45, 1.3, 1.8] + [1.2] * 10
    result, lines, found = measure(ratios, retries=2)
    key = course.CASES[0].key
    assert result.attempts[key] == 3 and len(result.measurements["tensorslow", key].times) == 15
    assert found == ["PASS"]
    assert sum("1 target(s) not decided: 5 more rounds" in line for line in lines) == 2
    assert any(line.startswith("round 1/5") for line in lines)  # progress lines, whatever stdout is
    # With one retry the same machine leaves it undecided: no verdict rather than a coin toss.
    assert measure(ratios, retries=1)[2] == ["UNDECIDED"]
    # A clear case takes no extra rounds.
    steady, _, found = measure([1.2] * 5, retries=2)
    assert steady.attempts[key] == 1 and found == ["PASS"]


def test_a_case_that_stays_noisy_is_measured_up_to_the_retries_and_marked():
    case = course.CASES[0]
    config = course.CourseConfig(engines=("numpy", "tensorslow"), cases=(case,), rounds=4, retries=1, targets=())
    jumpy = [1.0, 3.0, 1.0, 3.0] * 3
    workers = {"numpy": ScriptedWorker(jumpy), "tensorslow": ScriptedWorker([1.0] * 12)}
    measurements = {(e, case.key): course.Measurement(calls=1) for e in config.engines}
    attempts = {}
    course._measure(workers, config, measurements, attempts, None)
    assert attempts[case.key] == 2 and workers["numpy"].asked == 8
    assert measurements["numpy", case.key].spread.noisy(config.noise_threshold)
    assert not measurements["tensorslow", case.key].spread.noisy(config.noise_threshold)


def test_sweep_point_retries_noisy_units_and_flags_them_in_the_rows():
    from tensorslow_parity.bench import sweeps
    from tensorslow_parity.bench.points import Point

    class Pool(dict):
        pass

    class Steady:
        def __init__(self, train, forward):
            self.times, self.answers = {"train": list(train), "forward": list(forward)}, []

        def send(self, request):
            self.answers.append({"ok": True, "loss": 0.5, "calls": {p: 1 for p in request["phases"]}})

        def receive(self, timeout=None):
            return self.answers.pop(0)

        def request(self, request, timeout=None):
            return {"ok": True} if request["cmd"] == "drop" else {"ok": True,
                                                                      "seconds": self.times[request["phase"]].pop(0)}

    point = Point(batch_size=4, width=3, depth=1, n_in=2, n_out=2)
    config = sweeps.BenchConfig({"batch": [point]}, frameworks=("numpy", "tensorslow"), dtypes=("float64",),
                                devices=("cpu",), repeats=4, retries=1)
    # numpy's train phase jumps 3x between rounds: noisy after 4 + 4 rounds; everything else is steady.
    pool = Pool(numpy=Steady([1.0, 3.0] * 4, [1.0] * 8), tensorslow=Steady([2.0] * 8, [2.0] * 8))
    outcomes = sweeps.time_point(point, "float64", config, {"cpu": {"available": True}}, pool, "unused.npz")
    flags = {k[0] + "/" + k[2]: (o.noisy, len(o.times)) for k, o in outcomes.items()}
    assert flags == {"numpy/train": (True, 8), "numpy/forward": (False, 8), "tensorslow/train": (False, 8),
                     "tensorslow/forward": (False, 8)}
    rows = sweeps.bench_rows(config, {(point, "float64"): outcomes}, "test machine")
    assert {(r["framework"], r["phase"]): r["noisy"] for r in rows}["numpy", "train"] is True
    df = pd.DataFrame(rows, columns=schema.BENCH_COLUMNS)
    assert noise_note(df)[0].startswith("noisy: 1 of 4 timed rows stayed noisy after the extra rounds (numpy 1)")
    assert noise_note(df.assign(noisy=False)) == []
    assert sweep_point.built_as("keras_fit") == "keras" and "jax" in sweeps.FRAMEWORKS and "torch" in sweeps.FRAMEWORKS
    assert set(engines.ENGINES) <= set(sweeps.FRAMEWORKS)
