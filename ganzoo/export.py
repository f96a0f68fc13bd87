"""Generator SavedModels for TF Serving, written atomically to <export_dir>/<version>/.

The signature contract (names, dtypes, shapes, ranges) is stable; docs/serving.md has it as a table.

    serving_default  latent float32 [batch, latent_dim]
                     -> images float32 [batch, H, W, C] in [-1, 1], images_uint8 uint8 [0, 255]
    sample           num_samples int32 scalar in [1, MAX_SAMPLES], seed int64 scalar
                     -> the same outputs, noise drawn in-graph by stateless RNG
    sample_png       num_samples, seed as `sample` -> images_bytes string [batch] (PNG files)
    discriminate     images float32 [batch, H, W, C] in [-1, 1]
                     -> logits float32 [batch], probabilities float32 [batch] (real = 1)
                        for models whose D is a classifier (loss families minimax and
                        non_saturating); scores float32 [batch] (raw, unbounded, higher =
                        more real) for critics (wasserstein, hinge, least_squares), whose
                        outputs have no probability

Non-image models (e.g. 2-D points) output `samples` float32 [batch, *data_shape] instead of
the two image outputs, have no `sample_png`, and `discriminate` takes `samples`.

Models trained with PacGAN packing (`packing` = m > 1) judge packs: `discriminate` takes a
batch that is a multiple of m and returns one value per pack of m consecutive rows, shape
[batch / m] (rows 0..m-1 are pack 0, ...); any other batch fails the request with "... must be
a batch of a multiple of m rows". The other signatures do not change.

Conditional models (cgan, acgan) add `labels` int32 [batch] in [0, num_classes) to
`serving_default` (one per latent row), `sample` and `sample_png` (one label for all samples, or
num_samples labels) and, for cgan's projection D, `discriminate`; acgan's `discriminate` adds
`class_probabilities` float32 [batch, num_classes] from D's class head. Out-of-range labels fail
the request with "labels must be in [0, num_classes)", never clamped. A `class_names` signature
(no inputs) returns the names, string [num_classes], so a client maps names to ids without
ganzoo.

A style-based generator (the stylegan2 backbone: a mapping network to w, then synthesis) adds
    sample_truncated, sample_png_truncated
                     as `sample` and `sample_png` with `truncation` float32 scalar >= 0: every
                     w pulled toward the running mean w_avg, w_avg + truncation * (w - w_avg)
                     (1 = `sample`, 0 = the mean style for every sample)
    mapping          latent [, labels], truncation float32 scalar
                     -> w float32 [batch, latent_dim], noise_seeds int64 [batch]
    synthesis        ws float32 [batch, num_ws, latent_dim] (one w per layer), noise_seeds
                     int64 [batch] -> images, images_uint8
`synthesis(tile(mapping(latent, 1).w, num_ws), mapping(...).noise_seeds)` is
`serving_default(latent)`; mixing rows of ws from two latents mixes their styles (coarse
layers first), interpolating w interpolates the images. TF Serving signatures have no optional
inputs, hence the separate truncated signatures rather than an optional input of `sample`.

The SavedModel is a plain TensorFlow graph: loading it needs neither ganzoo nor Keras. Its ops
are ordinary ones (stateless RNG, PNG encoding, asserts), which older TF Serving releases
load too. `assets.extra/tf_serving_warmup_requests` holds one PredictRequest per signature,
which TF Serving replays at load time so that the first real request is not slow.
"""

import os
import shutil
import tempfile

import keras
import numpy as np
import tensorflow as tf

from ganzoo import backbones, configs, noise
from ganzoo.backbones import stylegan2
from ganzoo.backbones.conditioning import ADVERSARIAL, CLASS_LOGITS, named_outputs
from ganzoo.errors import GanzooError

MAX_SAMPLES = configs.MAX_SAMPLES  # per request to `sample`/`sample_png`
WARMUP_FILE = os.path.join("assets.extra", "tf_serving_warmup_requests")
WARMUP_BATCH = 2


def existing_versions(export_dir):
    """Sorted integer version numbers present under `export_dir` (TF Serving's convention)."""
    if not os.path.isdir(export_dir):
        return []
    return sorted(
        int(entry)
        for entry in os.listdir(export_dir)
        if entry.isdigit() and os.path.isdir(os.path.join(export_dir, entry))
    )


def _after_checks(tensor, *checks):
    """`tensor`, but only once `checks` (assert ops) have passed.

    In a graph, an assert is ordered before the function returns, not before the ops that use
    its input: without this, a bad input may fail first inside a matmul with a cryptic error.
    """
    with tf.control_dependencies(checks):
        return tf.identity(tensor)


