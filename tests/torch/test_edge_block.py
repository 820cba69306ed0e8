"""torch EdgeBlock: shapes, channel order, module == function, gradcheck, torch.compile, errors."""

from __future__ import annotations

import importlib

import pytest
import torch

from faceloss.torch import EdgeBlock, avg_pool_same, edge_block

edge_module = importlib.import_module("faceloss.torch.edge_block")


def test_edge_block_shapes_and_channel_order():
    x = torch.rand(2, 6, 9, 10)
    block = EdgeBlock(6, pool_size=10)
    concat, edge = block(x)
    assert concat.shape == (2, 12, 9, 10) and edge.shape == (2, 1, 9, 10)
    torch.testing.assert_close(concat[:, :6], x)
    torch.testing.assert_close(concat[:, 6:], x - avg_pool_same(x, 10))


def test_module_equals_function():
    block = EdgeBlock(4, pool_size=7, relu=True)
    x = torch.randn(3, 4, 8, 8)
    expected = edge_block(x, block.conv.weight, block.conv.bias, 7, relu=True)
    for got, want in zip(block(x), expected, strict=True):
        torch.testing.assert_close(got, want, rtol=0, atol=0)


def test_state_dict_names_are_conv_weight_and_bias():
    assert list(EdgeBlock(8, 5).state_dict()) == ["conv.weight", "conv.bias"]
    assert EdgeBlock(8, 5).conv.weight.shape == (1, 8, 1, 1)


def test_extra_repr_names_the_arguments():
    assert "channels=8, pool_size=5, relu=True" in repr(EdgeBlock(8, 5, relu=True))


@pytest.mark.parametrize("path_ratio", [10**9, 0], ids=["matmul", "pool"])
@pytest.mark.parametrize("pool_size", [5, 10])
@pytest.mark.parametrize("relu", [False, True])
def test_gradcheck_float64(path_ratio, pool_size, relu, monkeypatch):
    monkeypatch.setattr(edge_module, "MATMUL_COST_RATIO", path_ratio)
    gen = torch.Generator().manual_seed(pool_size)
    x = torch.randn(1, 2, 4, 5, dtype=torch.float64, generator=gen, requires_grad=True)
    weight = torch.randn(1, 2, 1, 1, dtype=torch.float64, generator=gen, requires_grad=True)
    bias = torch.randn(1, dtype=torch.float64, generator=gen, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda a, b, c: edge_block(a, b, c, pool_size, relu=relu), (x, weight, bias), fast_mode=True
    )


