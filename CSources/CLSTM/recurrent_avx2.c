/* Fused recurrent kernels (AVX2 + FMA), used when the ISA is AVX2, and the layer drivers of both
 * fused ISAs (with `wide`, the AVX512 ISA, they call the 512-bit steps of recurrent_avx512.c).
 *
 * Forward: one register-blocked kernel per (row tile, step) computes, for up to 6 sequences at
 * once, bias + Wx·x_t + Wh·h_{t-1} for all four gates of 4 hidden units into a small L1 buffer of
 * the step's pre-activations; a second sweep over whole rows applies the gate non-linearities
 * and the cell update 8 units at a time (fwd_cells). The weights are packed (pre-scaled for the
 * exponential, rk_exp2_8th) once per call into panels of 16 columns, [i0..3 f0..3 | g0..3 o0..3] for
 * hidden units 4·jb .. 4·jb+3, each panel = bias (16), then H rows of Wh, then I rows of Wx
 * (K = H + I). The input projection is fused in the same K loop (no separate GEMM, no [T][B][4H]
 * gate buffer); the next step's input rows are prefetched.
 * A row tile runs through all T steps before the next tile starts, so its h/c stay in L1 and
 * the packed weights in L2. Each sequence's result depends only on its own rows, in a fixed
 * order: results do not depend on the tiling or on how tiles are split between threads.
 *
 * Backward: per (row tile, step), the gate backward (clstm_gates_backward_avx2) on the tile's
 * rows, then dh_{t-1} = dG·Wh (and dx = dG·Wx for the layer below) with a register-blocked kernel
 * over weights packed into 16-column panels [nb][4H][16]. dG never leaves the tile: every
 * CLSTM_BWD_STEPS steps, the tile's dG rows update [dWh | dWx | db]^T in one rank-(steps x rows)
 * product with the rows [h_{t-1} | x_t | 1] while they are still in cache. Weight gradients are summed per worker in a fixed
 * order, then the workers' sums are added in worker order: deterministic for a thread count. */
#include "internal.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define MR 6 /* rows (sequences) per tile */
static size_t up16(size_t n) { return (n + 15) & ~(size_t)15; }

size_t clstm_fwd_pack_floats(int In, int H) { return (size_t)((H + 3) / 4) * 16 * (size_t)(1 + H + In); }
size_t clstm_bwd_pack_floats(int N, int H) { return (size_t)((N + 15) / 16) * 16 * (size_t)(4 * H); }

size_t clstm_scratch_floats(int In, int H) {
    const size_t G = 4 * (size_t)H;
    /* + the int16 path's h_q ping-pong, 2 x MR x Hp int16 */
    const size_t fwd = 3 * MR * (size_t)H + 16 + MR * 4 * (size_t)((H + 7) & ~7) + 16 + MR * (size_t)((H + 7) & ~7) + 16;
    const size_t bwd = 2 * (MR * (size_t)H + 16) + CLSTM_BWD_STEPS * MR * (G + H + In + 1) + 48;
    return fwd > bwd ? fwd : bwd;
}

void clstm_fwd_pack(const float *Wx, const float *Wh, const float *bias, int In, int H, float *out) {
    const int njb = (H + 3) / 4;
    const size_t P = (size_t)16 * (1 + H + In);
    for (int jb = 0; jb < njb; jb++) {
        float *p = out + jb * P;
        for (int col = 0; col < 16; col++) {
            const int gate = col / 4, j = jb * 4 + col % 4;
            const int valid = j < H;
            const size_t row = (size_t)gate * H + j; /* row of Wx / Wh / bias */
            /* pre-scaled so that the kernels get u = 8 z with z = -x log2 e (i, f, o) or -2 x log2 e
             * (g): the gate sweep's exponential (rk_exp2_8th) computes 2^(u/8) */
            const float sc = gate == 2 ? -16.0f * 1.44269504088896341f : -8.0f * 1.44269504088896341f;
            p[col] = valid ? sc * bias[row] : 0.0f;
            for (int k = 0; k < H; k++) p[16 * (1 + k) + col] = valid ? sc * Wh[row * H + k] : 0.0f;
            for (int k = 0; k < In; k++) p[16 * (1 + H + k) + col] = valid ? sc * Wx[row * In + k] : 0.0f;
        }
    }
}

