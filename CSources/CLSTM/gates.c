/* LSTM gate kernels of the unfused path (the PORTABLE ISA; AVX2 and AVX512 use the fused kernels
 * of recurrent_avx2.c and recurrent_avx512.c) and the CPU feature checks. */
#include "internal.h"
#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CLSTM_X86 1
#endif

static inline float sigmoid_scalar(float x) { return 1.0f / (1.0f + expf(-x)); }

/* One hidden unit j of one row: gates from the pre-activations + bias, cell and hidden state;
 * with keep, the activated gates replace the pre-activations. Shared by the portable kernel and
 * the tails of the vector kernels. */
static inline void unit_forward(float *row, const float *bias, const float *cp, float *cr, float *hr,
                                int j, int H, int keep) {
    const float i = sigmoid_scalar(row[j] + bias[j]);
    const float f = sigmoid_scalar(row[H + j] + bias[H + j]);
    const float gg = tanhf(row[2 * H + j] + bias[2 * H + j]);
    const float o = sigmoid_scalar(row[3 * H + j] + bias[3 * H + j]);
    const float cv = i * gg + (cp ? f * cp[j] : 0.0f);
    cr[j] = cv;
    hr[j] = o * tanhf(cv);
    if (keep) {
        row[j] = i;
        row[H + j] = f;
        row[2 * H + j] = gg;
        row[3 * H + j] = o;
    }
}

void clstm_gates_portable(float *g, const float *bias, const float *c_prev, float *c, float *h,
                          int batch, int hidden, int keep) {
    const int H = hidden;
    for (int b = 0; b < batch; b++) {
        float *row = g + (size_t)b * 4 * H;
        const float *cp = c_prev ? c_prev + (size_t)b * H : NULL;
        for (int j = 0; j < H; j++) unit_forward(row, bias, cp, c + (size_t)b * H, h + (size_t)b * H, j, H, keep);
    }
}

#ifdef CLSTM_X86
int clstm_cpu_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
int clstm_cpu_has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

#else
int clstm_cpu_has_avx2(void) { return 0; }
int clstm_cpu_has_avx512(void) { return 0; }
#endif

/* Backward of one step (plain loops; the compiler vectorises them in release builds). */
void clstm_gates_backward(const float *act, const float *c, const float *c_prev,
                          const float *dh_above, const float *dh_rec, float *dc, float *dg,
                          int batch, int hidden) {
    const int H = hidden;
    for (int b = 0; b < batch; b++) {
        const clstm_bwd_row r = clstm_bwd_row_at(act, c, c_prev, dh_above, dh_rec, dc, dg, b, H);
        for (int j = 0; j < H; j++) clstm_gate_backward_unit(&r, j, H);
    }
}
