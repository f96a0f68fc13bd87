"""Small in-test servers that speak TF Serving's real protocols, backed by an exported
SavedModel: a gRPC PredictionService (the real tensorflow_serving.apis stubs) and the REST
predict/metadata endpoints. They stand in for the tensorflow/serving binary, which cannot run
on the test machines.

As TF Serving does, they answer a failed request with its TensorFlow error message (gRPC:
INVALID_ARGUMENT for a refused input, e.g. an out-of-range label; FAILED_PRECONDITION for an
unknown signature; REST: HTTP 400 {"error": message}); the REST predict reply carries a single
output bare ({"outputs": value}), strings as UTF-8 text, and outputs whose name ends in
"_bytes" as {"b64": base64} (TF Serving's JSON encoding of binary data). Signatures without
inputs (a conditional model's `class_names`) take an empty input map."""

import base64
import json
import os
import threading
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import numpy as np
import tensorflow as tf
from google.protobuf import any_pb2
from tensorflow.core.protobuf import saved_model_pb2
from tensorflow_serving.apis import (
    get_model_metadata_pb2,
    predict_pb2,
    prediction_service_pb2_grpc,
)


class ServedModel:
    """One SavedModel version, answering by signature name."""

    def __init__(self, name, version_dir):
        self.name = name
        self.version = int(os.path.basename(version_dir))
        self.loaded = tf.saved_model.load(version_dir)
        proto = saved_model_pb2.SavedModel()
        with open(os.path.join(version_dir, "saved_model.pb"), "rb") as pb:
            proto.ParseFromString(pb.read())
        self.signature_defs = proto.meta_graphs[0].signature_def

    def run(self, signature, inputs):
        """{output: numpy} of `signature`; FakeServingError as TF Serving would refuse it."""
        if signature not in self.loaded.signatures:
            raise FakeServingError(
                grpc.StatusCode.FAILED_PRECONDITION, 400,
                f'Serving signature key "{signature}" not found.',
            )
        try:
            outputs = self.loaded.signatures[signature](**inputs)
        except (tf.errors.OpError, TypeError, ValueError) as error:
            message = error.message if isinstance(error, tf.errors.OpError) else str(error)
            raise FakeServingError(grpc.StatusCode.INVALID_ARGUMENT, 400, message) from None
        return {key: value.numpy() for key, value in outputs.items()}


class FakeServingError(Exception):
    """A refused request, with the gRPC status and HTTP code TF Serving would answer."""

    def __init__(self, grpc_code, http_code, message):
        super().__init__(message)
        self.grpc_code, self.http_code, self.message = grpc_code, http_code, message


class _PredictionService(prediction_service_pb2_grpc.PredictionServiceServicer):
    def __init__(self, served):
        self.served = served

    def _find(self, spec, context):
        if spec.name != self.served.name or (
            spec.HasField("version") and spec.version.value != self.served.version
        ):
            context.abort(grpc.StatusCode.NOT_FOUND, f"Servable not found for request: {spec.name}")
        return self.served

    def Predict(self, request, context):
        served = self._find(request.model_spec, context)
        signature = request.model_spec.signature_name or "serving_default"
        inputs = {k: tf.constant(tf.make_ndarray(v)) for k, v in request.inputs.items()}
        try:
            outputs = served.run(signature, inputs)
        except FakeServingError as error:
            context.abort(error.grpc_code, error.message)
        response = predict_pb2.PredictResponse()
        for key, value in outputs.items():
            response.outputs[key].CopyFrom(tf.make_tensor_proto(value))
        return response

    def GetModelMetadata(self, request, context):
        served = self._find(request.model_spec, context)
        signature_map = get_model_metadata_pb2.SignatureDefMap()
        for key, value in served.signature_defs.items():
            signature_map.signature_def[key].CopyFrom(value)
        packed = any_pb2.Any()
        packed.Pack(signature_map)
        response = get_model_metadata_pb2.GetModelMetadataResponse()
        response.model_spec.name = served.name
        response.metadata["signature_def"].CopyFrom(packed)
        return response


def start_grpc_server(served):
    """A PredictionService on 127.0.0.1:<free port>; returns (server, "127.0.0.1:port")."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(
        _PredictionService(served), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


def _dtype_name(enum):
    if not enum:
        return "DT_INVALID"
    return "DT_" + tf.dtypes.as_dtype(enum).name.upper().replace("FLOAT32", "FLOAT")


def _json_value(name, value):
    """An output as TF Serving's REST API writes it: numbers as lists, strings as text, binary
    strings (outputs named *_bytes) as {"b64": ...}."""
    if value.dtype != object:
        return value.tolist()

    def encode(item):
        if name.endswith("_bytes"):
            return {"b64": base64.b64encode(item).decode()}
        return item.decode("utf-8")

    return np.vectorize(encode, otypes=[object])(value).tolist() if value.size else value.tolist()


def start_rest_server(served):
    """TF Serving's REST predict (columnar "inputs") and metadata endpoints, on 127.0.0.1."""
    requests_seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, suffix):
            prefix = f"/v1/models/{served.name}"
            for path in (prefix, f"{prefix}/versions/{served.version}"):
                if self.path == path + suffix:
                    return True
            self._reply(404, {"error": f"Servable not found for request: {self.path}"})
            return False

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests_seen.append(body)
            if not self._route(":predict"):
                return
            signature = body.get("signature_name", "serving_default")
            try:
                function = served.loaded.signatures.get(signature)
                specs = function.structured_input_signature[1] if function else {}
                inputs = {
                    k: tf.constant(np.asarray(v), dtype=specs[k].dtype if k in specs else None)
                    for k, v in body["inputs"].items()
                }
                outputs = served.run(signature, inputs)
            except FakeServingError as error:
                self._reply(error.http_code, {"error": error.message})
                return
            outputs = {k: _json_value(k, v) for k, v in outputs.items()}
            if len(outputs) == 1:  # TF Serving's columnar format: a single output comes bare
                outputs = next(iter(outputs.values()))
            self._reply(200, {"outputs": outputs})

        def do_GET(self):
            if not self._route("/metadata"):
                return
            signature_defs = {}
            for key, definition in served.signature_defs.items():
                def tensors(infos):
                    return {
                        name: {
                            "dtype": _dtype_name(info.dtype),
                            "tensor_shape": {
                                "dim": [{"size": str(d.size)} for d in info.tensor_shape.dim]
                            },
                            "name": info.name,
                        }
                        for name, info in infos.items()
                    }
                signature_defs[key] = {
                    "inputs": tensors(definition.inputs),
                    "outputs": tensors(definition.outputs),
                    "method_name": definition.method_name,
                }
            self._reply(200, {
                "model_spec": {"name": served.name, "version": str(served.version)},
                "metadata": {"signature_def": {"signature_def": signature_defs}},
            })

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"127.0.0.1:{server.server_address[1]}", requests_seen
