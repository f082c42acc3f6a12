/* Fused kernels with 512-bit vectors (AVX-512 F/DQ/BW/VL, and VNNI for the int16 path), used when
 * the ISA is AVX512: the forward's step and the backward's products, called by the layer drivers of
 * recurrent_avx2.c (read its header first). Same structure, packing and arithmetic as the AVX2
 * kernels: row tiles of CLSTM_TILE_ROWS sequences run through all T steps; per step one
 * register-blocked kernel computes the pre-activations of the tile and a gate sweep in four passes
 * applies the non-linearities. What changes is the width:
 *   - the pre-activation kernel takes four packed 16-column panels (16 hidden units) at once, one
 *     zmm accumulator per panel and row: 24 accumulators for 6 rows, four weight loads and six
 *     broadcasts per k for twenty-four FMAs (then two panels, then one, for the rest of H;
 *     against two at a time: fp32 inference ~3 %, int16 ~7 % faster);
 *   - the gate sweep works on 16 units per vector, tails by mask registers;
 *   - the int16 product is one vpdpwssd per panel, row and pair of k (multiply, pair sum and
 *     accumulate in one instruction) instead of vpmaddwd + vpaddd on 8 columns;
 *   - the int8 product (CLSTM_PRECISION_INT8, which only this file implements, with its own layer
 *     driver clstm_fwd_layer_q8) is one vpdpbusd per panel, row and quad of k, h as unsigned bytes;
 *   - the backward's dG W and weight-gradient products take 64 columns per pass (then 32; against
 *     32 throughout: a training step ~10-15 % faster).
 * Every output lane is computed by the same operations in the same order as in the AVX2 kernel
 * (per-column FMA chains over k; exact int32 sums; the same exponential, table and divisions), so
 * inference outputs equal the AVX2 ISA's bit for bit (CLSTMWideKernelTests checks it). Training's
 * stored activated gates use a reciprocal estimate of another precision (rcp14), so they, and the
 * gradients computed from them, differ from the AVX2 ISA's in the last bits. */
#include "internal.h"
#include <stdint.h>
#include <string.h>

#define MR CLSTM_TILE_ROWS

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

int clstm_cpu_has_avx512_vnni(void) {
    __builtin_cpu_init();
    return clstm_cpu_has_avx512() && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
}

#define Z_TARGET "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"
#define ZFN static inline __attribute__((always_inline, target(Z_TARGET)))
#define ZQ_TARGET "avx512f,avx512dq,avx512bw,avx512vl,avx512vnni,avx2,fma"
#define ZQFN static inline __attribute__((always_inline, target(ZQ_TARGET)))


/* a[p][r] += sum_k src[r][k] * w_p[k][0..16) for the np (1 or 2) panels w_0 = w, w_1 = w + pstride,
 * rows [0, mr); the K loop of the fp32 pre-activations. */
ZFN void panels_fma(const int mr, const int np, const float *restrict w, size_t pstride, const float *src,
                    size_t stride, int K, __m512 *a0, __m512 *a1) {
#pragma GCC unroll 2
    for (int k = 0; k < K; k++) {
        const __m512 w0 = _mm512_load_ps(w + 16 * k);
        const __m512 w1 = np > 1 ? _mm512_load_ps(w + pstride + 16 * k) : w0;
#pragma GCC unroll 6
        for (int r = 0; r < mr; r++) {
            const __m512 v = _mm512_set1_ps(src[(size_t)r * stride + k]);
            a0[r] = _mm512_fmadd_ps(v, w0, a0[r]);
            if (np > 1) a1[r] = _mm512_fmadd_ps(v, w1, a1[r]);
        }
    }
}

/* The K loop over four panels at once (w_p = w + p * pstride): 24 accumulators for 6 rows, four
 * weight loads and six broadcasts per k for twenty-four FMAs. */
ZFN void panels4_fma(const int mr, const float *restrict w, size_t pstride, const float *src, size_t stride, int K,
                     __m512 *a0, __m512 *a1, __m512 *a2, __m512 *a3) {
#pragma GCC unroll 1
    for (int k = 0; k < K; k++) {
        const __m512 w0 = _mm512_load_ps(w + 16 * k), w1 = _mm512_load_ps(w + pstride + 16 * k);
        const __m512 w2 = _mm512_load_ps(w + 2 * pstride + 16 * k), w3 = _mm512_load_ps(w + 3 * pstride + 16 * k);
#pragma GCC unroll 6
        for (int r = 0; r < mr; r++) {
            const __m512 v = _mm512_set1_ps(src[(size_t)r * stride + k]);
            a0[r] = _mm512_fmadd_ps(v, w0, a0[r]);
            a1[r] = _mm512_fmadd_ps(v, w1, a1[r]);
            a2[r] = _mm512_fmadd_ps(v, w2, a2[r]);
            a3[r] = _mm512_fmadd_ps(v, w3, a3[r]);
        }
    }
}

