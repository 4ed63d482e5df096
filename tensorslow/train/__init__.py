"""Optimizers (``tf.train``), with TensorFlow 1's exact update formulas."""
from .optimizer import Optimizer
from .gradient_descent import GradientDescentOptimizer
from .momentum import MomentumOptimizer
from .adam import AdamOptimizer
from .rmsprop import RMSPropOptimizer
from .adagrad import AdagradOptimizer
from .schedules import exponential_decay, get_global_step, get_or_create_global_step, create_global_step

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer", "RMSPropOptimizer",
           "AdagradOptimizer", "exponential_decay", "get_global_step", "get_or_create_global_step",
           "create_global_step"]
