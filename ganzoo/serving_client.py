"""Clients for a running TF Serving: REST (port 8501) and gRPC (port 8500).

Both ask the `sample` signature for images and `GetModelMetadata` for the signatures, and
turn the server's failures into one-line GanzooErrors (server down, unknown model, missing
version, a refused request such as an out-of-range label). The REST bodies follow TF Serving's
documented JSON API:

    POST /v1/models/<name>[/versions/<v>]:predict
    {"signature_name": "sample", "inputs": {"num_samples": 16, "seed": 0}}
    -> {"outputs": {"images": [...], "images_uint8": [...]}}
    {"signature_name": "sample", "inputs": {"num_samples": 4, "seed": 0, "labels": [3, 3, 7, 7]}}
    {"signature_name": "class_names", "inputs": {}}
    -> {"outputs": ["0", "1", ...]}          (a single output comes back bare)
    GET  /v1/models/<name>[/versions/<v>]/metadata

Conditional models (cgan, acgan) take `labels` int32 [batch] (one label, or one per sample) and
serve their class names in a `class_names` signature without inputs; `class_names(client)`
reads them over the client's own protocol, `resolve_labels` maps names to ids without ganzoo's
model code.
"""

import json
import urllib.error
import urllib.request

import numpy as np

from ganzoo.errors import GanzooError

PROTOCOLS = ("rest", "grpc")


def rest_url(server, model, version=None, verb=":predict"):
    """http://<server>/v1/models/<model>[/versions/<version>]<verb>."""
    versioned = f"/versions/{version}" if version is not None else ""
    separator = "" if verb.startswith(":") else "/"
    return f"http://{server}/v1/models/{model}{versioned}{separator}{verb}"


def rest_predict_body(signature, inputs):
    """The JSON request body for the columnar ("inputs") format, as a dict."""
    return {
        "signature_name": signature,
        "inputs": {name: np.asarray(value).tolist() for name, value in inputs.items()},
    }


def one_line(detail):
    """A server's error message on one line: TensorFlow's assertion messages
    ("assertion failed: [labels must be in [0, 10)] [Condition x < y ...] ...") are cut to
    their message, other multi-line texts to their first line."""
    detail = str(detail).strip()
    marker = "assertion failed: ["
    if marker in detail:
        # TensorFlow writes "[message] [Condition ...] [x = ] [values]"; the message itself
        # may hold brackets, e.g. "labels must be in [0, 10)"; assert_non_negative adds ".  ".
        message = detail[detail.index(marker) + len(marker):].splitlines()[0]
        ends = [i for i in (message.find("] ["), len(message.rstrip()) - 1) if i >= 0]
        return message[: min(ends)].strip().rstrip(".")
    return detail.splitlines()[0].strip() if detail else detail


def _describe(server, model, version):
    return (
        f"model {model!r}"
        + (f" version {version}" if version is not None else "")
        + f" at {server}"
    )


class RestClient:
    def __init__(self, server, model, version=None, timeout=30.0):
        self.server, self.model, self.version, self.timeout = server, model, version, timeout

    def _call(self, url, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            url, data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            try:
                detail = json.loads(detail).get("error", detail)
            except json.JSONDecodeError:
                pass
            kind = "not served" if error.code == 404 else f"refused (HTTP {error.code})"
            raise GanzooError(
                f"{_describe(self.server, self.model, self.version)} {kind}: {one_line(detail)}"
            ) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            reason = getattr(error, "reason", error)
            raise GanzooError(
                f"no TF Serving REST API at {self.server} ({reason}); is the server running?"
            ) from None

    def predict(self, signature, inputs):
        """{output name: numpy array} of `signature` on `inputs` ({name: array-like})."""
        url = rest_url(self.server, self.model, self.version)
        outputs = self._call(url, rest_predict_body(signature, inputs))["outputs"]
        if not isinstance(outputs, dict):  # a single output comes back bare
            outputs = {"output": outputs}
        return {name: np.asarray(value) for name, value in outputs.items()}

    def signatures(self):
        """{signature name: {"inputs": {name: (dtype, shape)}, "outputs": {...}}}."""
        metadata = self._call(rest_url(self.server, self.model, self.version, "metadata"))
        signature_defs = metadata["metadata"]["signature_def"]["signature_def"]

        def tensors(specs):
            return {
                name: (
                    spec["dtype"],
                    [int(d["size"]) for d in spec.get("tensor_shape", {}).get("dim", [])],
                )
                for name, spec in specs.items()
            }

        return {
            name: {"inputs": tensors(d.get("inputs", {})), "outputs": tensors(d.get("outputs", {}))}
            for name, d in signature_defs.items()
            if not name.startswith("__")  # SavedModel's internal init op
        }


class GrpcClient:
    def __init__(self, server, model, version=None, timeout=30.0):
        import grpc
        from tensorflow_serving.apis import prediction_service_pb2_grpc

        self.server, self.model, self.version, self.timeout = server, model, version, timeout
        self._grpc = grpc
        self._channel = grpc.insecure_channel(server)
        self._stub = prediction_service_pb2_grpc.PredictionServiceStub(self._channel)

    def _model_spec(self, spec, signature=None):
        spec.name = self.model
        if signature:
            spec.signature_name = signature
        if self.version is not None:
            spec.version.value = int(self.version)

    def _call(self, method, request):
        try:
            return method(request, timeout=self.timeout)
        except self._grpc.RpcError as error:
            code = error.code()
            if code in (self._grpc.StatusCode.UNAVAILABLE, self._grpc.StatusCode.DEADLINE_EXCEEDED):
                raise GanzooError(
                    f"no TF Serving gRPC API at {self.server} ({code.name}); is the server running?"
                ) from None
            kind = (
                "not served"
                if code == self._grpc.StatusCode.NOT_FOUND
                else f"refused ({code.name})"
            )
            raise GanzooError(
                f"{_describe(self.server, self.model, self.version)} {kind}: "
                f"{one_line(error.details())}"
            ) from None

    def predict(self, signature, inputs):
        import tensorflow as tf
        from tensorflow_serving.apis import predict_pb2

        request = predict_pb2.PredictRequest()
        self._model_spec(request.model_spec, signature)
        for name, value in inputs.items():
            request.inputs[name].CopyFrom(tf.make_tensor_proto(value))
        response = self._call(self._stub.Predict, request)
        return {name: tf.make_ndarray(proto) for name, proto in response.outputs.items()}

    def signatures(self):
        import tensorflow as tf
        from tensorflow_serving.apis import get_model_metadata_pb2

        request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=["signature_def"])
        self._model_spec(request.model_spec)
        response = self._call(self._stub.GetModelMetadata, request)
        signature_map = get_model_metadata_pb2.SignatureDefMap()
        response.metadata["signature_def"].Unpack(signature_map)

        def tensors(infos):
            return {
                name: (
                    tf.dtypes.as_dtype(info.dtype).name if info.dtype else "invalid",
                    [d.size for d in info.tensor_shape.dim],
                )
                for name, info in infos.items()
            }

        return {
            name: {"inputs": tensors(d.inputs), "outputs": tensors(d.outputs)}
            for name, d in signature_map.signature_def.items()
            if not name.startswith("__")  # SavedModel's internal init op
        }

    def close(self):
        self._channel.close()


