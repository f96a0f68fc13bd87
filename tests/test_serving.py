"""The TF Serving contract: signatures, tools that read them, warmup, the client."""

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf
from google.protobuf import text_format
from tensorflow.core.framework import types_pb2
from tensorflow.core.protobuf import saved_model_pb2
from tensorflow_serving.config import model_server_config_pb2

import ganzoo
from ganzoo import export, images, serving_client
from tests.conftest import ROOT, run_script, script_env
from tests.serving_fakes import ServedModel, start_grpc_server, start_rest_server
from tests.test_models import ZOO, batches, tiny

pytestmark = pytest.mark.slow

IMAGE_SHAPE = (16, 16, 1)
SERVED = ("dcgan", "gan", "wgan_gp")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """{zoo name: (trained tiny model, its SavedModel version directory)}."""
    root = tmp_path_factory.mktemp("saved_models")
    result = {}
    # The models these tests read; every model's signatures and warmup file are checked by the
    # contract suite (tests/test_models.py).
    for name, shape, overrides in [case for case in ZOO if case[0] in SERVED]:
        model = tiny(name, shape, overrides)
        model.fit(batches(name, shape), epochs=1, verbose=0)
        result[name] = (model, export.export_generator(model, str(root / name)))
    return result


def saved_model_cli_show(version_dir):
    """{signature: {"inputs"|"outputs": {name: (dtype, shape)}}} from
    `saved_model_cli show --all`."""
    text = subprocess.run(
        ["saved_model_cli", "show", "--dir", version_dir, "--all"],
        capture_output=True, text=True, check=True, env=script_env(), timeout=120,
    ).stdout
    signatures = {}
    for block in re.split(r"signature_def\['", text)[1:]:
        name = block.split("'", 1)[0]
        entry = {"inputs": {}, "outputs": {}}
        for kind, tensor, dtype, shape in re.findall(
            r"(inputs|outputs)\['(\w+)'\] tensor_info:\s+dtype: (\w+)\s+shape: (\([^)]*\))", block
        ):
            entry[kind][tensor] = (dtype, shape)
        signatures[name] = entry
    return signatures


def signature_defs(version_dir):
    """What saved_model_cli_show returns for the public signatures (not TensorFlow's own
    "__..." ones), read in this process from saved_model.pb's SignatureDefs (the records the
    CLI prints), in the CLI's notation: checked equal to the CLI's own output on the dcgan
    export, so the other exports need no TensorFlow start."""
    saved_model = saved_model_pb2.SavedModel()
    with open(os.path.join(version_dir, "saved_model.pb"), "rb") as file:
        saved_model.ParseFromString(file.read())
    (meta_graph,) = saved_model.meta_graphs

    def notation(info):
        shape = "(" + ", ".join(str(dim.size) for dim in info.tensor_shape.dim) + ")"
        return types_pb2.DataType.Name(info.dtype), shape

    return {
        name: {side: {key: notation(info) for key, info in getattr(signature, side).items()}
               for side in ("inputs", "outputs")}
        for name, signature in meta_graph.signature_def.items()
        if not name.startswith("__")
    }


def test_saved_model_cli_lists_the_contract(exported):
    _, version_dir = exported["dcgan"]
    signatures = saved_model_cli_show(version_dir)
    assert signature_defs(version_dir) == {
        name: entry for name, entry in signatures.items() if not name.startswith("__")
    }
    image = "(-1, 16, 16, 1)"
    assert signatures["serving_default"] == {
        "inputs": {"latent": ("DT_FLOAT", "(-1, 8)")},
        "outputs": {"images": ("DT_FLOAT", image), "images_uint8": ("DT_UINT8", image)},
    }
    scalars = {"num_samples": ("DT_INT32", "()"), "seed": ("DT_INT64", "()")}
    assert signatures["sample"] == {
        "inputs": scalars,
        "outputs": {"images": ("DT_FLOAT", image), "images_uint8": ("DT_UINT8", image)},
    }
    assert signatures["sample_png"] == {
        "inputs": scalars, "outputs": {"images_bytes": ("DT_STRING", "(-1)")},
    }
    assert signatures["discriminate"] == {
        "inputs": {"images": ("DT_FLOAT", image)},
        "outputs": {"logits": ("DT_FLOAT", "(-1)"), "probabilities": ("DT_FLOAT", "(-1)")},
    }
    critic = signature_defs(exported["wgan_gp"][1])["discriminate"]
    assert critic == {"inputs": {"images": ("DT_FLOAT", image)},
                      "outputs": {"scores": ("DT_FLOAT", "(-1)")}}


