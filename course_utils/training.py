"""Quiet training that keeps the data loss apart from the penalty (chapter 01).

Keras reports one ``loss``: the data loss *plus* every penalty in ``model.losses``. To compare a
regularized model with an unregularized one fairly, :func:`train` also records the data loss
alone (as a metric, which never includes penalties) and the penalty at the end of each epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import NDArray

from course_utils._validation import built_model, non_negative_float, one_of, positive_int
from course_utils.data import Split
from course_utils.penalties import total_penalty
from course_utils.runtime import seed_everything

Task = Literal["classification", "regression"]
OptimizerLike: TypeAlias = "str | keras.optimizers.Optimizer"

METRICS = (
    "loss",
    "data_loss",
    "val_loss",
    "val_data_loss",
    "penalty",
    "weight_norm",
    "accuracy",
    "val_accuracy",
)


@dataclass(frozen=True)
class TrainingLog:
    """Per-epoch curves of one training run (chapter 01).

    ``loss`` and ``val_loss`` are what Keras reports: data loss plus penalty. ``data_loss`` and
    ``val_data_loss`` leave the penalty out. ``penalty`` is ``sum(model.losses)`` after each epoch.
    ``weight_norm`` is the Euclidean norm of all kernels together after each epoch.
    ``accuracy`` and ``val_accuracy`` are empty for regression.
    """

    loss: NDArray[np.float64]
    data_loss: NDArray[np.float64]
    val_loss: NDArray[np.float64]
    val_data_loss: NDArray[np.float64]
    penalty: NDArray[np.float64]
    weight_norm: NDArray[np.float64]
    accuracy: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    val_accuracy: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))

    @property
    def epochs(self) -> int:
        """Number of epochs trained."""
        return len(self.loss)

    def curve(self, metric: str) -> NDArray[np.float64]:
        """Return the per-epoch values of ``metric`` (one of :data:`METRICS`)."""
        one_of(metric, "metric", METRICS)
        values: NDArray[np.float64] = getattr(self, metric)
        if values.size == 0:
            raise ValueError(f"metric {metric!r} was not recorded (accuracy exists only for classification)")
        return values

    def best_epoch(self, metric: str = "val_data_loss") -> int:
        """Return the 1-based epoch where ``metric`` is best (lowest loss, highest accuracy)."""
        values = self.curve(metric)
        return int(np.argmax(values) if "accuracy" in metric else np.argmin(values)) + 1

    def final(self, metric: str) -> float:
        """Return the value of ``metric`` after the last epoch."""
        return float(self.curve(metric)[-1])


def kernel_norm(model: keras.Model) -> float:
    """Return the Euclidean norm of all kernel weights of ``model`` taken together (chapter 01)."""
    squares = [
        float(np.sum(np.square(variable.numpy())))
        for variable in built_model(model, "model").trainable_weights
        if variable.path.endswith("kernel")
    ]
    return float(np.sqrt(sum(squares)))


class _Recorder(keras.callbacks.Callback):  # type: ignore[misc]  # keras is untyped
    """Records the penalty and the kernel norm after each epoch."""

    def __init__(self) -> None:
        super().__init__()
        self.penalty: list[float] = []
        self.weight_norm: list[float] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self.penalty.append(total_penalty(self.model))
        self.weight_norm.append(kernel_norm(self.model))


def _dataset(
    x: NDArray[np.generic], y: NDArray[np.generic], batch_size: int, seed: int | None
) -> tf.data.Dataset:
    """Build a cached tf.data pipeline: several times faster per epoch than fitting on NumPy arrays."""
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).cache()
    if seed is not None:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size)


def compile_model(
    model: keras.Model,
    task: Task = "classification",
    optimizer: OptimizerLike = "adam",
    learning_rate: float = 1e-3,
) -> None:
    """Compile ``model`` with the task's loss, plus that loss again as the penalty-free ``data_loss`` metric.

    A string ``optimizer`` (``"adam"``, ``"sgd"``, …) is built with ``learning_rate``; an optimizer
    instance is used as it is (chapter 01).

    Raises:
        TypeError/ValueError: for a model that is not a ``keras.Model``, an unknown task or optimizer,
            or a bad learning rate.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    one_of(task, "task", ("classification", "regression"))
    rate = non_negative_float(learning_rate, "learning_rate")
    if rate == 0:
        raise ValueError("learning_rate must be positive, got 0")
    if isinstance(optimizer, str):
        try:
            optimizer = keras.optimizers.get({"class_name": optimizer, "config": {"learning_rate": rate}})
        except ValueError as error:
            raise ValueError(f"optimizer: Keras does not know the optimizer {optimizer!r}") from error
    elif not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"optimizer must be a name or a keras optimizer, got {type(optimizer).__name__}")
    if task == "classification":
        model.compile(
            optimizer=optimizer,
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=[
                keras.metrics.SparseCategoricalCrossentropy(name="data_loss"),
                keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            ],
        )
    else:
        model.compile(
            optimizer=optimizer,
            loss=keras.losses.MeanSquaredError(),
            metrics=[keras.metrics.MeanSquaredError(name="data_loss")],
        )


