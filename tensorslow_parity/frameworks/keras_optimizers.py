"""The ``tf.compat.v1.train`` optimizers mapped exactly onto ``keras.optimizers`` (used by tf2 and keras).

* GradientDescent(lr) -> SGD(lr): the same update, w -= lr * g.
* Momentum(lr, m) -> SGD(lr, momentum=m). TF1 keeps an accumulator
  a = m a + g and steps w -= lr a; Keras keeps a velocity v = m v - lr g and
  steps w += v. With a constant learning rate v = -lr a, so the two are equal
  in exact arithmetic and differ only in rounding (a documented difference).
* Adam(lr, b1, b2, eps) -> Adam(lr, b1, b2, epsilon=eps). Both use the
  "epsilon hat" form w -= lr_t m / (sqrt(v) + eps) with
  lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), but Keras's default epsilon is 1e-7
  and TF1's 1e-8, so epsilon is always passed. TF1 keeps b1^t and b2^t as
  float32 variables multiplied once per step; Keras computes them as powers in
  the variable's dtype: in float64 the step sizes differ by ~1e-7 relative, a
  difference no hyperparameter can remove (documented in the results).

All hyperparameters go through :func:`tf1_hyperparameter` (float32 rounding, as TF1 does).
"""
from tensorslow_parity.frameworks.base import tf1_hyperparameter as r


def keras_optimizer(spec):
    import keras
    if spec.name == "sgd":
        return keras.optimizers.SGD(learning_rate=r(spec.learning_rate))
    if spec.name == "momentum":
        return keras.optimizers.SGD(learning_rate=r(spec.learning_rate), momentum=r(spec.momentum))
    if spec.name == "adam":
        return keras.optimizers.Adam(learning_rate=r(spec.learning_rate), beta_1=r(spec.beta1),
                                     beta_2=r(spec.beta2), epsilon=r(spec.epsilon))
    raise ValueError(f"unknown optimizer {spec.name!r}")
