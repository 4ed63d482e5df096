"""Control flow machinery: regions (the sub-graphs of cond branches and loop bodies) and nested structures.

The public functions, ``cond``, ``case`` and ``while_loop``, and the ``If`` and ``While`` ops with their
gradients are in ``tensorslow/ops/control_flow_ops.py``; :mod:`.region` says how a branch is built, run
and differentiated; :mod:`.nest` flattens and rebuilds nested structures of tensors as ``tf.nest`` does.
"""
