"""The small compiled classifier the fit_stacked tests train (shared by test_experiments_ch05/ch07)."""

import keras


def compiled(layers: list[keras.layers.Layer]) -> keras.Model:
    """A Sequential of `layers`, compiled as the chapters compile: Adam(1e-2), data_loss, accuracy."""
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalCrossentropy(name="data_loss"), "accuracy"],
    )
    return model
