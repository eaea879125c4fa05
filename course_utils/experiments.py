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
            It is TensorFlow's operation seed: the order also depends on TensorFlow's global seed
            when the call is made (the one the last ``keras.utils.set_random_seed`` set, for example
            in the last model function). Full-batch training (``batch_size=None``) has no order.
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


# --- many small classifiers as one stacked model (chapter 01) -------------------------------------


class _VectorMean(keras.metrics.Metric):  # type: ignore[misc]  # keras is untyped
    """The mean over the batches of an epoch of one value per stacked model."""

    def __init__(self, size: int, name: str) -> None:
        super().__init__(name=name)
        self.total = self.add_variable(shape=(size,), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values: Any, weight: Any) -> None:
        self.total.assign(self.total + values * weight)
        self.count.assign(self.count + weight)

    def result(self) -> Any:
        return self.total / self.count

    def reset_state(self) -> None:
        self.total.assign(keras.ops.zeros_like(self.total))
        self.count.assign(0.0)


class _Untracked:
    """Holds the models' layers out of sight of Keras's attribute tracking."""

    def __init__(self, layers: list[list[keras.layers.Dense]]) -> None:
        self.layers = layers


def _dense_layers(model: keras.Model, name: str) -> list[keras.layers.Dense]:
    """Return the Dense layers of a model made only of Dense layers without penalties."""
    return _stack_parts(model, name, regularized=False)[0]


_PENALTIES = (keras.regularizers.L1, keras.regularizers.L2, keras.regularizers.L1L2)


def _stack_parts(
    model: keras.Model, name: str, regularized: bool, biases: bool = False
) -> tuple[list[keras.layers.Dense], list[float], list[tuple[float, float, float, float]]]:
    """Return a stackable model's Dense layers, the dropout rate after each and its penalties.

    The penalties of a layer are ``(l1, l2)`` of its kernel followed by ``(l1, l2)`` of its bias.
    Without ``regularized`` only plain Dense layers pass; with it, a ``Dropout`` (without
    ``noise_shape``) may follow each hidden Dense layer, and a kernel or a bias may carry an
    ``L1``, ``L2`` or ``L1L2`` penalty (a bias only with ``biases`` as well).
    """
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    allowed: tuple[type, ...] = (
        (keras.layers.Dense, keras.layers.Dropout) if regularized else (keras.layers.Dense,)
    )
    if not layers or any(type(layer) not in allowed for layer in layers):
        what = "Dense and Dropout layers" if regularized else "Dense layers"
        raise ValueError(f"{name} must be made of {what} only (use fit_together for other models)")
    dense: list[keras.layers.Dense] = []
    rates: list[float] = []
    penalties: list[tuple[float, float, float, float]] = []
    for layer in layers:
        if type(layer) is keras.layers.Dropout:
            if not dense or rates[-1] != 0.0 or layer is layers[-1]:
                raise ValueError(
                    f"{name}: Dropout layer {layer.name!r} must follow a hidden Dense layer (one each)"
                )
            if layer.noise_shape is not None:
                raise ValueError(f"{name}: Dropout layer {layer.name!r} has a noise_shape; use fit_together")
            rates[-1] = float(layer.rate) if layer.rate > 0 else 0.0
            continue
        penalty = (0.0, 0.0, 0.0, 0.0)
        kernel, bias = layer.kernel_regularizer, layer.bias_regularizer
        if regularized and kernel is not None and type(kernel) in _PENALTIES:
            config = kernel.get_config()
            penalty = (float(config.get("l1", 0.0)), float(config.get("l2", 0.0)), 0.0, 0.0)
            kernel = None
        if regularized and biases and bias is not None and type(bias) in _PENALTIES:
            config = bias.get_config()
            penalty = (*penalty[:2], float(config.get("l1", 0.0)), float(config.get("l2", 0.0)))
            bias = None
        extras = (
            kernel,
            bias,
            layer.activity_regularizer,
            layer.kernel_constraint,
            layer.bias_constraint,
        )
        if any(extra is not None for extra in extras) or not layer.use_bias:
            kinds = "a bias or activity regularizer" if regularized else "a regularizer"
            if regularized and biases:
                kinds = "an activity regularizer, a regularizer other than L1/L2"
            raise ValueError(
                f"{name}: layer {layer.name!r} has {kinds}, a constraint or no bias; "
                "fit_stacked trains plain Dense layers only (use fit_together)"
            )
        if layer.lora_enabled:
            raise ValueError(f"{name}: layer {layer.name!r} uses LoRA; fit_stacked cannot train it")
        dense.append(layer)
        rates.append(0.0)
        penalties.append(penalty)
    return dense, rates, penalties