void clstm_bwd_pack(const float *W, int N, int H, float *out) {
    const int nnb = (N + 15) / 16;
    for (int nb = 0; nb < nnb; nb++) {
        float *p = out + (size_t)nb * 16 * 4 * H;
        for (int k = 0; k < 4 * H; k++)
            for (int col = 0; col < 16; col++) {
                const int n = nb * 16 + col;
                p[(size_t)k * 16 + col] = n < N ? W[(size_t)k * N + n] : 0.0f;
            }
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define AVX2_FN static inline __attribute__((always_inline, target("avx2,fma")))

/* 1 / d for d >= 1: reciprocal estimate + one Newton step (rel. error ~1e-7, no divide). */
AVX2_FN __m256 rk_recip(__m256 d) {
    __m256 r = _mm256_rcp_ps(d);
    return _mm256_mul_ps(r, _mm256_fnmadd_ps(d, r, _mm256_set1_ps(2.0f)));
}
/* 2^z for 8 floats, z clamped to [-60, 60] (enough for the gates: sigmoid and tanh are 0 / 1 / -1
 * to float precision beyond; small enough that products of two (1 + 2^z) stay finite).
 * 2^z = 2^n 2^r with n = round(z) taken from the mantissa of t = z + 1.5 * 2^23, r = z - n in
 * [-1/2, 1/2], 2^r by a degree-5 minimax polynomial (rel. error 2.3e-7 in float, checked against
 * libm in the tests through the gate outputs). Polynomial by Estrin's scheme: shorter dependency
 * chain than Horner, one more multiply. The factor 2^n is applied exactly by adding n << 23 (one
 * shift of t's bits; the low 9 bits of n, two's complement, land in the sign and exponent field)
 * to the bits of the polynomial: an integer add instead of a multiply, one operation fewer on the
 * FMA pipes, which the gate epilogue shares with the multiply (same result bit for bit). */
AVX2_FN __m256 rk_exp2_8(__m256 z) {
    const __m256 magic = _mm256_set1_ps(12582912.0f); /* 1.5 * 2^23 */
    z = _mm256_min_ps(_mm256_max_ps(z, _mm256_set1_ps(-60.0f)), _mm256_set1_ps(60.0f));
    const __m256 t = _mm256_add_ps(z, magic);
    const __m256 r = _mm256_sub_ps(z, _mm256_sub_ps(t, magic));
    const __m256 r2 = _mm256_mul_ps(r, r);
    const __m256 p01 = _mm256_fmadd_ps(_mm256_set1_ps(0.6931469440460205f), r, _mm256_set1_ps(1.0000001192092896f));
    const __m256 p23 = _mm256_fmadd_ps(_mm256_set1_ps(0.05550713092088699f), r, _mm256_set1_ps(0.24022120237350464f));
    const __m256 p45 = _mm256_fmadd_ps(_mm256_set1_ps(0.001327647129073739f), r, _mm256_set1_ps(0.009675541892647743f));
    const __m256 p = _mm256_fmadd_ps(_mm256_fmadd_ps(p45, r2, p23), r2, p01);
    return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), _mm256_slli_epi32(_mm256_castps_si256(t), 23)));
}
/* The forward weights are packed pre-scaled (clstm_fwd_pack), so that pre-activations come out as
 * u = 8 z with z = -x log2(e) for the i, f, o gates and z = -2 x log2(e) for g: sigmoid(x) =
 * 1 / (1 + 2^z), tanh(g) = 2 / (1 + 2^z) - 1 with no multiply before the exponential (the forward's
 * rk_exp2_8th takes u; rk_exp2_8, used by the backward's tanh, takes z). */
#define RK_NEG_LOG2E (-1.44269504088896341f)
/* tanh(x) = 2 / (1 + 2^(-2 x log2 e)) - 1 (cell state in the backward) */
AVX2_FN __m256 rk_tanh8(__m256 x) {
    const __m256 s = rk_recip(_mm256_add_ps(_mm256_set1_ps(1.0f),
                                            rk_exp2_8(_mm256_mul_ps(x, _mm256_set1_ps(2.0f * RK_NEG_LOG2E)))));
    return _mm256_sub_ps(_mm256_add_ps(s, s), _mm256_set1_ps(1.0f));
}

