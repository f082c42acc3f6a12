/* Fused recurrent kernels (AVX2 + FMA), used when the gate ISA is AVX2.
 *
 * Forward: one register-blocked kernel per (row tile, step) computes, for up to 6 sequences at
 * once, bias + Wx·x_t + Wh·h_{t-1} for all four gates of 4 hidden units and applies the gate
 * non-linearities and the cell update while the tile is still in registers. The weights are
 * packed once per call into panels of 16 columns, [i0..3 f0..3 | g0..3 o0..3] for hidden units
 * 4·jb .. 4·jb+3, each panel = bias (16), then H rows of Wh, then I rows of Wx (K = H + I). The
 * input projection is fused in the same K loop (no separate GEMM, no gate buffer).
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
#include <string.h>

#define MR 6 /* rows (sequences) per tile */

size_t clstm_fwd_pack_floats(int In, int H) { return (size_t)((H + 3) / 4) * 16 * (size_t)(1 + H + In); }
size_t clstm_bwd_pack_floats(int N, int H) { return (size_t)((N + 15) / 16) * 16 * (size_t)(4 * H); }

size_t clstm_scratch_floats(int In, int H) {
    const size_t G = 4 * (size_t)H;
    const size_t fwd = 3 * MR * (size_t)H + 16;
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
            p[col] = valid ? bias[row] : 0.0f;
            for (int k = 0; k < H; k++) p[16 * (1 + k) + col] = valid ? Wh[row * H + k] : 0.0f;
            for (int k = 0; k < In; k++) p[16 * (1 + H + k) + col] = valid ? Wx[row * In + k] : 0.0f;
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
/* sigmoid(x) = 1 / (1 + exp(-x)) for 8 floats. exp(-x) = 2^n e^r with n = round(-x log2 e) taken
 * from the mantissa of -x log2 e + (1.5 * 2^23 + 127) (so the exponent bits come from one shift),
 * r = -x - n ln2, e^r by a degree-5 minimax polynomial on |r| <= ln2/2 (rel. error 2.2e-7).
 * |x| is clamped to 87, where sigmoid is 0 or 1 to float precision. */
AVX2_FN __m256 rk_sigmoid8(__m256 x) {
    const __m256 magic = _mm256_set1_ps(12583039.0f); /* 1.5 * 2^23 + 127 */
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(87.0f));
    const __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(-1.44269504088896341f), magic);
    const __m256 n = _mm256_sub_ps(t, magic);
    const __m256 r = _mm256_fnmsub_ps(n, _mm256_set1_ps(0.693147180559945f), x); /* -x - n ln2 */
    __m256 p = _mm256_set1_ps(0.008296214044094086f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.04192537069320679f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.16667649149894714f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.49998804926872253f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.9999996423721313f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0000001192092896f));
    const __m256 e = _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(t), 23)));
    return rk_recip(_mm256_add_ps(_mm256_set1_ps(1.0f), e));
}
/* tanh(x) = 2 sigmoid(2x) - 1 */
AVX2_FN __m256 rk_tanh8(__m256 x) {
    __m256 s = rk_sigmoid8(_mm256_add_ps(x, x));
    return _mm256_sub_ps(_mm256_add_ps(s, s), _mm256_set1_ps(1.0f));
}

static const int32_t lane_mask[8] = {-1, -1, -1, -1, 0, 0, 0, 0};
AVX2_FN __m128i tail_mask(int n) { return _mm_loadu_si128((const __m128i *)(lane_mask + 4 - n)); }

AVX2_FN void store4(float *p, __m128 v, int nj, __m128i m) {
    if (nj == 4) _mm_storeu_ps(p, v);
    else _mm_maskstore_ps(p, m, v);
}
AVX2_FN __m128 load4(const float *p, int nj, __m128i m) {
    return nj == 4 ? _mm_loadu_ps(p) : _mm_maskload_ps(p, m);
}

/* One step for rows [0, mr) of a tile: h, c, act (may be NULL) get the step's outputs.
 * hp (previous h, NULL at t = 0) and h/c/cp have row stride H, x row stride In, act 4H. */
