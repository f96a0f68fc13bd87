"""The shipped zoo (saved_models/<name>/, built by scripts/build_zoo.py) keeps its promises.

For every shipped folder found on disk: the TF1 session loader (the path closest to TF
Serving's C++ loader) loads version 1 in a process that never imports ganzoo; its signatures
are the ones docs/serving.md's "The signature contract" tables document (names, dtypes, ranks,
sizes); serving_default's output for a fixed latent equals the generator of
`ganzoo.load_pretrained` (built from config.json with weights.weights.h5); those weights have
the fingerprint the model card declares; one fit step from them changes the weights and keeps
the losses finite; and models.config lists exactly the shipped folders.

GANZOO_SHIPPED_MODELS=<folder> checks another folder of shipped models (e.g. a build made with
`scripts/build_zoo.py --saved_models_root=<folder> --steps_override=20`).
"""

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from conftest import ROOT, script_env

import ganzoo
from ganzoo import pretrained, train_lib
from ganzoo.tf_data_options import without_autotuning

SHIPPED_ROOT = os.environ.get("GANZOO_SHIPPED_MODELS", os.path.join(ROOT, "saved_models"))
FOLDERS = pretrained.shipped_folders(SHIPPED_ROOT)
NAMES = [os.path.basename(folder) for folder in FOLDERS]
LATENT_ROWS = 4  # the fixed latent batch both loaders are given


def config(folder):
    return pretrained.read_config(folder)["config"]


def fixed_inputs(latent_dim, num_classes):
    """(float32 [LATENT_ROWS, latent_dim] latent, int32 labels or None): what both sides get."""
    latent = np.random.default_rng(0).standard_normal((LATENT_ROWS, latent_dim)).astype("float32")
    labels = None if num_classes is None else np.arange(LATENT_ROWS, dtype="int32") % num_classes
    return latent, labels


# ----------------------------------------------------------------------- the documented contract
_TENSOR = re.compile(r"`(\w+)` (float32|int32|int64|uint8|string) (scalar|`\[([^\]]*)\]`)")
# A second shape written bare after the first: "`labels` int32 `[1]` (...) or `[num_samples]`".
_SECOND_SHAPE = re.compile(
    r"`(\w+)` (?:float32|int32|int64|uint8|string) `\[[^\]]*\]`[^|`]* or `\[([^\]]*)\]`")
_QUALIFIED = re.compile(r"\s*(`\w+`|[A-Za-z ]+\([^)]*\)):")  # "`cgan`: ...", "critic (...): ..."


def readme_contract():
    """({name: (dtype, [shape token lists])}, [table1, table2]) of docs/serving.md's signature
    contract.

    A table maps a signature to its (inputs cell, outputs cell); table1 is every model's,
    table2 what conditional models change. Shapes are lists of tokens ("batch", "H", ...;
    [] for a scalar); a tensor documented with two shapes ("[1]" or "[num_samples]") has both.
    """
    with open(os.path.join(ROOT, "docs", "serving.md")) as page:
        text = page.read()
    section = text.split("## The signature contract", 1)[1].split("\n## ", 1)[0]
    tensors = {}
    flat = re.sub(r"\s+", " ", section)
    for name, dtype, scalar, shape in _TENSOR.findall(flat):
        shapes = tensors.setdefault(name, (dtype, []))[1]
        shapes.append([] if scalar == "scalar" else [t.strip() for t in shape.split(",")])
    for name, shape in _SECOND_SHAPE.findall(flat):
        tensors[name][1].append([t.strip() for t in shape.split(",")])
    tables = []
    for line in section.splitlines():
        if line.startswith("| signature"):
            tables.append({})
        elif line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            for signature in re.findall(r"`(\w+)`", cells[0]):
                tables[-1][signature] = cells[1:3]
    return tensors, tables