static const int32_t lane_mask8[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
/* lanes [0, n) of 8 */
AVX2_FN __m256i tail_mask8(int n) { return _mm256_loadu_si256((const __m256i *)(lane_mask8 + 8 - n)); }

/* a{0,1}[r] += sum_k src[r][k] * w[k][0..16) for rows [0, mr): the register-blocked K loop shared
 * by the forward (w = packed [Wh; Wx] panel) and the backward (w = packed W^T panel). */
AVX2_FN void panel_fma(const int mr, const float *restrict w, const float *src, size_t stride, int K,
                       __m256 *a0, __m256 *a1) {
#pragma GCC unroll 4
    for (int k = 0; k < K; k++) {
        const __m256 w0 = _mm256_load_ps(w + 16 * k), w1 = _mm256_load_ps(w + 16 * k + 8);
        #pragma GCC unroll 6
        for (int r = 0; r < mr; r++) {
            const __m256 v = _mm256_broadcast_ss(src + (size_t)r * stride + k);
            a0[r] = _mm256_fmadd_ps(v, w0, a0[r]);
            a1[r] = _mm256_fmadd_ps(v, w1, a1[r]);
        }
    }
}

/* Stores the 16 columns of rows [0, mr) of a block (4 units x gates i, f, g, o) at o[r * 4Hp +
 * gate * Hp .. + 4]: the pre-activation layout of fwd_cells, shared by the fp32 and int16 steps. */
AVX2_FN void store_preact(const int mr, float *restrict o, int Hp, const __m256 *a0, const __m256 *a1) {
    #pragma GCC unroll 6
    for (int r = 0; r < mr; r++, o += 4 * Hp) {
        _mm_store_ps(o, _mm256_castps256_ps128(a0[r]));
        _mm_store_ps(o + Hp, _mm256_extractf128_ps(a0[r], 1));
        _mm_store_ps(o + 2 * Hp, _mm256_castps256_ps128(a1[r]));
        _mm_store_ps(o + 3 * Hp, _mm256_extractf128_ps(a1[r], 1));
    }
}


/* Pre-activations of one step for rows [0, mr) of a tile: pre[r][gate * Hp + j] = bias + Wh h_{t-1}
 * + Wx x_t for gate in (i, f, g, o), Hp = H rounded up to 8. hp (previous h, NULL at t = 0) has
 * row stride H, x row stride In. */
AVX2_FN void fwd_preact(const int mr, const float *restrict pk, int H, int In, const float *hp,
                        const float *x, float *restrict pre) {
    const int njb = (H + 3) / 4, Hp = (H + 7) & ~7;
    const size_t P = (size_t)16 * (1 + H + In);
    for (int jb = 0; jb < njb; jb++) {
        const float *w = pk + jb * P;
        __m256 a0[MR], a1[MR];
        const __m256 b0 = _mm256_load_ps(w), b1 = _mm256_load_ps(w + 8);
        #pragma GCC unroll 6
        for (int r = 0; r < mr; r++) { a0[r] = b0; a1[r] = b1; }
        if (hp) panel_fma(mr, w + 16, hp, (size_t)H, H, a0, a1);
        panel_fma(mr, w + 16 * (1 + (size_t)H), x, (size_t)In, In, a0, a1);
        store_preact(mr, pre + jb * 4, Hp, a0, a1);
    }
}

/* Constants of the gate sweep, as full vectors read through memory operands (rk_gate_k is made
 * opaque to the compiler in fwd_cells): kept in registers they cost broadcasts, copies and spills
 * in a sweep whose speed depends on how many instructions it issues. */
typedef struct rk_gate_consts {
    __m256 lo, hi, c3, c2, c1, c0, one, two, tscale;
    __m256i tab;
    __m256 hq; /* CLSTM_Q_HSCALE: h -> int16 (CLSTM_PRECISION_INT16) */
} rk_gate_consts;
#define RK8(v) {v, v, v, v, v, v, v, v}
static const rk_gate_consts rk_gate_k = {
    RK8(-320.f), RK8(320.f), RK8(0.000108416636f), RK8(0.00375412614f), RK8(0.0866433978f), RK8(1.0f),
    RK8(1.0f), RK8(2.0f), RK8(16.0f * RK_NEG_LOG2E),
    /* bits of 2^(k/8) minus k << 20, k = 0..7, two per 64-bit element (see rk_exp2_8th) */
    {(long long)0x3f7b95c23f800000LL, (long long)0x3f75fed73f7837f0LL, (long long)0x3f75672a3f7504f3LL,
     (long long)0x3f7ac0c73f7744fdLL},
    RK8(CLSTM_Q_HSCALE)};
#undef RK8
/* 2^(u/8) for 8 floats, u clamped to [-320, 320]: 2^(u/8) within [2^-40, 2^40], so that a product
 * of three (1 + 2^(u/8)) stays finite, and sigmoid / tanh are 0, 1 or -1 to float precision beyond.
 * q = round(u), r = u - q in [-1/2, 1/2] (exact); 2^(r/8) by a degree-3 polynomial (Chebyshev
 * interpolation; 3.8e-8 relative with these float coefficients in exact arithmetic, 1.7e-7 in
 * float, measured over [-40, 40]); 2^(q/8) = 2^(q >> 3) 2^((q & 7)/8) from an 8-entry table held in
 * one register (vpermps on the low 3 bits of q) whose entries have (q & 7) << 20 subtracted from
 * their bits, so that adding q << 20 applies 2^(q >> 3) exactly. Against the degree-5 2^z of
 * rk_exp2_8: 2 FMAs fewer and a shorter dependency chain (the table lookup runs beside the
 * polynomial), which is what limits the gate sweep. */
AVX2_FN __m256 rk_exp2_8th_parts(__m256 u, const rk_gate_consts *k, __m256 *scale) {
    u = _mm256_min_ps(_mm256_max_ps(u, k->lo), k->hi);
    const __m256 q = _mm256_round_ps(u, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m256 r = _mm256_sub_ps(u, q);
    const __m256i qi = _mm256_cvtps_epi32(q);
    const __m256i sc = _mm256_add_epi32(_mm256_permutevar8x32_epi32(k->tab, qi), _mm256_slli_epi32(qi, 20));
    __m256 p = _mm256_fmadd_ps(k->c3, r, k->c2);
    p = _mm256_fmadd_ps(p, r, k->c1);
    *scale = _mm256_castsi256_ps(sc);
    return _mm256_fmadd_ps(p, r, k->c0);
}
AVX2_FN __m256 rk_exp2_8th(__m256 u, const rk_gate_consts *k) {
    __m256 sc;
    const __m256 p = rk_exp2_8th_parts(u, k, &sc);
    return _mm256_mul_ps(p, sc);
}
/* 1 + 2^(u/8), the final multiply and the add in one FMA */
AVX2_FN __m256 rk_1p_exp2_8th(__m256 u, const rk_gate_consts *k) {
    __m256 sc;
    const __m256 p = rk_exp2_8th_parts(u, k, &sc);
    return _mm256_fmadd_ps(p, sc, k->one);
}

/* Gate non-linearities and cell update of one step for rows [0, mr) of a tile, in four passes,
 * each a loop of short, independent dependency chains (one long chain per unit — exponential,
 * cell update, exponential, division — is latency-bound: the out-of-order window cannot reach
 * the next units; session 5 measured one pass 1.45x slower than two, four 1.15x faster than two):
 *   1. over the whole pre block: D = 1 + 2^(u/8) (u as packed, see clstm_fwd_pack), in place;
 *   2. c = f cp + i g = cp / Df + (1 - Eg) / (Di Dg) = (cp Di Dg + (2 - Dg) Df) / (Di Dg Df), one
 *      division; c is stored to the row and over Di; training also stores the activated gates
 *      i = 1 / Di, f = 1 / Df, g = 2 / Dg - 1, o = 1 / Do (outputs equal inference bit for bit);
 *   3. Ec = 2^(-2 c log2 e) over Df;
 *   4. h = o tanh(c) = (1 - Ec) / (Do (1 + Ec)).
 * pre: [mr][4][Hp] (Hp = H rounded up to 8, padding units are computed and ignored), 64-byte
 * aligned, overwritten. c, h, cp row stride H (cp NULL at t = 0, may equal c); act (NULL in
 * inference) row stride 4H. cell_units: pass 2 for the units [j, j + 8) of one row (tail: the
 * last, partial vector, masked). */
AVX2_FN void store8(float *dst, __m256 v, const int tail, const __m256i m) {
    if (tail) _mm256_maskstore_ps(dst, m, v);
    else _mm256_storeu_ps(dst, v);
}
/* Training's activated gates ([T][B][4H], 44 MB per batch at the floor shape): streaming stores,
 * which skip the read-for-ownership of each line (the training forward was bound by this memory
 * traffic: ~1/3 of its time in the gate sweep against ~1/6 in inference); _mm_sfence at the end of
 * clstm_fwd_layer_fused orders them before the backward reads them (possibly in another thread). */
AVX2_FN void store8nt(float *dst, __m256 v, const int tail, const __m256i m) {
    if (tail) _mm256_maskstore_ps(dst, m, v);
    else if (((uintptr_t)dst & 31) == 0) _mm256_stream_ps(dst, v);
    else _mm256_storeu_ps(dst, v);
}

AVX2_FN void cell_units(float *p, int Hp, int j, const float *cpr, float *cr, float *ar, int H, const int tail,
                        const __m256i m, const rk_gate_consts *k) {
    const __m256 di = _mm256_load_ps(p + j), df = _mm256_load_ps(p + Hp + j), dg = _mm256_load_ps(p + 2 * Hp + j);
    const __m256 cpv = !cpr ? _mm256_setzero_ps() : tail ? _mm256_maskload_ps(cpr + j, m) : _mm256_loadu_ps(cpr + j);
    const __m256 dig = _mm256_mul_ps(di, dg);
    const __m256 num = _mm256_fmadd_ps(cpv, dig, _mm256_mul_ps(_mm256_sub_ps(k->two, dg), df));
    const __m256 cv = _mm256_div_ps(num, _mm256_mul_ps(dig, df));
    _mm256_store_ps(p + j, cv);
    if (tail) _mm256_maskstore_ps(cr + j, m, cv);
    else _mm256_storeu_ps(cr + j, cv);
    if (ar) {
        store8nt(ar + j, rk_recip(di), tail, m);
        store8nt(ar + H + j, rk_recip(df), tail, m);
    }
}

/* pass 3 for units [j, j + 8) of one row; training (ar) also stores g = 2 / Dg - 1 */
AVX2_FN void tanh_exp_units(float *p, int Hp, int j, float *ar, int H, const int tail, const __m256i m,
                            const rk_gate_consts *k) {
    _mm256_store_ps(p + Hp + j, rk_exp2_8th(_mm256_mul_ps(_mm256_load_ps(p + j), k->tscale), k));
    if (ar) {
        const __m256 gr = rk_recip(_mm256_load_ps(p + 2 * Hp + j));
        store8nt(ar + 2 * H + j, _mm256_sub_ps(_mm256_add_ps(gr, gr), k->one), tail, m);
    }
}

/* pass 4; training (ar) also stores o = 1 / Do; the int16 path (hq) also stores h_q =
 * round(h * CLSTM_Q_HSCALE) for all 8 lanes (hq has row stride Hp; the lanes past H meet zero
 * weights; |h| <= 1, so the int32 -> int16 pack does not saturate) */
AVX2_FN void hidden_units(const float *p, int Hp, int j, float *hr, float *ar, int16_t *hq, int H, const int tail,
                          const __m256i m, const rk_gate_consts *k) {
    const __m256 ec = _mm256_load_ps(p + Hp + j), dq = _mm256_load_ps(p + 3 * Hp + j);
    const __m256 hv = _mm256_div_ps(_mm256_sub_ps(k->one, ec), _mm256_mul_ps(dq, _mm256_add_ps(k->one, ec)));
    store8(hr + j, hv, tail, m);
    if (ar) store8nt(ar + 3 * H + j, rk_recip(dq), tail, m);
    if (hq) {
        const __m256i qi = _mm256_cvtps_epi32(_mm256_mul_ps(hv, k->hq));
        _mm_store_si128((__m128i *)(hq + j), _mm_packs_epi32(_mm256_castsi256_si128(qi), _mm256_extracti128_si256(qi, 1)));
    }
}

__attribute__((target("avx2,fma"))) static void fwd_cells(int mr, int H, float *restrict pre,
                                                          const float *cp, float *c, float *h, float *act,
                                                          int16_t *hq) {
    const int Hp = (H + 7) & ~7, Hv = H & ~7, n = mr * 4 * Hp;
    const __m256i none = _mm256_setzero_si256(), m = tail_mask8(H - Hv);
    const rk_gate_consts *k = &rk_gate_k;
    __asm__("" : "+r"(k)); /* opaque: the constants stay memory operands instead of registers */
    for (int i = 0; i < n; i += 32) /* n is a multiple of 32 */
#pragma GCC unroll 4
        for (int v = 0; v < 32; v += 8)
            _mm256_store_ps(pre + i + v, rk_1p_exp2_8th(_mm256_load_ps(pre + i + v), k));
    for (int r = 0; r < mr; r++) {
        float *p = pre + (size_t)r * 4 * Hp, *cr = c + (size_t)r * H;
        const float *cpr = cp ? cp + (size_t)r * H : NULL;
        if (act) {
            float *ar = act + (size_t)r * 4 * H;
            for (int j = 0; j < Hv; j += 8) cell_units(p, Hp, j, cpr, cr, ar, H, 0, none, k);
            if (Hv < H) cell_units(p, Hp, Hv, cpr, cr, ar, H, 1, m, k);
        } else {
            for (int j = 0; j < Hv; j += 8) cell_units(p, Hp, j, cpr, cr, NULL, H, 0, none, k);
            if (Hv < H) cell_units(p, Hp, Hv, cpr, cr, NULL, H, 1, m, k);
        }
    }
    for (int r = 0; r < mr; r++) {
        float *p = pre + (size_t)r * 4 * Hp;
        if (act) {
            float *ar = act + (size_t)r * 4 * H;
            for (int j = 0; j < Hv; j += 8) tanh_exp_units(p, Hp, j, ar, H, 0, none, k);
            if (Hv < H) tanh_exp_units(p, Hp, Hv, ar, H, 1, m, k);
        } else {
            for (int j = 0; j < Hp; j += 8) tanh_exp_units(p, Hp, j, NULL, H, 0, none, k);
        }
    }
    for (int r = 0; r < mr; r++) {
        const float *p = pre + (size_t)r * 4 * Hp;
        float *hr = h + (size_t)r * H, *ar = act ? act + (size_t)r * 4 * H : NULL;
        if (ar) {
            for (int j = 0; j < Hv; j += 8) hidden_units(p, Hp, j, hr, ar, NULL, H, 0, none, k);
            if (Hv < H) hidden_units(p, Hp, Hv, hr, ar, NULL, H, 1, m, k);
        } else if (hq) {
            int16_t *qr = hq + (size_t)r * Hp;
            for (int j = 0; j < Hv; j += 8) hidden_units(p, Hp, j, hr, NULL, qr, H, 0, none, k);
            if (Hv < H) hidden_units(p, Hp, Hv, hr, NULL, qr, H, 1, m, k);
        } else {
            for (int j = 0; j < Hv; j += 8) hidden_units(p, Hp, j, hr, NULL, NULL, H, 0, none, k);
            if (Hv < H) hidden_units(p, Hp, Hv, hr, NULL, NULL, H, 1, m, k);
        }
    }
}

/* One step for rows [0, mr) of a tile: h, c, act (may be NULL) get the step's outputs.
 * pre: scratch of MR * 4 * Hp floats (64-byte aligned). */
AVX2_FN void fwd_step(const int mr, const float *restrict pk, int H, int In, const float *hp,
                      const float *x, const float *cp, float *c, float *h, float *act, float *pre) {
    fwd_preact(mr, pk, H, In, hp, x, pre);
    fwd_cells(mr, H, pre, cp, c, h, act, NULL);
}

/* fwd_preact with the int16 recurrent product (CLSTM_PRECISION_INT16): per panel, the int32 sums
 * of Wh_q h_q (vpmaddwd on pairs of k, vpaddd; 12 accumulators for 6 rows x 16 columns), then
 * bias + dequant * sum in one FMA, then the fp32 input part. hq: h_q of the previous step, row
 * stride Hp (NULL at t = 0); wq / pk as clstm_q_pack. */
AVX2_FN void fwd_preact_q(const int mr, const int16_t *restrict wq, const float *restrict pk, int H, int In,
                          const int16_t *hq, const float *x, float *restrict pre) {
    const int njb = (H + 3) / 4, Hp = (H + 7) & ~7, Kh = (H + 1) / 2;
    const size_t Pq = (size_t)32 * Kh, Pf = (size_t)16 * (2 + In);
    for (int jb = 0; jb < njb; jb++) {
        const float *f = pk + jb * Pf;
        __m256 a0[MR], a1[MR];
        const __m256 b0 = _mm256_load_ps(f), b1 = _mm256_load_ps(f + 8);
        if (hq) {
            const int16_t *w = wq + jb * Pq;
            __m256i s0[MR], s1[MR];
            #pragma GCC unroll 6
            for (int r = 0; r < mr; r++) { s0[r] = _mm256_setzero_si256(); s1[r] = _mm256_setzero_si256(); }
            /* not unrolled: unrolled, clang re-associates the integer adds across k pairs into trees
             * that need more than 16 registers and spills accumulators (measured ~7 % slower) */
#pragma GCC unroll 1
            for (int kp = 0; kp < Kh; kp++) {
                const __m256i w0 = _mm256_load_si256((const __m256i *)(w + 32 * kp));
                const __m256i w1 = _mm256_load_si256((const __m256i *)(w + 32 * kp + 16));
                #pragma GCC unroll 6
                for (int r = 0; r < mr; r++) {
                    int32_t pair;
                    memcpy(&pair, hq + (size_t)r * Hp + 2 * kp, sizeof pair);
                    const __m256i v = _mm256_set1_epi32(pair);
                    s0[r] = _mm256_add_epi32(s0[r], _mm256_madd_epi16(v, w0));
                    s1[r] = _mm256_add_epi32(s1[r], _mm256_madd_epi16(v, w1));
                }
            }
            const __m256 d0 = _mm256_load_ps(f + 16), d1 = _mm256_load_ps(f + 24);
            #pragma GCC unroll 6
            for (int r = 0; r < mr; r++) {
                a0[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s0[r]), d0, b0);
                a1[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s1[r]), d1, b1);
            }
        } else {
            #pragma GCC unroll 6
            for (int r = 0; r < mr; r++) { a0[r] = b0; a1[r] = b1; }
        }
        panel_fma(mr, f + 32, x, (size_t)In, In, a0, a1);
        store_preact(mr, pre + jb * 4, Hp, a0, a1);
    }
}