class ServingModule:
    """The signature functions of one trained model, as plain TensorFlow."""

    def __init__(self, model):
        # float32 networks with the sampling weights, whatever the training precision: the
        # served graph is then the same on any server and hardware (16-bit kernels differ by
        # device and TF release) and equals model.generate.
        self.generator, self.discriminator = model.inference_networks()
        self.data_shape = tuple(model.data_shape)
        self.latent_dim = model.latent_dim
        self.is_image = backbones.is_image_shape(self.data_shape)
        self.data_name = "images" if self.is_image else "samples"
        self.outputs_are_logits = model.family.outputs_are_logits
        self.packing = model.packing
        self.conditional = model.conditional
        # What D takes and says, read from D itself (ganzoo.backbones.conditioning): labels
        # when it has a second input (projection), class probabilities when it has a class head.
        self.d_takes_labels = len(self.discriminator.inputs) == 2
        self.class_names = model.label_names() if model.conditional else None
        # The mapping and synthesis halves of a style-based G, read from G itself, and the
        # shape (num_ws, latent_dim) of the per-layer styles its synthesis takes.
        self.styles = stylegan2.style_parts(self.generator)
        self.ws_shape = None if self.styles is None else tuple(self.styles[2].inputs[0].shape[1:])
        # G traced once for every signature that runs it (serving_default, sample and
        # sample_png), and a style-based G's synthesis once for synthesis and the truncated
        # pair: the SavedModel holds each graph once and the signatures call it, so exporting
        # and loading trace it once rather than once a signature.
        latent = tf.TensorSpec([None, self.latent_dim], tf.float32)
        labels = [tf.TensorSpec([None], tf.int32)] if self.conditional else []
        self._generated = tf.function(self._generated_outputs,
                                      input_signature=[latent, *labels])
        if self.styles is not None:
            ws = tf.TensorSpec([None, *self.ws_shape], tf.float32)
            self._synthesized = tf.function(
                self._synthesized_outputs,
                input_signature=[ws, tf.TensorSpec([None], tf.int64)])

    def _checked_labels(self, labels, count=None):
        """int32 labels after in-graph checks: in [0, num_classes), and `count` of them (or
        one, which is repeated) when `count` is given. Out-of-range labels are refused, never
        clamped."""
        num_classes = len(self.class_names)
        checks = [
            tf.debugging.assert_non_negative(
                labels, message=f"labels must be in [0, {num_classes})"),
            tf.debugging.assert_less(
                labels, num_classes, message=f"labels must be in [0, {num_classes})"),
        ]
        if count is not None:
            size = tf.size(labels)
            checks.append(tf.debugging.assert_equal(
                tf.logical_or(tf.equal(size, 1), tf.equal(size, count)), True,
                message="labels must hold one label or num_samples labels"))
        labels = _after_checks(labels, *checks)
        if count is not None:
            labels = tf.broadcast_to(tf.reshape(labels, [-1]), [count])
        return labels

    def outputs(self, latent, labels=None):
        """The signature outputs for latent float32 [b, latent_dim] (and, for a conditional G,
        labels int32 [b]): images (or samples) float32 in [-1, 1] and images_uint8."""
        return self._generated(latent) if labels is None else self._generated(latent, labels)

    def _generated_outputs(self, latent, labels=None):
        inputs = latent if labels is None else [latent, labels]
        return self._sample_outputs(self.generator(inputs, training=False))

    def _sample_outputs(self, samples):
        samples = tf.cast(samples, tf.float32)
        if not self.is_image:
            return {"samples": samples}
        images_uint8 = tf.cast(
            tf.clip_by_value(tf.round((samples + 1.0) * 127.5), 0.0, 255.0), tf.uint8
        )
        return {"images": samples, "images_uint8": images_uint8}

    def _checked_latent(self, latent):
        # A signature called directly does not check static shapes: fail here with the expected
        # shape rather than deep inside a matmul.
        return _after_checks(
            latent,
            tf.debugging.assert_equal(
                tf.shape(latent)[-1],
                self.latent_dim,
                message=f"latent must be float32 [batch, {self.latent_dim}]",
            ),
        )

    def generate(self, latent):
        return self.outputs(self._checked_latent(latent))

    def generate_with_labels(self, latent, labels):
        latent = self._checked_latent(latent)
        return self.outputs(latent, self._checked_labels(labels, tf.shape(latent)[0]))

    def _sampled_latent(self, num_samples, seed):
        num_samples = _after_checks(
            num_samples,
            tf.debugging.assert_greater(num_samples, 0, message="num_samples must be >= 1"),
            tf.debugging.assert_less_equal(
                num_samples, MAX_SAMPLES, message=f"num_samples must be <= {MAX_SAMPLES}"
            ),
        )
        return noise.latent_batch(num_samples, self.latent_dim, seed)

    def sample(self, num_samples, seed):
        return self.outputs(self._sampled_latent(num_samples, seed))

    def sample_with_labels(self, num_samples, seed, labels):
        latent = self._sampled_latent(num_samples, seed)
        return self.outputs(latent, self._checked_labels(labels, tf.shape(latent)[0]))

    @staticmethod
    def _png(images_uint8):
        return {
            "images_bytes": tf.map_fn(tf.io.encode_png, images_uint8, fn_output_signature=tf.string)
        }

    def sample_png(self, num_samples, seed):
        return self._png(self.sample(num_samples, seed)["images_uint8"])

    def sample_png_with_labels(self, num_samples, seed, labels):
        return self._png(self.sample_with_labels(num_samples, seed, labels)["images_uint8"])

    # ------------------------------------------------------------ style-based generators
    @staticmethod
    def _checked_truncation(truncation):
        return _after_checks(truncation, tf.debugging.assert_greater_equal(
            truncation, 0.0, message="truncation must be >= 0"))

    def _synthesized_outputs(self, ws, noise_seeds):
        _, _, synthesis = self.styles
        return self._sample_outputs(synthesis([ws, noise_seeds], training=False))

    def sample_truncated(self, num_samples, seed, truncation, labels=None):
        latent = self._sampled_latent(num_samples, seed)
        if labels is not None:
            labels = self._checked_labels(labels, tf.shape(latent)[0])
        ws = stylegan2.truncated_ws(self.generator, latent, labels,
                                    self._checked_truncation(truncation))
        return self._synthesized(ws, stylegan2.noise_seeds(latent))

    def sample_png_truncated(self, num_samples, seed, truncation, labels=None):
        return self._png(
            self.sample_truncated(num_samples, seed, truncation, labels)["images_uint8"])

    def mapping(self, latent, truncation, labels=None):
        latent = self._checked_latent(latent)
        if labels is not None:
            labels = self._checked_labels(labels, tf.shape(latent)[0])
        w = stylegan2.mapped(self.generator, latent, labels, self._checked_truncation(truncation))
        return {"w": w, "noise_seeds": stylegan2.noise_seeds(latent)}

    def synthesis(self, ws, noise_seeds):
        num_ws, width = self.ws_shape
        ws = _after_checks(ws, tf.debugging.assert_equal(
            tf.shape(ws)[1:], tf.constant(self.ws_shape, tf.int32),
            message=f"ws must be float32 [batch, {num_ws}, {width}]"))
        return self._synthesized(ws, noise_seeds)

    def _style_signatures(self, scalar_inputs, latent, labels):
        """{name: (function, input signature)} of a style-based G's extra signatures."""
        truncation = tf.TensorSpec([], tf.float32, name="truncation")
        ws = tf.TensorSpec([None, *self.ws_shape], tf.float32, name="ws")
        seeds = tf.TensorSpec([None], tf.int64, name="noise_seeds")
        with_labels = [] if labels is None else [labels]
        return {
            "sample_truncated": (self.sample_truncated, scalar_inputs + [truncation] + with_labels),
            "sample_png_truncated": (self.sample_png_truncated,
                                     scalar_inputs + [truncation] + with_labels),
            "mapping": (self.mapping, [latent, truncation] + with_labels),
            "synthesis": (self.synthesis, [ws, seeds]),
        }

    def _checked_data(self, data):
        checks = [
            tf.debugging.assert_equal(
                tf.shape(data)[1:],
                tf.constant(self.data_shape, tf.int32),
                message=f"{self.data_name} must be float32 "
                f"[batch, {', '.join(map(str, self.data_shape))}]",
            ),
        ]
        if self.packing > 1:  # D scores packs of consecutive rows
            checks.append(tf.debugging.assert_equal(
                tf.shape(data)[0] % self.packing, 0,
                message=f"{self.data_name} must be a batch of a multiple of {self.packing} rows "
                f"(packing={self.packing}: one score per pack of {self.packing} rows)",
            ))
        return _after_checks(data, *checks)

    def _judged(self, outputs):
        """The signature's outputs from D's named outputs."""
        outputs = named_outputs(outputs)
        adversarial = tf.reshape(tf.cast(outputs[ADVERSARIAL], tf.float32), [-1])
        judged = (
            {"logits": adversarial, "probabilities": tf.sigmoid(adversarial)}
            if self.outputs_are_logits else {"scores": adversarial}
        )
        if CLASS_LOGITS in outputs:
            judged["class_probabilities"] = tf.nn.softmax(
                tf.cast(outputs[CLASS_LOGITS], tf.float32)
            )
        return judged

    def discriminate(self, data):
        data = self._checked_data(data)
        return self._judged(self.discriminator(data, training=False))

    def discriminate_with_labels(self, data, labels):
        data = self._checked_data(data)
        labels = self._checked_labels(labels, tf.shape(data)[0])
        return self._judged(self.discriminator([data, labels], training=False))

    def class_names_output(self):
        return {"class_names": tf.constant(self.class_names, tf.string)}

    def signatures(self):
        """{name: (function, input signature)}; serving_default first."""
        scalar_inputs = [
            tf.TensorSpec([], tf.int32, name="num_samples"),
            tf.TensorSpec([], tf.int64, name="seed"),
        ]
        latent = tf.TensorSpec([None, self.latent_dim], tf.float32, name="latent")
        data = tf.TensorSpec([None, *self.data_shape], tf.float32, name=self.data_name)
        if not self.conditional:
            signatures = {
                "serving_default": (self.generate, [latent]),
                "sample": (self.sample, scalar_inputs),
            }
            if self.is_image:
                signatures["sample_png"] = (self.sample_png, scalar_inputs)
            signatures["discriminate"] = (self.discriminate, [data])
            if self.styles is not None:
                signatures.update(self._style_signatures(scalar_inputs, latent, None))
            return signatures
        labels = tf.TensorSpec([None], tf.int32, name="labels")
        signatures = {
            "serving_default": (self.generate_with_labels, [latent, labels]),
            "sample": (self.sample_with_labels, scalar_inputs + [labels]),
            "sample_png": (self.sample_png_with_labels, scalar_inputs + [labels]),
        }
        if self.d_takes_labels:  # D judges an image given its label
            signatures["discriminate"] = (self.discriminate_with_labels, [data, labels])
        else:  # D's class head, if it has one, says the label
            signatures["discriminate"] = (self.discriminate, [data])
        signatures["class_names"] = (self.class_names_output, [])
        if self.styles is not None:
            signatures.update(self._style_signatures(scalar_inputs, latent, labels))
        return signatures

    def warmup_inputs(self):
        """{signature: {input name: numpy value}}: one small request per signature."""
        requests = {
            "serving_default": {
                "latent": noise.latent_batch(WARMUP_BATCH, self.latent_dim, 0).numpy()
            },
            "sample": {"num_samples": np.int32(WARMUP_BATCH), "seed": np.int64(0)},
            "discriminate": {  # WARMUP_BATCH packs
                self.data_name: np.zeros((WARMUP_BATCH * self.packing, *self.data_shape),
                                         np.float32)
            },
        }
        if self.conditional:
            labels = np.arange(WARMUP_BATCH, dtype=np.int32) % len(self.class_names)
            requests["serving_default"]["labels"] = labels
            requests["sample"]["labels"] = labels
            if self.d_takes_labels:
                requests["discriminate"]["labels"] = labels
        if self.is_image:
            requests["sample_png"] = dict(requests["sample"])
        if self.styles is not None:
            half = {"truncation": np.float32(0.7)}
            requests["sample_truncated"] = {**requests["sample"], **half}
            requests["sample_png_truncated"] = dict(requests["sample_truncated"])
            requests["mapping"] = {**requests["serving_default"], **half}
            latent = requests["serving_default"]["latent"]
            requests["synthesis"] = {
                "ws": np.repeat(latent[:, None, :], self.ws_shape[0], axis=1),
                "noise_seeds": np.arange(WARMUP_BATCH, dtype=np.int64),
            }
        return requests