def alternatives(tensors, tables, table, signature, column):
    """The sets of tensor names a signature's cell allows: one set, or one per model kind when
    the cell is split into "`cgan`: ...; `acgan`: ..." or "classifier D (...): ...; critic
    (...): ...". "as `other`" takes the other signature's cell, "as above" table1's cell of
    the same signature."""
    cell = tables[table][signature][column]
    parts = cell.split(";")
    qualified = [part for part in parts if _QUALIFIED.match(part)]

    def names(part):
        sets = [{n for n in re.findall(r"`(\w+)`", part) if n in tensors}]
        references = [r for r in re.findall(r"as `(\w+)`", part) if r in tables[0]]
        if "as above" in part:
            references.append(signature)
        for reference in references:
            sets = [s | other for s in sets
                    for other in alternatives(tensors, tables, 0, reference, column)]
        return sets

    if qualified:
        return [s for part in qualified for s in names(part)]
    combined = [set()]
    for part in parts:
        combined = [a | b for a in combined for b in names(part)]
    return combined


STYLE_MODELS = ("stylegan2", "cstylegan2")  # docs/serving.md's third table: "Style-based models"


def style_signatures(tensors, tables, signatures, conditional):
    """The third table's signatures, given the `signatures` of the model's kind:
    `<s>_truncated` is `<s>` with a `truncation` input; `mapping` and `synthesis` take and give
    the tensors their cells name (conditional models add `labels` to mapping's inputs, as the
    sentence under the second table says of every signature that takes a latent)."""
    styled = {}
    for signature, cells in tables[2].items():
        if signature.endswith("_truncated"):
            ins, outs = signatures[signature[: -len("_truncated")]]
            styled[signature] = ([names | {"truncation"} for names in ins], outs)
            continue
        ins, outs = ({name for name in re.findall(r"`(\w+)`", cell) if name in tensors}
                     for cell in cells)
        if conditional and "latent" in ins:
            ins |= {"labels"}
        styled[signature] = ([ins], [outs])
    return styled


def expected_signatures(tensors, tables, is_image, conditional, styled=False):
    """{signature: ([input name sets], [output name sets])} a model of this kind may have
    (`styled`: a style-based model, with the third table's signatures too)."""
    table = 1 if conditional else 0
    signatures = {}
    for signature in tables[table]:
        if signature == "sample_png" and not is_image:
            continue  # "have no `sample_png`"
        ins, outs = (alternatives(tensors, tables, table, signature, c) for c in (0, 1))
        if not is_image:  # "output `samples` ... instead of the two image outputs, take
            # `samples` in `discriminate`"
            ins, outs = ([s - {"images", "images_uint8"} | {"samples"} if "images" in s else s
                          for s in sets] for sets in (ins, outs))
        signatures[signature] = (ins, outs)
    if styled:
        signatures.update(style_signatures(tensors, tables, signatures, conditional))
    return signatures


def dims_match(tokens, actual, model_config):
    """Whether actual dims (None: unknown rank; -1: unknown size) fit documented tokens."""
    data_shape = list(model_config["data_shape"])
    height, width, channels = (data_shape + [None] * 3)[:3] if len(data_shape) == 3 else [None] * 3
    sizes = {"H": height, "W": width, "C": channels, "latent_dim": model_config["latent_dim"],
             "num_classes": model_config.get("num_classes")}
    expected = []
    for token in tokens:
        if token == "*data_shape":
            expected += data_shape
        else:
            expected.append(int(token) if token.isdigit() else sizes.get(token))
    if actual is None:
        return True
    return len(actual) == len(expected) and all(
        e is None or a == -1 or a == e for a, e in zip(actual, expected))