def test_points_models_serve_samples_and_no_png(exported):
    _, version_dir = exported["gan"]
    signatures = signature_defs(version_dir)
    assert sorted(signatures) == ["discriminate", "sample", "serving_default"]
    assert signatures["serving_default"]["outputs"] == {"samples": ("DT_FLOAT", "(-1, 2)")}


# dcgan's: every model's serving_default is compared with generate() in-process by the contract
# suite, and through TF1's loader (what `run` uses) for the shipped ones, points included.
def test_saved_model_cli_run_reproduces_generate(tmp_path, exported):
    model, version_dir = exported["dcgan"]
    latent = model.sample_latent(5, seed=11).numpy()
    np.save(tmp_path / "latent.npy", latent)
    subprocess.run(
        ["saved_model_cli", "run", "--dir", version_dir, "--tag_set", "serve",
         "--signature_def", "serving_default", "--inputs", f"latent={tmp_path / 'latent.npy'}",
         "--outdir", str(tmp_path / "out")],
        capture_output=True, text=True, check=True, env=script_env(), timeout=120,
    )
    served = np.load(tmp_path / "out" / "images.npy")
    np.testing.assert_allclose(served, model.generate(latent=latent), atol=1e-5)


def test_sample_is_seeded_identically_across_loads(exported):
    _, version_dir = exported["dcgan"]
    first = export.load_signature(version_dir, "sample")
    second = export.load_signature(version_dir, "sample")  # a separate load
    args = dict(num_samples=tf.constant(6, tf.int32), seed=tf.constant(3, tf.int64))
    a, b = first(**args), second(**args)
    np.testing.assert_array_equal(a["images"], b["images"])
    other = first(num_samples=tf.constant(6, tf.int32), seed=tf.constant(4, tf.int64))
    assert not np.array_equal(a["images"], other["images"])
    model = exported["dcgan"][0]
    np.testing.assert_allclose(a["images"], model.generate(6, seed=3), atol=1e-5)


def test_sample_refuses_absurd_sample_counts(exported):
    sample = export.load_signature(exported["dcgan"][1], "sample")
    for bad in (0, export.MAX_SAMPLES + 1):
        with pytest.raises(tf.errors.InvalidArgumentError, match="num_samples must be"):
            sample(num_samples=tf.constant(bad, tf.int32), seed=tf.constant(0, tf.int64))


def test_png_bytes_decode_to_images_uint8(exported):
    version_dir = exported["dcgan"][1]
    args = dict(num_samples=tf.constant(3, tf.int32), seed=tf.constant(9, tf.int64))
    pngs = export.load_signature(version_dir, "sample_png")(**args)["images_bytes"].numpy()
    expected = export.load_signature(version_dir, "sample")(**args)["images_uint8"].numpy()
    assert len(pngs) == 3 and all(png.startswith(b"\x89PNG") for png in pngs)
    decoded = np.stack([tf.io.decode_png(png).numpy() for png in pngs])
    np.testing.assert_array_equal(decoded, expected)


def test_discriminate_is_d_in_inference_mode(exported):
    model, version_dir = exported["dcgan"]
    images = np.random.default_rng(2).uniform(-1, 1, (4, *IMAGE_SHAPE)).astype("float32")
    outputs = export.load_signature(version_dir, "discriminate")(images=tf.constant(images))
    logits = model.adversarial_outputs(images, training=False).numpy().reshape(-1)
    np.testing.assert_allclose(outputs["logits"], logits, atol=1e-5)
    np.testing.assert_allclose(outputs["probabilities"], 1 / (1 + np.exp(-logits)), atol=1e-6)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"images must be float32 \[batch, 16, 16, 1\]"
    ):
        export.load_signature(version_dir, "discriminate")(images=tf.zeros([2, 8, 8, 1]))


TF1_LOADER = r"""
import sys, numpy as np, tensorflow as tf
tf1 = tf.compat.v1
latent = np.load(sys.argv[2])
with tf1.Session(graph=tf.Graph()) as session:
    meta = tf1.saved_model.loader.load(session, ["serve"], sys.argv[1])
    signature = meta.signature_def["serving_default"]
    images = session.run(
        signature.outputs["images"].name, {signature.inputs["latent"].name: latent}
    )
np.save(sys.argv[3], images)
assert not any(m.startswith("ganzoo") for m in sys.modules), "imported ganzoo"
print("loaded", images.shape)
"""


