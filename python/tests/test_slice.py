"""Slices of the learner's f in chunks: a 20 ms f gives work units of at most ~50 ms (two calls),
the asyncio loop they run on stays free between units, and Cancel stops a slice mid-way -- in an
event loop here, and in a real ipykernel (test_live_kernel_cancel) through widget messages."""

import asyncio
import sys
import textwrap
import time

import numpy as np
import pytest

import lossland
from conftest import svm_loss_vectorized


def slow(w, X, y, reg):
    time.sleep(0.02)
    return svm_loss_vectorized(w, X, y, reg)


@pytest.fixture
def arrays():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 2))
    y = rng.integers(0, 3, 30)
    W = 0.1 * rng.standard_normal((3, 3))
    return X, y, W


def test_values_are_the_slice(arrays):
    X, y, W = arrays
    land = lossland.Landscape(X, y, W, f=svm_loss_vectorized, slice="2d", span=0.5, seed=4)
    v = land.compute(size=5)
    a = np.linspace(-0.5, 0.5, 5)
    Xb = np.hstack([X, np.ones((30, 1))])
    for r in range(5):
        for c in range(5):
            expect = svm_loss_vectorized(W + a[c] * land.W1 + a[r] * land.W2, Xb, y, 0.0)[0]
            assert v[r, c] == pytest.approx(expect, rel=1e-14)  # row <-> b, column <-> a
    line = lossland.Landscape(X, y, W, f=svm_loss_vectorized, slice="1d", span=2.0).compute(size=7)
    assert line.shape == (7,)
    # lossland's own loss gives the same values through the same directions
    own = lossland.Landscape(X, y, W, slice="2d", span=0.5, seed=4).compute(size=5)
    assert np.allclose(own, v, rtol=1e-12)


def test_units_of_a_20ms_f_are_short(arrays):
    X, y, W = arrays
    land = lossland.Landscape(X, y, W, f=slow, slice="1d", span=1.0)
    job = land.job_for(size=12)
    calls = []
    while True:
        before = job.next
        more = job.unit()
        calls.append(job.next - before)
        if not more:
            break
    assert sum(calls) == 12 and job.done and not np.isnan(job.values).any()
    assert max(calls) <= 2, calls  # 20 ms + 20 ms, then a third would pass 50 ms
    assert np.median(job.unit_times) < 0.06 and max(job.unit_times) < 0.2, job.unit_times  # ~40 ms; room for load
    print("unit times (ms):", [round(1000 * t) for t in job.unit_times])


def test_generator_api(arrays):
    X, y, W = arrays
    land = lossland.Landscape(X, y, W, f=slow, slice="1d")
    job = land.job_for(size=6)
    seen = []
    for progress, values in job:
        seen.append(progress)
        if progress >= 0.5:
            break  # a script can stop any time
    assert 0.5 <= seen[-1] < 1 and np.isnan(job.values).sum() > 0


def test_slice_in_an_event_loop_can_be_cancelled_and_loop_stays_free(arrays):
    X, y, W = arrays
    land = lossland.Landscape(X, y, W, f=slow, slice="2d", span=1.0)
    w = land.widget
    assert w.widget == "kernel-slice"
    gaps = []

    async def main():
        async def ticker():
            t = time.perf_counter()
            while True:
                await asyncio.sleep(0.005)
                now = time.perf_counter()
                gaps.append(now - t)
                t = now

        tick = asyncio.ensure_future(ticker())
        w._message(w, {"type": "slice", "span": 1.0, "size": 10}, [])  # 100 calls: 2 s of f
        assert w.kernel["running"] and w.kernel["progress"] == 0
        await asyncio.sleep(0.4)
        mid = w.kernel["progress"]
        w._message(w, {"type": "cancel"}, [])
        at_cancel = land.job.next
        await asyncio.sleep(0.3)
        tick.cancel()
        return mid, at_cancel

    mid, at_cancel = asyncio.run(main())
    k = w.kernel
    assert 0 < mid < 1 and k["cancelled"] and k["done"] and not k["running"]
    assert land.job.next == at_cancel and 0 < k["progress"] < 1  # nothing after Cancel
    assert k["values"].count(None) == 100 - at_cancel
    # the loop ran other work between units: a 5 ms ticker never waited for more than one unit
    # (~40 ms), never for the whole slice (2 s); the bound leaves room for a loaded machine
    units = land.job.unit_times
    assert max(gaps) < max(units) + 0.1, (max(gaps), units)
    print(f"progress at cancel {k['progress']:.2f}, loop gaps median {1000 * np.median(gaps):.0f} ms, longest {1000 * max(gaps):.0f} ms")