AVX2_FN void fwd_step(const int mr, const float *restrict pk, int H, int In, const float *hp,
                      const float *x, const float *cp, float *c, float *h, float *act) {
    const int njb = (H + 3) / 4;
    const size_t P = (size_t)16 * (1 + H + In);
    const __m256 two_one = _mm256_setr_ps(2, 2, 2, 2, 1, 1, 1, 1);
    const __m256 one_zero = _mm256_setr_ps(1, 1, 1, 1, 0, 0, 0, 0);
    for (int jb = 0; jb < njb; jb++) {
        const float *w = pk + jb * P;
        __m256 a0[MR], a1[MR];
        const __m256 b0 = _mm256_load_ps(w), b1 = _mm256_load_ps(w + 8);
        #pragma GCC unroll 6
        for (int r = 0; r < mr; r++) { a0[r] = b0; a1[r] = b1; }
        w += 16;
        if (hp) {
#pragma GCC unroll 4
            for (int k = 0; k < H; k++) {
                const __m256 w0 = _mm256_load_ps(w + 16 * k), w1 = _mm256_load_ps(w + 16 * k + 8);
                #pragma GCC unroll 6
                for (int r = 0; r < mr; r++) {
                    const __m256 s = _mm256_broadcast_ss(hp + (size_t)r * H + k);
                    a0[r] = _mm256_fmadd_ps(s, w0, a0[r]);
                    a1[r] = _mm256_fmadd_ps(s, w1, a1[r]);
                }
            }
        }
        w += (size_t)16 * H;
#pragma GCC unroll 4
        for (int k = 0; k < In; k++) {
            const __m256 w0 = _mm256_load_ps(w + 16 * k), w1 = _mm256_load_ps(w + 16 * k + 8);
            #pragma GCC unroll 6
            for (int r = 0; r < mr; r++) {
                const __m256 s = _mm256_broadcast_ss(x + (size_t)r * In + k);
                a0[r] = _mm256_fmadd_ps(s, w0, a0[r]);
                a1[r] = _mm256_fmadd_ps(s, w1, a1[r]);
            }
        }
        /* a0 = [i | f] -> sigmoid; a1 = [g | o] -> [tanh | sigmoid] = two_one*sigmoid(two_one*x) - one_zero */
        #pragma GCC unroll 6
        for (int r = 0; r < mr; r++) {
            a0[r] = rk_sigmoid8(a0[r]);
            a1[r] = _mm256_fmsub_ps(two_one, rk_sigmoid8(_mm256_mul_ps(a1[r], two_one)), one_zero);
        }
        const int j0 = jb * 4, nj = H - j0 < 4 ? H - j0 : 4;
        const __m128i m = tail_mask(nj);
        if (act)
            #pragma GCC unroll 6
            for (int r = 0; r < mr; r++) {
                float *ar = act + (size_t)r * 4 * H + j0;
                store4(ar, _mm256_castps256_ps128(a0[r]), nj, m);
                store4(ar + H, _mm256_extractf128_ps(a0[r], 1), nj, m);
                store4(ar + 2 * H, _mm256_castps256_ps128(a1[r]), nj, m);
                store4(ar + 3 * H, _mm256_extractf128_ps(a1[r], 1), nj, m);
            }
        /* rows in pairs (r, s): lanes 0..3 row r, 4..7 row s */
        #pragma GCC unroll 6
        for (int r = 0; r < mr; r += 2) {
            const int s = r + 1 < mr ? r + 1 : r;
            const __m256 I = _mm256_permute2f128_ps(a0[r], a0[s], 0x20);
            const __m256 F = _mm256_permute2f128_ps(a0[r], a0[s], 0x31);
            const __m256 G = _mm256_permute2f128_ps(a1[r], a1[s], 0x20);
            const __m256 O = _mm256_permute2f128_ps(a1[r], a1[s], 0x31);
            __m256 cv = _mm256_mul_ps(I, G);
            if (cp) {
                const __m256 cprev = _mm256_set_m128(load4(cp + (size_t)s * H + j0, nj, m),
                                                     load4(cp + (size_t)r * H + j0, nj, m));
                cv = _mm256_fmadd_ps(F, cprev, cv);
            }
            const __m256 hv = _mm256_mul_ps(O, rk_tanh8(cv));
            store4(c + (size_t)r * H + j0, _mm256_castps256_ps128(cv), nj, m);
            store4(h + (size_t)r * H + j0, _mm256_castps256_ps128(hv), nj, m);
            if (s != r) {
                store4(c + (size_t)s * H + j0, _mm256_extractf128_ps(cv, 1), nj, m);
                store4(h + (size_t)s * H + j0, _mm256_extractf128_ps(hv, 1), nj, m);
            }
        }
    }
}