def write_warmup_requests(path, model_name, requests):
    """Write `requests` ({signature: {input: numpy}}) as TF Serving warmup PredictionLogs."""
    from tensorflow_serving.apis import model_pb2, predict_pb2, prediction_log_pb2

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tf.io.TFRecordWriter(path) as writer:
        for signature, inputs in requests.items():
            request = predict_pb2.PredictRequest(
                model_spec=model_pb2.ModelSpec(name=model_name, signature_name=signature)
            )
            for name, value in inputs.items():
                request.inputs[name].CopyFrom(tf.make_tensor_proto(value))
            log = prediction_log_pb2.PredictionLog(
                predict_log=prediction_log_pb2.PredictLog(request=request)
            )
            writer.write(log.SerializeToString())


def read_warmup_requests(path):
    """The PredictRequests of a warmup file, in order."""
    from tensorflow_serving.apis import prediction_log_pb2

    requests = []
    for record in tf.data.TFRecordDataset(path):
        log = prediction_log_pb2.PredictionLog.FromString(record.numpy())
        requests.append(log.predict_log.request)
    return requests


def export_generator(model, export_dir, version=None, overwrite=False, discriminate=True):
    """Write `model` as a SavedModel to `<export_dir>/<version>/` (see the module docstring).

    Args:
        model: a GANModel.
        export_dir: the model's directory, e.g. "saved_models/dcgan"; its base name is the
            model name TF Serving serves it under (used in the warmup requests).
        version: positive int; None takes the next free number (1 for an empty directory).
        overwrite: replace an existing version; without it an existing version is an error.
        discriminate: include the `discriminate` signature.

    Returns:
        The path of the version directory written.

    The SavedModel is built in a hidden temporary directory beside the target and renamed into
    place, so a server polling `export_dir` never sees a half-written version, and a failed or
    killed export leaves no version directory behind.
    """
    if version is None:
        version = (existing_versions(export_dir) or [0])[-1] + 1
    if not isinstance(version, int) or version < 1:
        raise GanzooError(f"version must be a positive integer, got {version!r}")
    target = os.path.join(export_dir, str(version))
    if os.path.exists(target) and not overwrite:
        raise GanzooError(f"{target} already exists; pass --overwrite to replace it")
    os.makedirs(export_dir, exist_ok=True)

    module = ServingModule(model)
    signatures = module.signatures()
    if not discriminate:
        del signatures["discriminate"]
    # No archive.track(): it would store every variable a second time (under
    # _all_variables/), doubling the SavedModel; the endpoints capture the variables they use.
    archive = keras.export.ExportArchive()
    for name, (function, input_signature) in signatures.items():
        archive.add_endpoint(name, function, input_signature=input_signature)

    staging = tempfile.mkdtemp(prefix=f".tmp-{version}-", dir=export_dir)
    try:
        archive.write_out(staging, verbose=False)
        warmup = {k: v for k, v in module.warmup_inputs().items() if k in signatures}
        model_name = os.path.basename(os.path.normpath(export_dir))
        write_warmup_requests(os.path.join(staging, WARMUP_FILE), model_name, warmup)
        if os.path.exists(target):
            shutil.rmtree(target)
        os.rename(staging, target)
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging)
    return target


