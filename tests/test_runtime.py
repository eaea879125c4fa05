"""Tests of course_utils.runtime: a quiet, reproducible TensorFlow."""

import os
import random

import keras
import matplotlib
import numpy as np
import pytest
import sklearn
import tensorflow as tf

from course_utils import runtime, seed_everything


@pytest.mark.parametrize(
    ("name", "value"),
    [("TF_CPP_MIN_LOG_LEVEL", "3"), ("TF_ENABLE_ONEDNN_OPTS", "0"), ("KERAS_BACKEND", "tensorflow")],
)
def test_import_sets_the_environment(name, value):
    assert os.environ[name] == value


def test_keras_runs_on_tensorflow():
    assert keras.backend.backend() == "tensorflow"


def test_tensorflow_runs_on_one_thread_with_deterministic_ops():
    # One thread inside and across ops keeps every sum in one order: the stored outputs depend on it.
    assert runtime.THREADS == 1
    assert tf.config.threading.get_intra_op_parallelism_threads() == 1
    assert tf.config.threading.get_inter_op_parallelism_threads() == 1
    # TensorFlow exports enable_op_determinism but not its query, which lives here:
    from tensorflow.python.framework import config as tf_config

    assert tf_config.is_op_determinism_enabled()


def test_fixing_the_same_thread_count_again_is_harmless():
    _ = tf.constant(1.0) + 1.0  # TensorFlow is initialized: thread counts are frozen from now on
    runtime._fix_threads(runtime.THREADS)
    assert tf.config.threading.get_intra_op_parallelism_threads() == runtime.THREADS


def test_a_different_thread_count_after_tensorflow_ran_is_refused():
    _ = tf.constant(1.0) + 1.0
    with pytest.raises(RuntimeError, match="import course_utils first"):
        runtime._fix_threads(runtime.THREADS + 1)
    assert tf.config.threading.get_intra_op_parallelism_threads() == runtime.THREADS


def _draws():
    return (
        random.random(),
        float(np.random.rand()),
        float(tf.random.uniform(())),
        float(keras.random.uniform((), seed=None)),
    )


def test_seed_everything_makes_every_generator_repeat():
    seed_everything(7)
    first = _draws()
    seed_everything(7)
    assert _draws() == first


def test_another_seed_gives_other_numbers():
    seed_everything(7)
    first = _draws()
    seed_everything(8)
    second = _draws()
    assert all(a != b for a, b in zip(first, second, strict=True))


def test_seed_everything_accepts_zero():
    seed_everything(0)
    first = _draws()
    seed_everything(0)
    assert _draws() == first


@pytest.mark.parametrize(
    ("seed", "error"),
    [(True, TypeError), (False, TypeError), (1.0, TypeError), ("1", TypeError), (None, TypeError)],
)
def test_seed_everything_rejects_a_non_int(seed, error):
    with pytest.raises(error, match="seed"):
        seed_everything(seed)


@pytest.mark.parametrize("seed", [-1, -100])
def test_seed_everything_rejects_a_negative_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        seed_everything(seed)


def test_versions_names_the_libraries_the_numbers_depend_on():
    found = runtime.versions()
    assert set(found) == {"tensorflow", "keras", "numpy", "scikit-learn", "matplotlib"}
    assert found["tensorflow"] == tf.__version__
    assert found["keras"] == keras.__version__
    assert found["numpy"] == np.__version__
    assert found["scikit-learn"] == sklearn.__version__
    assert found["matplotlib"] == matplotlib.__version__
    assert all(isinstance(version, str) and version for version in found.values())


def test_tensorflow_python_warnings_are_silenced():
    import logging

    import tensorflow as tf

    assert tf.get_logger().level == logging.ERROR


def test_seed_everything_accepts_a_numpy_integer_like_every_other_function():
    seed_everything(np.int64(7))
    first = _draws()
    seed_everything(7)
    assert _draws() == first
