"""lossland's NumPy loss (_reference.py) against the wasm core (www/pkg, run by node) on the toy,
iris and digits data at a seeded W: loss and dW equal to 1e-12 relative. Skipped, saying why,
when node or www/pkg (scripts/build) is missing."""

import json
import pathlib
import shutil
import subprocess

import numpy as np
import pytest

import lossland

ROOT = pathlib.Path(__file__).resolve().parents[2]
PKG = ROOT / "www" / "pkg" / "lossland.js"

SCRIPT = r"""
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
const L = await import(pathToFileURL(process.argv[2] + "/lossland.js").href);
await L.default({ module_or_path: await readFile(process.argv[2] + "/lossland_bg.wasm") });
const out = [];
const digits = await readFile(process.argv[2] + "/digits.bin"); // the bytes the page fetches
const sets = { toy: () => L.Dataset.toy(0), iris: () => L.Dataset.iris(), digits: () => L.Dataset.digits(digits) };
for (const [name, make] of Object.entries(sets)) {
  for (const [loss, reg, delta, seed, scale] of [["svm", 0, 1, 1, 0.1], ["svm", 0.1, 2.5, 2, 0.5], ["softmax", 0, 1, 3, 0.1], ["softmax", 0.05, 1, 4, 1]]) {
    const ds = make();
    const clf = new L.Classifier(ds, { loss, reg, delta });
    clf.randomize(seed, scale);
    out.push({ name, loss, reg, delta, dims: ds.dims, classes: ds.classes,
      features: Array.from(ds.features()), labels: Array.from(ds.labels()),
      W: Array.from(clf.weights()), value: clf.loss(), dW: Array.from(clf.gradient()) });
    clf.free(); ds.free();
  }
}
process.stdout.write(JSON.stringify(out));
"""


def wasm_cases(tmp_path_factory):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH: the wasm comparison needs it")
    if not PKG.is_file():
        pytest.skip(f"{PKG.relative_to(ROOT)} is missing: run scripts/build to compare with the wasm")
    script = tmp_path_factory.mktemp("wasm") / "cases.mjs"
    script.write_text(SCRIPT)
    r = subprocess.run([node, str(script), str(PKG.parent)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return wasm_cases(tmp_path_factory)


def test_reference_equals_wasm(cases):
    assert {c["name"] for c in cases} == {"toy", "iris", "digits"}
    worst = 0.0
    for c in cases:
        n, d, k = len(c["labels"]), c["dims"], c["classes"]
        X = np.array(c["features"]).reshape(n, d)
        Xb = np.hstack([X, np.ones((n, 1))])
        y = np.array(c["labels"], dtype=np.int64)
        W = np.array(c["W"]).reshape(k, d + 1).T  # lossland's C x (D + 1) -> the assignment's (D + 1, C)
        if c["loss"] == "svm":
            value, dW = lossland.svm_loss(W, Xb, y, c["reg"], c["delta"])
        else:
            value, dW = lossland.softmax_loss(W, Xb, y, c["reg"])
        wasm_dW = np.array(c["dW"]).reshape(k, d + 1).T
        rel_loss = abs(value - c["value"]) / abs(c["value"])
        # entry-wise relative; entries far below the largest (sums that cancel) against 1e-3 of it
        floor = 1e-3 * np.abs(wasm_dW).max()
        rel_dW = np.abs(dW - wasm_dW) / np.maximum(np.maximum(np.abs(dW), np.abs(wasm_dW)), floor)
        where = f'{c["name"]} {c["loss"]} reg {c["reg"]}'
        assert rel_loss <= 1e-12, (where, rel_loss)
        assert rel_dW.max() <= 1e-12, (where, rel_dW.max())
        worst = max(worst, rel_loss, rel_dW.max())
    print(f"largest relative difference NumPy vs wasm: {worst:.2e}")


def test_notebook_sends_lossland_layout(cases):
    c = next(c for c in cases if c["name"] == "iris")
    n, d, k = len(c["labels"]), c["dims"], c["classes"]
    X = np.array(c["features"]).reshape(n, d)
    y = np.array(c["labels"])
    W = np.array(c["W"]).reshape(k, d + 1).T
    nb = lossland.Notebook(X, y, W, loss=c["loss"], reg=c["reg"], delta=c["delta"])
    w = nb.widget
    assert w.shape == {"n": n, "d": d, "c": k}
    assert np.frombuffer(w.X, "<f8").tolist() == c["features"]
    assert np.frombuffer(w.y, "<u4").tolist() == c["labels"]
    assert np.frombuffer(w.W, "<f8").tolist() == c["W"]  # W.T row-major: exactly the wasm's weights()
    assert nb.loss()[0] == pytest.approx(c["value"], rel=1e-12)