def _is_sparse_crossentropy(loss: object) -> bool:
    if loss in ("sparse_categorical_crossentropy", keras.losses.sparse_categorical_crossentropy):
        return True
    return isinstance(loss, keras.losses.SparseCategoricalCrossentropy) and not loss.get_config().get(
        "from_logits", False
    )


class _Stacked(keras.Model):  # type: ignore[misc]  # keras is untyped
    """Models of Dense layers as stacked weights: one einsum per layer for all models of a shape."""

    def __init__(
        self, members: Sequence[keras.Model], regularized: bool = False, biases: bool = False
    ) -> None:
        super().__init__(name="stacked")
        self.size = len(members)
        parts = [
            _stack_parts(model, f"models[{index}]", regularized, biases)
            for index, model in enumerate(members)
        ]
        dense = [layers for layers, _, _ in parts]
        first = dense[0]
        signature = [(layer.kernel.shape[0], layer.get_config()["activation"]) for layer in first]
        for index, layers in enumerate(dense[1:], start=1):
            theirs = [(layer.kernel.shape[0], layer.get_config()["activation"]) for layer in layers]
            if len(theirs) != len(signature) or theirs[0] != signature[0]:
                raise ValueError(f"models[{index}] has other inputs or another layer count than models[0]")
            if [a for _, a in theirs] != [a for _, a in signature] or layers[-1].units != first[-1].units:
                raise ValueError(f"models[{index}] has other activations or outputs than models[0]")
        if signature[-1][1] != "softmax":
            raise ValueError("models must end with a softmax Dense layer (probabilities)")
        self.activations = [keras.activations.get(activation) for _, activation in signature]
        groups: dict[tuple[int, ...], list[int]] = {}
        for index, layers in enumerate(dense):
            groups.setdefault(tuple(layer.units for layer in layers), []).append(index)
        self.groups = list(groups.values())
        self.order = [index for group in self.groups for index in group]
        self.members = _Untracked(dense)  # not tracked: the models' own weights are not trained here
        self.stacked: list[list[tuple[Any, Any]]] = []
        for number, group in enumerate(self.groups):
            variables = []
            for depth in range(len(first)):
                kernel = np.stack([np.asarray(dense[i][depth].kernel.numpy()) for i in group])
                bias = np.stack([np.asarray(dense[i][depth].bias.numpy()) for i in group])
                k = self.add_weight(shape=kernel.shape, initializer="zeros", name=f"g{number}_kernel{depth}")
                b = self.add_weight(shape=bias.shape, initializer="zeros", name=f"g{number}_bias{depth}")
                k.assign(kernel)
                b.assign(bias)
                variables.append((k, b))
            self.stacked.append(variables)

        # Per group and depth: each model's dropout rate after the layer and its kernel's l1 and l2.
        def per_depth(value: Callable[[int, int], float]) -> list[list[NDArray[np.float32]]]:
            """For each group and depth, one value per model of the group, as float32."""
            return [
                [np.array([value(i, depth) for i in group], dtype="float32") for depth in range(len(first))]
                for group in self.groups
            ]

        self.rates = per_depth(lambda i, depth: parts[i][1][depth])
        self.l1 = per_depth(lambda i, depth: parts[i][2][depth][0])
        self.l2 = per_depth(lambda i, depth: parts[i][2][depth][1])
        self.bias_l1 = per_depth(lambda i, depth: parts[i][2][depth][2])
        self.bias_l2 = per_depth(lambda i, depth: parts[i][2][depth][3])
        tables = (self.l1, self.l2, self.bias_l1, self.bias_l2)
        self.penalized = any(np.any(v) for table in tables for row in table for v in row)
        self.noise = keras.random.SeedGenerator(int(np.random.randint(0, 2**31 - 1)))
        self.data_loss_tracker = _VectorMean(self.size, "data_loss")
        self.accuracy_tracker = _VectorMean(self.size, "accuracy")
        self.loss_vector_tracker = _VectorMean(self.size, "penalized_loss")

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        outputs = []
        for variables, rates in zip(self.stacked, self.rates, strict=True):
            hidden = keras.ops.einsum("bi,mio->mbo", inputs, variables[0][0])
            hidden = self.activations[0](hidden + variables[0][1][:, None, :])
            for depth, ((kernel, bias), activation) in enumerate(
                zip(variables[1:], self.activations[1:], strict=True)
            ):
                if training and np.any(rates[depth]):
                    hidden = self.drop(hidden, rates[depth])
                hidden = activation(keras.ops.einsum("mbi,mio->mbo", hidden, kernel) + bias[:, None, :])
            outputs.append(hidden)
        joined = keras.ops.concatenate(outputs, axis=0)  # in group order
        back = [self.order.index(index) for index in range(self.size)]
        return keras.ops.take(joined, back, axis=0)  # models × batch × classes, in the models' order

    def drop(self, hidden: Any, rates: NDArray[np.float32]) -> Any:
        """Inverted dropout of each model's units (models × batch × units) at the model's own rate."""
        rate = keras.ops.convert_to_tensor(rates)[:, None, None]
        keep = keras.random.uniform(keras.ops.shape(hidden), seed=self.noise) >= rate
        return keras.ops.where(keep, hidden / (1.0 - rate), keras.ops.zeros_like(hidden))

    def penalties(self) -> Any:
        """Each model's penalty, l1·Σ|w| + l2·Σw² over its kernels and biases, in the models' order."""
        parts = []
        tables = zip(self.stacked, self.l1, self.l2, self.bias_l1, self.bias_l2, strict=True)
        for variables, l1, l2, bias_l1, bias_l2 in tables:
            total = keras.ops.zeros((len(l1[0]),))
            for (kernel, bias), a, b, c, d in zip(variables, l1, l2, bias_l1, bias_l2, strict=True):
                if np.any(a):
                    total = total + a * keras.ops.sum(keras.ops.abs(kernel), axis=(1, 2))
                if np.any(b):
                    total = total + b * keras.ops.sum(keras.ops.square(kernel), axis=(1, 2))
                if np.any(c):
                    total = total + c * keras.ops.sum(keras.ops.abs(bias), axis=1)
                if np.any(d):
                    total = total + d * keras.ops.sum(keras.ops.square(bias), axis=1)
            parts.append(total)
        back = [self.order.index(index) for index in range(self.size)]
        return keras.ops.take(keras.ops.concatenate(parts, axis=0), back, axis=0)

    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> Any:
        targets = keras.ops.broadcast_to(y[None, :], (self.size, keras.ops.shape(y)[0]))
        losses = keras.losses.sparse_categorical_crossentropy(targets, y_pred)
        each = keras.ops.mean(losses, axis=1)  # each model's own loss: its mean over the batch
        batch = keras.ops.cast(keras.ops.shape(y)[0], "float32")
        self.data_loss_tracker.update_state(each, batch)
        if self.penalized:
            penalized = each + self.penalties()  # what each model's own fit minimizes and logs as loss
            self.loss_vector_tracker.update_state(penalized, batch)
            each = penalized
        predicted = keras.ops.cast(keras.ops.argmax(y_pred, axis=-1), targets.dtype)
        right = keras.ops.cast(keras.ops.equal(predicted, targets), "float32")
        self.accuracy_tracker.update_state(keras.ops.mean(right, axis=1), batch)
        return keras.ops.sum(each)  # the sum: each model's gradient is that of its own loss

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict[str, Any]:
        results = {"data_loss": self.data_loss_tracker.result(), "accuracy": self.accuracy_tracker.result()}
        if self.penalized:
            results["penalized_loss"] = self.loss_vector_tracker.result()
        return results

    @property
    def metrics(self) -> list[Any]:
        found = [self._loss_tracker] if self.compiled and self._loss_tracker is not None else []
        extra = [self.loss_vector_tracker] if self.penalized else []
        return [*found, self.data_loss_tracker, self.accuracy_tracker, *extra]

    def copy_back(self, indices: Sequence[int]) -> None:
        """Put the current weights of the models at ``indices`` into the models themselves."""
        wanted = set(indices)
        for group, variables in zip(self.groups, self.stacked, strict=True):
            if wanted.isdisjoint(group):
                continue
            for depth, (kernel, bias) in enumerate(variables):
                kernels, biases = kernel.numpy(), bias.numpy()
                for position, index in enumerate(group):
                    if index not in wanted:
                        continue
                    self.members.layers[index][depth].kernel.assign(kernels[position])
                    self.members.layers[index][depth].bias.assign(biases[position])


