"""Writes the NumPy files that NpyTest and NpzTest read, with real NumPy.

Run from this folder: python3 make_numpy_files.py
Each array's expected shape and values (as float32 widened to double) go to expected.json, so the
Java reader is checked against what NumPy itself wrote and meant.
"""
import json

import numpy as np

arrays = {
    "lstm.weight_ih_l0": (np.arange(12, dtype=np.float32).reshape(4, 3) - 5.5) / 8,
    "lstm.bias_ih_l0": np.array([0.1, -2.0, 1e-8, 3.4028235e38], dtype=np.float32),
    "scalar": np.float32(-2.75),
    "from_float64": np.array([[0.1, -1.0 / 3.0], [1e-3, 12345.678]], dtype=np.float64),
    "counts_int64": np.array([1, -2, 3, 16777216], dtype=np.int64),
    "counts_int32": np.array([[7], [-8]], dtype=np.int32),
    "big_endian": np.array([1.5, -0.25, 100.0], dtype=">f4"),
    "empty": np.zeros((0, 3), dtype=np.float32),
    "rank3": np.linspace(-1, 1, 24, dtype=np.float32).reshape(2, 3, 4),
}

np.savez("numpy_savez.npz", **arrays)
np.savez_compressed("numpy_savez_compressed.npz", **arrays)

# single .npy files for the header cases the reader must handle or refuse
np.save("float32_2x3.npy", np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32) / 4)
with open("header_v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.array([0.5, -0.5], dtype=np.float32), version=(2, 0))
np.save("fortran_order.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save("complex64.npy", np.array([1 + 2j], dtype=np.complex64))

expected = {
    name: {"shape": list(np.shape(a)), "values": np.asarray(a).astype(np.float32).ravel().astype(np.float64).tolist()}
    for name, a in arrays.items()
}
expected["float32_2x3.npy"] = {"shape": [2, 3], "values": (np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32) / 4).ravel().astype(np.float64).tolist()}
expected["header_v2.npy"] = {"shape": [2], "values": [0.5, -0.5]}
expected["numpy_version"] = np.__version__
with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1)
