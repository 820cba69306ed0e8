"""Training configuration: TOML presets, ``key=value`` overrides, the resolved file of a run.

A configuration is a two-level mapping (``[section] key = value``) checked against the
defaults of :data:`DEFAULTS`: an unknown section or key, or a value of another type, is an
error that names it. Presets live in ``reference_model/configs/*.toml`` and are selected
by name (``paper``, ``official``, ``cpu-small``) or path.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_DIR = Path(__file__).resolve().parents[1] / "configs"
"""Folder of the named presets (``paper.toml``, ``official.toml``, ``cpu-small.toml``)."""

DEFAULTS: dict[str, dict[str, Any]] = {
    "model": {
        "variant": "paper",  # "paper" | "official": see GeneratorArchitecture
        "channels": [512, 256, 128, 64],  # Table 1
        "pool_sizes": [5, 7, 10],
        "bicubic_skip": False,  # add the bicubic upscaling to the output (not in the paper)
        "res1_dilations": [1, 1],  # residual block 1's conv dilations (not in the paper)
        "lr_projection": False,  # make the output's 8x8 box means equal the input (not in
        # the paper; needs data.degradation = "progressive-bilinear")
        "res1_extra_blocks": 0,  # plain residual blocks after block 1 at 16x16 (not in it)
        "res1_extra_width": 0,  # their inner width; 0: model.channels[0]
    },
    "discriminator": {
        "channels": [128, 128, 256, 256, 256, 512, 512],  # Table 2
        "fc": 512,
    },
    "loss": {
        "rgb": 1.0,  # L_rgb (eq. 9)
        "rgb_norm": "l2",  # L_rgb's error: "l2" (eq. 9's squared error) | "l1" (absolute
        # error, as EDSR and BasicSR train; not in the paper)
        "edge": 0.3,  # gamma (eq. 3), official lambda_edge
        "lc": 1.0,  # L_lc (eq. 8)
        "identity": 0.0,  # alpha (eqs. 4-6); the paper gives no value
        "identity_temperature": 0.5,
        "adversarial": 5e-3,  # beta (eq. 10), from gan_start on
        "gan_start": 1_200_000,  # iteration at which beta switches on (section 4.2)
        "canny": "adaptive",  # "adaptive" (eqs. 1-2) or "fixed" (canny_thresholds)
        "canny_thresholds": [50.0, 255.0],  # official code's fixed thresholds
    },
    "optim": {
        "lr": 1e-4,
        "g_betas": [0.9, 0.999],
        "d_betas": [0.5, 0.9],
        "eps": 1e-8,
        "schedule": "constant",  # "constant" (the paper) | "cosine" (to 0 at train.steps)
    },
    "train": {
        "steps": 1_320_000,
        "batch_size": 16,  # per process
        "seed": 0,
        "ema": 0.0,  # EMA decay of the generator's weights; 0 = off
        "amp": "off",  # "off" | "bf16" | "fp16" | "auto" (what the device runs fast)
        "channels_last": True,
        "compile": False,
        "deterministic": False,
        "threads": 0,  # torch intra-op threads per process; 0 = torch's default
        "time_limit": 0.0,  # seconds; stop cleanly (checkpoint saved) once reached; 0 = none
        "checkpoint_every": 5000,
        "keep_last": 3,
        "log_every": 50,
        "image_every": 5000,
        "val_every": 5000,
        "val_images": 256,
    },
    "data": {
        "layout": "auto",  # "auto" | "celeba" | "vggface2" | "cropped"
        "hflip": 0.5,
        "rotate": "paper",  # "paper" | "official" | "none"
        "shift": 0,  # largest random translation in pixels (not in the paper)
        "tilt": 0.0,  # largest random rotation in degrees (not in the paper)
        "zoom": 0.0,  # largest random relative change of scale (not in the paper)
        "mixup": 0.0,  # probability of blending with another training face (not in the paper)
        "degradation": "progressive-bilinear",  # or "bicubic"
        "edge_targets": "device",  # "device" (faceloss.torch on the batch) | "workers" (NumPy)
        "workers": 2,
        "val_fraction": 0.05,
        "test_fraction": 0.1,
    },
}


def _check(config: Mapping[str, Any], source: str) -> dict[str, dict[str, Any]]:
    out = copy.deepcopy(DEFAULTS)
    for section, values in config.items():
        if section not in DEFAULTS:
            raise ValueError(f"{source}: unknown section [{section}] (known: {sorted(DEFAULTS)})")
        if not isinstance(values, Mapping):
            raise ValueError(f"{source}: [{section}] must be a table, got {values!r}")
        for key, value in values.items():
            if key not in DEFAULTS[section]:
                raise ValueError(
                    f"{source}: unknown key {section}.{key} (known: {sorted(DEFAULTS[section])})"
                )
            out[section][key] = _coerce(f"{section}.{key}", value, DEFAULTS[section][key], source)
    return out


def _coerce(name: str, value: Any, default: Any, source: str) -> Any:
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif isinstance(default, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif isinstance(default, str):
        if isinstance(value, str):
            return value
    elif isinstance(default, list):
        if isinstance(value, (list, tuple)):
            return list(value)
    raise ValueError(
        f"{source}: {name} must be of type {type(default).__name__} like its default "
        f"{default!r}, got {value!r}"
    )


def resolve_preset(name_or_path: str | os.PathLike[str]) -> Path:
    """The TOML file of a preset name (``paper``, ``official``, ``cpu-small``) or a path.

    Example:
        >>> resolve_preset("paper").name
        'paper.toml'
    """
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise FileNotFoundError(f"no configuration file at {path}")
        return path
    preset = CONFIG_DIR / f"{name_or_path}.toml"
    if not preset.is_file():
        known = sorted(p.stem for p in CONFIG_DIR.glob("*.toml"))
        raise ValueError(f"unknown configuration {str(name_or_path)!r}; presets: {known}")
    return preset


def parse_override(item: str) -> tuple[str, str, Any]:
    """Split ``"section.key=value"`` and read ``value`` as TOML (a bare word is a string).

    Example:
        >>> parse_override("train.steps=100")
        ('train', 'steps', 100)
        >>> parse_override("model.channels=[64, 32, 32, 16]")
        ('model', 'channels', [64, 32, 32, 16])
        >>> parse_override("train.amp=bf16")
        ('train', 'amp', 'bf16')
    """
    if "=" not in item or "." not in item.split("=", 1)[0]:
        raise ValueError(f"override {item!r} must look like section.key=value")
    dotted, text = item.split("=", 1)
    section, key = dotted.strip().split(".", 1)
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text
    return section, key, value


def load_config(
    name_or_path: str | os.PathLike[str] = "paper", overrides: Iterable[str] = ()
) -> dict[str, dict[str, Any]]:
    """A complete, checked configuration: a preset or file, then ``section.key=value`` overrides.

    Args:
        name_or_path: a preset name or a TOML file (missing keys take :data:`DEFAULTS`).
        overrides: ``"section.key=value"`` strings, applied in order (``--set`` on the
            command line); values are read as TOML.

    Returns:
        ``{section: {key: value}}`` with every key of :data:`DEFAULTS`.

    Raises:
        ValueError: unknown preset, section or key, a value of the wrong type, or
            ``model.lr_projection`` with another degradation than the box mean.

    Example:
        >>> config = load_config("cpu-small", ["train.steps=10"])
        >>> config["train"]["steps"], config["loss"]["edge"]
        (10, 0.03)
    """
    path = resolve_preset(name_or_path)
    with open(path, "rb") as stream:
        try:
            raw = tomllib.load(stream)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: not valid TOML: {error}") from None
    config = _check(raw, str(path))
    for item in overrides:
        section, key, value = parse_override(item)
        config = _check(
            {**config, section: {**config.get(section, {}), key: value}}, f"--set {item}"
        )
    if config["model"]["lr_projection"] and config["data"]["degradation"] != "progressive-bilinear":
        raise ValueError(
            f"{path}: model.lr_projection makes the output's 8x8 box means equal the input, "
            "which holds for data.degradation = 'progressive-bilinear' only, got "
            f"{config['data']['degradation']!r}"
        )
    return config


def dump_config(config: Mapping[str, Mapping[str, Any]]) -> str:
    """TOML text of a configuration (what a run saves as ``config.toml``).

    Example:
        >>> print(dump_config({"train": {"steps": 10, "amp": "off"}}))
        [train]
        steps = 10
        amp = "off"
        <BLANKLINE>
    """
    lines = []
    for section, values in config.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in values.items())
        lines.append("")
    return "\n".join(lines)