/* Stores one panel's 16 columns (4 units x gates i, f, g, o) of rows [0, mr) at o[r * 4Hp + gate *
 * Hp .. + 4]: the pre-activation layout of the gate sweep (as the AVX2 kernel's store_preact). */
ZFN void store_panel(const int mr, float *restrict o, int Hp, const __m512 *a) {
#pragma GCC unroll 6
    for (int r = 0; r < mr; r++, o += 4 * Hp) {
        _mm_store_ps(o, _mm512_castps512_ps128(a[r]));
        _mm_store_ps(o + Hp, _mm512_extractf32x4_ps(a[r], 1));
        _mm_store_ps(o + 2 * Hp, _mm512_extractf32x4_ps(a[r], 2));
        _mm_store_ps(o + 3 * Hp, _mm512_extractf32x4_ps(a[r], 3));
    }
}

/* Pre-activations of one step for rows [0, mr) of a tile (as the AVX2 fwd_preact). */
ZFN void fwd_preact(const int mr, const float *restrict pk, int H, int In, const float *hp, const float *x,
                    float *restrict pre) {
    const int njb = (H + 3) / 4, Hp = (H + 7) & ~7;
    const size_t P = (size_t)16 * (1 + H + In);
    int jb0 = 0;
    for (; jb0 + 3 < njb; jb0 += 4) {
        const float *w = pk + jb0 * P;
        __m512 a0[MR], a1[MR], a2[MR], a3[MR];
        const __m512 b0 = _mm512_load_ps(w), b1 = _mm512_load_ps(w + P), b2 = _mm512_load_ps(w + 2 * P),
                     b3 = _mm512_load_ps(w + 3 * P);
#pragma GCC unroll 6
        for (int r = 0; r < mr; r++) { a0[r] = b0; a1[r] = b1; a2[r] = b2; a3[r] = b3; }
        if (hp) panels4_fma(mr, w + 16, P, hp, (size_t)H, H, a0, a1, a2, a3);
        panels4_fma(mr, w + 16 * (1 + (size_t)H), P, x, (size_t)In, In, a0, a1, a2, a3);
        store_panel(mr, pre + jb0 * 4, Hp, a0);
        store_panel(mr, pre + (jb0 + 1) * 4, Hp, a1);
        store_panel(mr, pre + (jb0 + 2) * 4, Hp, a2);
        store_panel(mr, pre + (jb0 + 3) * 4, Hp, a3);
    }
    for (int jb = jb0; jb < njb; jb += 2) {
        const float *w = pk + jb * P;
        __m512 a0[MR], a1[MR];
        const __m512 b0 = _mm512_load_ps(w), b1 = _mm512_load_ps(w + P * (jb + 1 < njb));
#pragma GCC unroll 6
        for (int r = 0; r < mr; r++) { a0[r] = b0; a1[r] = b1; }
        if (jb + 1 < njb) {
            if (hp) panels_fma(mr, 2, w + 16, P, hp, (size_t)H, H, a0, a1);
            panels_fma(mr, 2, w + 16 * (1 + (size_t)H), P, x, (size_t)In, In, a0, a1);
            store_panel(mr, pre + jb * 4, Hp, a0);
            store_panel(mr, pre + (jb + 1) * 4, Hp, a1);
        } else {
            if (hp) panels_fma(mr, 1, w + 16, P, hp, (size_t)H, H, a0, a1);
            panels_fma(mr, 1, w + 16 * (1 + (size_t)H), P, x, (size_t)In, In, a0, a1);
            store_panel(mr, pre + jb * 4, Hp, a0);
        }
    }
}

/* The end of both integer products (preact_q_panels, preact_q8_panels): pre = bias + dequant * the
 * int32 sums (when there are sums: none at the first step, h = 0) + the fp32 input part, stored. */
ZQFN void q_panels_finish(const int mr, const int np, const float *restrict f0, size_t Pf, int Hp, int In,
                          __m512i (*acc)[MR], const float *x, float *restrict pre) {
    __m512 a[4][MR];
#pragma GCC unroll 4
    for (int p = 0; p < np; p++) {
        const __m512 b = _mm512_load_ps(f0 + p * Pf), d = _mm512_load_ps(f0 + p * Pf + 16);
#pragma GCC unroll 6
        for (int r = 0; r < mr; r++) a[p][r] = acc ? _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[p][r]), d, b) : b;
    }
    if (np == 4) panels4_fma(mr, f0 + 32, Pf, x, (size_t)In, In, a[0], a[1], a[2], a[3]);
    else panels_fma(mr, np, f0 + 32, Pf, x, (size_t)In, In, a[0], a[1]);
