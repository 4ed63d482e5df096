"""The speed benchmark: ``tensorslow-parity bench`` (sweeps, bench.csv) and ``--course`` (``make bench``).

* :mod:`.points`: the MLPs timed, their sweeps and their problem data;
* :mod:`.timing`: blocks of calls, rounds, median / min / max, noise;
* :mod:`.sweeps`: batch, width and depth sweeps in one process -> bench.csv
  (read by ``tensorslow-parity report``), printed by :mod:`.summary`, with
  the fits of :mod:`.scaling` (fixed overhead and growth slope);
* :mod:`.course`: the course benchmark, every engine of :mod:`.engines` in
  its own worker process (:mod:`.worker`, :mod:`.workers`), and its targets,
  judged and printed by :mod:`.verdicts`;
* :mod:`.cli`: the command line.

The hand-written NumPy reference, and the PyTorch and JAX engines, live with
the other frameworks: :mod:`tensorslow_parity.frameworks.numpy_mlp`,
:mod:`~tensorslow_parity.frameworks.torch_mlp`,
:mod:`~tensorslow_parity.frameworks.jax_mlp`.
"""


def configure(parser):
    from tensorslow_parity.bench.cli import configure
    configure(parser)


def main(args):
    from tensorslow_parity.bench.cli import main
    return main(args)