def train(
    model: keras.Model,
    split: Split,
    *,
    epochs: int,
    task: Task = "classification",
    batch_size: int = 32,
    optimizer: OptimizerLike = "adam",
    learning_rate: float = 1e-3,
    seed: int = 0,
) -> TrainingLog:
    """Compile and fit ``model`` on ``split`` silently, validating on its validation part (chapter 01).

    The random generators are seeded with ``seed`` first, so a run does not depend on what ran
    before it.

    Raises:
        TypeError/ValueError: naming the argument, for a bad model, split, count or rate.
    """
    if not isinstance(split, Split):
        raise TypeError(f"split must be a course_utils.data.Split, got {type(split).__name__}")
    positive_int(epochs, "epochs")
    positive_int(batch_size, "batch_size")
    seed_everything(seed)
    compile_model(model, task, optimizer, learning_rate)
    recorder = _Recorder()
    history = model.fit(
        _dataset(split.x_train, split.y_train, batch_size, seed),
        validation_data=_dataset(split.x_val, split.y_val, 1024, None),
        epochs=epochs,
        shuffle=False,  # the training pipeline shuffles, seeded, every epoch
        verbose=0,
        callbacks=[recorder],
    ).history

    def column(key: str) -> NDArray[np.float64]:
        return np.asarray(history.get(key, []), dtype=np.float64)

    return TrainingLog(
        loss=column("loss"),
        data_loss=column("data_loss"),
        val_loss=column("val_loss"),
        val_data_loss=column("val_data_loss"),
        penalty=np.asarray(recorder.penalty, dtype=np.float64),
        weight_norm=np.asarray(recorder.weight_norm, dtype=np.float64),
        accuracy=column("accuracy"),
        val_accuracy=column("val_accuracy"),
    )


Builder: TypeAlias = Callable[[float, int], keras.Model]


@dataclass(frozen=True)
class Sweep:
    """Training runs over a grid of penalty strengths, one per (strength, seed) pair (chapter 06)."""

    strengths: tuple[float, ...]
    seeds: tuple[int, ...]
    logs: dict[tuple[float, int], TrainingLog]

    def values(self, metric: str, at: Literal["final", "best"] = "final") -> NDArray[np.float64]:
        """Return ``metric`` per strength (rows) and seed (columns).

        ``at="final"`` takes the value after the last epoch; ``at="best"`` takes the best value over
        the epochs (lowest loss, highest accuracy), as early stopping would.
        """
        one_of(at, "at", ("final", "best"))
        table = np.empty((len(self.strengths), len(self.seeds)))
        for row, strength in enumerate(self.strengths):
            for column, seed in enumerate(self.seeds):
                curve = self.logs[(strength, seed)].curve(metric)
                if at == "final":
                    table[row, column] = curve[-1]
                else:
                    table[row, column] = curve.max() if "accuracy" in metric else curve.min()
        return table

    def best_strength(self, metric: str = "val_data_loss", at: Literal["final", "best"] = "final") -> float:
        """Return the strength whose mean ``metric`` over the seeds is best."""
        means = self.values(metric, at).mean(axis=1)
        index = int(np.argmax(means) if "accuracy" in metric else np.argmin(means))
        return self.strengths[index]


def sweep(
    build: Builder,
    strengths: Sequence[float],
    split: Split,
    *,
    epochs: int,
    seeds: Sequence[int] = (0,),
    task: Task = "classification",
    batch_size: int = 32,
    optimizer: OptimizerLike = "adam",
    learning_rate: float = 1e-3,
) -> Sweep:
    """Train ``build(strength, seed)`` for every strength and seed, and collect the logs (chapter 06).

    Args:
        build: makes a fresh, uncompiled model for a penalty strength and a seed.
        strengths: the penalty strengths to try, each a finite number >= 0 (0 means no penalty).
        split: the data; models are compared on its validation part.
        epochs: passed to :func:`train`.
        seeds: one run per seed and strength; several seeds show the spread.
        task: passed to :func:`train`.
        batch_size: passed to :func:`train`.
        optimizer: an optimizer *name*, passed to :func:`train` (each run needs a fresh optimizer).
        learning_rate: passed to :func:`train`.

    Raises:
        TypeError/ValueError: naming the argument, for a non-callable ``build``, an empty or negative
            grid, or empty ``seeds``.
    """
    if not callable(build) or isinstance(build, keras.Model):
        raise TypeError(
            f"build must be a function (strength, seed) -> keras.Model, got {type(build).__name__}"
        )
    if not isinstance(strengths, Sequence) or isinstance(strengths, str):
        raise TypeError(f"strengths must be a sequence of numbers, got {type(strengths).__name__}")
    if not isinstance(seeds, Sequence) or isinstance(seeds, str):
        raise TypeError(f"seeds must be a sequence of ints, got {type(seeds).__name__}")
    grid = tuple(non_negative_float(strength, "strengths[]") for strength in strengths)
    if not grid:
        raise ValueError("strengths must not be empty")
    seed_list = tuple(positive_int(seed, "seeds[]", minimum=0) for seed in seeds)
    if not seed_list:
        raise ValueError("seeds must not be empty")
    if isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError("optimizer must be a name here: one optimizer instance cannot train several models")
    logs = {}
    for strength in grid:
        for seed in seed_list:
            model = build(strength, seed)
            logs[(strength, seed)] = train(
                model,
                split,
                epochs=epochs,
                task=task,
                batch_size=batch_size,
                optimizer=optimizer,
                learning_rate=learning_rate,
                seed=seed,
            )
    return Sweep(grid, seed_list, logs)
