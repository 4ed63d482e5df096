"""The models every command runs, and their data.

* :mod:`.zoo`: the model specs (:data:`zoo.MODELS`, :class:`zoo.ModelSpec`,
  :func:`zoo.register`) and the ``tensorslow-parity models`` command;
* :mod:`.datasets`: the datasets, generated from a seed or shipped inside
  scikit-learn;
* :mod:`.problem`: what makes runs identical: :func:`problem.make_problem`
  draws a spec's initial weights and batch order once.

A framework builds a spec's model with :func:`tensorslow_parity.frameworks.load`
(e.g. ``frameworks.load("tensorslow")(spec, optimizer, weights, dtype, "cpu")``).
"""