__attribute__((target("avx2,fma"))) static void fwd_step_any(int mr, const float *pk, int H, int In,
                                                             const float *hp, const float *x, const float *cp,
                                                             float *c, float *h, float *act, float *pre) {
#define FWD_STEP(m) fwd_step(m, pk, H, In, hp, x, cp, c, h, act, pre)
    MR_DISPATCH(mr, FWD_STEP)
#undef FWD_STEP
}

__attribute__((target("avx2,fma"))) static void fwd_step_q_any(int mr, const int16_t *wq, const float *pk, int H,
                                                               int In, const int16_t *hqp, const float *x,
                                                               const float *cp, float *c, float *h, int16_t *hq,
                                                               float *pre) {
#define FWD_STEP_Q(m)                                  \
    do {                                               \
        fwd_preact_q(m, wq, pk, H, In, hqp, x, pre);   \
        fwd_cells(m, H, pre, cp, c, h, NULL, hq);      \
    } while (0)
    MR_DISPATCH(mr, FWD_STEP_Q)
#undef FWD_STEP_Q
}

void clstm_fwd_layer_q_fused(const int16_t *wq, const float *pk, int In, int H, int T, int B, int r0, int r1,
                             const float *x, float *h_all, float *h_last, float *scratch, int wide) {
    const size_t hs = (size_t)B * H, xs = (size_t)B * In;
    const int Hp = (H + 7) & ~7;
    float *cs = scratch, *hb[2] = {scratch + MR * H, scratch + 2 * MR * H};
    float *pre = scratch + up16((size_t)3 * MR * H);
    int16_t *hq[2] = {(int16_t *)(pre + (size_t)MR * 4 * Hp), (int16_t *)(pre + (size_t)MR * 4 * Hp) + MR * Hp};
    for (int rb = r0; rb < r1; rb += MR) {
        const int mr = r1 - rb < MR ? r1 - rb : MR;
        for (int t = 0; t < T; t++) {
            const float *xt = x + t * xs + (size_t)rb * In;
            float *ht = h_all ? h_all + t * hs + (size_t)rb * H : t == T - 1 ? h_last + (size_t)rb * H : hb[t & 1];
            if (t + 1 < T)
                for (size_t o = 0; o < (size_t)mr * In; o += 16) __builtin_prefetch(xt + xs + o);
            (wide ? clstm_fwd_step_q_avx512 : fwd_step_q_any)(mr, wq, pk, H, In, t == 0 ? NULL : hq[(t - 1) & 1], xt,
                                                              t == 0 ? NULL : cs, cs, ht, hq[t & 1], pre);
        }
    }
}