def load_signature(path, signature="serving_default"):
    """The named signature of a SavedModel at `path`, as a callable taking keyword tensors."""
    if not os.path.isdir(path):
        raise GanzooError(f"no SavedModel at {path!r}")
    loaded = tf.saved_model.load(path)
    if signature not in loaded.signatures:
        raise GanzooError(
            f"SavedModel {path!r} has no signature {signature!r}; "
            f"it has: {', '.join(loaded.signatures)}"
        )
    return loaded.signatures[signature]


def resolve_version_dir(path):
    """`path` itself if it holds a SavedModel, else its highest-numbered version directory."""
    if os.path.exists(os.path.join(path, "saved_model.pb")):
        return path
    versions = existing_versions(path)
    if not versions:
        raise GanzooError(f"no SavedModel at {path!r} (and no numbered version directories in it)")
    return os.path.join(path, str(versions[-1]))


def write_model_config(saved_models_root, base_path=None, names=None):
    """Write `<root>/models.config`, a TF Serving model_config_list of models under root.

    Args:
        saved_models_root: directory holding <name>/<version>/ SavedModels.
        base_path: where the server sees `saved_models_root` (e.g. "/models" inside the
            tensorflow/serving container); None uses the absolute local path.
        names: the models to list (each must have a version under root); None lists every
            model under root.

    Returns:
        (path written, sorted model names).
    """
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    found = sorted(
        entry
        for entry in os.listdir(saved_models_root)
        if existing_versions(os.path.join(saved_models_root, entry))
    )
    if names is not None:
        missing = sorted(set(names) - set(found))
        if missing:
            raise GanzooError(
                f"no exported model {missing[0]!r} under {saved_models_root!r}; it has: "
                f"{', '.join(found) or 'none'}"
            )
        found = sorted(names)
    if not found:
        raise GanzooError(f"no exported models under {saved_models_root!r}")
    base_path = (base_path or os.path.abspath(saved_models_root)).rstrip("/")
    config = model_server_config_pb2.ModelServerConfig()
    for name in found:
        config.model_config_list.config.add(
            name=name, base_path=f"{base_path}/{name}", model_platform="tensorflow"
        )
    path = os.path.join(saved_models_root, "models.config")
    with open(path, "w") as config_file:
        config_file.write(text_format.MessageToString(config))
    return path, found
