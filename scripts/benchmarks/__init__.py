"""The benchmark suites, one module each, over the helpers in `common`."""