#pragma GCC unroll 4
    for (int p = 0; p < np; p++) store_panel(mr, pre + 4 * p, Hp, a[p]);
}

/* The int16 pre-activations (AVX-512 VNNI) of np (1, 2 or 4, a compile-time constant) panels
 * from wq / f0: int32 sums of Wh_q h_q by vpdpwssd on pairs of k, then bias + dequant * sum in one FMA, then
 * the fp32 input part (as the AVX2 fwd_preact_q; wq and pk as clstm_q_pack). */
ZQFN void preact_q_panels(const int mr, const int np, const int16_t *restrict wq, const float *restrict f0,
                          size_t Pq, size_t Pf, int Kh, int Hp, int In, const int16_t *hq, const float *x,
                          float *restrict pre) {
    __m512i acc[4][MR];
    if (hq) {
#pragma GCC unroll 4
        for (int p = 0; p < np; p++)
#pragma GCC unroll 6
            for (int r = 0; r < mr; r++) acc[p][r] = _mm512_setzero_si512();
        /* not unrolled: unrolled by 2, clang turns every second vpdpwssd back into vpmaddwd + vpaddd
         * (it re-associates the integer adds across the pair of k pairs) */
#pragma GCC unroll 1
        for (int kp = 0; kp < Kh; kp++) {
            __m512i w[4];
#pragma GCC unroll 4
            for (int p = 0; p < np; p++) w[p] = _mm512_load_si512((const void *)(wq + p * Pq + 32 * kp));
#pragma GCC unroll 6
            for (int r = 0; r < mr; r++) {
                int32_t pair;
                memcpy(&pair, hq + (size_t)r * Hp + 2 * kp, sizeof pair);
                const __m512i v = _mm512_set1_epi32(pair);
#pragma GCC unroll 4
                for (int p = 0; p < np; p++) acc[p][r] = _mm512_dpwssd_epi32(acc[p][r], v, w[p]);
            }
        }
    }
    q_panels_finish(mr, np, f0, Pf, Hp, In, hq ? acc : NULL, x, pre);
}

ZQFN void fwd_preact_q(const int mr, const int16_t *restrict wq, const float *restrict pk, int H, int In,
                       const int16_t *hq, const float *x, float *restrict pre) {
    const int njb = (H + 3) / 4, Hp = (H + 7) & ~7, Kh = (H + 1) / 2;
    const size_t Pq = (size_t)32 * Kh, Pf = (size_t)16 * (2 + In);
    int jb = 0;
    for (; jb + 3 < njb; jb += 4) preact_q_panels(mr, 4, wq + jb * Pq, pk + jb * Pf, Pq, Pf, Kh, Hp, In, hq, x, pre + jb * 4);
    for (; jb + 1 < njb; jb += 2) preact_q_panels(mr, 2, wq + jb * Pq, pk + jb * Pf, Pq, Pf, Kh, Hp, In, hq, x, pre + jb * 4);
    if (jb < njb) preact_q_panels(mr, 1, wq + jb * Pq, pk + jb * Pf, Pq, Pf, Kh, Hp, In, hq, x, pre + jb * 4);
}

/* The int8 pre-activations (AVX-512 VNNI, CLSTM_PRECISION_INT8) of np panels: int32 sums of
 * Wh_q8 (h_u8) by vpdpbusd on quads of k, started from each column's zero-point correction
 * (-128 sum_k w_q8, the panel's first 64 bytes), then bias + dequant * sum in one FMA, then the fp32
 * input part; wq and pk as clstm_q8_pack, h_u8 rows of Hp bytes. */