def assert_the_tf1_loader_serves_generate(tmp_path, model, version_dir):
    """A TF1 session (no ganzoo, no Keras) loads the export and its serving_default gives
    model.generate's images."""
    latent = model.sample_latent(3, seed=1).numpy()
    np.save(tmp_path / "latent.npy", latent)
    result = subprocess.run(
        [sys.executable, "-c", TF1_LOADER, version_dir, str(tmp_path / "latent.npy"),
         str(tmp_path / "images.npy")],
        capture_output=True, text=True, timeout=120, env=script_env(), cwd=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    np.testing.assert_allclose(
        np.load(tmp_path / "images.npy"), model.generate(latent=latent), atol=1e-5
    )


def test_the_tf1_session_loader_loads_it_without_ganzoo(tmp_path, exported):
    assert_the_tf1_loader_serves_generate(tmp_path, *exported["dcgan"])


@pytest.mark.parametrize("name", ["dcgan", "gan"])
def test_warmup_requests_parse_and_are_answered(exported, name):
    _, version_dir = exported[name]
    requests = export.read_warmup_requests(os.path.join(version_dir, export.WARMUP_FILE))
    is_image = len(exported[name][0].data_shape) == 3
    expected = {"serving_default", "sample", "discriminate"} | (
        {"sample_png"} if is_image else set()
    )
    assert {r.model_spec.signature_name for r in requests} == expected
    assert {r.model_spec.name for r in requests} == {name}
    loaded = tf.saved_model.load(version_dir)
    for request in requests:
        inputs = {k: tf.constant(tf.make_ndarray(v)) for k, v in request.inputs.items()}
        outputs = loaded.signatures[request.model_spec.signature_name](**inputs)
        assert all(int(v.shape[0]) == export.WARMUP_BATCH for v in outputs.values())


KILLED_EXPORT = r"""
import sys, keras, ganzoo
from ganzoo import export
model = ganzoo.get_model("dcgan", data_shape=(128, 128, 3), latent_dim=100, width=64)
export.export_generator(model, sys.argv[1])
"""


def test_a_killed_export_leaves_no_version_behind(tmp_path):
    export_dir = tmp_path / "dcgan"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, str(export_dir)], env=script_env(), cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if export_dir.exists() and any(
                p.name.startswith(".tmp-") for p in export_dir.iterdir()
            ):
                break
            time.sleep(0.01)
        assert process.poll() is None, "the export finished (or failed) before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert export.existing_versions(str(export_dir)) == []  # a server sees nothing
    with pytest.raises(ganzoo.GanzooError, match="no numbered version directories"):
        export.resolve_version_dir(str(export_dir))


@pytest.fixture(scope="module")
def grpc_server(exported):
    server, address = start_grpc_server(ServedModel("dcgan", exported["dcgan"][1]))
    yield address
    server.stop(None)


@pytest.fixture(scope="module")
def rest_server(exported):
    server, address, seen = start_rest_server(ServedModel("dcgan", exported["dcgan"][1]))
    yield address, seen
    server.shutdown()


@pytest.mark.parametrize("protocol", ["grpc", "rest"])
def test_the_client_samples_and_reads_metadata(protocol, exported, grpc_server, rest_server):
    address = grpc_server if protocol == "grpc" else rest_server[0]
    client = serving_client.make_client(protocol, address, "dcgan", version=1)
    images = serving_client.sample_images(client, 4, seed=5)
    expected = export.load_signature(exported["dcgan"][1], "sample")(
        num_samples=tf.constant(4, tf.int32), seed=tf.constant(5, tf.int64)
    )["images_uint8"].numpy()
    np.testing.assert_array_equal(images, expected)
    signatures = client.signatures()
    assert {"serving_default", "sample", "sample_png", "discriminate"} <= set(signatures)
    assert signatures["sample"]["inputs"]["seed"][0] in ("int64", "DT_INT64")