class _StackedDispatch(keras.callbacks.Callback):  # type: ignore[misc]  # keras is untyped
    """Splits the stacked model's vector logs into one History per model and runs its callbacks."""

    def __init__(
        self,
        stacked: _Stacked,
        members: Sequence[keras.Model],
        histories: Sequence[keras.callbacks.History],
        callbacks: Sequence[Sequence[keras.callbacks.Callback]],
        track: Sequence[Track | None],
        test: tuple[NDArray[Any], NDArray[Any]] | None = None,
    ) -> None:
        super().__init__()
        self.test = test
        self.stacked = stacked
        self.members = list(members)
        self.histories = list(histories)
        self.branch_callbacks = [list(own) for own in callbacks]
        self.track = list(track)
        self.stopped: list[list[Any] | None] = [None] * len(members)

    def _all(self, index: int) -> list[keras.callbacks.Callback]:
        return [self.histories[index], *self.branch_callbacks[index]]

    def _running(self) -> list[int]:
        return [index for index, weights in enumerate(self.stopped) if weights is None]

    def on_train_begin(self, logs: Mapping[str, float] | None = None) -> None:
        for index, member in enumerate(self.members):
            member.stop_training = False
            for callback in self._all(index):
                callback.set_model(member)
                callback.on_train_begin()

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
        for index in self._running():
            for callback in self._all(index):
                callback.on_epoch_begin(epoch)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        logs = dict(logs or {})
        running = self._running()
        needed = [index for index in running if self.track[index] is not None or self.branch_callbacks[index]]
        self.stacked.copy_back(needed)  # the models' own weights, for track and callbacks
        if self.test is not None:  # one inference-mode pass of the whole stack, no weight copies
            x_test, y_test = self.test
            probabilities = self.stacked(x_test, training=False)
            targets = np.broadcast_to(y_test[None, :], (self.stacked.size, len(y_test)))
            test_losses = np.asarray(
                keras.ops.mean(keras.losses.sparse_categorical_crossentropy(targets, probabilities), axis=1)
            )
            test_right = np.argmax(np.asarray(probabilities), axis=-1) == targets
        for index in running:
            member = self.members[index]
            own: dict[str, float] = {}
            for prefix in ("", "val_"):
                if f"{prefix}data_loss" in logs:
                    data_loss = float(np.asarray(logs[f"{prefix}data_loss"])[index])
                    own[f"{prefix}accuracy"] = float(np.asarray(logs[f"{prefix}accuracy"])[index])
                    own[f"{prefix}data_loss"] = data_loss
                    own[f"{prefix}loss"] = data_loss  # no penalty: the loss is the data loss
                    if f"{prefix}penalized_loss" in logs:  # with one: data loss + penalty, as fit logs
                        own[f"{prefix}loss"] = float(np.asarray(logs[f"{prefix}penalized_loss"])[index])
            if self.test is not None:
                own["test_data_loss"] = float(test_losses[index])
                own["test_accuracy"] = float(np.mean(test_right[index]))
            measure = self.track[index]
            if measure is not None:
                own.update({name: float(value) for name, value in measure(member).items()})
            for callback in self._all(index):
                callback.on_epoch_end(epoch, own)
            if member.stop_training:  # its EarlyStopping fired: keep its weights of now
                self.stopped[index] = member.get_weights()
        if not self._running():
            self.model.stop_training = True

    def on_train_end(self, logs: Mapping[str, float] | None = None) -> None:
        self.stacked.copy_back(self._running())
        for index, member in enumerate(self.members):
            weights = self.stopped[index]
            if weights is not None:  # undo the steps the stack took after this model stopped
                member.set_weights(weights)
            for callback in self._all(index):
                callback.on_train_end()