ZQFN void preact_q8_panels(const int mr, const int np, const int8_t *restrict wq, const float *restrict f0,
                           size_t Pq, size_t Pf, int Kq, int Hp, int In, const uint8_t *hq, const float *x,
                           float *restrict pre) {
    __m512i acc[4][MR];
    if (hq) {
#pragma GCC unroll 4
        for (int p = 0; p < np; p++) {
            const __m512i z = _mm512_load_si512((const void *)(wq + p * Pq));
#pragma GCC unroll 6
            for (int r = 0; r < mr; r++) acc[p][r] = z;
        }
#pragma GCC unroll 1
        for (int kq = 0; kq < Kq; kq++) {
            __m512i w[4];
#pragma GCC unroll 4
            for (int p = 0; p < np; p++) w[p] = _mm512_load_si512((const void *)(wq + p * Pq + 64 * (1 + (size_t)kq)));
#pragma GCC unroll 6
            for (int r = 0; r < mr; r++) {
                int32_t quad;
                memcpy(&quad, hq + (size_t)r * Hp + 4 * kq, sizeof quad);
                const __m512i v = _mm512_set1_epi32(quad);
#pragma GCC unroll 4
                for (int p = 0; p < np; p++) acc[p][r] = _mm512_dpbusd_epi32(acc[p][r], v, w[p]);
            }
        }
    }
    q_panels_finish(mr, np, f0, Pf, Hp, In, hq ? acc : NULL, x, pre);
}

ZQFN void fwd_preact_q8(const int mr, const int8_t *restrict wq, const float *restrict pk, int H, int In,
                        const uint8_t *hq, const float *x, float *restrict pre) {
    const int njb = (H + 3) / 4, Hp = (H + 7) & ~7, Kq = (H + 3) / 4;
    const size_t Pq = clstm_q8_panel_bytes(H), Pf = (size_t)16 * (2 + In);
    int jb = 0;
    for (; jb + 3 < njb; jb += 4) preact_q8_panels(mr, 4, wq + jb * Pq, pk + jb * Pf, Pq, Pf, Kq, Hp, In, hq, x, pre + jb * 4);
    for (; jb + 1 < njb; jb += 2) preact_q8_panels(mr, 2, wq + jb * Pq, pk + jb * Pf, Pq, Pf, Kq, Hp, In, hq, x, pre + jb * 4);
    if (jb < njb) preact_q8_panels(mr, 1, wq + jb * Pq, pk + jb * Pf, Pq, Pf, Kq, Hp, In, hq, x, pre + jb * 4);
}

/* Constants of the gate sweep as full vectors read through memory operands (as in the AVX2
 * kernel); the exponential's table is the AVX2 one twice, since vpermps on zmm reads 4 index bits. */
typedef struct zk_gate_consts {
    __m512 lo, hi, c3, c2, c1, c0, one, two, tscale, hq, hb;
    __m512i tab;
} zk_gate_consts;
#define ZK16(v) {v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v}
#define ZK_NEG_LOG2E (-1.44269504088896341f)
#define ZK_TAB 0x3f7b95c23f800000LL, 0x3f75fed73f7837f0LL, 0x3f75672a3f7504f3LL, 0x3f7ac0c73f7744fdLL
static const zk_gate_consts zk_gate_k = {
    ZK16(-320.f), ZK16(320.f), ZK16(0.000108416636f), ZK16(0.00375412614f), ZK16(0.0866433978f),
    ZK16(1.0f), ZK16(1.0f), ZK16(2.0f), ZK16(16.0f * ZK_NEG_LOG2E), ZK16(CLSTM_Q_HSCALE), ZK16(CLSTM_Q8_HSCALE),
    {ZK_TAB, ZK_TAB}};
#undef ZK16

/* 2^(u/8) in two parts (polynomial, scale), as the AVX2 rk_exp2_8th_parts, 16 lanes */
ZFN __m512 zk_exp2_8th_parts(__m512 u, const zk_gate_consts *k, __m512 *scale) {
    u = _mm512_min_ps(_mm512_max_ps(u, k->lo), k->hi);
    const __m512 q = _mm512_roundscale_ps(u, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m512 r = _mm512_sub_ps(u, q);
    const __m512i qi = _mm512_cvtps_epi32(q);
    const __m512i sc = _mm512_add_epi32(_mm512_permutexvar_epi32(qi, k->tab), _mm512_slli_epi32(qi, 20));
    __m512 p = _mm512_fmadd_ps(k->c3, r, k->c2);
    p = _mm512_fmadd_ps(p, r, k->c1);
    *scale = _mm512_castsi512_ps(sc);
    return _mm512_fmadd_ps(p, r, k->c0);
}
ZFN __m512 zk_exp2_8th(__m512 u, const zk_gate_consts *k) {
    __m512 sc;
    const __m512 p = zk_exp2_8th_parts(u, k, &sc);
    return _mm512_mul_ps(p, sc);
}
ZFN __m512 zk_1p_exp2_8th(__m512 u, const zk_gate_consts *k) {
    __m512 sc;
    const __m512 p = zk_exp2_8th_parts(u, k, &sc);
    return _mm512_fmadd_ps(p, sc, k->one);
}
/* 1 / d for d >= 1: rcp14 estimate + one Newton step (training's stored gates only) */
ZFN __m512 zk_recip(__m512 d) {
    const __m512 r = _mm512_rcp14_ps(d);
    return _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(2.0f)));
}
/* training's activated gates: streaming stores where a whole aligned vector is written */
ZFN void store16nt(float *dst, __m512 v, __mmask16 m) {
    if (m != 0xFFFF) _mm512_mask_storeu_ps(dst, m, v);
    else if (((uintptr_t)dst & 63) == 0) _mm512_stream_ps(dst, v);
    else _mm512_storeu_ps(dst, v);
}
ZFN __mmask16 lanes(int n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }

/* pass 2 for units [j, j + 16) of one row, lanes m (see the AVX2 cell_units) */
ZFN void cell_units(float *p, int Hp, int j, const float *cpr, float *cr, float *ar, int H, __mmask16 m,
                    const zk_gate_consts *k) {
    const __m512 di = _mm512_maskz_loadu_ps(m, p + j), df = _mm512_maskz_loadu_ps(m, p + Hp + j);
    const __m512 dg = _mm512_maskz_loadu_ps(m, p + 2 * Hp + j);
    const __m512 cpv = cpr ? _mm512_maskz_loadu_ps(m, cpr + j) : _mm512_setzero_ps();
    const __m512 dig = _mm512_mul_ps(di, dg);
    const __m512 num = _mm512_fmadd_ps(cpv, dig, _mm512_mul_ps(_mm512_sub_ps(k->two, dg), df));
    const __m512 cv = _mm512_maskz_div_ps(m, num, _mm512_mul_ps(dig, df));
    _mm512_mask_storeu_ps(p + j, m, cv);
    _mm512_mask_storeu_ps(cr + j, m, cv);
    if (ar) {
        store16nt(ar + j, zk_recip(di), m);
        store16nt(ar + H + j, zk_recip(df), m);
    }
}

/* pass 3 for units [j, j + 16); training (ar) also stores g = 2 / Dg - 1 */
ZFN void tanh_exp_units(float *p, int Hp, int j, float *ar, int H, __mmask16 m, const zk_gate_consts *k) {
    const __m512 e = zk_exp2_8th(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, p + j), k->tscale), k);
    _mm512_mask_storeu_ps(p + Hp + j, m, e);
    if (ar) {
        const __m512 gr = zk_recip(_mm512_maskz_loadu_ps(m, p + 2 * Hp + j));
        store16nt(ar + 2 * H + j, _mm512_sub_ps(_mm512_add_ps(gr, gr), k->one), m);
    }
}

/* pass 4; training (ar) also stores o = 1 / Do; the int16 path (hq) stores h_q for lanes mq (the
 * padding lanes up to Hp too, as the AVX2 kernel: they meet zero weights) */
ZFN void hidden_units(const float *p, int Hp, int j, float *hr, float *ar, int16_t *hq, uint8_t *hb, int H,
                      __mmask16 m, __mmask16 mq, const zk_gate_consts *k) {
    const __mmask16 ml = m | mq;
    const __m512 ec = _mm512_maskz_loadu_ps(ml, p + Hp + j), dq = _mm512_maskz_loadu_ps(ml, p + 3 * Hp + j);
    const __m512 hv = _mm512_maskz_div_ps(ml, _mm512_sub_ps(k->one, ec), _mm512_mul_ps(dq, _mm512_add_ps(k->one, ec)));
    _mm512_mask_storeu_ps(hr + j, m, hv);
    if (ar) store16nt(ar + 3 * H + j, zk_recip(dq), m);
    if (hq) {
        const __m512i qi = _mm512_cvtps_epi32(_mm512_mul_ps(hv, k->hq));
        _mm256_mask_storeu_epi16(hq + j, mq, _mm512_cvtsepi32_epi16(qi));
    }
    if (hb) { /* int8 path: h_u8 = round(127 h) + 128, in [1, 255] for |h| <= 1 */
        const __m512i qi = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(hv, k->hb)), _mm512_set1_epi32(128));
        _mm_mask_storeu_epi8(hb + j, mq, _mm512_cvtusepi32_epi8(_mm512_max_epi32(qi, _mm512_setzero_si512())));
    }
}

