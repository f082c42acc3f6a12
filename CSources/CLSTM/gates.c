/* LSTM gate kernels of the unfused path (portable and AVX-512, chosen at run time; the AVX2 ISA
 * uses the fused kernels of recurrent_avx2.c) and the CPU feature checks. */
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
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}

#define AVX512_TARGET __attribute__((target("avx512f,avx512dq,avx2,fma")))
static inline __attribute__((always_inline, target("avx512f,avx512dq,avx2,fma"))) __m512 exp16(__m512 x) {
    x = _mm512_min_ps(x, _mm512_set1_ps(88.3762626647949f));
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.3365447504019f));
    __m512 fx = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), _mm512_set1_ps(0.5f));
    fx = _mm512_roundscale_ps(fx, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    x = _mm512_fnmadd_ps(fx, _mm512_set1_ps(0.693359375f), x);
    x = _mm512_fnmadd_ps(fx, _mm512_set1_ps(-2.12194440e-4f), x);
    __m512 y = _mm512_set1_ps(1.9875691500E-4f);
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(1.3981999507E-3f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(8.3334519073E-3f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(4.1665795894E-2f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(1.6666665459E-1f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(5.0000001201E-1f));
    __m512 x2 = _mm512_mul_ps(x, x);
    y = _mm512_fmadd_ps(y, x2, _mm512_add_ps(x, _mm512_set1_ps(1.0f)));
    __m512i n = _mm512_cvttps_epi32(fx);
    n = _mm512_slli_epi32(_mm512_add_epi32(n, _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(y, _mm512_castsi512_ps(n));
}
static inline __attribute__((always_inline, target("avx512f,avx512dq,avx2,fma"))) __m512 sigmoid16(__m512 x) {
    __m512 one = _mm512_set1_ps(1.0f);
    return _mm512_div_ps(one, _mm512_add_ps(one, exp16(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}
static inline __attribute__((always_inline, target("avx512f,avx512dq,avx2,fma"))) __m512 tanh16(__m512 x) {
    __m512 one = _mm512_set1_ps(1.0f);
    __m512 e = exp16(_mm512_add_ps(x, x));
    return _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
}

AVX512_TARGET void clstm_gates_avx512(float *g, const float *bias, const float *c_prev, float *c,
                                      float *h, int batch, int hidden, int keep) {
    const int H = hidden;
    const int Hv = H & ~15;
    for (int b = 0; b < batch; b++) {
        float *row = g + (size_t)b * 4 * H;
        const float *cp = c_prev ? c_prev + (size_t)b * H : NULL;
        float *cr = c + (size_t)b * H;
        float *hr = h + (size_t)b * H;
        for (int j = 0; j < Hv; j += 16) {
            __m512 i = sigmoid16(_mm512_add_ps(_mm512_loadu_ps(row + j), _mm512_loadu_ps(bias + j)));
            __m512 f = sigmoid16(_mm512_add_ps(_mm512_loadu_ps(row + H + j), _mm512_loadu_ps(bias + H + j)));
            __m512 gg = tanh16(_mm512_add_ps(_mm512_loadu_ps(row + 2 * H + j), _mm512_loadu_ps(bias + 2 * H + j)));
            __m512 o = sigmoid16(_mm512_add_ps(_mm512_loadu_ps(row + 3 * H + j), _mm512_loadu_ps(bias + 3 * H + j)));
            __m512 cv = _mm512_mul_ps(i, gg);
            if (cp) cv = _mm512_fmadd_ps(f, _mm512_loadu_ps(cp + j), cv);
            _mm512_storeu_ps(cr + j, cv);
            _mm512_storeu_ps(hr + j, _mm512_mul_ps(o, tanh16(cv)));
            if (keep) {
                _mm512_storeu_ps(row + j, i);
                _mm512_storeu_ps(row + H + j, f);
                _mm512_storeu_ps(row + 2 * H + j, gg);
                _mm512_storeu_ps(row + 3 * H + j, o);
            }
        }
        for (int j = Hv; j < H; j++) unit_forward(row, bias, cp, cr, hr, j, H, keep);
    }
}
#else
int clstm_cpu_has_avx2(void) { return 0; }
int clstm_cpu_has_avx512(void) { return 0; }
void clstm_gates_avx512(float *g, const float *bias, const float *c_prev, float *c, float *h,
                        int batch, int hidden, int keep) {
    clstm_gates_portable(g, bias, c_prev, c, h, batch, hidden, keep);
}
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