# ----------------------------------------------------------------------------- TF1 loader
TF1_LOADER = r"""
import json, sys, numpy as np, tensorflow as tf
tf1 = tf.compat.v1
report = {}
for path in sys.argv[2:]:
    with tf1.Session(graph=tf.Graph()) as session:
        meta = tf1.saved_model.loader.load(session, ["serve"], path)
        signatures = {}
        for key, signature in meta.signature_def.items():
            if key.startswith("__"):
                continue
            signatures[key] = {
                side: {name: [tf.as_dtype(info.dtype).name,
                              None if info.tensor_shape.unknown_rank
                              else [d.size for d in info.tensor_shape.dim]]
                       for name, info in getattr(signature, side).items()}
                for side in ("inputs", "outputs")}
        serve = meta.signature_def["serving_default"]
        latent_dim = serve.inputs["latent"].tensor_shape.dim[1].size
        latent = np.random.default_rng(0).standard_normal((%d, latent_dim)).astype("float32")
        feed = {serve.inputs["latent"].name: latent}
        if "labels" in serve.inputs:
            names = meta.signature_def["class_names"].outputs["class_names"].name
            num_classes = len(session.run(names))
            feed[serve.inputs["labels"].name] = np.arange(len(latent), dtype="int32") %% num_classes
        output = "images" if "images" in serve.outputs else "samples"
        np.save(path.rstrip("/") + ".npy", session.run(serve.outputs[output].name, feed))
        report[path] = signatures
assert not any(m.startswith("ganzoo") for m in sys.modules), "imported ganzoo"
with open(sys.argv[1], "w") as out:
    json.dump(report, out)
""" % LATENT_ROWS


