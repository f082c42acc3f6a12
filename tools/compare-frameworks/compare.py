"""Interleaves CLSTM and framework runs per configuration, prints medians and ratios (see ./run)."""
import argparse
import json
import os
import statistics
import subprocess
import sys

p = argparse.ArgumentParser()
p.add_argument("--bench", required=True)
p.add_argument("--frameworks", required=True)
p.add_argument("--rounds", type=int, default=5)
p.add_argument("--seconds", type=float, default=1.5)
p.add_argument("--quick", action="store_true")
p.add_argument("--only", default=None, help="one configuration H,B,THREADS (I=8, T=168), e.g. 64,64,2")
p.add_argument("--native-openblas", action="store_true")
a = p.parse_args()

if a.only:
    h, b, t = map(int, a.only.split(","))
    configs = [(8, h, 168, b, t)]
else:
    configs = [(8, 64, 168, 256, 1)] if a.quick else [
        (8, h, 168, b, t) for h in (64, 128) for b in (64, 256) for t in (1, 2)]


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    rows = []
    for line in r.stdout.splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            pass
    return rows


# CLSTM's rows: fp32, and the opt-in int16 and int8 inference (quantized models: labelled, never the baseline;
# clstm_bench prints no int8 row where the CPU lacks AVX-512 VNNI)
OURS = ("clstm", "clstm-int16", "clstm-int8")
ours_env = dict(os.environ)
if a.native_openblas:
    ours_env.pop("OPENBLAS_CORETYPE", None)
    ours_env.pop("OPENBLAS_L2_SIZE", None)
print(f"# {a.rounds} interleaved rounds per configuration, {a.seconds}s per measurement; medians."
      + (" CLSTM runs with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset." if a.native_openblas else
         " Environment as is (OPENBLAS_CORETYPE=%s)." % os.environ.get("OPENBLAS_CORETYPE", "-")))
print(f"# load average at start: {open('/proc/loadavg').read().split()[:3]}")
header = (f"{'config':<28}{'mode':<7}{'impl':<30}{'seq/s':>10}{'GFLOP/s':>9}{'%sgemm':>8}{'ratio':>8}"
          f"{'cpu seq/s':>11}{'cpu ratio':>10}")
print("# seq/s and ratio: wall clock (the figure that counts). cpu seq/s: batch size / process CPU time per\n"
      "# batch (all threads): less sensitive to being descheduled on a loaded machine, not to cache sharing.")
print(header)
def quantized(impl):
    """Rows of quantized models: ours (clstm-int16, clstm-int8) and the frameworks' (-int8dyn)."""
    return impl.endswith("-int16") or impl.endswith("-int8") or impl.endswith("-int8dyn")


for (I, H, T, B, th) in configs:
    samples, cpu, accuracy = {}, {}, {}
    gflops, sgemm = [], []
    for r in range(a.rounds):
        order = [0, 1] if r % 2 == 0 else [1, 0]  # alternate who goes first
        for which in order:
            if which == 0:
                rows = run([a.bench, str(I), str(H), str(T), str(B), str(th), str(a.seconds)], ours_env)
            else:
                rows = run([sys.executable, a.frameworks, str(I), str(H), str(T), str(B), str(th), str(a.seconds)])
            for row in rows:
                if row.get("impl") == "sgemm":
                    sgemm.append(row["gflops"])
                elif "seq_per_s" in row:
                    key = (row["mode"], row["impl"])
                    samples.setdefault(key, []).append(row["seq_per_s"])
                    if "cpu_seq_per_s" in row:
                        cpu.setdefault(key, []).append(row["cpu_seq_per_s"])
                    if row["impl"] in OURS:
                        samples.setdefault(("gflops", row["mode"], row["impl"]), []).append(row["gflops"])
                    if "max_abs_diff" in row:
                        accuracy.setdefault(row["impl"], []).append((row["max_abs_diff"], row["mean_abs_diff"]))
    cfg = f"I={I} H={H} T={T} B={B} thr={th}"
    peak = statistics.median(sgemm) if sgemm else float("nan")
    for mode in ("train", "infer"):
        ours = samples.get((mode, "clstm"), [])
        if not ours:
            continue
        others = {k[1]: statistics.median(v) for k, v in samples.items() if k[0] == mode and k[1] not in OURS}
        # fp32 rows are compared with the fastest fp32 framework; quantized rows (clstm-int16) with
        # the fastest framework of all, its own quantized models (-int8dyn) included.
        best_fp32 = max((v for n, v in others.items() if not quantized(n)), default=float("nan"))
        best_any = max(others.values(), default=float("nan"))
        cpu_m = {k[1]: statistics.median(v) for k, v in cpu.items() if k[0] == mode}
        cpu_best_fp32 = max((v for n, v in cpu_m.items() if n not in OURS and not quantized(n)), default=float("nan"))
        cpu_best_any = max((v for n, v in cpu_m.items() if n not in OURS), default=float("nan"))
        def cpu_cols(name, q):
            v = cpu_m.get(name)
            return f"{v:>11.0f}{v / (cpu_best_any if q else cpu_best_fp32):>9.2f}x" if v else ""
        for impl in OURS:
            if (mode, impl) not in samples:
                continue
            q = quantized(impl)
            ours_m = statistics.median(samples[(mode, impl)])
            gf = statistics.median(samples[("gflops", mode, impl)])
            print(f"{cfg:<28}{mode:<7}{impl:<30}{ours_m:>10.0f}{gf:>9.1f}{100 * gf / peak:>7.0f}%{ours_m / (best_any if q else best_fp32):>7.2f}x"
                  + cpu_cols(impl, q))
        for name, v in sorted(others.items(), key=lambda kv: -kv[1]):
            q = quantized(name)
            print(f"{'':<28}{mode:<7}{name:<30}{v:>10.0f}{'':>9}{'':>8}{v / (best_any if q else best_fp32):>7.2f}x" + cpu_cols(name, q))
        if mode == "infer" and any(quantized(n) for n in accuracy):
            print("# ratio: fp32 rows against the fastest fp32 framework; quantized rows (int16 / int8 / int8dyn) against the fastest"
                  " of all, quantized included")
            for name in sorted(accuracy):
                mx = max(a[0] for a in accuracy[name])
                mean = statistics.median(a[1] for a in accuracy[name])
                what = ("int16 recurrent weights and h (CLSTM_PRECISION_INT16)" if name == "clstm-int16"
                        else "int8 recurrent weights, h as u8 (CLSTM_PRECISION_INT8)" if name == "clstm-int8"
                        else "the framework's dynamic int8 quantization")
                print(f"# {name}: {what}; y vs its fp32 model: max abs diff {mx:.3g}, mean {mean:.3g}")
    print(f"{cfg:<28}{'sgemm':<7}{'openblas BxHx4H':<30}{'':>10}{peak:>9.1f}")
    sys.stdout.flush()
