"""Optimizers (``tf.train``), with TensorFlow 1's exact update formulas; checkpoints (``Saver``)."""
from ..checkpoint.reader import NewCheckpointReader, list_variables, load_checkpoint, load_variable
from ..checkpoint.state import (
    checkpoint_exists,
    get_checkpoint_mtimes,
    get_checkpoint_state,
    latest_checkpoint,
    remove_checkpoint,
    update_checkpoint_state,
)
from .adagrad import AdagradOptimizer
from .adam import AdamOptimizer
from .gradient_descent import GradientDescentOptimizer
from .momentum import MomentumOptimizer
from .moving_averages import ExponentialMovingAverage
from .optimizer import Optimizer
from .rmsprop import RMSPropOptimizer
from .saver import Saver, SaverDef, export_meta_graph, import_meta_graph
from .schedules import (
    cosine_decay,
    cosine_decay_restarts,
    exponential_decay,
    inverse_time_decay,
    linear_cosine_decay,
    natural_exp_decay,
    piecewise_constant,
    polynomial_decay,
)
from .training_util import (
    assert_global_step,
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer", "RMSPropOptimizer",
           "AdagradOptimizer", "exponential_decay", "piecewise_constant", "polynomial_decay",
           "inverse_time_decay", "natural_exp_decay", "cosine_decay", "cosine_decay_restarts", "linear_cosine_decay",
           "ExponentialMovingAverage", "get_global_step",
           "get_or_create_global_step",
           "create_global_step", "assert_global_step", "global_step",
           # checkpoints
           "Saver", "SaverDef", "import_meta_graph", "export_meta_graph", "latest_checkpoint", "get_checkpoint_state",
           "checkpoint_exists", "get_checkpoint_mtimes", "remove_checkpoint", "update_checkpoint_state",
           "load_checkpoint", "NewCheckpointReader", "list_variables", "load_variable"]
