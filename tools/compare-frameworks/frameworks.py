"""Times the same LSTM configurations in PyTorch (and TensorFlow / onnxruntime when installed).

Prints one JSON line per measurement, like clstm_bench. Run through ./run, which interleaves
it with CLSTM. Model: one LSTM layer (I inputs, H hidden) + Linear(H, 1) on the last step,
batch B of sequences of length T; training = forward + backward + Adam step (MSE loss).
Inference also runs each framework's own dynamic int8 quantization where it has one (rows ending
in -int8dyn, with their error against the same framework's fp32 outputs)."""
import json
import os
import sys
import time


def bench(fn, budget):
    """Seconds per call: (wall clock, CPU time of the whole process)."""
    fn()  # warm-up
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        fn()
        n += 1
        t = time.perf_counter() - t0
        if t >= budget and n >= 3:
            return t / n, (time.process_time() - c0) / n


def row(impl, mode, I, H, T, B, threads, per):
    return json.dumps({"impl": impl, "mode": mode, "I": I, "H": H, "T": T, "B": B, "threads": threads,
                       "seq_per_s": round(B / per[0], 1), "cpu_seq_per_s": round(B / per[1], 1)})


def torch_bench(I, H, T, B, threads, budget):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(I, H, batch_first=True)
    head = torch.nn.Linear(H, 1)
    x = torch.randn(B, T, I)
    y = torch.randn(B, 1)
    opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)

    def infer():
        with torch.inference_mode():
            out, _ = lstm(x)
            head(out[:, -1])

    def train():
        opt.zero_grad(set_to_none=True)
        out, _ = lstm(x)
        loss = torch.nn.functional.mse_loss(head(out[:, -1]), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(lstm.parameters()) + list(head.parameters()), 1.0)
        opt.step()

    for mode, fn in (("infer", infer), ("train", train)):
        print(row(f"torch-{torch.__version__}", mode, I, H, T, B, threads, bench(fn, budget)), flush=True)

    # The framework's own quantized inference (int8 weights, dynamic activation scales): the
    # like-for-like anchor for clstm-int16.
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm, self.head = lstm, head

        def forward(self, v):
            out, _ = self.lstm(v)
            return self.head(out[:, -1])

    net = Net().eval()
    qnet = torch.ao.quantization.quantize_dynamic(net, {torch.nn.LSTM, torch.nn.Linear}, dtype=torch.qint8)
    with torch.inference_mode():
        per = bench(lambda: qnet(x), budget)
        diff = (qnet(x) - net(x)).abs()
    print(quantized_row(row(f"torch-{torch.__version__}-int8dyn", "infer", I, H, T, B, threads, per), diff.numpy()), flush=True)


def quantized_row(line, diff):
    """A quantized row with its accuracy against the same framework's fp32 outputs."""
    d = json.loads(line)
    d["max_abs_diff"], d["mean_abs_diff"] = float(diff.max()), float(diff.mean())
    return json.dumps(d)


def tf_bench(I, H, T, B, threads, budget):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    model = tf.keras.Sequential([tf.keras.Input((T, I), batch_size=B), tf.keras.layers.LSTM(H), tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3, clipnorm=1.0), loss="mse", jit_compile=False)
    x = np.random.randn(B, T, I).astype("float32")
    y = np.random.randn(B, 1).astype("float32")
    infer_fn = tf.function(lambda v: model(v, training=False))
    for mode, fn in (("infer", lambda: infer_fn(x)), ("train", lambda: model.train_on_batch(x, y))):
        print(row(f"tensorflow-{tf.__version__}", mode, I, H, T, B, threads, bench(fn, budget)), flush=True)


def ort_bench(I, H, T, B, threads, budget):
    import io
    import numpy as np
    import onnxruntime as ort
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(I, H, batch_first=True)
            self.head = torch.nn.Linear(H, 1)

        def forward(self, v):
            out, _ = self.lstm(v)
            return self.head(out[:, -1])

    buf = io.BytesIO()
    torch.onnx.export(Net(), torch.randn(B, T, I), buf, input_names=["x"], dynamo=False)
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(buf.getvalue(), so, providers=["CPUExecutionProvider"])
    x = np.random.randn(B, T, I).astype("float32")
    per = bench(lambda: sess.run(None, {"x": x}), budget)
    print(row(f"onnxruntime-{ort.__version__}", "infer", I, H, T, B, threads, per), flush=True)

    # onnxruntime's dynamic int8 quantization (the LSTM becomes DynamicQuantizeLSTM): the
    # like-for-like anchor for clstm-int16.
    import tempfile
    from onnxruntime.quantization import QuantType, quantize_dynamic
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "m.onnx"), os.path.join(tmp, "mq.onnx")
        with open(src, "wb") as f:
            f.write(buf.getvalue())
        quantize_dynamic(src, dst, weight_type=QuantType.QInt8)
        qsess = ort.InferenceSession(dst, so, providers=["CPUExecutionProvider"])
    per = bench(lambda: qsess.run(None, {"x": x}), budget)
    diff = np.abs(qsess.run(None, {"x": x})[0] - sess.run(None, {"x": x})[0])
    print(quantized_row(row(f"onnxruntime-{ort.__version__}-int8dyn", "infer", I, H, T, B, threads, per), diff), flush=True)


if __name__ == "__main__":
    I, H, T, B, threads = map(int, sys.argv[1:6])
    budget = float(sys.argv[6]) if len(sys.argv) > 6 else 2.0
    for name, fn in (("torch", torch_bench), ("tensorflow", tf_bench), ("onnxruntime", ort_bench)):
        try:
            __import__(name)
        except Exception:
            print(json.dumps({"impl": name, "skipped": "not installed"}), flush=True)
            continue
        try:
            fn(I, H, T, B, threads, budget)
        except Exception as e:  # report and carry on with the others
            print(json.dumps({"impl": name, "error": str(e)[:200]}), flush=True)
