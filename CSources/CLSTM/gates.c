/* Fused LSTM gate kernels: portable, AVX2+FMA and AVX-512 (chosen at run time). */
#include "internal.h"
#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CLSTM_X86 1
#endif

static inline float sigmoid_scalar(float x) { return 1.0f / (1.0f + expf(-x)); }

void clstm_gates_portable(float *g, const float *bias, const float *c_prev, float *c, float *h,
                          int batch, int hidden, int keep) {
    const int H = hidden;
    for (int b = 0; b < batch; b++) {
        float *row = g + (size_t)b * 4 * H;
        const float *cp = c_prev ? c_prev + (size_t)b * H : NULL;
        float *cr = c + (size_t)b * H;
        float *hr = h + (size_t)b * H;
        for (int j = 0; j < H; j++) {
            float i = sigmoid_scalar(row[j] + bias[j]);
            float f = sigmoid_scalar(row[H + j] + bias[H + j]);
            float gg = tanhf(row[2 * H + j] + bias[2 * H + j]);
            float o = sigmoid_scalar(row[3 * H + j] + bias[3 * H + j]);
            float cv = i * gg + (cp ? f * cp[j] : 0.0f);
            cr[j] = cv;
            hr[j] = o * tanhf(cv);
            if (keep) {
                row[j] = i;
                row[H + j] = f;
                row[2 * H + j] = gg;
                row[3 * H + j] = o;
            }
        }
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

/* exp(x) for 8 floats: range reduction to 2^n * exp(r), degree-6 polynomial (Cephes), rel err ~1e-7. */
static inline __attribute__((always_inline, target("avx2,fma"))) __m256 exp8(__m256 x) {
    x = _mm256_min_ps(x, _mm256_set1_ps(88.3762626647949f));
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3365447504019f));
    __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f));
    fx = _mm256_floor_ps(fx);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500E-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
    __m256 x2 = _mm256_mul_ps(x, x);
    y = _mm256_fmadd_ps(y, x2, _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i n = _mm256_cvttps_epi32(fx);
    n = _mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(n));
}
static inline __attribute__((always_inline, target("avx2,fma"))) __m256 sigmoid8(__m256 x) {
    __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}
/* tanh(x) = 1 - 2 / (exp(2x) + 1): accurate in absolute terms, saturates cleanly. */
static inline __attribute__((always_inline, target("avx2,fma"))) __m256 tanh8(__m256 x) {
    __m256 one = _mm256_set1_ps(1.0f);
    __m256 e = exp8(_mm256_add_ps(x, x));
    return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
}

__attribute__((target("avx2,fma"))) void clstm_gates_avx2(float *g, const float *bias,
                                                          const float *c_prev, float *c, float *h,
                                                          int batch, int hidden, int keep) {
    const int H = hidden;
    const int Hv = H & ~7;
    for (int b = 0; b < batch; b++) {
        float *row = g + (size_t)b * 4 * H;
        const float *cp = c_prev ? c_prev + (size_t)b * H : NULL;
        float *cr = c + (size_t)b * H;
        float *hr = h + (size_t)b * H;
        for (int j = 0; j < Hv; j += 8) {
            __m256 i = sigmoid8(_mm256_add_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(bias + j)));
            __m256 f = sigmoid8(_mm256_add_ps(_mm256_loadu_ps(row + H + j), _mm256_loadu_ps(bias + H + j)));
            __m256 gg = tanh8(_mm256_add_ps(_mm256_loadu_ps(row + 2 * H + j), _mm256_loadu_ps(bias + 2 * H + j)));
            __m256 o = sigmoid8(_mm256_add_ps(_mm256_loadu_ps(row + 3 * H + j), _mm256_loadu_ps(bias + 3 * H + j)));
            __m256 cv = _mm256_mul_ps(i, gg);
            if (cp) cv = _mm256_fmadd_ps(f, _mm256_loadu_ps(cp + j), cv);
            _mm256_storeu_ps(cr + j, cv);
            _mm256_storeu_ps(hr + j, _mm256_mul_ps(o, tanh8(cv)));
            if (keep) {
                _mm256_storeu_ps(row + j, i);
                _mm256_storeu_ps(row + H + j, f);
                _mm256_storeu_ps(row + 2 * H + j, gg);
                _mm256_storeu_ps(row + 3 * H + j, o);
            }
        }
        for (int j = Hv; j < H; j++) {
            float i = sigmoid_scalar(row[j] + bias[j]);
            float f = sigmoid_scalar(row[H + j] + bias[H + j]);
            float gg = tanhf(row[2 * H + j] + bias[2 * H + j]);
            float o = sigmoid_scalar(row[3 * H + j] + bias[3 * H + j]);
            float cv = i * gg + (cp ? f * cp[j] : 0.0f);
            cr[j] = cv;
            hr[j] = o * tanhf(cv);
            if (keep) { row[j] = i; row[H + j] = f; row[2 * H + j] = gg; row[3 * H + j] = o; }
        }
    }
}