void clstm_fwd_layer_fused(const float *pk, int In, int H, int T, int B, int r0, int r1, const float *x,
                           float *h_all, float *c_all, float *act_all, float *h_last, float *scratch, int wide) {
    const size_t hs = (size_t)B * H, xs = (size_t)B * In;
    float *cs = scratch, *hb[2] = {scratch + MR * H, scratch + 2 * MR * H};
    float *pre = scratch + up16((size_t)3 * MR * H);
    for (int rb = r0; rb < r1; rb += MR) {
        const int mr = r1 - rb < MR ? r1 - rb : MR;
        for (int t = 0; t < T; t++) {
            const float *xt = x + t * xs + (size_t)rb * In;
            const float *hp = t == 0 ? NULL : h_all ? h_all + (t - 1) * hs + (size_t)rb * H : hb[(t - 1) & 1];
            float *ht = h_all ? h_all + t * hs + (size_t)rb * H : t == T - 1 ? h_last + (size_t)rb * H : hb[t & 1];
            float *ct = c_all ? c_all + t * hs + (size_t)rb * H : cs;
            const float *cp = t == 0 ? NULL : c_all ? c_all + (t - 1) * hs + (size_t)rb * H : cs;
            float *at = act_all ? act_all + (t * hs + (size_t)rb * H) * 4 : NULL;
            if (t + 1 < T) /* the next step's input rows: a cache miss per step otherwise */
                for (size_t o = 0; o < (size_t)mr * In; o += 16) __builtin_prefetch(xt + xs + o);
            (wide ? clstm_fwd_step_avx512 : fwd_step_any)(mr, pk, H, In, hp, xt, cp, ct, ht, at, pre);
        }
    }
    if (act_all) _mm_sfence(); /* the activated gates were written with streaming stores */
}

