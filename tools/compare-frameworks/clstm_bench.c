/* Throughput of CLSTM (and of plain sgemm at the same shapes) for tools/compare-frameworks.
 * usage: clstm_bench I H T B threads [seconds]
 * CLSTM_BENCH_ISA=avx2|avx512|portable picks the kernel ISA (default: CLSTM_ISA_AUTO).
 * prints one JSON line per measurement. */
#include "CLSTM.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}
/* CPU time of the whole process (all threads), for the "cpu" columns on a shared machine */
static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: %s I H T B threads [seconds]\n", argv[0]); return 2; }
    int In = atoi(argv[1]), H = atoi(argv[2]), T = atoi(argv[3]), B = atoi(argv[4]), th = atoi(argv[5]);
    double budget = argc > 6 ? atof(argv[6]) : 2.0;
    int O = 1;
    clstm_isa isa = CLSTM_ISA_AUTO;
    const char *isa_name = getenv("CLSTM_BENCH_ISA");
    if (isa_name && *isa_name) {
        if (!strcmp(isa_name, "avx2")) isa = CLSTM_ISA_AVX2;
        else if (!strcmp(isa_name, "avx512")) isa = CLSTM_ISA_AVX512;
        else if (!strcmp(isa_name, "portable")) isa = CLSTM_ISA_PORTABLE;
        else { fprintf(stderr, "CLSTM_BENCH_ISA: expected avx2, avx512 or portable, got '%s'\n", isa_name); return 2; }
    }
    clstm_config cfg = {1, In, H, O, T, B, 42, th, isa};
    clstm_ctx *ctx;
    int rc = clstm_create(&cfg, &ctx);
    if (rc) { fprintf(stderr, "create: %s\n", clstm_strerror(rc)); return 1; }
    /* head weights +-0.25 (with O = 1 the initialisation leaves them zero, y would be 0 and the
     * int16 row's accuracy figures meaningless; the time does not depend on the values) */
    clstm_tensor head;
    clstm_tensor_info(ctx, 3, &head);
    for (int k = 0; k < head.rows * head.cols; k++) clstm_params(ctx)[head.offset + k] = (k % 3 == 0 ? -0.25f : 0.25f);
    size_t nx = (size_t)T * B * In;
    float *x = malloc(nx * sizeof(float)), *y = malloc((size_t)B * O * sizeof(float)), *dy = malloc((size_t)B * O * sizeof(float));
    for (size_t k = 0; k < nx; k++) x[k] = (float)((k * 2654435761u) % 1000) / 1000.0f - 0.5f;
    for (int k = 0; k < B * O; k++) dy[k] = 0.01f;
    clstm_adam adam = {1e-3f, 0.9f, 0.999f, 1e-8f, 0.0f};
    /* flops per batch: forward input GEMM + recurrent GEMMs (gates and head excluded) */
    double fwd = 2.0 * T * B * (double)In * 4 * H + 2.0 * (T - 1) * B * (double)H * 4 * H;
    double train_flops = 3.0 * fwd; /* forward + backward (dX and dW GEMMs) */
    /* m = 0: fp32 inference, 1: int16 inference (CLSTM_PRECISION_INT16, its own row "clstm-int16"),
     * 2: int8 inference (CLSTM_PRECISION_INT8, row "clstm-int8"; skipped where the CPU lacks AVX-512
     * VNNI), 3: training step */
    const char *modes[4] = {"infer", "infer", "infer", "train"};
    const char *names[4] = {"clstm", "clstm-int16", "clstm-int8", "clstm"};
    const clstm_precision precisions[3] = {CLSTM_PRECISION_FP32, CLSTM_PRECISION_INT16, CLSTM_PRECISION_INT8};
    float *y32 = malloc((size_t)B * O * sizeof(float));
    clstm_forward(ctx, x, B, y32);
    for (int m = 0; m < 4; m++) {
        int iters = 0;
        double max_diff = 0.0, sum_diff = 0.0;
        if (m == 1 || m == 2) {
            rc = clstm_set_inference_precision(ctx, precisions[m]);
            if (rc == CLSTM_ENODEV) { fprintf(stderr, "%s: %s (row skipped)\n", names[m], clstm_strerror(rc)); continue; }
            if (rc) { fprintf(stderr, "%s: %s\n", names[m], clstm_strerror(rc)); return 1; }
            clstm_forward(ctx, x, B, y);
            for (int k = 0; k < B * O; k++) {
                const double d = y[k] > y32[k] ? y[k] - y32[k] : y32[k] - y[k];
                if (d > max_diff) max_diff = d;
                sum_diff += d;
            }
        }
        if (m == 3) clstm_set_inference_precision(ctx, CLSTM_PRECISION_FP32);
        if (m < 3) clstm_forward(ctx, x, B, y); /* warm-up, as the frameworks get */
        else { clstm_forward_train(ctx, x, B, y); clstm_backward(ctx, dy); }
        double t0 = now(), c0 = cpu_now(), t;
        do {
            if (m < 3) clstm_forward(ctx, x, B, y);
            else {
                clstm_forward_train(ctx, x, B, y);
                clstm_backward(ctx, dy);
                clstm_clip_gradients(ctx, 1.0f);
                clstm_adam_step(ctx, &adam);
            }
            iters++;
            t = now() - t0;
        } while (t < budget || iters < 3);
        double per = t / iters, cper = (cpu_now() - c0) / iters;
        double fl = m < 3 ? fwd : train_flops;
        printf("{\"impl\":\"%s\",\"mode\":\"%s\",\"I\":%d,\"H\":%d,\"T\":%d,\"B\":%d,\"threads\":%d,\"seq_per_s\":%.1f,\"cpu_seq_per_s\":%.1f,\"gflops\":%.1f,\"isa\":%d",
               names[m], modes[m], In, H, T, B, th, B / per, B / cper, fl / per * 1e-9,
               (int)clstm_active_isa(ctx));
        if (m == 1 || m == 2) printf(",\"max_abs_diff\":%.3g,\"mean_abs_diff\":%.3g", max_diff, sum_diff / (B * O));
        printf("}\n");
        fflush(stdout);
    }
    /* sgemm at the recurrent shape [B x H] x [H x 4H] and the input-projection shape */
    openblas_set_num_threads(th);
    float *a = calloc((size_t)T * B * H, sizeof(float)), *w = calloc((size_t)4 * H * H, sizeof(float)), *c = calloc((size_t)T * B * 4 * H, sizeof(float));
    for (size_t k = 0; k < (size_t)B * H; k++) a[k] = 0.001f * (k % 7);
    for (size_t k = 0; k < (size_t)4 * H * H; k++) w[k] = 0.001f * (k % 5);
    int iters = 0;
    double t0 = now(), t;
    do {
        for (int s = 0; s < T; s++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, 4 * H, H, 1.0f, a, H, w, H, 1.0f, c + (size_t)s * B * 4 * H, 4 * H);
        iters++;
        t = now() - t0;
    } while (t < budget / 2 || iters < 3);
    printf("{\"impl\":\"sgemm\",\"shape\":\"%dx%dx%d (recurrent, T calls)\",\"threads\":%d,\"gflops\":%.1f}\n", B, 4 * H, H, th,
           2.0 * B * 4 * H * H * T * iters / t * 1e-9);
    free(a); free(w); free(c); free(x); free(y); free(y32); free(dy);
    clstm_destroy(ctx);
    return 0;
}
