"""The fastest correct training configuration for the devices at hand.

Measured with scripts/benchmarks/speed.py (docs/benchmarks.md, "Performance"); change a default
here only with a measurement that shows it wins:
- CPU with native bfloat16 (AVX512_BF16 or AMX): mixed_bfloat16 trained DCGAN ~1.3x faster than
  float32; on CPUs without it bfloat16 is emulated, so float32.
- GPU: float32. Not measured here (no GPU); mixed_float16/mixed_bfloat16 are one flag away.
- XLA (`jit_compile`): Keras' "auto", i.e. off on CPU-only machines, where it measured 0.6-0.9x
  for DCGAN, and on where a GPU is present. The train step is XLA-clean (stateless RNG, no host
  syncs; tests/test_packing.py). The exception measured: PacGAN's toy MLPs at 100 steps a call
  took half the time with XLA (scripts/benchmarks/pacgan.py, which turns it on).
  XLA draws other noise for the same key (ganzoo.noise): a run with it is reproducible with it,
  not equal to the same run without it.
"""

import functools

import tensorflow as tf


_BFLOAT16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_supports_bfloat16(cpuinfo=None):
    """True if the CPU's flags list a native bfloat16 instruction set.

    Args:
        cpuinfo: the text of /proc/cpuinfo; None reads it (Linux; elsewhere the answer is
            False).
    """
    if cpuinfo is None:
        cpuinfo = _read_cpuinfo()
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return any(flag in flags for flag in _BFLOAT16_CPU_FLAGS)


@functools.lru_cache(maxsize=None)
def _read_cpuinfo():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return cpuinfo.read()
    except OSError:
        return ""


def choose_precision(has_gpu, native_bfloat16):
    """What `--precision=auto` means on a machine: float32 with a GPU (mixed precision there is
    one flag away, not measured here), mixed_bfloat16 on a CPU with native bfloat16, else
    float32 (bfloat16 would be emulated)."""
    if has_gpu:
        return "float32"
    return "mixed_bfloat16" if native_bfloat16 else "float32"


def default_precision():
    """choose_precision for this machine's devices and CPU."""
    return choose_precision(
        bool(tf.config.list_physical_devices("GPU")), cpu_supports_bfloat16()
    )


def resolve_precision(precision):
    """default_precision() for "auto", else `precision` (GANModel validates the name)."""
    return default_precision() if precision == "auto" else precision