def fit_stacked(
    models: Sequence[keras.Model],
    x: ArrayLike,
    y: ArrayLike,
    *,
    epochs: int,
    validation_data: tuple[ArrayLike, ArrayLike] | None = None,
    callbacks: CallbackFactory | Sequence[Sequence[keras.callbacks.Callback]] | None = None,
    track: Track | Sequence[Track | None] | None = None,
    regularized: bool = False,
    test_data: tuple[ArrayLike, ArrayLike] | None = None,
    steps_per_epoch: int = 1,
    penalize_biases: bool = False,
) -> list[keras.callbacks.History]:
    """Train many small classifiers as ONE stacked model, full batch; one ``History`` each (chapter 01).

    :func:`fit_together` costs a second or so of tracing per model. For the width sweeps and seed
    repeats of chapter 01, whose models are plain ``Dense`` stacks, this function stores the
    weights of all models of one shape as stacked arrays and computes each layer of all of them in
    one ``einsum``, so a dozen models trace about as fast as one. Each model's loss is its own mean
    cross-entropy over the training set (the joint loss is their sum, so each model gets exactly
    its own gradient), and every step is a full-batch step with a copy of the models' common
    optimizer, elementwise per weight as Adam and SGD are. The result matches separate full-batch
    fits up to float rounding (the unit tests check it), not bit for bit.

    Each ``History`` logs ``loss``, ``data_loss`` (equal: these models carry no penalty) and
    ``accuracy``, with ``val_`` twins when ``validation_data`` is given, and its ``model`` is the
    model itself, holding its trained weights at the end.

    Args:
        models: built models compiled with ``loss="sparse_categorical_crossentropy"``, each a stack
            of ``Dense`` layers without regularizers or constraints ending in a softmax, with the
            same inputs, activations and number of classes; the widths may differ. All must be
            compiled with the same optimizer class and settings.
        x: the training inputs.
        y: the integer class labels.
        epochs: the number of full-batch steps.
        validation_data: ``(x_val, y_val)``, evaluated after each step.
        callbacks: one list of callbacks per model (for example an ``EarlyStopping`` for some
            of them, ``[]`` for the others), or, as for :func:`fit_together`, a function that
            returns fresh callbacks for one model. Each sees its model with its weights of the
            epoch. A model whose callback stops it gets back, at the end, the weights it had when
            it stopped (before its callbacks' ``on_train_end``).
        track: a function of a model that returns extra values to log after each epoch; it sees the
            model with its weights of that epoch. A list gives one such function (or ``None``) per
            model; copying the weights out of the stack costs time, so track only what you need.
        regularized: also accept (chapter 07) a ``Dropout`` layer after each hidden ``Dense`` layer
            and an ``L1``, ``L2`` or ``L1L2`` penalty on each kernel. A penalty is added to each
            model's loss as its own ``fit`` adds it, and ``loss`` then logs data loss + penalty. The
            dropout masks are drawn by the stack (inverted dropout at each layer's ``rate``, a new
            mask for every example and step), not by the models' ``Dropout`` layers, so such a model
            trains as its own ``fit`` would in distribution, not bit for bit.
        test_data: ``(x_test, y_test)``, added in chapter 07: after each epoch every model is also
            scored on it in inference mode, in one pass of the stack without copying weights out,
            and its ``History`` logs ``test_data_loss`` and ``test_accuracy``. Read them only at an
            epoch chosen on the validation data (for example its lowest ``val_data_loss``).
        steps_per_epoch: (chapter 05) full-batch steps per epoch; the default 1 makes ``epochs`` the
            number of steps. With ``k``, each epoch takes ``k`` steps and logs (``track``, callbacks,
            validation) only after the last of them, which saves the per-epoch overhead of long
            runs; the training metrics are then the mean over the ``k`` steps, as ``fit`` logs them.
        penalize_biases: (chapter 05) with ``regularized``, also accept an ``L1``, ``L2`` or
            ``L1L2`` penalty on each bias, added to the model's loss as its own ``fit`` adds it.

    Raises:
        TypeError/ValueError: naming the argument, for models that are not plain compiled Dense
            classifiers, differing optimizers, shared weights, mismatched data or a bad count.
    """
    if isinstance(models, keras.Model) or not isinstance(models, Sequence) or not models:
        raise TypeError("models must be a non-empty list of compiled keras.Model objects")
    for index, model in enumerate(models):
        built_model(model, f"models[{index}]")
        if not model.compiled or model.optimizer is None:
            raise ValueError(f"models[{index}] is not compiled: call its compile(...) first")
        if not _is_sparse_crossentropy(model.loss):
            raise ValueError(f"models[{index}] must be compiled with loss='sparse_categorical_crossentropy'")
    if len({id(model) for model in models}) != len(models):
        raise ValueError("models must be distinct models (one list entry each)")
    positive_int(epochs, "epochs")
    if track is None or callable(track):
        measures: list[Track | None] = [track] * len(models)
    elif isinstance(track, Sequence) and len(track) == len(models):
        measures = list(track)
    else:
        raise TypeError("track must be a function of a model, or one such function (or None) per model")
    if not all(measure is None or callable(measure) for measure in measures):
        raise TypeError("track must hold functions of a model (or None)")
    if callbacks is None:
        extra: list[list[keras.callbacks.Callback]] = [[] for _ in models]
    elif callable(callbacks):
        extra = [list(callbacks()) for _ in models]
    elif isinstance(callbacks, Sequence) and len(callbacks) == len(models):
        extra = [list(own) for own in callbacks]
    else:
        raise TypeError("callbacks must be one list of callbacks per model, or a function returning them")
    for own in extra:
        if not all(isinstance(callback, keras.callbacks.Callback) for callback in own):
            raise TypeError("callbacks must hold keras.callbacks.Callback objects")
    positive_int(steps_per_epoch, "steps_per_epoch")
    n_train = len(np.asarray(x))
    training = _dataset(x, y, max(n_train, 1), None, "x, y").repeat(steps_per_epoch)
    validation = None
    if validation_data is not None:
        if not isinstance(validation_data, tuple) or len(validation_data) != 2:
            raise TypeError("validation_data must be a tuple (x_val, y_val)")
        validation = _dataset(*validation_data, len(np.asarray(validation_data[0])), None, "validation_data")
    if not isinstance(regularized, bool):
        raise TypeError(f"regularized must be True or False, got {type(regularized).__name__}")
    test: tuple[NDArray[Any], NDArray[Any]] | None = None
    if test_data is not None:
        if not isinstance(test_data, tuple) or len(test_data) != 2:
            raise TypeError("test_data must be a tuple (x_test, y_test)")
        x_test, y_test = np.asarray(test_data[0], dtype="float32"), np.asarray(test_data[1])
        if x_test.ndim != 2 or y_test.ndim != 1 or len(x_test) != len(y_test) or not len(y_test):
            raise ValueError("test_data must be (x_test, y_test): non-empty, 2-D x, 1-D y, equal lengths")
        test = (x_test, y_test)
    if not isinstance(penalize_biases, bool):
        raise TypeError(f"penalize_biases must be True or False, got {type(penalize_biases).__name__}")
    if penalize_biases and not regularized:
        raise ValueError("penalize_biases needs regularized=True")
    stacked = _Stacked(models, regularized=regularized, biases=penalize_biases)
    stacked.compile(optimizer=_optimizer_copy(models), jit_compile=False)
    histories = [keras.callbacks.History() for _ in models]
    sample_x, sample_y = np.asarray(x)[:1], np.asarray(y)[:1]
    for model in models:  # EarlyStopping(mode="auto") reads the direction of a metric off the model
        compiled_metrics = model._compile_metrics
        if compiled_metrics is not None and not compiled_metrics.built:
            compiled_metrics.build(sample_y, model(sample_x))
    stacked.fit(
        training,
        validation_data=validation,
        epochs=epochs,
        shuffle=False,
        verbose=0,
        callbacks=[_StackedDispatch(stacked, models, histories, extra, measures, test)],
    )
    return histories