__attribute__((target(Z_TARGET))) static void fwd_cells(int mr, int H, float *restrict pre, const float *cp,
                                                        float *c, float *h, float *act, int16_t *hq, uint8_t *hb) {
    const int Hp = (H + 7) & ~7, n = mr * 4 * Hp;
    const zk_gate_consts *k = &zk_gate_k;
    __asm__("" : "+r"(k)); /* opaque: the constants stay memory operands */
    for (int i = 0; i < n; i += 32) /* n is a multiple of 32 */
#pragma GCC unroll 2
        for (int v = 0; v < 32; v += 16)
            _mm512_store_ps(pre + i + v, zk_1p_exp2_8th(_mm512_load_ps(pre + i + v), k));
    for (int r = 0; r < mr; r++) {
        float *p = pre + (size_t)r * 4 * Hp;
        float *ar = act ? act + (size_t)r * 4 * H : NULL;
        for (int j = 0; j < H; j += 16)
            cell_units(p, Hp, j, cp ? cp + (size_t)r * H : NULL, c + (size_t)r * H, ar, H, lanes(H - j), k);
    }
    for (int r = 0; r < mr; r++) {
        float *p = pre + (size_t)r * 4 * Hp;
        float *ar = act ? act + (size_t)r * 4 * H : NULL;
        for (int j = 0; j < H; j += 16) tanh_exp_units(p, Hp, j, ar, H, lanes(H - j), k);
    }
    for (int r = 0; r < mr; r++) {
        const float *p = pre + (size_t)r * 4 * Hp;
        float *hr = h + (size_t)r * H, *ar = act ? act + (size_t)r * 4 * H : NULL;
        int16_t *qr = hq ? hq + (size_t)r * Hp : NULL;
        uint8_t *br = hb ? hb + (size_t)r * Hp : NULL;
        const int quant = qr || br;
        for (int j = 0; j < (quant ? Hp : H); j += 16)
            hidden_units(p, Hp, j, hr, ar, qr, br, H, lanes(H - j), quant ? lanes(Hp - j) : 0, k);
    }
}

__attribute__((target(Z_TARGET))) void clstm_fwd_step_avx512(int mr, const float *pk, int H, int In, const float *hp,
                                                            const float *x, const float *cp, float *c, float *h,
                                                            float *act, float *pre) {
#define FWD_STEP(m)                                \
    do {                                           \
        fwd_preact(m, pk, H, In, hp, x, pre);      \
        fwd_cells(m, H, pre, cp, c, h, act, NULL, NULL); \
    } while (0)
    MR_DISPATCH(mr, FWD_STEP)
#undef FWD_STEP
}

__attribute__((target(ZQ_TARGET))) void clstm_fwd_step_q_avx512(int mr, const int16_t *wq, const float *pk, int H,
                                                               int In, const int16_t *hqp, const float *x,
                                                               const float *cp, float *c, float *h, int16_t *hq,
                                                               float *pre) {
#define FWD_STEP_Q(m)                                \
    do {                                             \
        fwd_preact_q(m, wq, pk, H, In, hqp, x, pre); \
        fwd_cells(m, H, pre, cp, c, h, NULL, hq, NULL); \
    } while (0)
    MR_DISPATCH(mr, FWD_STEP_Q)
#undef FWD_STEP_Q
}

__attribute__((target(ZQ_TARGET))) static void fwd_step_q8(int mr, const int8_t *wq, const float *pk, int H, int In,
                                                           const uint8_t *hqp, const float *x, const float *cp,
                                                           float *c, float *h, uint8_t *hq, float *pre) {
#define FWD_STEP_Q8(m)                                \
    do {                                              \
        fwd_preact_q8(m, wq, pk, H, In, hqp, x, pre); \
        fwd_cells(m, H, pre, cp, c, h, NULL, NULL, hq); \
    } while (0)
    MR_DISPATCH(mr, FWD_STEP_Q8)
#undef FWD_STEP_Q8
}

void clstm_fwd_layer_q8(const int8_t *wq, const float *pk, int In, int H, int T, int B, int r0, int r1,
                        const float *x, float *h_all, float *h_last, float *scratch) {
    const size_t hs = (size_t)B * H, xs = (size_t)B * In;
    const int Hp = (H + 7) & ~7;
    float *cs = scratch, *hb[2] = {scratch + MR * H, scratch + 2 * MR * H};
    float *pre = scratch + (((size_t)3 * MR * H + 15) & ~(size_t)15);
    uint8_t *hq[2] = {(uint8_t *)(pre + (size_t)MR * 4 * Hp), (uint8_t *)(pre + (size_t)MR * 4 * Hp) + MR * Hp};
    for (int rb = r0; rb < r1; rb += MR) {
        const int mr = r1 - rb < MR ? r1 - rb : MR;
        for (int t = 0; t < T; t++) {
            const float *xt = x + t * xs + (size_t)rb * In;
            float *ht = h_all ? h_all + t * hs + (size_t)rb * H : t == T - 1 ? h_last + (size_t)rb * H : hb[t & 1];
            if (t + 1 < T)
                for (size_t o = 0; o < (size_t)mr * In; o += 16) __builtin_prefetch(xt + xs + o);
            fwd_step_q8(mr, wq, pk, H, In, t == 0 ? NULL : hq[(t - 1) & 1], xt, t == 0 ? NULL : cs, cs, ht,
                        hq[t & 1], pre);
        }
    }
}

