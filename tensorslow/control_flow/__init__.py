"""Control flow machinery: TF1's dataflow conds and loop frames, and nested structures.

The public functions, ``cond``, ``case`` and ``while_loop``, and the loop's gradients are in
``tensorslow/ops/control_flow_ops.py``; :mod:`.dataflow` builds a cond's ``Switch`` and ``Merge`` ops and
says how dead tensors (:mod:`.dead`) skip the untaken branch; :mod:`.frame` builds a loop's ``Enter``,
``Merge``, ``LoopCond``, ``Switch``, ``NextIteration`` and ``Exit`` ops and says how its frame runs and is
differentiated; :mod:`.region` runs a frame's condition and body with the session's executor and keeps
the body's backward pass; :mod:`.nest` flattens and rebuilds nested structures of tensors as ``tf.nest`` does.
"""
