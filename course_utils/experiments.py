"""Repeated experiments: several compiled Keras models trained side by side, and their spread (chapter 01).

A conclusion in this course rests on several seeds. Training each seed's model with its own ``fit``
costs a second or two of tracing every time, so :func:`fit_together` trains many models in *one*
``fit``: it joins them as independent branches of one model, each with its own compiled loss,
metrics and penalties, and splits what Keras logs back into one ``keras.callbacks.History`` per
model. Because no weight is shared and Adam and SGD update each weight from its own gradient, each
branch follows exactly the path a separate ``fit`` on the same batches would (the unit tests check
it). The lesson's model stays in the notebook: :func:`fit_seeds` takes the notebook's own function
that builds and compiles one model for a seed.

:func:`spread` and :func:`summary_table` then give the mean and standard deviation over the runs,
at the last epoch and at each run's best epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike, NDArray

from course_utils._validation import built_model, positive_int

Track = Callable[[keras.Model], Mapping[str, float]]
CallbackFactory = Callable[[], Sequence[keras.callbacks.Callback]]


class _SideBySide(keras.Model):  # type: ignore[misc]  # keras is untyped
    """Independent compiled models as the branches of one model; the loss is the sum of theirs."""

    def __init__(self, branches: Sequence[keras.Model]) -> None:
        super().__init__(name="side_by_side")
        self.branches = list(branches)
        self.branch_losses = [keras.metrics.Mean(name=f"{index}:loss") for index in range(len(branches))]

    def call(self, inputs: Any, training: bool | None = None) -> list[Any]:
        return [branch(inputs, training=training) for branch in self.branches]

    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> Any:
        total = 0.0
        batch = keras.ops.shape(y)[0]
        for branch, tracker, prediction in zip(self.branches, self.branch_losses, y_pred, strict=True):
            # The branch's own compiled loss plus its own penalties (branch.losses), as its fit would.
            loss = branch._compute_loss(x, y, prediction, sample_weight, training=training)
            tracker.update_state(loss, sample_weight=batch)
            total = total + loss
        return total

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict[str, Any]:
        results: dict[str, Any] = {"loss": self._loss_tracker.result()}
        for index, (branch, tracker, prediction) in enumerate(
            zip(self.branches, self.branch_losses, y_pred, strict=True)
        ):
            results[f"{index}:loss"] = tracker.result()
            if branch._compile_metrics is not None:
                branch._compile_metrics.update_state(y, prediction, sample_weight)
                for name, value in branch._compile_metrics.result().items():
                    results[f"{index}:{name}"] = value
        return results

    @property
    def metrics(self) -> list[Any]:
        found = [self._loss_tracker] if self.compiled and self._loss_tracker is not None else []
        found.extend(self.branch_losses)
        found.extend(b._compile_metrics for b in self.branches if b._compile_metrics is not None)
        return found


class _Dispatch(keras.callbacks.Callback):  # type: ignore[misc]  # keras is untyped
    """Splits the joint logs into one History per branch and runs each branch's own callbacks."""

    def __init__(
        self,
        branches: Sequence[keras.Model],
        histories: Sequence[keras.callbacks.History],
        callbacks: Sequence[Sequence[keras.callbacks.Callback]],
        track: Track | None,
    ) -> None:
        super().__init__()
        self.branches = list(branches)
        self.histories = list(histories)
        self.branch_callbacks = [list(history_and) for history_and in callbacks]
        self.track = track
        self.stopped: list[list[Any] | None] = [None] * len(branches)

    def _all(self, index: int) -> list[keras.callbacks.Callback]:
        return [self.histories[index], *self.branch_callbacks[index]]

    def on_train_begin(self, logs: Mapping[str, float] | None = None) -> None:
        for index, branch in enumerate(self.branches):
            branch.stop_training = False
            for callback in self._all(index):
                callback.set_model(branch)
                callback.on_train_begin()

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
        for index in range(len(self.branches)):
            if self.stopped[index] is None:
                for callback in self._all(index):
                    callback.on_epoch_begin(epoch)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
        logs = dict(logs or {})
        for index, branch in enumerate(self.branches):
            if self.stopped[index] is not None:
                continue
            own: dict[str, float] = {}
            for key, value in logs.items():
                prefix, _, name = key.partition(f"{index}:")
                if name and prefix in ("", "val_"):
                    own[prefix + name] = float(value)
            if self.track is not None:
                own.update({name: float(value) for name, value in self.track(branch).items()})
            for callback in self._all(index):
                callback.on_epoch_end(epoch, own)
            if branch.stop_training:  # an EarlyStopping of this branch fired: keep its weights of now
                self.stopped[index] = branch.get_weights()
        if all(weights is not None for weights in self.stopped):
            self.model.stop_training = True

    def on_train_end(self, logs: Mapping[str, float] | None = None) -> None:
        for index, branch in enumerate(self.branches):
            weights = self.stopped[index]
            if weights is not None:  # undo the epochs it trained on while the others went on
                branch.set_weights(weights)
            for callback in self._all(index):
                callback.on_train_end()