/* out[r][0..N) = sum_k dg[r][k] * W[k][.] for rows [0, mr), K = 4H; W packed in 16-column panels
 * [nb][K][16] (clstm_bwd_pack), four panels per pass, then two, then one; dg row stride K, out row stride N. The
 * backward's dh_{t-1} = dG Wh and dx = dG Wx (as the AVX2 bwd_rec: the same sums in the same order). */
ZFN void bwd_rec(const int mr, const float *restrict pk, int K, int N, const float *dg, float *out) {
    const int nnb = (N + 15) / 16;
    const size_t P = (size_t)16 * K;
    int nb0 = 0;
    for (; nb0 + 3 < nnb; nb0 += 4) { /* four whole panels (64 columns) per pass */
        __m512 a[4][MR];
#pragma GCC unroll 4
        for (int p = 0; p < 4; p++)
#pragma GCC unroll 6
            for (int r = 0; r < mr; r++) a[p][r] = _mm512_setzero_ps();
        panels4_fma(mr, pk + nb0 * P, P, dg, (size_t)K, K, a[0], a[1], a[2], a[3]);
#pragma GCC unroll 4
        for (int p = 0; p < 4; p++) {
            const int n0 = (nb0 + p) * 16;
            const __mmask16 m = lanes(N - n0);
#pragma GCC unroll 6
            for (int r = 0; r < mr; r++) _mm512_mask_storeu_ps(out + (size_t)r * N + n0, m, a[p][r]);
        }
    }
    for (int nb = nb0; nb < nnb; nb += 2) {
        const int np = nb + 1 < nnb ? 2 : 1;
        __m512 a0[MR], a1[MR];
#pragma GCC unroll 6
        for (int r = 0; r < mr; r++) { a0[r] = _mm512_setzero_ps(); a1[r] = _mm512_setzero_ps(); }
        if (np > 1) panels_fma(mr, 2, pk + nb * P, P, dg, (size_t)K, K, a0, a1);
        else panels_fma(mr, 1, pk + nb * P, P, dg, (size_t)K, K, a0, a1);
        const int n0 = nb * 16;
        const __mmask16 m0 = lanes(N - n0), m1 = np > 1 ? lanes(N - n0 - 16) : 0;
#pragma GCC unroll 6
        for (int r = 0; r < mr; r++) {
            _mm512_mask_storeu_ps(out + (size_t)r * N + n0, m0, a0[r]);
            if (np > 1) _mm512_mask_storeu_ps(out + (size_t)r * N + n0 + 16, m1, a1[r]);
        }
    }
}

__attribute__((target(Z_TARGET))) void clstm_bwd_rec_avx512(int mr, const float *pk, int K, int N, const float *dg,
                                                            float *out) {
#define BWD_REC(m) bwd_rec(m, pk, K, N, dg, out)
    MR_DISPATCH(mr, BWD_REC)
#undef BWD_REC
}

/* C[n][m] += sum_k Z[k][n] * D[k][m] for n in [n0, n0 + nn), m < M, 32 columns of m per pass
 * (as the AVX2 wgrad_rows: the same sums in the same order). D = dG rows [K][M]; Z = [h_{t-1} |
 * x_t | 1] rows [K][N]. */