def make_client(protocol, server, model, version=None, timeout=30.0):
    if protocol == "rest":
        return RestClient(server, model, version, timeout)
    if protocol == "grpc":
        return GrpcClient(server, model, version, timeout)
    raise GanzooError(f"unknown protocol {protocol!r}; choose one of: {', '.join(PROTOCOLS)}")


def sample_images(client, num_samples, seed, labels=None):
    """uint8 [num_samples, H, W, C] from the `sample` signature (same seed, same images).

    `labels` (conditional models): one int, or num_samples ints, in [0, num_classes); the
    server refuses others (a GanzooError naming the valid range)."""
    inputs = {"num_samples": np.int32(num_samples), "seed": np.int64(seed)}
    if labels is not None:
        inputs["labels"] = np.asarray(labels, dtype=np.int32).reshape(-1)
    outputs = client.predict("sample", inputs)
    if "images_uint8" not in outputs:
        raise GanzooError(
            "the model's `sample` signature has no images_uint8 output (not an image model)"
        )
    return np.asarray(outputs["images_uint8"], dtype=np.uint8)


def class_names(client, signatures=None):
    """The served model's class names (its `class_names` signature), or None when the model
    is unconditional (has no such signature). `signatures`: client.signatures(), if at hand."""
    if signatures is None:
        signatures = client.signatures()
    if "class_names" not in signatures:
        return None
    outputs = client.predict("class_names", {})
    names = outputs.get("class_names", outputs.get("output"))  # REST: one output comes bare
    return decode_names(names)


def decode_names(names):
    """A string tensor's values (bytes from gRPC and SavedModels, str from REST) as str."""
    return [n.decode() if isinstance(n, bytes) else str(n) for n in np.asarray(names).reshape(-1)]


def resolve_labels(names, num_samples, labels=None, class_name=None):
    """int32 [num_samples] labels of a conditional model with classes `names`.

    `labels`: ints (one per sample; then num_samples is their count) in [0, len(names));
    `class_name`: every sample of that class; neither: 0, 1, 2, ... cycling over the classes.

    Raises:
        GanzooError (one line): both given, an unknown name (listing the known ones), or a
            label out of range; or any of them given for an unconditional model (names None).
    """
    if names is None:
        if labels is not None or class_name is not None:
            raise GanzooError(
                "the model is unconditional (it has no class_names signature): it takes no "
                "--labels or --class_name"
            )
        return None
    if labels is not None and class_name is not None:
        raise GanzooError("give --labels or --class_name, not both")
    if class_name is not None:
        if class_name not in names:
            raise GanzooError(f"unknown class {class_name!r}; the classes are: {', '.join(names)}")
        return np.full([num_samples], names.index(class_name), np.int32)
    if labels is None:
        return np.arange(num_samples, dtype=np.int32) % len(names)
    try:
        labels = np.array([int(label) for label in labels], dtype=np.int64)
    except (TypeError, ValueError):
        raise GanzooError(f"labels must be integers, got {list(labels)}") from None
    if not len(labels):
        raise GanzooError("labels are empty; give at least one")
    bad = labels[(labels < 0) | (labels >= len(names))]
    if bad.size:
        raise GanzooError(
            f"label {int(bad[0])} is out of range; the model has "
            f"classes 0..{len(names) - 1} ({', '.join(names)})"
        )
    return labels.astype(np.int32)