def test_slice_errors_go_to_the_widget(arrays):
    X, y, W = arrays
    calls = []

    def breaks(w, X_, y_, reg):
        calls.append(1)
        if len(calls) > 3:
            return float("nan"), w
        return svm_loss_vectorized(w, X_, y_, reg)

    land = lossland.Landscape(X, y, W, f=breaks, slice="1d")
    land.widget._message(land.widget, {"type": "slice", "size": 9}, [])  # no loop: at once
    assert land.widget.error.startswith("f's loss must be finite") and land.widget.kernel["done"]
    land.widget._message(land.widget, {"type": "slice", "size": 1}, [])
    assert land.widget.error.startswith("size must be an integer in 2..10000")


LIVE = textwrap.dedent("""
    import time, numpy as np, lossland
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 2)); y = rng.integers(0, 3, 30); W = 0.1 * rng.standard_normal((3, 3))
    def slow(w, X, y, reg):
        time.sleep(0.02)
        return lossland.svm_loss(w, X, y, reg)
    land = lossland.Landscape(X, y, W, f=slow, slice="2d")
    land._repr_mimebundle_()  # opens the comm, as displaying the widget does
    print(land.widget.comm.comm_id)
""")


def test_live_kernel_cancel(tmp_path):
    """In a real ipykernel: a slice started by a widget message runs in units while the kernel is
    idle, and a cancel message sent 0.6 s later stops it mid-way."""
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (python/requirements-test.txt)")
    jc = pytest.importorskip("jupyter_client", reason="jupyter_client is not installed")
    import pathlib
    km = jc.KernelManager(kernel_name="python3")
    km.kernel_spec_manager.ensure_native_kernel = True
    pkg = str(pathlib.Path(__file__).resolve().parents[1])
    import os
    env = dict(os.environ, PYTHONPATH=pkg + os.pathsep + os.environ.get("PYTHONPATH", ""))
    km.start_kernel(env=env, cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)

        def run(code):
            out = []
            kc.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
            return "".join(out).strip()

        comm_id = run(LIVE).splitlines()[-1]

        def send(content):
            msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": content}})
            kc.shell_channel.send(msg)

        send({"type": "slice", "span": 1.0, "size": 10})  # 100 calls of 20 ms
        time.sleep(0.6)
        send({"type": "cancel"})
        time.sleep(0.3)
        state = run("k = land.widget.kernel; print(k['progress'], k['cancelled'], land.job.next)")
        progress, cancelled, done_calls = state.split()
        time.sleep(0.3)
        later = run("print(land.job.next)")
        assert cancelled == "True" and 0 < float(progress) < 1, state
        assert later == done_calls, (state, later)  # nothing ran after the cancel
        print(f"live kernel: {done_calls} of 100 points before Cancel")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_run_to_end_and_check_are_chunked_and_cancellable(arrays):
    """The stepper's "run_to_end" and the gradient check's "check" from the widget run in units on
    the loop too; "cancel" stops them between units."""
    X, y, W = arrays
    st = lossland.GradientStepper(W, slow, X, y)
    ck = lossland.GradientCheck(W, svm_loss_vectorized, X, y)
    ck.learner.f = slow  # the widget's re-check calls the (now slow) f
    before = ck.verdicts.copy()

    async def main():
        st.widget._message(st.widget, {"type": "run_to_end"}, [])
        await asyncio.sleep(0.12)
        assert st.widget.kernel["running"] and 0 < st.position < 9
        st.widget._message(st.widget, {"type": "cancel"}, [])
        at = st.position
        ck.widget._message(ck.widget, {"type": "check", "formula": "sum"}, [])  # 9 entries x 4 calls
        await asyncio.sleep(0.3)
        assert not ck.widget.kernel["done"] and 0 < ck.widget.kernel["progress"] < 1
        await asyncio.sleep(1.2)
        return at

    at = asyncio.run(main())
    assert st.position == at and not st.done and not st.widget.kernel["running"]
    k = ck.widget.kernel
    assert k["done"] and k["formula"] == "sum" and ck.formula == "sum"
    assert np.array_equal(ck.verdicts, before)  # the same verdicts, the other formula
