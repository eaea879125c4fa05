"""Shared set-up of the unit tests.

``course_utils`` is imported here, before any test module, so that it prepares TensorFlow
(quiet logging, fixed thread counts, deterministic ops) before TensorFlow is first used.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # no display needed; must precede the first pyplot import

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

import course_utils  # noqa: F401  (prepares TensorFlow before any test module uses it)
from course_utils.training import TrainingLog

# Hypothesis keeps caches in a .hypothesis folder of the cwd; the tests write nothing in the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "course_utils-tests-hypothesis")
# No example database (failing examples are printed, and reproduced by the seed Hypothesis shows).
# No deadline: the first call into TensorFlow is slow, and timing is not what the tests check.
settings.register_profile("course_utils", database=None, deadline=None, max_examples=60)
settings.load_profile("course_utils")


@pytest.fixture
def make_log():
    """Build a TrainingLog by hand from per-epoch values, without training anything.

    ``val`` becomes ``val_loss`` and ``val_data_loss``; ``train`` (default: steadily falling)
    becomes ``loss`` and ``data_loss``. ``penalty`` and ``weight_norm`` are zeros; accuracies
    are given only when ``accuracy`` / ``val_accuracy`` are.
    """

    def make(val, train=None, accuracy=None, val_accuracy=None) -> TrainingLog:
        val = np.asarray(val, dtype=np.float64)
        train = np.linspace(2.0, 0.1, len(val)) if train is None else np.asarray(train, dtype=np.float64)
        zeros = np.zeros(len(val))
        extra = {}
        if accuracy is not None:
            extra["accuracy"] = np.asarray(accuracy, dtype=np.float64)
        if val_accuracy is not None:
            extra["val_accuracy"] = np.asarray(val_accuracy, dtype=np.float64)
        return TrainingLog(
            loss=train,
            data_loss=train.copy(),
            val_loss=val,
            val_data_loss=val.copy(),
            penalty=zeros,
            weight_norm=zeros.copy(),
            **extra,
        )

    return make


@pytest.fixture
def close_figures():
    """Close every figure a test opened, even when the test fails."""
    yield
    plt.close("all")
