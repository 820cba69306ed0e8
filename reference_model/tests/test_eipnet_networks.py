"""EIPNet's generator and discriminator: Table 1/2 exactly, torch and Keras twins, exports."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from reference_model import (
    DiscriminatorArchitecture,
    GeneratorArchitecture,
    build_discriminator,
    build_generator,
    copy_weights,
    load_weights,
    save_weights,
)
from reference_model.networks.skip import bicubic_upscale_matrix

SMALL = (32, 16, 16, 8)  # same topology, narrow: fast twins for the many-case tests
SMALL_D = (8, 8, 16, 16, 16, 16, 16)
VARIANTS = ["paper", "official"]
EXTRAS = [
    {},
    {"bicubic_skip": True},
    {
        "bicubic_skip": True,
        "res1_dilations": (4, 2),
        "lr_projection": True,
        "res1_extra_blocks": 2,
        "res1_extra_width": 24,
    },
]
EXTRA_IDS = ["table1", "bicubic-skip", "all-departures"]  # departures of the cpu-small preset


def _nchw(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(x).permute(0, 3, 1, 2)


def _torch_outputs(net: torch.nn.Module, lr: np.ndarray) -> list[np.ndarray]:
    with torch.no_grad():
        sr, edges = net(_nchw(lr))
    return [t.permute(0, 2, 3, 1).contiguous().numpy() for t in (sr, *edges)]


def _keras_outputs(net, lr: np.ndarray) -> list[np.ndarray]:
    sr, edges = net(lr)
    return [np.asarray(t) for t in (sr, *edges)]


def _random_lr(n: int = 2, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 16, 16, 3), dtype=np.float32)


def _randomise(net: torch.nn.Module, seed: int) -> None:
    """Non-trivial biases as well as weights (torch's default init leaves them small)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=generator))


def test_paper_generator_has_table_9s_parameter_count() -> None:
    net = build_generator("torch")
    count = sum(p.numel() for p in net.parameters())
    assert count == GeneratorArchitecture().parameter_count() == 11_915_654
    assert abs(count / 1e6 - 11.91) <= 0.01


def test_paper_generator_has_table_9s_gmacs_in_convolutions() -> None:
    """10.16 GMACs (Table 9) +-1%, counting what the paper counts: the convolutions.

    FlopCounterMode counts 2 FLOPs per multiply-accumulate in convolutions (plain and
    transposed) and matrix products. faceloss's EdgeBlock computes its 'SAME' average
    pooling as banded matrix products (faster than pooling at these sizes), which the
    counter sees as extra mm/bmm work; the paper's GMACs count only the convolutions.
    """
    net = build_generator("torch", channels_last=False)
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        net(torch.rand(1, 3, 16, 16))
    by_op = {str(op): n for op, n in counter.get_flop_counts()["Global"].items()}
    conv_macs = sum(n for op, n in by_op.items() if "convolution" in op) / 2
    pool_macs = sum(n for op, n in by_op.items() if "convolution" not in op) / 2
    assert abs(conv_macs / 1e9 - 10.16) / 10.16 <= 0.01, conv_macs
    assert 0 < pool_macs / 1e9 < 0.4, by_op  # the averaging products: 0.35 GMAC


def test_official_generator_differs_only_in_the_last_convolution_size() -> None:
    paper, official = build_generator("torch"), build_generator("torch", "official")
    assert paper.conv4.kernel_size == (3, 3) and official.conv4.kernel_size == (1, 1)
    assert official.edge1.relu and not paper.edge1.relu
    assert sum(p.numel() for p in official.parameters()) == 11_912_582


@pytest.mark.parametrize("variant", VARIANTS)
def test_generator_outputs_have_the_three_edge_scales(variant: str) -> None:
    sr, edges = build_generator("torch", variant, channels=SMALL)(torch.rand(3, 3, 16, 16))
    assert sr.shape == (3, 3, 128, 128)
    assert [tuple(e.shape) for e in edges] == [(3, 1, 32, 32), (3, 1, 64, 64), (3, 1, 128, 128)]


def test_keras_generator_has_the_same_parameter_count() -> None:
    net = build_generator("keras")
    assert net.count_params() == 11_915_654
    sr, edges = net(_random_lr(1))
    assert tuple(sr.shape) == (1, 128, 128, 3)
    assert [tuple(e.shape) for e in edges] == [(1, 32, 32, 1), (1, 64, 64, 1), (1, 128, 128, 1)]


@pytest.mark.parametrize("extras", EXTRAS, ids=EXTRA_IDS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_copy_weights_torch_to_keras_and_back_gives_the_same_outputs(
    variant: str, extras: dict
) -> None:
    source = build_generator("torch", variant, channels=SMALL, **extras)
    _randomise(source, 1)
    keras_net = copy_weights(source, build_generator("keras", variant, channels=SMALL, **extras))
    lr = _random_lr()
    want = _torch_outputs(source, lr)
    for got, ref in zip(_keras_outputs(keras_net, lr), want, strict=True):
        np.testing.assert_allclose(got, ref, atol=1e-4, rtol=0)
    back = copy_weights(keras_net, build_generator("torch", variant, channels=SMALL, **extras))
    for got, ref in zip(_torch_outputs(back, lr), want, strict=True):
        np.testing.assert_allclose(got, ref, atol=1e-4, rtol=0)


def test_copy_weights_full_paper_generator_to_keras() -> None:
    source = build_generator("torch")
    keras_net = copy_weights(source, build_generator("keras"))
    lr = _random_lr(1, seed=3)
    for got, ref in zip(_keras_outputs(keras_net, lr), _torch_outputs(source, lr), strict=True):
        np.testing.assert_allclose(got, ref, atol=1e-4, rtol=0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_safetensors_round_trip_in_both_backends(variant: str, tmp_path) -> None:
    source = build_generator("torch", variant, channels=SMALL)
    _randomise(source, 2)
    path = save_weights(source, tmp_path / "g.safetensors", training_command="eipnet train x")
    lr = _random_lr(seed=4)
    want = _torch_outputs(source, lr)
    fresh = build_generator("torch", variant, channels=SMALL)
    meta = load_weights(fresh, path)
    assert meta["training_command"] == "eipnet train x" and meta["network"] == "generator"
    for got, ref in zip(_torch_outputs(fresh, lr), want, strict=True):
        np.testing.assert_array_equal(got, ref)
    keras_net = build_generator("keras", variant, channels=SMALL)
    load_weights(keras_net, path)
    for got, ref in zip(_keras_outputs(keras_net, lr), want, strict=True):
        np.testing.assert_allclose(got, ref, atol=1e-4, rtol=0)
    # the Keras model writes a file the torch model reads back identically
    again = build_generator("torch", variant, channels=SMALL)
    load_weights(again, save_weights(keras_net, tmp_path / "k.safetensors"))
    for a, b in zip(again.state_dict().values(), source.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_bicubic_skip_matrix_is_torchs_bicubic_interpolation() -> None:
    upscale = torch.from_numpy(bicubic_upscale_matrix(16, 8))
    lr = torch.rand(2, 3, 16, 16, dtype=torch.float64)
    want = torch.nn.functional.interpolate(lr, scale_factor=8, mode="bicubic", align_corners=False)
    torch.testing.assert_close(upscale @ lr @ upscale.T, want, rtol=0, atol=1e-14)


def test_bicubic_skip_adds_bicubic_and_no_weights() -> None:
    plain = build_generator("torch", channels=SMALL)
    skip = build_generator("torch", channels=SMALL, bicubic_skip=True)
    assert list(skip.state_dict()) == list(plain.state_dict())
    skip.load_state_dict(plain.state_dict())
    lr = torch.rand(2, 3, 16, 16)
    with torch.no_grad():
        bicubic = torch.nn.functional.interpolate(lr, scale_factor=8, mode="bicubic")
        torch.testing.assert_close(skip(lr)[0], plain(lr)[0] + bicubic, rtol=0, atol=1e-5)
        with torch.autocast("cpu", torch.bfloat16):  # the skip stays in float32
            sr = skip(lr)[0]
    assert sr.dtype == torch.float32
    arch = skip.architecture
    assert arch.parameter_count() == plain.architecture.parameter_count()
    assert (
        arch.to_dict()["bicubic_skip"] is True
        and "bicubic_skip" not in plain.architecture.to_dict()
    )


def test_res1_dilations_widen_the_receptive_field_with_the_same_weights() -> None:
    plain = build_generator("torch", channels=SMALL).double()
    dilated = build_generator("torch", channels=SMALL, res1_dilations=(2, 4)).double()
    assert list(dilated.state_dict()) == list(plain.state_dict())
    dilated.load_state_dict(plain.state_dict())
    assert dilated.res1.conv1.dilation == (2, 2) and dilated.res1.conv2.padding == (4, 4)
    assert dilated.architecture.to_dict()["res1_dilations"] == [2, 4]
    assert "res1_dilations" not in plain.architecture.to_dict()

    def reach(net: torch.nn.Module) -> int:
        """Input columns that move residual block 1's output at (8, 8): the 16x16 stage's
        receptive field, 1 + 2 * (1 + d1 + d2) columns wide (all of them for (2, 4))."""
        lr = torch.rand(1, 3, 16, 16, dtype=torch.float64, requires_grad=True)
        features = net.conv0(lr)
        net.res1(features, features)[0, :, 8, 8].sum().backward()
        return int((lr.grad.abs().sum(dim=(0, 1, 2)) > 0).sum())

    assert (reach(plain), reach(dilated)) == (7, 15)  # the dilated block sees the whole face


def test_res1_extra_blocks_are_identity_skip_blocks_on_the_16x16_grid() -> None:
    plain = build_generator("torch", channels=SMALL, res1_dilations=(2, 4)).double()
    _randomise(plain, 5)
    deep = build_generator(
        "torch", channels=SMALL, res1_dilations=(2, 4), res1_extra_blocks=2
    ).double()
    extra = {k for k in deep.state_dict() if k.startswith("res1_extra.")}
    assert set(deep.state_dict()) - set(plain.state_dict()) == extra
    assert sorted(extra) == sorted(
        f"res1_extra.{i}.conv{j}.{p}" for i in (0, 1) for j in (1, 2) for p in ("weight", "bias")
    )
    c0 = SMALL[0]
    assert deep.architecture.parameter_count() == (
        plain.architecture.parameter_count() + 2 * 2 * (c0 * c0 * 9 + c0)
    )
    assert sum(p.numel() for p in deep.parameters()) == deep.architecture.parameter_count()
    assert all(
        block.conv1.dilation == (1, 1) and block.conv2.in_channels == c0
        for block in deep.res1_extra
    )
    assert deep.architecture.to_dict()["res1_extra_blocks"] == 2
    assert "res1_extra_blocks" not in plain.architecture.to_dict()
    assert "res1_extra_width" not in deep.architecture.to_dict()  # 0: channels[0]
    narrow = GeneratorArchitecture(channels=SMALL, res1_extra_blocks=3, res1_extra_width=8)
    assert narrow.to_dict()["res1_extra_width"] == 8
    assert narrow.extra_widths() == (c0, 8, c0)
    assert narrow.parameter_count() == (
        plain.architecture.parameter_count() + 3 * (2 * c0 * 8 * 9 + 8 + c0)
    )
    net = build_generator("torch", architecture=narrow)
    assert sum(p.numel() for p in net.parameters()) == narrow.parameter_count()

    # with conv2 at zero, relu(conv2(...)) is 0 and each extra block passes its input on
    state = {**plain.state_dict(), **{k: v for k, v in deep.state_dict().items() if k in extra}}
    for key in extra:
        if ".conv2." in key:
            state[key] = torch.zeros_like(state[key])
    deep.load_state_dict(state)
    lr = torch.rand(2, 3, 16, 16, dtype=torch.float64)
    with torch.no_grad():
        assert torch.equal(deep(lr)[0], plain(lr)[0])
        deep.res1_extra[1].conv2.bias.fill_(0.1)  # now the second block adds 0.1 everywhere
        features = deep.conv0(lr)
        x0 = deep.res1(features, features)
        x1 = deep.res1_extra[0](x0, x0)
        x2 = deep.res1_extra[1](x1, x1)
    assert torch.equal(x1, x0)
    assert torch.allclose(x2 - x1, torch.full_like(x1, 0.1))

    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="res1_extra_blocks"):
            GeneratorArchitecture(res1_extra_blocks=bad)
        with pytest.raises(ValueError, match="res1_extra_width"):
            GeneratorArchitecture(res1_extra_width=bad)


@pytest.mark.parametrize("variant", VARIANTS)
def test_lr_projection_makes_the_output_consistent_and_never_further_from_the_face(
    variant: str,
) -> None:
    from reference_model.data import degrade

    plain = build_generator("torch", variant, channels=SMALL, bicubic_skip=True).double()
    _randomise(plain, 3)
    projected = build_generator(
        "torch", variant, channels=SMALL, bicubic_skip=True, lr_projection=True
    ).double()
    state = plain.state_dict()
    assert set(state) - set(projected.state_dict()) == {"conv4.bias"}  # the projection cancels it
    assert projected.architecture.parameter_count() == plain.architecture.parameter_count() - 3
    assert (
        sum(p.numel() for p in projected.parameters()) == projected.architecture.parameter_count()
    )
    projected.load_state_dict({k: v for k, v in state.items() if k != "conv4.bias"})
    assert projected.architecture.to_dict()["lr_projection"] is True
    assert "lr_projection" not in plain.architecture.to_dict()

    hr = np.random.default_rng(4).random((3, 128, 128, 3))
    lr = _nchw(degrade(hr))
    with torch.no_grad():
        before, edges_before = plain(lr)
        after, edges_after = projected(lr)
    assert torch.allclose(torch.nn.functional.avg_pool2d(after.double(), 8), lr, atol=1e-12)
    correction = (after - before).unflatten(2, (16, 8)).unflatten(4, (16, 8))
    assert torch.allclose(correction, correction[:, :, :, :1, :, :1].expand_as(correction))
    truth = _nchw(hr)
    error_before = ((before - truth) ** 2).sum(dim=(1, 2, 3))
    error_after = ((after - truth) ** 2).sum(dim=(1, 2, 3))
    assert bool((error_after < error_before).all())  # a projection onto a set holding the face
    assert all(torch.equal(a, b) for a, b in zip(edges_after, edges_before, strict=True))

    keras_net = copy_weights(
        projected.float(),
        build_generator("keras", variant, channels=SMALL, bicubic_skip=True, lr_projection=True),
    )
    sr = _keras_outputs(keras_net, degrade(hr).astype(np.float32))[0]
    means = sr.reshape(3, 16, 8, 16, 8, 3).mean(axis=(2, 4))
    np.testing.assert_allclose(means, degrade(hr), atol=1e-6)
    with torch.autocast("cpu", torch.bfloat16):  # in float32 also under autocast
        low = projected(lr.float())[0]
    assert low.dtype == torch.float32
    assert torch.allclose(torch.nn.functional.avg_pool2d(low, 8), lr.float(), atol=1e-6)


def test_load_weights_refuses_another_architecture_or_network(tmp_path) -> None:
    path = save_weights(build_generator("torch", channels=SMALL), tmp_path / "g.safetensors")
    with pytest.raises(ValueError, match="architecture"):
        load_weights(build_generator("torch", "official", channels=SMALL), path)
    with pytest.raises(ValueError, match="bicubic_skip"):
        load_weights(build_generator("torch", channels=SMALL, bicubic_skip=True), path)
    with pytest.raises(ValueError, match="res1_dilations"):
        load_weights(build_generator("torch", channels=SMALL, res1_dilations=(4, 4)), path)
    with pytest.raises(ValueError, match="lr_projection"):
        load_weights(build_generator("torch", channels=SMALL, lr_projection=True), path)
    with pytest.raises(ValueError, match="res1_extra_blocks"):
        load_weights(build_generator("torch", channels=SMALL, res1_extra_blocks=1), path)
    disc = build_discriminator("torch", channels=SMALL_D, fc=8)
    with pytest.raises(ValueError, match="holds a generator"):
        load_weights(disc, path)
    (tmp_path / "junk.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError, match=r"junk\.safetensors"):
        load_weights(build_generator("torch", channels=SMALL), tmp_path / "junk.safetensors")


def test_float16_weights_files_are_half_the_bytes_and_load_into_both_backends(tmp_path) -> None:
    from reference_model.weights import read_weights, recast_weights

    source = build_generator("torch", channels=SMALL, bicubic_skip=True, res1_extra_blocks=1)
    _randomise(source, 6)
    full = save_weights(source, tmp_path / "g32.safetensors")
    half = save_weights(source, tmp_path / "g16.safetensors", dtype="float16")
    state, _ = read_weights(half)
    assert {v.dtype for v in state.values()} == {np.dtype(np.float16)}
    payload = sum(v.size for v in state.values())
    saved = full.stat().st_size - half.stat().st_size  # 4 -> 2 bytes a weight, and the
    assert 0 <= saved - 2 * payload < 100  # header's byte offsets are shorter numbers
    lr = _random_lr(seed=7)
    reference = _torch_outputs(source, lr)[0]
    for backend in ("torch", "keras"):
        net = build_generator(backend, architecture=source.architecture)
        load_weights(net, half)
        weights = net.parameters() if backend == "torch" else net.weights
        assert {str(w.dtype).removeprefix("torch.") for w in weights} == {"float32"}
        sr = (_torch_outputs if backend == "torch" else _keras_outputs)(net, lr)[0]
        difference = np.abs(sr - reference).max()
        assert 0 < difference < 2e-3  # the weights were rounded, and only that
    with pytest.raises(ValueError, match="dtype"):
        save_weights(source, tmp_path / "g.safetensors", dtype="bfloat16")

    recast, meta = read_weights(recast_weights(full, tmp_path / "r.safetensors"))
    assert meta == read_weights(full)[1]  # the recipe and architecture travel along
    assert all(
        np.array_equal(recast[k], v) and recast[k].dtype == v.dtype for k, v in state.items()
    )
    with pytest.raises(ValueError, match="dtype"):
        recast_weights(full, tmp_path / "r.safetensors", dtype="int8")


def test_weights_files_get_the_permissions_open_would_give(tmp_path) -> None:
    from reference_model.weights import recast_weights

    source = build_generator("torch", channels=SMALL)
    old = os.umask(0o027)
    try:
        paths = [save_weights(source, tmp_path / "g.safetensors")]
        paths.append(recast_weights(paths[0], tmp_path / "h.safetensors"))
    finally:
        os.umask(old)
    for path in paths:  # not mkstemp's private 0600
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path


def test_copy_weights_refuses_a_mismatch() -> None:
    with pytest.raises(ValueError, match="architectures differ"):
        copy_weights(
            build_generator("torch", channels=SMALL),
            build_generator("keras", channels=(32, 16, 16, 16)),
        )
    with pytest.raises(TypeError, match="EIPNet"):
        copy_weights(torch.nn.Linear(2, 2), build_generator("torch", channels=SMALL))


def test_paper_discriminator_matches_table_2() -> None:
    net = build_discriminator("torch")
    convs = [net.conv1_1, net.conv1_2, net.conv2_1, net.conv2_2, net.conv3_1, net.conv3_2]
    assert [c.out_channels for c in [*convs, net.conv4]] == [128, 128, 256, 256, 256, 512, 512]
    assert [c.stride[0] for c in [*convs, net.conv4]] == [1, 2, 1, 2, 1, 2, 1]
    assert net.fc1.in_features == 512 * 16 * 16 and net.fc1.out_features == 512
    assert net.fc2.out_features == 1
    assert build_discriminator("torch", "official").fc1.in_features == 512 * 15 * 15


@pytest.mark.parametrize("variant", VARIANTS)
def test_discriminator_twins_agree(variant: str) -> None:
    torch_net = build_discriminator("torch", variant, channels=SMALL_D, fc=16)
    _randomise(torch_net, 5)
    keras_net = copy_weights(
        torch_net, build_discriminator("keras", variant, channels=SMALL_D, fc=16)
    )
    image = np.random.default_rng(6).random((2, 128, 128, 3), dtype=np.float32)
    with torch.no_grad():
        want = torch_net(_nchw(image)).numpy()
    np.testing.assert_allclose(np.asarray(keras_net(image)), want, atol=1e-4, rtol=0)
    back = copy_weights(keras_net, build_discriminator("torch", variant, channels=SMALL_D, fc=16))
    with torch.no_grad():
        np.testing.assert_allclose(back(_nchw(image)).numpy(), want, atol=1e-4, rtol=0)


def test_paper_discriminator_pads_like_tensorflow_same() -> None:
    """Stride-2 'SAME' in TF pads 0 before and 1 after: the first output pixel sees rows 0-2."""
    net = build_discriminator("torch", channels=(1, 1, 1, 1, 1, 1, 1), fc=1, channels_last=False)
    x = torch.zeros(1, 1, 8, 8)
    conv = torch.nn.Conv2d(1, 1, 3, stride=2, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        x[0, 0, 0:3, 0:3] = 1.0
        padded = torch.nn.functional.pad(x, (0, 1, 0, 1))
        assert conv(padded)[0, 0, 0, 0] == 9.0  # TF: rows/cols 0..2, no leading pad
    assert net.conv1_2.padding == (0, 0)


@pytest.mark.parametrize("channels_last", [True, False])
def test_channels_last_changes_nothing_but_the_layout(channels_last: bool) -> None:
    reference = build_generator("torch", channels=SMALL, channels_last=False)
    other = build_generator("torch", channels=SMALL, channels_last=channels_last)
    other.load_state_dict(reference.state_dict())
    lr = torch.rand(2, 3, 16, 16)
    with torch.no_grad():
        torch.testing.assert_close(other(lr)[0], reference(lr)[0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("extras", EXTRAS, ids=EXTRA_IDS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_generator_exports_to_onnx(variant: str, extras: dict, tmp_path) -> None:
    onnxruntime = pytest.importorskip("onnxruntime", reason="the eipnet[onnx] extra")
    net = build_generator("torch", variant, channels=SMALL, **extras).eval()
    _randomise(net, 7)
    path = tmp_path / "eipnet.onnx"
    lr = torch.rand(2, 3, 16, 16)
    torch.onnx.export(
        net, (lr,), str(path), input_names=["lr"], dynamo=False,
        output_names=["sr", "edge32", "edge64", "edge128"], dynamic_axes={"lr": {0: "n"}},
    )  # fmt: skip
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    lr3 = torch.rand(3, 3, 16, 16)
    got = session.run(None, {"lr": lr3.numpy()})
    with torch.no_grad():
        sr, edges = net(lr3)
    for g, w in zip(got, [sr, *edges], strict=True):
        np.testing.assert_allclose(g, w.numpy(), atol=1e-4, rtol=0)


@pytest.mark.slow
def test_generator_runs_under_torch_compile() -> None:
    net = build_generator("torch", channels=SMALL).eval()
    compiled = torch.compile(net)
    lr = torch.rand(2, 3, 16, 16)
    with torch.no_grad():
        want, got = net(lr), compiled(lr)
    torch.testing.assert_close(got[0], want[0], rtol=1e-4, atol=1e-4)
    for g, w in zip(got[1], want[1], strict=True):
        torch.testing.assert_close(g, w, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("extras", EXTRAS, ids=EXTRA_IDS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_keras_generator_saves_and_reloads_as_keras_file(
    variant: str, extras: dict, tmp_path
) -> None:
    import keras

    net = build_generator("keras", variant, channels=SMALL, **extras)
    lr = _random_lr(seed=8)
    want = _keras_outputs(net, lr)
    path = tmp_path / "g.keras"
    net.save(path)
    restored = keras.saving.load_model(path)
    assert type(restored).__name__ == "KerasEIPNetGenerator"
    assert restored.architecture == GeneratorArchitecture(variant=variant, channels=SMALL, **extras)
    for got, ref in zip(_keras_outputs(restored, lr), want, strict=True):
        np.testing.assert_array_equal(got, ref)
    disc = build_discriminator("keras", variant, channels=SMALL_D, fc=8)
    disc.save(tmp_path / "d.keras")
    image = np.random.default_rng(9).random((1, 128, 128, 3), dtype=np.float32)
    again = keras.saving.load_model(tmp_path / "d.keras")
    assert again.architecture == DiscriminatorArchitecture(variant, SMALL_D, 8)
    np.testing.assert_array_equal(np.asarray(again(image)), np.asarray(disc(image)))


def test_bad_arguments_name_the_problem() -> None:
    with pytest.raises(ValueError, match="backend"):
        build_generator("jax")
    with pytest.raises(ValueError, match="variant"):
        build_generator("torch", "paper2")
    with pytest.raises(ValueError, match="channels"):
        build_generator("torch", channels=(8, 4, 4))
    with pytest.raises(ValueError, match="channels"):
        build_discriminator("torch", channels=(8, 0, 4, 4, 4, 4, 4))