__attribute__((target("avx2,fma"))) static void fwd_step_any(int mr, const float *pk, int H, int In,
                                                             const float *hp, const float *x, const float *cp,
                                                             float *c, float *h, float *act) {
    switch (mr) {
    case 6: fwd_step(6, pk, H, In, hp, x, cp, c, h, act); break;
    case 5: fwd_step(5, pk, H, In, hp, x, cp, c, h, act); break;
    case 4: fwd_step(4, pk, H, In, hp, x, cp, c, h, act); break;
    case 3: fwd_step(3, pk, H, In, hp, x, cp, c, h, act); break;
    case 2: fwd_step(2, pk, H, In, hp, x, cp, c, h, act); break;
    default: fwd_step(1, pk, H, In, hp, x, cp, c, h, act); break;
    }
}

void clstm_fwd_layer_avx2(const float *pk, int In, int H, int T, int B, int r0, int r1, const float *x,
                          float *h_all, float *c_all, float *act_all, float *h_last, float *scratch) {
    const size_t hs = (size_t)B * H, xs = (size_t)B * In;
    float *cs = scratch, *hb[2] = {scratch + MR * H, scratch + 2 * MR * H};
    for (int rb = r0; rb < r1; rb += MR) {
        const int mr = r1 - rb < MR ? r1 - rb : MR;
        for (int t = 0; t < T; t++) {
            const float *xt = x + t * xs + (size_t)rb * In;
            const float *hp = t == 0 ? NULL : h_all ? h_all + (t - 1) * hs + (size_t)rb * H : hb[(t - 1) & 1];
            float *ht = h_all ? h_all + t * hs + (size_t)rb * H : t == T - 1 ? h_last + (size_t)rb * H : hb[t & 1];
            float *ct = c_all ? c_all + t * hs + (size_t)rb * H : cs;
            const float *cp = t == 0 ? NULL : c_all ? c_all + (t - 1) * hs + (size_t)rb * H : cs;
            float *at = act_all ? act_all + (t * hs + (size_t)rb * H) * 4 : NULL;
            fwd_step_any(mr, pk, H, In, hp, xt, cp, ct, ht, at);
        }
    }
}

/* Gate backward of one step for rows [0, mr) (same arithmetic as clstm_gates_backward, with the
 * kernels' tanh). act row stride 4H; c, c_prev, dh_above, dh_rec, dc row stride H; dg row stride 4H. */
