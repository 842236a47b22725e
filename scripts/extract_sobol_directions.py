"""Writes src/sampling/joe-kuo.json: Joe–Kuo (new-joe-kuo-6.21201) primitive
polynomials and initial direction numbers for the first 1,024 Sobol
dimensions, taken from the copy scipy ships (scipy/stats/_sobol_direction_numbers.npz),
and test/fixtures/sobol-reference.json: scipy's unscrambled Sobol points to test against.

    python3 scripts/extract_sobol_directions.py
"""
import json
import os

import numpy as np
import scipy
from scipy.stats import qmc

DIMS = 1024
d = np.load(os.path.join(os.path.dirname(scipy.__file__), "stats", "_sobol_direction_numbers.npz"))
poly = [int(p) for p in d["poly"][:DIMS]]
vinit = [[int(v) for v in row[: max(1, int(p).bit_length() - 1)]] for p, row in zip(d["poly"][:DIMS], d["vinit"][:DIMS])]
with open("src/sampling/joe-kuo.json", "w") as f:
    json.dump({"source": "Joe & Kuo new-joe-kuo-6.21201, via scipy " + scipy.__version__, "poly": poly, "vinit": vinit}, f, separators=(",", ":"))
pts = qmc.Sobol(d=64, scramble=False).random(256)
with open("test/fixtures/sobol-reference.json", "w") as f:
    json.dump({"d": 64, "points": pts.tolist()}, f)