/* Gate backward of one step (see clstm_gates_backward; this kernel's tanh): act row stride 4H;
 * c, c_prev, dh_above, dh_rec, dc row stride H; dg row stride 4H. The fused backward calls it on
 * a tile's rows, the unfused AVX-512 path on the whole batch. */
__attribute__((target("avx2,fma"))) void clstm_gates_backward_avx2(const float *act, const float *c,
                                                                   const float *c_prev, const float *dh_above,
                                                                   const float *dh_rec, float *dc, float *dg,
                                                                   int batch, int hidden) {
    const int H = hidden, Hv = H & ~7;
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    for (int b = 0; b < batch; b++) {
        const clstm_bwd_row rw = clstm_bwd_row_at(act, c, c_prev, dh_above, dh_rec, dc, dg, b, H);
        const float *a = rw.act;
        float *d = rw.dg;
#pragma GCC unroll 4
        for (int j = 0; j < Hv; j += 8) {
            const __m256 i = _mm256_loadu_ps(a + j), f = _mm256_loadu_ps(a + H + j);
            const __m256 gg = _mm256_loadu_ps(a + 2 * H + j), o = _mm256_loadu_ps(a + 3 * H + j);
            __m256 dh = rw.dh_above ? _mm256_loadu_ps(rw.dh_above + j) : zero;
            if (rw.dh_rec) dh = _mm256_add_ps(dh, _mm256_loadu_ps(rw.dh_rec + j));
            const __m256 tc = rk_tanh8(_mm256_loadu_ps(rw.c + j));
            const __m256 dcv = _mm256_fmadd_ps(_mm256_mul_ps(dh, o), _mm256_fnmadd_ps(tc, tc, one), _mm256_loadu_ps(rw.dc + j));
            const __m256 cpv = rw.c_prev ? _mm256_loadu_ps(rw.c_prev + j) : zero;
            _mm256_storeu_ps(d + j, _mm256_mul_ps(_mm256_mul_ps(dcv, gg), _mm256_fnmadd_ps(i, i, i)));
            _mm256_storeu_ps(d + H + j, _mm256_mul_ps(_mm256_mul_ps(dcv, cpv), _mm256_fnmadd_ps(f, f, f)));
            _mm256_storeu_ps(d + 2 * H + j, _mm256_mul_ps(_mm256_mul_ps(dcv, i), _mm256_fnmadd_ps(gg, gg, one)));
            _mm256_storeu_ps(d + 3 * H + j, _mm256_mul_ps(_mm256_mul_ps(dh, tc), _mm256_fnmadd_ps(o, o, o)));
            _mm256_storeu_ps(rw.dc + j, _mm256_mul_ps(dcv, f));
        }
        for (int j = Hv; j < H; j++) clstm_gate_backward_unit(&rw, j, H);
    }
}

