"""Control flow machinery: TF1's dataflow conds, loop regions, and nested structures.

The public functions, ``cond``, ``case`` and ``while_loop``, and the ``While`` op with its gradient are in
``tensorslow/ops/control_flow_ops.py``; :mod:`.dataflow` builds a cond's ``Switch`` and ``Merge`` ops and
says how dead tensors (:mod:`.dead`) skip the untaken branch; :mod:`.region` says how a loop body is built,
run and differentiated; :mod:`.nest` flattens and rebuilds nested structures of tensors as ``tf.nest`` does.
"""
