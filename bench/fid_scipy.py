#!/usr/bin/python3
"""Times the reference FID route on this machine for `npm run bench` (bench/fid.ts): np.cov of the same
synthetic features (make_reference.py's generator) and pytorch-fid's sqrtm(Σ1Σ2). Prints one JSON line."""
import json
import os
import sys
import time

import numpy as np
from scipy import linalg

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "fid"))
from make_reference import calculate_frechet_distance, synthetic_features  # noqa: E402

n, d = int(sys.argv[1]), int(sys.argv[2])
a = synthetic_features(11, n, d)
b = synthetic_features(12, n, d, 1.1, 0.05)
t0, c0 = time.perf_counter(), time.process_time()
mu1, s1 = a.astype(np.float64).mean(axis=0), np.cov(a.astype(np.float64), rowvar=False)
mu2, s2 = b.astype(np.float64).mean(axis=0), np.cov(b.astype(np.float64), rowvar=False)
t1, c1 = time.perf_counter(), time.process_time()
fid, _, _ = calculate_frechet_distance(mu1, s1, mu2, s2)
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"covariances_s": t1 - t0, "fid_s": t2 - t1, "covariances_cpu_s": c1 - c0, "fid_cpu_s": c2 - c1, "fid": fid, "threads": os.environ.get("OMP_NUM_THREADS", "default")}))
