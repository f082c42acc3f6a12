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
 * CLSTM_BWD_STEPS steps, the tile's dG rows update dWh, dWx and db in one rank-(steps x rows)
 * product while they are still in cache. Weight gradients are summed per worker in a fixed
 * order, then the workers' sums are added in worker order: deterministic for a thread count. */
#include "internal.h"
#include <string.h>

#define MR 6 /* rows (sequences) per tile */

size_t clstm_fwd_pack_floats(int In, int H) { return (size_t)((H + 3) / 4) * 16 * (size_t)(1 + H + In); }
size_t clstm_bwd_pack_floats(int N, int H) { return (size_t)((N + 15) / 16) * 16 * (size_t)(4 * H); }

size_t clstm_scratch_floats(int In, int H) {
    const size_t G = 4 * (size_t)H, Hp = ((size_t)H + 15) & ~(size_t)15, Ip = ((size_t)In + 15) & ~(size_t)15;
    const size_t fwd = 3 * MR * (size_t)H + 16;
    const size_t bwd = 2 * (MR * (size_t)H + 16) + CLSTM_BWD_STEPS * MR * (G + Hp + Ip) + 48;
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

/* C[m][n] += sum_k A[k][m] * Bm[k][n] for m in [m0, m0 + mm), all n < N (C row stride N).
 * A: [K][M] (row stride M), Bm: [K][Np] with Np = N rounded up to 16, zero padded. */
AVX2_FN void wgrad_rows(const int mm, int m0, int M, int N, int K, const float *A, const float *Bm, float *C) {
    const int Np = (N + 15) & ~15;
    for (int n0 = 0; n0 < N; n0 += 16) {
        __m256 a0[MR], a1[MR];
        #pragma GCC unroll 6
        for (int i = 0; i < mm; i++) { a0[i] = _mm256_setzero_ps(); a1[i] = _mm256_setzero_ps(); }
#pragma GCC unroll 4
        for (int k = 0; k < K; k++) {
            const __m256 b0 = _mm256_load_ps(Bm + (size_t)k * Np + n0), b1 = _mm256_load_ps(Bm + (size_t)k * Np + n0 + 8);
            #pragma GCC unroll 6
            for (int i = 0; i < mm; i++) {
                const __m256 s = _mm256_broadcast_ss(A + (size_t)k * M + m0 + i);
                a0[i] = _mm256_fmadd_ps(s, b0, a0[i]);
                a1[i] = _mm256_fmadd_ps(s, b1, a1[i]);
            }
        }
        #pragma GCC unroll 6
        for (int i = 0; i < mm; i++) {
            float *c = C + (size_t)(m0 + i) * N + n0;
            if (n0 + 16 <= N) {
                _mm256_storeu_ps(c, _mm256_add_ps(_mm256_loadu_ps(c), a0[i]));
                _mm256_storeu_ps(c + 8, _mm256_add_ps(_mm256_loadu_ps(c + 8), a1[i]));
            } else {
                float tmp[16];
                _mm256_storeu_ps(tmp, a0[i]);
                _mm256_storeu_ps(tmp + 8, a1[i]);
                for (int n = 0; n < N - n0; n++) c[n] += tmp[n];
            }
        }
    }
}

__attribute__((target("avx2,fma"))) static void wgrad(int M, int N, int K, const float *A, const float *Bm,
                                                      float *C) {
    int m0 = 0;
    for (; m0 + MR <= M; m0 += MR) wgrad_rows(MR, m0, M, N, K, A, Bm, C);
    switch (M - m0) {
    case 5: wgrad_rows(5, m0, M, N, K, A, Bm, C); break;
    case 4: wgrad_rows(4, m0, M, N, K, A, Bm, C); break;
    case 3: wgrad_rows(3, m0, M, N, K, A, Bm, C); break;
    case 2: wgrad_rows(2, m0, M, N, K, A, Bm, C); break;
    case 1: wgrad_rows(1, m0, M, N, K, A, Bm, C); break;
    default: break;
    }
}

__attribute__((target("avx2,fma"))) static void colsum(int M, int K, const float *A, float *acc) {
    int m = 0;
    for (; m + 8 <= M; m += 8) {
        __m256 s = _mm256_loadu_ps(acc + m);
        for (int k = 0; k < K; k++) s = _mm256_add_ps(s, _mm256_loadu_ps(A + (size_t)k * M + m));
        _mm256_storeu_ps(acc + m, s);
    }
    for (; m < M; m++)
        for (int k = 0; k < K; k++) acc[m] += A[(size_t)k * M + m];
}

/* copies mr rows of n floats (row stride n) into rows of stride np = n rounded up to 16, zero padded */
static void copy_rows_padded(int mr, int n, const float *src, float *dst) {
    const int np = (n + 15) & ~15;
    #pragma GCC unroll 6
    for (int r = 0; r < mr; r++) {
        if (src) memcpy(dst + (size_t)r * np, src + (size_t)r * n, (size_t)n * sizeof(float));
        else memset(dst + (size_t)r * np, 0, (size_t)n * sizeof(float));
        memset(dst + (size_t)r * np + n, 0, (size_t)(np - n) * sizeof(float));
    }
}

#define BWD_STEPS CLSTM_BWD_STEPS
static size_t up16(size_t n) { return (n + 15) & ~(size_t)15; }

void clstm_bwd_layer_avx2(const clstm_bwd_args *a, int r0, int r1, float *scratch) {
    const int H = a->H, T = a->T, B = a->B, In = a->In, G = 4 * H;
    const size_t hs = (size_t)B * H, xs = (size_t)B * In;
    const size_t Hp = up16(H), Ip = up16(In);
    float *dc = scratch;
    float *dr = dc + up16((size_t)MR * H);
    float *dgb = dr + up16((size_t)MR * H);                /* [S][mr][4H] */
    float *hb = dgb + up16((size_t)BWD_STEPS * MR * G);     /* [S][mr][Hp] */
    float *xb = hb + up16((size_t)BWD_STEPS * MR * Hp);     /* [S][mr][Ip] */
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
            copy_rows_padded(mr, H, t > 0 ? a->h + off - hs : NULL, hb + (size_t)nbuf * mr * Hp);
            copy_rows_padded(mr, In, a->x + t * xs + (size_t)rb * In, xb + (size_t)nbuf * mr * Ip);
            if (t > 0) bwd_rec_any(mr, a->pk_wh, G, H, dg, dr);
            if (a->dx) bwd_rec_any(mr, a->pk_wx, G, In, dg, a->dx + t * xs + (size_t)rb * In);
            nbuf++;
            if (nbuf == BWD_STEPS || t == 0) {
                const int K = nbuf * mr;
                wgrad(G, H, K, dgb, hb, a->dWh);
                wgrad(G, In, K, dgb, xb, a->dWx);
                colsum(G, K, dgb, a->db);
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