/* out[r][0..N) = sum_k dg[r][k] * W[k][.] for rows [0, mr), k over K = 4H; W packed in 16-column
 * panels [nb][K][16]; dg row stride K, out row stride N. */
AVX2_FN void bwd_rec(const int mr, const float *restrict pk, int K, int N, const float *dg, float *out) {
    const int nnb = (N + 15) / 16;
    for (int nb = 0; nb < nnb; nb++) {
        const float *w = pk + (size_t)nb * 16 * K;
        __m256 a0[MR], a1[MR];
        #pragma GCC unroll 6
        for (int r = 0; r < mr; r++) { a0[r] = _mm256_setzero_ps(); a1[r] = _mm256_setzero_ps(); }
        panel_fma(mr, w, dg, (size_t)K, K, a0, a1);
        const int n0 = nb * 16;
        #pragma GCC unroll 6
        for (int r = 0; r < mr; r++) {
            float *o = out + (size_t)r * N + n0;
            if (n0 + 16 <= N) {
                _mm256_storeu_ps(o, a0[r]);
                _mm256_storeu_ps(o + 8, a1[r]);
            } else {
                float tmp[16];
                _mm256_storeu_ps(tmp, a0[r]);
                _mm256_storeu_ps(tmp + 8, a1[r]);
                memcpy(o, tmp, (size_t)(N - n0) * sizeof(float));
            }
        }
    }
}

__attribute__((target("avx2,fma"))) static void bwd_rec_any(int mr, const float *pk, int K, int N,
                                                            const float *dg, float *out) {
#define BWD_REC(m) bwd_rec(m, pk, K, N, dg, out)
    MR_DISPATCH(mr, BWD_REC)
#undef BWD_REC
}

/* Weight-gradient update, transposed: C[n][m] += sum_k Z[k][n] * D[k][m] for n in [n0, n0 + nn),
 * m < M. D = dG rows [K][M]; Z = [h_{t-1} | x_t | 1] rows [K][N]. */
static const int32_t lane_mask16[32] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
AVX2_FN void wgrad_rows(const int nn, int n0, int M, int N, int K, const float *D, const float *Z, float *C) {
    for (int m0 = 0; m0 < M; m0 += 16) {
        const int full = m0 + 16 <= M;
        const int rem = full ? 16 : M - m0, v0 = rem < 8 ? rem : 8, v1 = rem > 8 ? rem - 8 : 0;
        const __m256i k0 = _mm256_loadu_si256((const __m256i *)(lane_mask16 + 16 - v0));
        const __m256i k1 = _mm256_loadu_si256((const __m256i *)(lane_mask16 + 16 - v1));
        __m256 a0[MR], a1[MR];
#pragma GCC unroll 6
        for (int i = 0; i < nn; i++) { a0[i] = _mm256_setzero_ps(); a1[i] = _mm256_setzero_ps(); }
#pragma GCC unroll 4
        for (int k = 0; k < K; k++) {
            const float *d = D + (size_t)k * M + m0;
            const __m256 d0 = full ? _mm256_loadu_ps(d) : _mm256_maskload_ps(d, k0);
            const __m256 d1 = full ? _mm256_loadu_ps(d + 8) : _mm256_maskload_ps(d + 8, k1);
#pragma GCC unroll 6
            for (int i = 0; i < nn; i++) {
                const __m256 s = _mm256_broadcast_ss(Z + (size_t)k * N + n0 + i);
                a0[i] = _mm256_fmadd_ps(s, d0, a0[i]);
                a1[i] = _mm256_fmadd_ps(s, d1, a1[i]);
            }
        }
#pragma GCC unroll 6
        for (int i = 0; i < nn; i++) {
            float *c = C + (size_t)(n0 + i) * M + m0;
            if (full) {
                _mm256_storeu_ps(c, _mm256_add_ps(_mm256_loadu_ps(c), a0[i]));
                _mm256_storeu_ps(c + 8, _mm256_add_ps(_mm256_loadu_ps(c + 8), a1[i]));
            } else {
                _mm256_maskstore_ps(c, k0, _mm256_add_ps(_mm256_maskload_ps(c, k0), a0[i]));
                _mm256_maskstore_ps(c + 8, k1, _mm256_add_ps(_mm256_maskload_ps(c + 8, k1), a1[i]));
            }
        }
    }
}