__attribute__((target("avx2,fma"))) static void bwd_gates(int mr, int H, const float *act, const float *c,
                                                          const float *c_prev, const float *dh_above,
                                                          const float *dh_rec, float *dc, float *dg) {
    const int Hv = H & ~7;
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    for (int b = 0; b < mr; b++) {
        const float *a = act + (size_t)b * 4 * H;
        const float *cr = c + (size_t)b * H;
        const float *cp = c_prev ? c_prev + (size_t)b * H : NULL;
        const float *da = dh_above ? dh_above + (size_t)b * H : NULL;
        const float *dr = dh_rec ? dh_rec + (size_t)b * H : NULL;
        float *dcr = dc + (size_t)b * H;
        float *d = dg + (size_t)b * 4 * H;
#pragma GCC unroll 4
        for (int j = 0; j < Hv; j += 8) {
            const __m256 i = _mm256_loadu_ps(a + j), f = _mm256_loadu_ps(a + H + j);
            const __m256 gg = _mm256_loadu_ps(a + 2 * H + j), o = _mm256_loadu_ps(a + 3 * H + j);
            __m256 dh = da ? _mm256_loadu_ps(da + j) : zero;
            if (dr) dh = _mm256_add_ps(dh, _mm256_loadu_ps(dr + j));
            const __m256 tc = rk_tanh8(_mm256_loadu_ps(cr + j));
            const __m256 dcv = _mm256_fmadd_ps(_mm256_mul_ps(dh, o), _mm256_fnmadd_ps(tc, tc, one), _mm256_loadu_ps(dcr + j));
            const __m256 cpv = cp ? _mm256_loadu_ps(cp + j) : zero;
            _mm256_storeu_ps(d + j, _mm256_mul_ps(_mm256_mul_ps(dcv, gg), _mm256_fnmadd_ps(i, i, i)));
            _mm256_storeu_ps(d + H + j, _mm256_mul_ps(_mm256_mul_ps(dcv, cpv), _mm256_fnmadd_ps(f, f, f)));
            _mm256_storeu_ps(d + 2 * H + j, _mm256_mul_ps(_mm256_mul_ps(dcv, i), _mm256_fnmadd_ps(gg, gg, one)));
            _mm256_storeu_ps(d + 3 * H + j, _mm256_mul_ps(_mm256_mul_ps(dh, tc), _mm256_fnmadd_ps(o, o, o)));
            _mm256_storeu_ps(dcr + j, _mm256_mul_ps(dcv, f));
        }
        for (int j = Hv; j < H; j++) {
            const float iv = a[j], fv = a[H + j], gv = a[2 * H + j], ov = a[3 * H + j];
            const float dhv = (da ? da[j] : 0.0f) + (dr ? dr[j] : 0.0f);
            const float tcv = tanhf(cr[j]);
            const float dcv = dcr[j] + dhv * ov * (1.0f - tcv * tcv);
            const float cpv = cp ? cp[j] : 0.0f;
            d[j] = dcv * gv * iv * (1.0f - iv);
            d[H + j] = dcv * cpv * fv * (1.0f - fv);
            d[2 * H + j] = dcv * iv * (1.0f - gv * gv);
            d[3 * H + j] = dhv * tcv * ov * (1.0f - ov);
            dcr[j] = dcv * fv;
        }
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
#pragma GCC unroll 4
        for (int k = 0; k < K; k++) {
            const __m256 w0 = _mm256_load_ps(w + 16 * k), w1 = _mm256_load_ps(w + 16 * k + 8);
            #pragma GCC unroll 6
            for (int r = 0; r < mr; r++) {
                const __m256 s = _mm256_broadcast_ss(dg + (size_t)r * K + k);
                a0[r] = _mm256_fmadd_ps(s, w0, a0[r]);
                a1[r] = _mm256_fmadd_ps(s, w1, a1[r]);
            }
        }
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
    switch (mr) {
    case 6: bwd_rec(6, pk, K, N, dg, out); break;
    case 5: bwd_rec(5, pk, K, N, dg, out); break;
    case 4: bwd_rec(4, pk, K, N, dg, out); break;
    case 3: bwd_rec(3, pk, K, N, dg, out); break;
    case 2: bwd_rec(2, pk, K, N, dg, out); break;
    default: bwd_rec(1, pk, K, N, dg, out); break;
    }
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
    switch (N - n0) {
    case 5: wgrad_rows(5, n0, M, N, K, D, Z, C); break;
    case 4: wgrad_rows(4, n0, M, N, K, D, Z, C); break;
    case 3: wgrad_rows(3, n0, M, N, K, D, Z, C); break;
    case 2: wgrad_rows(2, n0, M, N, K, D, Z, C); break;
    case 1: wgrad_rows(1, n0, M, N, K, D, Z, C); break;
    default: break;
    }
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
static size_t up16(size_t n) { return (n + 15) & ~(size_t)15; }

void clstm_bwd_layer_avx2(const clstm_bwd_args *a, int r0, int r1, float *scratch) {
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
            bwd_gates(mr, H, a->act + off * 4, a->c + off, t > 0 ? a->c + off - hs : NULL, da,
                      t == T - 1 ? NULL : dr, dc, dg);
            copy_z_rows(mr, H, In, t > 0 ? a->h + off - hs : NULL, a->x + t * xs + (size_t)rb * In,
                        zb + (size_t)nbuf * mr * N);
            if (t > 0) bwd_rec_any(mr, a->pk_wh, G, H, dg, dr);
            if (a->dx) bwd_rec_any(mr, a->pk_wx, G, In, dg, a->dx + t * xs + (size_t)rb * In);
            nbuf++;
            if (nbuf == BWD_STEPS || t == 0) {
                wgrad(G, N, nbuf * mr, dgb, zb, a->acc);
                nbuf = 0;
            }
        }
    }
}
#else
void clstm_fwd_layer_avx2(const float *pk, int In, int H, int T, int B, int r0, int r1, const float *x,
                          float *h_all, float *c_all, float *act_all, float *h_last, float *scratch) {
    (void)pk; (void)In; (void)H; (void)T; (void)B; (void)r0; (void)r1; (void)x;
    (void)h_all; (void)c_all; (void)act_all; (void)h_last; (void)scratch;
}
void clstm_bwd_layer_avx2(const clstm_bwd_args *a, int r0, int r1, float *scratch) {
    (void)a; (void)r0; (void)r1; (void)scratch;
}
#endif
