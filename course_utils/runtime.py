"""A quiet, reproducible TensorFlow, set up before TensorFlow is first imported (chapter 01).

Importing :mod:`course_utils` imports this module first. It silences TensorFlow's C++ logging,
turns off oneDNN (whose start-up message and reordered arithmetic make runs differ), fixes the
thread counts and asks TensorFlow for deterministic kernels. Together with :func:`seed_everything`
this makes every notebook of the course print the same numbers on every run.

It also compares the installed versions of TensorFlow, Keras, NumPy, scikit-learn and matplotlib with
those the course was verified with (:mod:`course_utils.verified`), and warns once if any differs.
"""

from __future__ import annotations

import os

_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # no C++ INFO/WARNING/ERROR lines on stderr
    "TF_ENABLE_ONEDNN_OPTS": "0",  # no oneDNN banner, no reordered floating-point sums
    "KERAS_BACKEND": "tensorflow",
}
os.environ.update(_ENVIRONMENT)

import keras  # noqa: E402  (must follow the environment above)
import tensorflow as tf  # noqa: E402

from course_utils import verified  # noqa: E402
from course_utils._validation import positive_int  # noqa: E402

#: Threads TensorFlow may use inside one op and across ops. One of each keeps sums in a fixed order.
THREADS = 1


def _fix_threads(threads: int) -> None:
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError as error:  # TensorFlow already ran an op: only fine if the setting matches
        current = (
            tf.config.threading.get_intra_op_parallelism_threads(),
            tf.config.threading.get_inter_op_parallelism_threads(),
        )
        if current != (threads, threads):
            raise RuntimeError(
                "TensorFlow was used before course_utils was imported, so its thread counts can no "
                "longer be fixed. Restart the kernel and import course_utils first."
            ) from error


_fix_threads(THREADS)
tf.config.experimental.enable_op_determinism()
# TensorFlow's Python logger warns on stderr when a new model traces its train step again
# ("N out of the last N calls ... triggered tf.function retracing"): expected when a lesson
# trains several models, and noise for a learner. Errors still show.
tf.get_logger().setLevel("ERROR")


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and TensorFlow's random generators in one call (chapter 01).

    Args:
        seed: a non-negative integer.

    Raises:
        TypeError: if ``seed`` is not an integer.
        ValueError: if ``seed`` is negative.
    """
    keras.utils.set_random_seed(positive_int(seed, "seed", minimum=0))


seed_everything(0)  # deterministic ops refuse to run unseeded; lessons reseed where it matters


def versions() -> dict[str, str]:
    """Return the versions of the libraries a lesson's numbers depend on (chapter 01)."""
    import matplotlib
    import numpy
    import sklearn

    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
        "matplotlib": matplotlib.__version__,
    }


verified.warn_if_different(versions())  # silent when every version is the pinned one
