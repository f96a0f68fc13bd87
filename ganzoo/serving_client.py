"""Clients for a running TF Serving: REST (port 8501) and gRPC (port 8500).

Both ask the `sample` signature for images and `GetModelMetadata` for the signatures, and
turn the server's failures into one-line GanzooErrors (server down, unknown model, missing
version). The REST bodies follow TF Serving's documented JSON API:

    POST /v1/models/<name>[/versions/<v>]:predict
    {"signature_name": "sample", "inputs": {"num_samples": 16, "seed": 0}}
    -> {"outputs": {"images": [...], "images_uint8": [...]}}
    GET  /v1/models/<name>[/versions/<v>]/metadata
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


def _describe(server, model, version):
    return f"model {model!r}" + (f" version {version}" if version is not None else "") + f" at {server}"


class RestClient:
    def __init__(self, server, model, version=None, timeout=30.0):
        self.server, self.model, self.version, self.timeout = server, model, version, timeout

    def _call(self, url, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
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
                f"{_describe(self.server, self.model, self.version)} {kind}: {detail}"
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
            kind = "not served" if code == self._grpc.StatusCode.NOT_FOUND else f"refused ({code.name})"
            raise GanzooError(
                f"{_describe(self.server, self.model, self.version)} {kind}: {error.details()}"
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


def sample_images(client, num_samples, seed):
    """uint8 [num_samples, H, W, C] from the `sample` signature (same seed, same images)."""
    outputs = client.predict(
        "sample", {"num_samples": np.int32(num_samples), "seed": np.int64(seed)}
    )
    if "images_uint8" not in outputs:
        raise GanzooError("the model's `sample` signature has no images_uint8 output (not an image model)")
    return np.asarray(outputs["images_uint8"], dtype=np.uint8)