def _dataset(
    x: ArrayLike, y: ArrayLike, batch_size: int, shuffle_seed: int | None, name: str
) -> tf.data.Dataset:
    x_array, y_array = np.asarray(x), np.asarray(y)
    if x_array.ndim == 0 or len(x_array) == 0:
        raise ValueError(f"{name} must hold at least one example")
    if len(x_array) != len(y_array):
        raise ValueError(f"{name}: x and y have {len(x_array)} and {len(y_array)} examples")
    dataset = tf.data.Dataset.from_tensor_slices((x_array, y_array)).cache()
    if shuffle_seed is not None and batch_size < len(x_array):
        dataset = dataset.shuffle(len(x_array), seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size)


def _optimizer_copy(models: Sequence[keras.Model]) -> keras.optimizers.Optimizer:
    def settings(optimizer: keras.optimizers.Optimizer) -> dict[str, Any]:
        return {key: value for key, value in optimizer.get_config().items() if key != "name"}

    first = models[0].optimizer
    config = first.get_config()
    for index, model in enumerate(models[1:], start=1):
        other = model.optimizer
        if type(other) is not type(first) or settings(other) != settings(first):
            raise ValueError(
                f"models[{index}] is compiled with another optimizer than models[0]: "
                "models trained together must share the optimizer's class and settings"
            )
    if config.get("global_clipnorm") is not None:
        raise ValueError("models: global_clipnorm clips all branches together; use clipnorm instead")
    return type(first).from_config(config)


def fit_together(
    models: Sequence[keras.Model],
    x: ArrayLike,
    y: ArrayLike,
    *,
    epochs: int,
    validation_data: tuple[ArrayLike, ArrayLike] | None = None,
    batch_size: int | None = None,
    shuffle_seed: int | None = 0,
    callbacks: CallbackFactory | None = None,
    track: Track | None = None,
) -> list[keras.callbacks.History]:
    """Train compiled models side by side in one ``fit``; return one ``History`` per model (chapter 01).

    Each model keeps its own compiled loss, metrics and penalties; its ``History`` holds the keys its
    own ``fit`` would log (``loss``, the compiled metrics, and ``val_`` twins). All models see the same
    batches. They must be compiled with the same optimizer class and settings, each with its own
    optimizer instance, and must not share weights.

    Args:
        models: built and compiled models, for example one per seed or per penalty strength.
        x: the training inputs.
        y: the training targets.
        epochs: the number of epochs.
        validation_data: ``(x_val, y_val)``, evaluated after each epoch.
        batch_size: examples per step; ``None`` trains on the whole training set in each step.
        shuffle_seed: seeds the reshuffle of the batches in each epoch; ``None`` keeps the order.
        callbacks: a function that returns fresh callbacks for one model (for example an
            ``EarlyStopping``); it is called once per model. A model whose callback stops it gets back,
            at the end, the weights it had when it stopped; the others train on.
        track: a function of a model that returns extra values to log after each epoch, for example
            ``lambda m: {"penalty": float(sum(m.losses))}``.

    Raises:
        TypeError/ValueError: naming the argument, for models that are not built and compiled
            Keras models, shared weights, differing optimizers, mismatched data or a bad count.
    """
    if isinstance(models, keras.Model) or not isinstance(models, Sequence) or not models:
        raise TypeError("models must be a non-empty list of compiled keras.Model objects")
    for index, model in enumerate(models):
        built_model(model, f"models[{index}]")
        if not model.compiled or model.optimizer is None:
            raise ValueError(f"models[{index}] is not compiled: call its compile(...) first")
    owners: dict[int, int] = {}
    for index, model in enumerate(models):
        for variable in model.weights:
            if owners.setdefault(id(variable), index) != index:
                raise ValueError(f"models[{index}] shares weights with models[{owners[id(variable)]}]")
    if len({id(model.optimizer) for model in models}) != len(models):
        raise ValueError("models must each have their own optimizer instance")
    positive_int(epochs, "epochs")
    n_train = len(np.asarray(x))
    size = n_train if batch_size is None else positive_int(batch_size, "batch_size")
    if shuffle_seed is not None:
        positive_int(shuffle_seed, "shuffle_seed", minimum=0)
    if callbacks is not None and not callable(callbacks):
        raise TypeError(f"callbacks must be a function returning callbacks, got {type(callbacks).__name__}")
    if track is not None and not callable(track):
        raise TypeError(f"track must be a function of a model, got {type(track).__name__}")
    training = _dataset(x, y, size, shuffle_seed, "x, y")
    validation = None
    if validation_data is not None:
        if not isinstance(validation_data, tuple) or len(validation_data) != 2:
            raise TypeError("validation_data must be a tuple (x_val, y_val)")
        validation = _dataset(*validation_data, len(np.asarray(validation_data[0])), None, "validation_data")

    joint = _SideBySide(models)
    joint.compile(optimizer=_optimizer_copy(models), jit_compile=False)
    histories = [keras.callbacks.History() for _ in models]
    extra = [list(callbacks()) if callbacks is not None else [] for _ in models]
    joint.fit(
        training,
        validation_data=validation,
        epochs=epochs,
        shuffle=False,  # the pipeline reshuffles, seeded
        verbose=0,
        callbacks=[_Dispatch(models, histories, extra, track)],
    )
    return histories