@pytest.fixture(scope="module")
def tf1_loaded(tmp_path_factory):
    """{folder: (signatures as TF1 sees them, serving_default's output for the fixed latent)},
    all loaded by one process that never imports ganzoo (from copies: it writes beside them)."""
    import shutil

    work = tmp_path_factory.mktemp("tf1")
    copies = {}
    for folder in FOLDERS:
        copies[folder] = str(work / os.path.basename(folder))
        shutil.copytree(os.path.join(folder, str(pretrained.SHIPPED_VERSION)), copies[folder])
    result = subprocess.run(
        [sys.executable, "-c", TF1_LOADER, str(work / "report.json"), *copies.values()],
        capture_output=True, text=True, timeout=300, env=script_env(), cwd=str(work),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with open(work / "report.json") as report:
        report = json.load(report)
    return {folder: (report[copy], np.load(copy + ".npy")) for folder, copy in copies.items()}


@pytest.fixture(scope="module")
def loaded():
    """{folder: ganzoo.load_pretrained(folder)}, loaded once for the read-only tests."""
    return {folder: ganzoo.load_pretrained(folder) for folder in FOLDERS}


# ----------------------------------------------------------------------------- the tests
def test_the_zoo_ships_at_least_five_models_one_of_them_conditional():
    assert len(FOLDERS) >= 5, f"{SHIPPED_ROOT} ships {NAMES}"
    assert any(config(folder).get("num_classes") for folder in FOLDERS)


def test_the_readme_pictures_are_the_shipped_samples_side_by_side():
    # scripts/build_zoo.py rewrites both after every build; a folder added, removed or rebuilt
    # without it leaves them stale.
    from ganzoo import images
    from ganzoo_scripts import zoo_table

    def samples(folder):
        return tf.io.decode_png(tf.io.read_file(os.path.join(folder, "samples.png"))).numpy()

    fashion = zoo_table.fashion_folders(FOLDERS)
    assert fashion, "no shipped Fashion-MNIST model: the README's first picture has none"
    # The same selection read from the shipped commands rather than the built cards.
    assert [os.path.basename(folder) for folder in fashion] == [
        name for name in NAMES if zoo_table.flag_value(zoo_table.SHIPPED[name].train_args,
                                                       "dataset") == zoo_table.FASHION_MNIST]
    for filename, folders in ((zoo_table.MONTAGE, FOLDERS), (zoo_table.FASHION_MONTAGE, fashion)):
        montage = tf.io.decode_png(tf.io.read_file(os.path.join(SHIPPED_ROOT, filename))).numpy()
        expected = images.side_by_side([samples(folder) for folder in folders], height=256)
        np.testing.assert_array_equal(montage, expected, err_msg=filename)


def test_the_readme_caption_names_the_shipped_fashion_models_and_their_build_times():
    # The caption is written from the cards by scripts/build_zoo.py, never typed.
    from ganzoo_scripts import zoo_table

    fashion = zoo_table.fashion_folders(FOLDERS)
    readme_path = os.path.join(os.path.dirname(os.path.abspath(SHIPPED_ROOT)), "README.md")
    if SHIPPED_ROOT != os.path.join(ROOT, "saved_models") and not os.path.isfile(readme_path):
        pytest.skip(f"{SHIPPED_ROOT} has no README.md beside it (build_zoo writes none there)")
    with open(readme_path) as readme:
        text = readme.read()
    begin, end = zoo_table.CAPTION_MARKERS
    caption = text.split(begin + "\n", 1)[1].split(end, 1)[0]
    assert caption == zoo_table.fashion_caption(zoo_table.caption_builds(fashion))
    minutes = [pretrained.read_config(f)["build"]["wall_seconds"] / 60 for f in fashion]
    assert f" in {min(minutes):.0f} to {max(minutes):.0f} minutes, " in caption
    assert re.findall(r"`(\w+_fashion)`", caption) == [os.path.basename(f) for f in fashion]


def test_the_fashion_caption_lists_the_models_and_their_range_of_minutes():
    from ganzoo_scripts import zoo_table

    caption = zoo_table.fashion_caption([
        {"name": "acgan_fashion", "wall_seconds": 2100, "conditional": True},
        {"name": "dcgan_fashion", "wall_seconds": 6500, "conditional": False}])
    assert caption.startswith("*Samples of the 2 shipped Fashion-MNIST models, each built on 2 "
                              "CPU cores in 35 to 108 minutes, from left: `acgan_fashion` (a row "
                              "per requested class), `dcgan_fashion`. ")
    assert caption.endswith("draws, need no download.*\n")


def test_every_shipped_folder_is_a_model_of_the_zoo_table():
    # A model dropped from scripts/zoo_table.py must not leave its folder behind (the table may
    # hold models not built yet: `ganzoo-build-zoo --models=<name>` builds them).
    from ganzoo_scripts import zoo_table

    assert set(NAMES) <= set(zoo_table.SHIPPED), sorted(set(NAMES) - set(zoo_table.SHIPPED))


def test_models_config_lists_exactly_the_shipped_folders():
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    with open(os.path.join(SHIPPED_ROOT, "models.config")) as config_file:
        models = text_format.Parse(config_file.read(), model_server_config_pb2.ModelServerConfig())
    listed = {m.name: m.base_path for m in models.model_config_list.config}
    assert sorted(listed) == NAMES
    assert all(path == f"/models/{name}" for name, path in listed.items())
    assert {m.model_platform for m in models.model_config_list.config} == {"tensorflow"}


@pytest.mark.parametrize("folder", FOLDERS, ids=NAMES)
def test_the_tf1_loader_sees_the_readme_signatures(folder, tf1_loaded):
    tensors, tables = readme_contract()
    model_config = config(folder)
    expected = expected_signatures(
        tensors, tables, len(model_config["data_shape"]) == 3,
        bool(model_config.get("num_classes")),
        styled=pretrained.read_config(folder)["model"] in STYLE_MODELS,
    )
    signatures, _ = tf1_loaded[folder]
    assert sorted(signatures) == sorted(expected)
    for signature, (inputs, outputs) in expected.items():
        for side, allowed in (("inputs", inputs), ("outputs", outputs)):
            actual = signatures[signature][side]
            assert set(actual) in allowed, (signature, side, sorted(actual), allowed)
            for name, (dtype, dims) in actual.items():
                documented_dtype, shapes = tensors[name]
                assert dtype == documented_dtype, (signature, name, dtype)
                assert any(dims_match(shape, dims, model_config) for shape in shapes), (
                    signature, name, dims, shapes)


@pytest.mark.parametrize("folder", FOLDERS, ids=NAMES)
def test_the_card_fingerprint_is_that_of_the_weights_on_disk(folder, loaded):
    assert train_lib.weights_fingerprint(loaded[folder]) == pretrained.card_fingerprint(folder)


@pytest.mark.parametrize("folder", FOLDERS, ids=NAMES)
def test_the_saved_model_serves_the_pretrained_generator(folder, loaded, tf1_loaded):
    model = loaded[folder]
    latent, labels = fixed_inputs(model.latent_dim, getattr(model, "num_classes", None))
    np.testing.assert_allclose(tf1_loaded[folder][1], model.generate(latent=latent, labels=labels),
                               atol=1e-5)


def one_fit_step_changes_the_weights(model):
    """Fit `model` one step on 8 random examples of its data shape (labels for conditional
    models); assert the losses are finite and G's and D's first weights moved."""
    networks = (model.generator, model.discriminator)
    before = [network.trainable_weights[0].numpy().copy() for network in networks]
    images = np.random.default_rng(1).uniform(-1, 1, (8, *model.data_shape)).astype("float32")
    batch = images if not model.conditional else {
        "images": images, "labels": np.arange(8, dtype="int32") % model.num_classes}
    batches = without_autotuning(tf.data.Dataset.from_tensors(batch))
    history = model.fit(batches, epochs=1, verbose=0)
    assert all(np.isfinite(values[-1]) for values in history.history.values()), history.history
    for weights, network in zip(before, networks):
        assert not np.array_equal(weights, network.trainable_weights[0].numpy()), network.name


@pytest.mark.parametrize("folder", FOLDERS, ids=NAMES)
def test_one_eager_fit_step_from_the_shipped_weights(folder):
    # Eager: tracing the compiled step costs 3-30 s a model on 2 cores (wgan_gp's five D steps
    # the most), and test_models' contract suite covers the compiled step of every model.
    model = ganzoo.load_pretrained(folder, compile=False)
    model.compile(run_eagerly=True)
    one_fit_step_changes_the_weights(model)


def test_load_pretrained_fine_tunes_as_documented():
    # The documented path, compiled step included, on the README's model when it is shipped.
    folder = next((f for f in FOLDERS if f.endswith("dcgan_digits")), FOLDERS[0])
    one_fit_step_changes_the_weights(ganzoo.load_pretrained(folder))


MODE_FOLDERS = [
    f for f in FOLDERS if pretrained.read_config(f)["build"]["quality"]["kind"] == "modes"
]


@pytest.mark.parametrize("folder", MODE_FOLDERS, ids=[os.path.basename(f) for f in MODE_FOLDERS])
def test_a_2d_model_still_has_the_mode_coverage_its_card_states(folder):
    # The card's measurement, repeated: 2,500 samples of `sample` at seed 0 (under a second).
    # Another CPU's float kernels may move a sample or two across a 3-std circle, hence the
    # tolerance on the share of high-quality samples; the modes must be the card's exactly.
    from ganzoo import data, export, metrics

    build = pretrained.read_config(folder)["build"]
    card = build["quality"]["scores"]
    sample = export.load_signature(os.path.join(folder, "1"), "sample")
    points = sample(num_samples=tf.constant(2500, tf.int32), seed=tf.constant(0, tf.int64))
    dataset = "ring" if "--dataset=ring" in build["train_args"] else "grid"
    centers, std = data.mode_centers(dataset)
    coverage = metrics.mode_coverage(points["samples"].numpy(), centers, std)
    assert coverage.modes_captured == card["modes_captured"]
    assert abs(coverage.high_quality_percent - card["high_quality_percent"]) <= 1.0