/* Backward of one step, AVX2: same arithmetic as clstm_gates_backward with a vector tanh. */
__attribute__((target("avx2,fma"))) void clstm_gates_backward_avx2(
    const float *act, const float *c, const float *c_prev, const float *dh_above, const float *dh_rec,
    float *dc, float *dg, int batch, int hidden) {
    const int H = hidden, Hv = H & ~7;
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    for (int b = 0; b < batch; b++) {
        const float *a = act + (size_t)b * 4 * H;
        const float *cr = c + (size_t)b * H;
        const float *cp = c_prev ? c_prev + (size_t)b * H : NULL;
        const float *da = dh_above ? dh_above + (size_t)b * H : NULL;
        const float *dr = dh_rec ? dh_rec + (size_t)b * H : NULL;
        float *dcr = dc + (size_t)b * H;
        float *d = dg + (size_t)b * 4 * H;
        for (int j = 0; j < Hv; j += 8) {
            __m256 i = _mm256_loadu_ps(a + j), f = _mm256_loadu_ps(a + H + j);
            __m256 gg = _mm256_loadu_ps(a + 2 * H + j), o = _mm256_loadu_ps(a + 3 * H + j);
            __m256 dh = da ? _mm256_loadu_ps(da + j) : zero;
            if (dr) dh = _mm256_add_ps(dh, _mm256_loadu_ps(dr + j));
            __m256 tc = tanh8(_mm256_loadu_ps(cr + j));
            __m256 dcv = _mm256_fmadd_ps(_mm256_mul_ps(dh, o), _mm256_fnmadd_ps(tc, tc, one), _mm256_loadu_ps(dcr + j));
            __m256 cpv = cp ? _mm256_loadu_ps(cp + j) : zero;
            _mm256_storeu_ps(d + j, _mm256_mul_ps(_mm256_mul_ps(dcv, gg), _mm256_mul_ps(i, _mm256_sub_ps(one, i))));
            _mm256_storeu_ps(d + H + j, _mm256_mul_ps(_mm256_mul_ps(dcv, cpv), _mm256_mul_ps(f, _mm256_sub_ps(one, f))));
            _mm256_storeu_ps(d + 2 * H + j, _mm256_mul_ps(_mm256_mul_ps(dcv, i), _mm256_fnmadd_ps(gg, gg, one)));
            _mm256_storeu_ps(d + 3 * H + j, _mm256_mul_ps(_mm256_mul_ps(dh, tc), _mm256_mul_ps(o, _mm256_sub_ps(one, o))));
            _mm256_storeu_ps(dcr + j, _mm256_mul_ps(dcv, f));
        }
        if (Hv < H) {
            /* tail columns through the portable kernel on a one-row view */
            for (int j = Hv; j < H; j++) {
                float iv = a[j], fv = a[H + j], gv = a[2 * H + j], ov = a[3 * H + j];
                float dhv = (da ? da[j] : 0.0f) + (dr ? dr[j] : 0.0f);
                float tcv = tanhf(cr[j]);
                float dcv = dcr[j] + dhv * ov * (1.0f - tcv * tcv);
                float cpv = cp ? cp[j] : 0.0f;
                d[j] = dcv * gv * iv * (1.0f - iv);
                d[H + j] = dcv * cpv * fv * (1.0f - fv);
                d[2 * H + j] = dcv * iv * (1.0f - gv * gv);
                d[3 * H + j] = dhv * tcv * ov * (1.0f - ov);
                dcr[j] = dcv * fv;
            }
        }
    }
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
        if (Hv < H) {
            /* tail: reuse the AVX2 path on the remaining columns via the scalar code */
            for (int j = Hv; j < H; j++) {
                float i = sigmoid_scalar(row[j] + bias[j]);
                float f = sigmoid_scalar(row[H + j] + bias[H + j]);
                float gg = tanhf(row[2 * H + j] + bias[2 * H + j]);
                float o = sigmoid_scalar(row[3 * H + j] + bias[3 * H + j]);
                float cv = i * gg + (cp ? f * cp[j] : 0.0f);
                cr[j] = cv;
                hr[j] = o * tanhf(cv);
                if (keep) { row[j] = i; row[H + j] = f; row[2 * H + j] = gg; row[3 * H + j] = o; }
            }
        }
    }
}
#else
void clstm_gates_backward_avx2(const float *act, const float *c, const float *c_prev, const float *dh_above,
                               const float *dh_rec, float *dc, float *dg, int batch, int hidden) {
    clstm_gates_backward(act, c, c_prev, dh_above, dh_rec, dc, dg, batch, hidden);
}
int clstm_cpu_has_avx2(void) { return 0; }
int clstm_cpu_has_avx512(void) { return 0; }
void clstm_gates_avx2(float *g, const float *bias, const float *c_prev, float *c, float *h,
                      int batch, int hidden, int keep) {
    clstm_gates_portable(g, bias, c_prev, c, h, batch, hidden, keep);
}
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
        const float *a = act + (size_t)b * 4 * H;
        const float *cr = c + (size_t)b * H;
        const float *cp = c_prev ? c_prev + (size_t)b * H : NULL;
        const float *da = dh_above ? dh_above + (size_t)b * H : NULL;
        const float *dr = dh_rec ? dh_rec + (size_t)b * H : NULL;
        float *dcr = dc + (size_t)b * H;
        float *d = dg + (size_t)b * 4 * H;
        for (int j = 0; j < H; j++) {
            float i = a[j], f = a[H + j], gg = a[2 * H + j], o = a[3 * H + j];
            float dh = (da ? da[j] : 0.0f) + (dr ? dr[j] : 0.0f);
            float tc = tanhf(cr[j]);
            float dcv = dcr[j] + dh * o * (1.0f - tc * tc);
            float cpv = cp ? cp[j] : 0.0f;
            d[j] = dcv * gg * i * (1.0f - i);
            d[H + j] = dcv * cpv * f * (1.0f - f);
            d[2 * H + j] = dcv * i * (1.0f - gg * gg);
            d[3 * H + j] = dh * tc * o * (1.0f - o);
            dcr[j] = dcv * f;
        }
    }
}