@pytest.mark.parametrize("size", [(1, 1), (3, 2), (9, 12), (40, 33)])
@pytest.mark.parametrize("pool_size", [1, 4, 5, 10])
def test_matmul_and_pooling_paths_agree(size, pool_size, monkeypatch):
    x = torch.randn(2, 3, *size, dtype=torch.float64)
    monkeypatch.setattr(edge_module, "MATMUL_COST_RATIO", 10**9)
    by_matmul = avg_pool_same(x, pool_size)
    monkeypatch.setattr(edge_module, "MATMUL_COST_RATIO", 0)
    by_pooling = avg_pool_same(x, pool_size)
    torch.testing.assert_close(by_matmul, by_pooling, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("size", [(1, 1), (3, 2), (9, 12), (40, 33)])
@pytest.mark.parametrize("pool_size", [1, 4, 5, 10])
@pytest.mark.parametrize("channels", [1, 3])
def test_channels_last_input_gives_the_nchw_result_in_its_own_layout(size, pool_size, channels):
    x = torch.randn(2, channels, *size, dtype=torch.float64)
    nhwc = x.contiguous(memory_format=torch.channels_last)
    pooled = avg_pool_same(nhwc, pool_size)
    torch.testing.assert_close(pooled, avg_pool_same(x, pool_size), rtol=1e-12, atol=1e-12)
    assert pooled.is_contiguous(memory_format=torch.channels_last)
    weight = torch.randn(1, channels, 1, 1, dtype=torch.float64)
    bias = torch.randn(1, dtype=torch.float64)
    for got, want in zip(
        edge_block(nhwc, weight, bias, pool_size),
        edge_block(x, weight, bias, pool_size),
        strict=True,
    ):
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("pool_size", [4, 5])
def test_gradcheck_channels_last_float64(pool_size):
    gen = torch.Generator().manual_seed(pool_size)
    x = torch.randn(2, 3, 5, 6, dtype=torch.float64, generator=gen)
    x = x.contiguous(memory_format=torch.channels_last).requires_grad_(True)
    weight = torch.randn(1, 3, 1, 1, dtype=torch.float64, generator=gen, requires_grad=True)
    bias = torch.randn(1, dtype=torch.float64, generator=gen, requires_grad=True)
    assert edge_module._channels_last(x)
    assert torch.autograd.gradcheck(
        lambda a, b, c: edge_block(a, b, c, pool_size), (x, weight, bias), fast_mode=True
    )


@pytest.mark.parametrize("pool_size", [1, 4, 5, 10])
@pytest.mark.parametrize("size", [(1, 1), (3, 2), (9, 6)])
@pytest.mark.parametrize("layout", [torch.contiguous_format, torch.channels_last])
def test_torch_compile_fullgraph_gives_the_same_outputs_and_gradients(pool_size, size, layout):
    # backend="aot_eager" traces the whole forward and backward graph (fullgraph=True: no
    # graph break) without inductor's C++ code generation, which takes 15-25 s on this CPU.
    torch._dynamo.reset()
    block = EdgeBlock(4, pool_size=pool_size, relu=True)
    compiled = torch.compile(block, backend="aot_eager", fullgraph=True, dynamic=False)
    x = torch.randn(2, 4, *size).contiguous(memory_format=layout).requires_grad_(True)
    eager = block(x)
    (eager_grad,) = torch.autograd.grad(eager[0].sum() + eager[1].sum(), x)
    out = compiled(x)
    (compiled_grad,) = torch.autograd.grad(out[0].sum() + out[1].sum(), x)
    for got, want in zip(out, eager, strict=True):
        torch.testing.assert_close(got, want)
    torch.testing.assert_close(compiled_grad, eager_grad)


def test_runs_in_bfloat16():
    block = EdgeBlock(2, pool_size=5).to(torch.bfloat16)
    concat, edge = block(torch.rand(1, 2, 8, 8, dtype=torch.bfloat16))
    assert concat.dtype == edge.dtype == torch.bfloat16


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: EdgeBlock(0, 5), ValueError, "channels must be at least 1"),
        (lambda: EdgeBlock(4, 0), ValueError, "pool_size must be at least 1"),
        (lambda: EdgeBlock(4, 5.0), TypeError, "pool_size must be an int"),
        (lambda: EdgeBlock(4, 5, relu="yes"), TypeError, "relu must be a bool"),
        (
            lambda: EdgeBlock(4, 5)(torch.rand(1, 3, 8, 8)),
            ValueError,
            "features must have 4 channel",
        ),
        (lambda: EdgeBlock(4, 5)(torch.rand(4, 8, 8)), ValueError, "features must be a 4-D batch"),
        (lambda: EdgeBlock(4, 5)(torch.ones(1, 4, 8, 8, dtype=torch.int64)), TypeError, "floating"),
        (lambda: EdgeBlock(4, 5)([[1.0]]), TypeError, "features must be a torch.Tensor"),
        (
            lambda: edge_block(torch.rand(1, 4, 8, 8), torch.ones(1, 1, 1, 4), None, 5),
            ValueError,
            r"weight must have shape \(1, \?, 1, 1\) \(out, in, kh, kw\), got \(1, 1, 1, 4\)",
        ),
        (
            lambda: edge_block(torch.rand(1, 4, 8, 8), torch.ones(1, 4, 1, 1), torch.ones(2), 5),
            ValueError,
            "bias must have shape",
        ),
    ],
)
def test_raises_on_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_runs_under_autocast_and_backpropagates_to_float32_weights():
    block = EdgeBlock(4, pool_size=10)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        concat, edge = block(torch.rand(2, 4, 16, 16))
    assert edge.dtype == torch.bfloat16 and concat.shape == (2, 8, 16, 16)
    edge.float().mean().backward()
    assert block.conv.weight.grad.dtype == torch.float32


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:`torch.jit.script_method` is deprecated:DeprecationWarning")
def test_torch_compile_with_inductor_gives_the_same_outputs():
    # Real code generation (C++ on CPU): 15-40 s on a shared 2-core machine.
    block = EdgeBlock(4, pool_size=10)
    compiled = torch.compile(block, backend="inductor", fullgraph=True)
    x = torch.randn(2, 4, 9, 6)
    with torch.no_grad():
        for got, want in zip(compiled(x), block(x), strict=True):
            torch.testing.assert_close(got, want)


def test_function_without_bias_equals_zero_bias():
    x, weight = torch.randn(1, 3, 6, 6), torch.randn(1, 3, 1, 1)
    no_bias = edge_block(x, weight, None, 5)
    zero_bias = edge_block(x, weight, torch.zeros(1), 5)
    for a, b in zip(no_bias, zero_bias, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:`torch.jit.script_method` is deprecated:DeprecationWarning")
@pytest.mark.parametrize("size", [(9, 6), (300, 30)], ids=["matmul", "pool"])
def test_torchscript_gives_the_same_outputs(size):
    block = EdgeBlock(4, pool_size=5, relu=True)
    scripted = torch.jit.script(block)
    x = torch.randn(2, 4, *size)
    for got, want in zip(scripted(x), block(x), strict=True):
        torch.testing.assert_close(got, want)


def test_torchscript_cost_ratio_literal_equals_the_constant():
    # TorchScript cannot read module globals, so _use_matmul repeats the value.
    import inspect

    assert f"ratio = {edge_module.MATMUL_COST_RATIO}  #" in inspect.getsource(
        edge_module._use_matmul
    )


def test_edge_block_traces_with_symbolic_shapes() -> None:
    """torch.jit.trace (and so the ONNX exporter) sees tensor-valued shapes: no checks run."""
    block = EdgeBlock(4, pool_size=10)
    x = torch.rand(2, 4, 12, 12)
    traced = torch.jit.trace(block, (x,))
    other = torch.rand(3, 4, 12, 12)
    for got, want in zip(traced(other), block(other), strict=True):
        torch.testing.assert_close(got, want)
