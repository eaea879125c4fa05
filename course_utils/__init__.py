"""Companion package of the course *Regularization in Keras*.

Import it before anything else in a notebook: its first module, :mod:`course_utils.runtime`,
prepares a quiet, reproducible TensorFlow before TensorFlow is first imported.
"""

from course_utils import runtime  # isort: skip  (must run before TensorFlow is imported elsewhere)
from course_utils import data, exercises, experiments, figures, penalties, plots, weights
from course_utils.runtime import seed_everything

__all__ = [
    "data",
    "exercises",
    "experiments",
    "figures",
    "penalties",
    "plots",
    "runtime",
    "seed_everything",
    "weights",
]
__version__ = "0.1.0"
