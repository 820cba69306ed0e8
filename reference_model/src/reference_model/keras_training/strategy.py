"""Where the Keras trainer runs: TensorFlow's devices and the ``tf.distribute`` strategy."""

from __future__ import annotations

import tensorflow as tf

STRATEGIES = ("default", "mirrored")
"""``"default"``: one device (TensorFlow's choice); ``"mirrored"``: ``MirroredStrategy``."""


def configure_devices(device: str = "auto", cpu_replicas: int = 0, threads: int = 0) -> None:
    """Set TensorFlow's devices and threads; must run before TensorFlow initialises them.

    Args:
        device: ``"auto"`` (GPUs if any) or ``"cpu"`` (hide the GPUs).
        cpu_replicas: split the CPU into this many logical devices (``/cpu:0`` ...), so
            ``MirroredStrategy`` can train on several replicas without GPUs; 0 or 1 leaves
            the CPU whole.
        threads: intra-op threads (``train.threads``); 0 leaves TensorFlow's default.

    Raises:
        ValueError: an unknown ``device``, a negative count, or TensorFlow's devices were
            already initialised (then the message names the argument that could not be
            applied; run it first thing in the process).

    Example:
        >>> configure_devices()  # nothing to change
    """
    if device not in ("auto", "cpu"):
        raise ValueError(f"device must be 'auto' or 'cpu', got {device!r}")
    if int(cpu_replicas) < 0 or int(threads) < 0:
        raise ValueError(f"need cpu_replicas, threads >= 0, got {cpu_replicas!r}, {threads!r}")
    try:
        if device == "cpu":
            tf.config.set_visible_devices([], "GPU")
        if int(cpu_replicas) > 1:
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration()] * int(cpu_replicas)
            )
    except RuntimeError as error:
        name = "device" if device == "cpu" and int(cpu_replicas) <= 1 else "cpu_replicas"
        raise ValueError(
            f"{name}: TensorFlow's devices are already initialised ({error}); configure "
            "them before anything runs TensorFlow"
        ) from None
    if int(threads) and tf.config.threading.get_intra_op_parallelism_threads() != int(threads):
        try:
            tf.config.threading.set_intra_op_parallelism_threads(int(threads))
        except RuntimeError as error:
            raise ValueError(
                f"threads (train.threads={threads}): TensorFlow is already initialised ({error})"
            ) from None


def make_strategy(name: str = "default") -> tf.distribute.Strategy:
    """The ``tf.distribute`` strategy to train with.

    ``"mirrored"`` replicates over every GPU, or, without GPUs, over the logical CPU
    devices of :func:`configure_devices` (``cpu_replicas``); each replica takes
    ``train.batch_size`` images per step.

    Args:
        name: one of :data:`STRATEGIES`.

    Raises:
        ValueError: an unknown ``name``.

    Example:
        >>> make_strategy().num_replicas_in_sync
        1
    """
    if name not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {name!r}")
    if name == "default":
        return tf.distribute.get_strategy()
    gpus = tf.config.list_logical_devices("GPU")
    devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
    return tf.distribute.MirroredStrategy(devices=devices)