__attribute__((target("avx2,fma"))) static void wgrad(int M, int N, int K, const float *D, const float *Z,
                                                      float *C) {
    int n0 = 0;
    for (; n0 + MR <= N; n0 += MR) wgrad_rows(MR, n0, M, N, K, D, Z, C);
#define WGRAD_ROWS(m) wgrad_rows(m, n0, M, N, K, D, Z, C)
    if (n0 < N) MR_DISPATCH(N - n0, WGRAD_ROWS)
#undef WGRAD_ROWS
}

/* rows [h_{t-1} | x_t | 1] of the tile (h NULL: zero state) */
static void copy_z_rows(int mr, int H, int In, const float *h, const float *x, float *z) {
    const int N = H + In + 1;
    for (int r = 0; r < mr; r++) {
        float *zr = z + (size_t)r * N;
        if (h) memcpy(zr, h + (size_t)r * H, (size_t)H * sizeof(float));
        else memset(zr, 0, (size_t)H * sizeof(float));
        memcpy(zr + H, x + (size_t)r * In, (size_t)In * sizeof(float));
        zr[H + In] = 1.0f;
    }
}

#define BWD_STEPS CLSTM_BWD_STEPS

void clstm_bwd_layer_fused(const clstm_bwd_args *a, int r0, int r1, float *scratch) {
    const int H = a->H, T = a->T, B = a->B, In = a->In, G = 4 * H, N = H + In + 1;
    const size_t hs = (size_t)B * H, xs = (size_t)B * In;
    float *dc = scratch;
    float *dr = dc + up16((size_t)MR * H);
    float *dgb = dr + up16((size_t)MR * H);            /* [S][mr][4H] */
    float *zb = dgb + up16((size_t)BWD_STEPS * MR * G); /* [S][mr][H + In + 1] */
    for (int rb = r0; rb < r1; rb += MR) {
        const int mr = r1 - rb < MR ? r1 - rb : MR;
        memset(dc, 0, (size_t)mr * H * sizeof(float));
        int nbuf = 0;
        for (int t = T - 1; t >= 0; t--) {
            const size_t off = t * hs + (size_t)rb * H;
            const float *da = a->dh_above ? a->dh_above + off
                              : (t == T - 1 && a->dh_top) ? a->dh_top + (size_t)rb * H : NULL;
            float *dg = dgb + (size_t)nbuf * mr * G;
            clstm_gates_backward_avx2(a->act + off * 4, a->c + off, t > 0 ? a->c + off - hs : NULL, da,
                                      t == T - 1 ? NULL : dr, dc, dg, mr, H);
            copy_z_rows(mr, H, In, t > 0 ? a->h + off - hs : NULL, a->x + t * xs + (size_t)rb * In,
                        zb + (size_t)nbuf * mr * N);
            if (t > 0) (a->wide ? clstm_bwd_rec_avx512 : bwd_rec_any)(mr, a->pk_wh, G, H, dg, dr);
            if (a->dx)
                (a->wide ? clstm_bwd_rec_avx512 : bwd_rec_any)(mr, a->pk_wx, G, In, dg, a->dx + t * xs + (size_t)rb * In);
            nbuf++;
            if (nbuf == BWD_STEPS || t == 0) {
                (a->wide ? clstm_wgrad_avx512 : wgrad)(G, N, nbuf * mr, dgb, zb, a->acc);
                nbuf = 0;
            }
        }
    }
}
#else
void clstm_fwd_layer_q_fused(const int16_t *wq, const float *pk, int In, int H, int T, int B, int r0, int r1,
                             const float *x, float *h_all, float *h_last, float *scratch, int wide) {
    (void)wq; (void)pk; (void)In; (void)H; (void)T; (void)B; (void)r0; (void)r1; (void)x;
    (void)h_all; (void)h_last; (void)scratch; (void)wide;
}
void clstm_fwd_layer_fused(const float *pk, int In, int H, int T, int B, int r0, int r1, const float *x,
                           float *h_all, float *c_all, float *act_all, float *h_last, float *scratch, int wide) {
    (void)pk; (void)In; (void)H; (void)T; (void)B; (void)r0; (void)r1; (void)x;
    (void)h_all; (void)c_all; (void)act_all; (void)h_last; (void)scratch; (void)wide;
}
void clstm_bwd_layer_fused(const clstm_bwd_args *a, int r0, int r1, float *scratch) {
    (void)a; (void)r0; (void)r1; (void)scratch;
}
void clstm_gates_backward_avx2(const float *act, const float *c, const float *c_prev, const float *dh_above,
                               const float *dh_rec, float *dc, float *dg, int batch, int hidden) {
    clstm_gates_backward(act, c, c_prev, dh_above, dh_rec, dc, dg, batch, hidden);
}
#endif