def fit_seeds(
    make_model: Callable[[int], keras.Model],
    seeds: Sequence[int],
    x: ArrayLike,
    y: ArrayLike,
    **options: Any,
) -> list[keras.callbacks.History]:
    """Build ``make_model(seed)`` for every seed and train them together (chapter 01).

    ``make_model`` is the notebook's own function: it builds and compiles one model for a seed.
    ``options`` are those of :func:`fit_together`. Returns one ``History`` per seed, in order; each
    history's ``model`` is the trained model.

    Raises:
        TypeError/ValueError: for a ``make_model`` that is not callable, no seeds or a bad seed.
    """
    if not callable(make_model) or isinstance(make_model, keras.Model):
        raise TypeError(f"make_model must be a function seed -> keras.Model, got {type(make_model).__name__}")
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Sequence) or not seeds:
        raise ValueError("seeds must be a non-empty list of ints")
    checked = [positive_int(seed, f"seeds[{index}]", minimum=0) for index, seed in enumerate(seeds)]
    return fit_together([make_model(seed) for seed in checked], x, y, **options)


def curves(histories: Sequence[keras.callbacks.History], metric: str) -> NDArray[np.float64]:
    """Return ``metric`` of every run, one row per run and one column per epoch (chapter 01).

    Raises:
        TypeError/ValueError: for an empty list, an object that is not a History, a metric that a
            run did not log, or runs of different lengths.
    """
    if isinstance(histories, keras.callbacks.History) or not isinstance(histories, Sequence):
        raise TypeError("histories must be a list of keras.callbacks.History objects")
    if not histories:
        raise ValueError("histories must not be empty")
    rows = []
    for index, history in enumerate(histories):
        if not isinstance(history, keras.callbacks.History):
            raise TypeError(
                f"histories[{index}] must be a keras.callbacks.History, got {type(history).__name__}"
            )
        if metric not in history.history:
            known = ", ".join(sorted(history.history))
            raise ValueError(f"metric {metric!r} is not in histories[{index}]; it logged: {known}")
        rows.append(np.asarray(history.history[metric], dtype=np.float64))
    if len({len(row) for row in rows}) != 1:
        raise ValueError(f"histories have different lengths: {[len(row) for row in rows]}")
    return np.vstack(rows)


@dataclass(frozen=True)
class Spread:
    """A metric over several runs: mean and standard deviation at the last and at the best epoch."""

    final_mean: float
    final_sd: float
    best_mean: float
    best_sd: float
    best_epoch_mean: float
    runs: int


def spread(
    histories: Sequence[keras.callbacks.History], metric: str, mode: Literal["min", "max"] = "min"
) -> Spread:
    """Summarise ``metric`` over runs: its value at the last epoch and at each run's best (chapter 01).

    The best epoch is where the metric is lowest (``mode="min"``, for a loss) or highest
    (``"max"``, for an accuracy); epochs count from 1. The standard deviation is the sample one
    (``ddof=1``), 0 for a single run.

    Raises:
        ValueError: as :func:`curves`, or for an unknown ``mode``.
    """
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
    table = curves(histories, metric)
    best_index = table.argmin(axis=1) if mode == "min" else table.argmax(axis=1)
    best = table[np.arange(len(table)), best_index]
    ddof = 1 if len(table) > 1 else 0
    return Spread(
        final_mean=float(table[:, -1].mean()),
        final_sd=float(table[:, -1].std(ddof=ddof)),
        best_mean=float(best.mean()),
        best_sd=float(best.std(ddof=ddof)),
        best_epoch_mean=float((best_index + 1).mean()),
        runs=len(table),
    )


def summary_table(
    runs: Mapping[str, Sequence[keras.callbacks.History]],
    metric: str = "val_data_loss",
    mode: Literal["min", "max"] = "min",
    digits: int = 3,
) -> str:
    """Format one line per set of runs: mean ± sd of ``metric`` at the last and the best epoch (chapter 01).

    Raises:
        TypeError/ValueError: for an empty mapping, or as :func:`spread`.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty mapping of label -> list of History objects")
    positive_int(digits, "digits", minimum=0)
    width = max(8, *(len(str(label)) for label in runs))
    value = 2 * digits + 5
    lines = [f"{'':<{width}} {'runs':>4} {'last epoch':>{value}} {'best epoch':>{value}} {'best at':>7}"]
    for label, histories in runs.items():
        s = spread(histories, metric, mode)
        last = f"{s.final_mean:.{digits}f} ± {s.final_sd:.{digits}f}"
        best = f"{s.best_mean:.{digits}f} ± {s.best_sd:.{digits}f}"
        lines.append(
            f"{label:<{width}} {s.runs:>4} {last:>{value}} {best:>{value}} {s.best_epoch_mean:>7.0f}"
        )
    lines.append(f"{metric}: mean ± sd over the runs; 'best at' is the mean best epoch")
    return "\n".join(lines)