ZFN void wgrad_rows(const int nn, int n0, int M, int N, int K, const float *D, const float *Z, float *C) {
    int m0 = 0;
    for (; m0 + 64 <= M; m0 += 64) { /* 64 whole columns per pass: 24 accumulators for 6 rows */
        __m512 a[4][MR];
#pragma GCC unroll 4
        for (int p = 0; p < 4; p++)
#pragma GCC unroll 6
            for (int i = 0; i < nn; i++) a[p][i] = _mm512_setzero_ps();
#pragma GCC unroll 1
        for (int k = 0; k < K; k++) {
            const float *d = D + (size_t)k * M + m0;
            const __m512 d0 = _mm512_loadu_ps(d), d1 = _mm512_loadu_ps(d + 16), d2 = _mm512_loadu_ps(d + 32),
                         d3 = _mm512_loadu_ps(d + 48);
#pragma GCC unroll 6
            for (int i = 0; i < nn; i++) {
                const __m512 s = _mm512_set1_ps(Z[(size_t)k * N + n0 + i]);
                a[0][i] = _mm512_fmadd_ps(s, d0, a[0][i]);
                a[1][i] = _mm512_fmadd_ps(s, d1, a[1][i]);
                a[2][i] = _mm512_fmadd_ps(s, d2, a[2][i]);
                a[3][i] = _mm512_fmadd_ps(s, d3, a[3][i]);
            }
        }
#pragma GCC unroll 6
        for (int i = 0; i < nn; i++) {
            float *c = C + (size_t)(n0 + i) * M + m0;
#pragma GCC unroll 4
            for (int p = 0; p < 4; p++) _mm512_storeu_ps(c + 16 * p, _mm512_add_ps(_mm512_loadu_ps(c + 16 * p), a[p][i]));
        }
    }
    for (; m0 < M; m0 += 32) {
        const __mmask16 k0 = lanes(M - m0), k1 = M - m0 > 16 ? lanes(M - m0 - 16) : 0;
        __m512 a0[MR], a1[MR];
#pragma GCC unroll 6
        for (int i = 0; i < nn; i++) { a0[i] = _mm512_setzero_ps(); a1[i] = _mm512_setzero_ps(); }
#pragma GCC unroll 2
        for (int k = 0; k < K; k++) {
            const float *d = D + (size_t)k * M + m0;
            const __m512 d0 = _mm512_maskz_loadu_ps(k0, d), d1 = _mm512_maskz_loadu_ps(k1, d + 16);
#pragma GCC unroll 6
            for (int i = 0; i < nn; i++) {
                const __m512 s = _mm512_set1_ps(Z[(size_t)k * N + n0 + i]);
                a0[i] = _mm512_fmadd_ps(s, d0, a0[i]);
                a1[i] = _mm512_fmadd_ps(s, d1, a1[i]);
            }
        }
#pragma GCC unroll 6
        for (int i = 0; i < nn; i++) {
            float *c = C + (size_t)(n0 + i) * M + m0;
            _mm512_mask_storeu_ps(c, k0, _mm512_add_ps(_mm512_maskz_loadu_ps(k0, c), a0[i]));
            _mm512_mask_storeu_ps(c + 16, k1, _mm512_add_ps(_mm512_maskz_loadu_ps(k1, c + 16), a1[i]));
        }
    }
}

__attribute__((target(Z_TARGET))) void clstm_wgrad_avx512(int M, int N, int K, const float *D, const float *Z,
                                                          float *C) {
    int n0 = 0;
    for (; n0 + MR <= N; n0 += MR) wgrad_rows(MR, n0, M, N, K, D, Z, C);
#define WGRAD_ROWS(m) wgrad_rows(m, n0, M, N, K, D, Z, C)
    if (n0 < N) MR_DISPATCH(N - n0, WGRAD_ROWS)
#undef WGRAD_ROWS
}

#else
int clstm_cpu_has_avx512_vnni(void) { return 0; }
void clstm_bwd_rec_avx512(int mr, const float *pk, int K, int N, const float *dg, float *out) {
    (void)mr; (void)pk; (void)K; (void)N; (void)dg; (void)out;
}
void clstm_wgrad_avx512(int M, int N, int K, const float *D, const float *Z, float *C) {
    (void)M; (void)N; (void)K; (void)D; (void)Z; (void)C;
}
/* never called: the AVX512 ISA is only chosen on x86 */
void clstm_fwd_step_avx512(int mr, const float *pk, int H, int In, const float *hp, const float *x, const float *cp,
                           float *c, float *h, float *act, float *pre) {
    (void)mr; (void)pk; (void)H; (void)In; (void)hp; (void)x; (void)cp; (void)c; (void)h; (void)act; (void)pre;
}
void clstm_fwd_step_q_avx512(int mr, const int16_t *wq, const float *pk, int H, int In, const int16_t *hqp,
                             const float *x, const float *cp, float *c, float *h, int16_t *hq, float *pre) {
    (void)mr; (void)wq; (void)pk; (void)H; (void)In; (void)hqp; (void)x; (void)cp; (void)c; (void)h; (void)hq;
    (void)pre;
}
void clstm_fwd_layer_q8(const int8_t *wq, const float *pk, int In, int H, int T, int B, int r0, int r1,
                        const float *x, float *h_all, float *h_last, float *scratch) {
    (void)wq; (void)pk; (void)In; (void)H; (void)T; (void)B; (void)r0; (void)r1; (void)x; (void)h_all;
    (void)h_last; (void)scratch;
}
#endif