@pytest.mark.parametrize("protocol", ["grpc", "rest"])
def test_the_client_names_an_unknown_model_or_version(protocol, grpc_server, rest_server):
    address = grpc_server if protocol == "grpc" else rest_server[0]
    for model, version in (("wgan", None), ("dcgan", 7)):
        client = serving_client.make_client(protocol, address, model, version=version)
        with pytest.raises(ganzoo.GanzooError, match=f"model '{model}'.* not served"):
            serving_client.sample_images(client, 1, seed=0)


@pytest.mark.parametrize("protocol", ["grpc", "rest"])
def test_the_client_says_when_no_server_is_there(protocol):
    from tests.test_multi_worker import free_ports

    client = serving_client.make_client(
        protocol, f"127.0.0.1:{free_ports(1)[0]}", "dcgan", timeout=3
    )
    with pytest.raises(ganzoo.GanzooError, match="no TF Serving .* is the server running"):
        serving_client.sample_images(client, 1, seed=0)


def test_rest_request_bodies_follow_the_documented_json_format(rest_server):
    assert (
        serving_client.rest_url("host:8501", "dcgan") == "http://host:8501/v1/models/dcgan:predict"
    )
    assert (
        serving_client.rest_url("h:1", "dcgan", 2, "metadata")
        == "http://h:1/v1/models/dcgan/versions/2/metadata"
    )
    body = serving_client.rest_predict_body(
        "sample", {"num_samples": np.int32(2), "seed": np.int64(7)}
    )
    assert body == {"signature_name": "sample", "inputs": {"num_samples": 2, "seed": 7}}
    latent = serving_client.rest_predict_body(
        "serving_default", {"latent": np.zeros((1, 2), np.float32)}
    )
    assert latent == {"signature_name": "serving_default", "inputs": {"latent": [[0.0, 0.0]]}}
    address, seen = rest_server
    serving_client.sample_images(serving_client.make_client("rest", address, "dcgan"), 2, seed=1)
    assert seen[-1] == {"signature_name": "sample", "inputs": {"num_samples": 2, "seed": 1}}


def test_serve_client_script_writes_a_grid(tmp_path, exported, rest_server):
    # REST (the default) here; gRPC and --metadata in test_conditional_serving's runs of the
    # script. A server that is not there: test_the_client_says_when_no_server_is_there.
    output = tmp_path / "grid.png"
    result = run_script(
        "serve_client.py", f"--server={rest_server[0]}", "--model=dcgan", "--num_samples=4",
        "--seed=2", f"--output={output}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    picture = tf.io.decode_png(tf.io.read_file(str(output))).numpy()
    assert picture.shape == (2 * 17 + 1, 2 * 17 + 1, 1)
    sample = export.load_signature(exported["dcgan"][1], "sample")
    served = sample(num_samples=tf.constant(4, tf.int32), seed=tf.constant(2, tf.int64))
    np.testing.assert_array_equal(picture, images.image_grid(served["images_uint8"].numpy()))
def test_export_script_versions_a_checkpoint_and_writes_the_model_config(tmp_path, exported):
    model = exported["dcgan"][0]
    model.save(str(tmp_path / "model.keras"))
    root = tmp_path / "saved_models"
    (root / "dcgan" / "1").mkdir(parents=True)  # an earlier version (numbering: test_export)
    result = run_script(
        "export.py", f"--checkpoint={tmp_path}", f"--export_dir={root / 'dcgan'}",
        f"--saved_models_root={root}", "--model_config",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"SavedModel: {root / 'dcgan' / '2'}" in result.stdout
    again = run_script("export.py", f"--checkpoint={tmp_path}", "--version=1")
    assert again.returncode == 0, again.stderr[-3000:]  # the default: the run's export/
    assert f"SavedModel: {tmp_path / 'export' / '1'}" in again.stdout
    again = run_script(
        "export.py", f"--checkpoint={tmp_path}", f"--export_dir={root / 'dcgan'}", "--version=1"
    )
    assert again.returncode == 2 and "already exists; pass --overwrite" in again.stderr
    config = model_server_config_pb2.ModelServerConfig()
    text_format.Parse((root / "models.config").read_text(), config)
    entries = [(c.name, c.base_path, c.model_platform) for c in config.model_config_list.config]
    assert entries == [("dcgan", "/models/dcgan", "tensorflow")]
    served = export.load_signature(str(root / "dcgan" / "2"))
    latent = model.sample_latent(2, seed=0)
    np.testing.assert_allclose(
        served(latent=latent)["images"], model.generate(latent=latent), atol=1e-5
    )
