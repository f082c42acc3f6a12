/* Int16 quantisation of the recurrent weights (CLSTM_PRECISION_INT16, inference only) and the
 * portable int16 recurrent product. See internal.h for the scales and the overflow bound. */
#include "internal.h"
#include <math.h>
#include <string.h>

static int q_pairs(int H) { return (H + 1) / 2; }
size_t clstm_q_wh_elems(int H) { return (size_t)((H + 3) / 4) * (size_t)q_pairs(H) * 32; }
size_t clstm_q_pk_floats(int In, int H) { return (size_t)((H + 3) / 4) * 16 * (size_t)(2 + In); }

/* index of Wh_q[m][k] (gate row m = gate * H + j) in the packed panels */
static size_t q_index(int H, int m, int k) {
    const int gate = m / H, j = m % H, jb = j / 4, col = gate * 4 + j % 4;
    return ((size_t)jb * q_pairs(H) + (size_t)(k / 2)) * 32 + (size_t)col * 2 + (size_t)(k & 1);
}

/* round to nearest (ties to even, as the AVX2 conversion), in the int16 range; the callers' |v| is
 * at most ~32767.5, well inside |v| < 2^22 where adding and subtracting 1.5 * 2^23 rounds exactly
 * (no libm call: rintf is not inlined without SSE4.1) */
static int16_t q_round(float v) {
    const float magic = 12582912.0f; /* not folded: (v + c) - c is not v in IEEE arithmetic */
    const float r = (v + magic) - magic;
    /* NaN (non-finite weights) -> 0 rather than an undefined float -> int conversion */
    return (int16_t)(r > 32767.0f ? 32767 : r < -32767.0f ? -32767 : r == r ? (int)r : 0);
}

void clstm_q_pack(const float *Wx, const float *Wh, const float *bias, int In, int H, int16_t *wq, float *pk,
                  float *inv) {
    memset(wq, 0, clstm_q_wh_elems(H) * sizeof *wq);
    memset(pk, 0, clstm_q_pk_floats(In, H) * sizeof *pk);
    for (int m = 0; m < 4 * H; m++) {
        const float *w = Wh + (size_t)m * H;
        /* max and sum of |w| in 8 independent lanes (vectorised; one long chain of dependent adds
         * made this loop the cost of the quantisation) */
        float mx[8] = {0}, sm[8] = {0};
        int k = 0;
        for (; k + 8 <= H; k += 8)
            for (int e = 0; e < 8; e++) {
                const float a = fabsf(w[k + e]);
                sm[e] += a;
                mx[e] = a > mx[e] ? a : mx[e];
            }
        for (; k < H; k++) {
            const float a = fabsf(w[k]);
            sm[0] += a;
            mx[0] = a > mx[0] ? a : mx[0];
        }
        float amax = 0.0f;
        double asum = 0.0;
        for (int e = 0; e < 8; e++) {
            asum += sm[e];
            amax = mx[e] > amax ? mx[e] : amax;
        }
        /* s |w| <= 32767 for every weight, and s sum|w| + H / 2 (rounding) <= CLSTM_Q_WSUM_MAX (the
         * float sum's rounding is covered by the check on the rounded weights below) */
        double s = 1.0;
        if (amax > 0.0f) {
            s = 32767.0 / amax;
            const double ssum = ((double)CLSTM_Q_WSUM_MAX - 0.5 * H) / asum;
            if (ssum < s) s = ssum;
        }
        int16_t *dst = wq + q_index(H, m, 0); /* Wh_q[m][k] at dst[(k / 2) * 32 + (k & 1)] */
        long qsum;
        do { /* the bound above holds already; checked on the rounded weights all the same */
            qsum = 0;
            const float sf = (float)s;
            for (int k0 = 0; k0 < H; k0 += 64) { /* rounded in a contiguous, vectorisable loop */
                const int n = H - k0 < 64 ? H - k0 : 64;
                int32_t q[64];
                for (int e = 0; e < n; e++) q[e] = q_round(w[k0 + e] * sf);
                for (int e = 0; e < n; e++) {
                    const int kk = k0 + e;
                    dst[(size_t)(kk >> 1) * 32 + (kk & 1)] = (int16_t)q[e];
                    qsum += q[e] < 0 ? -q[e] : q[e];
                }
            }
            if (qsum > CLSTM_Q_WSUM_MAX) s *= 0.999;
        } while (qsum > CLSTM_Q_WSUM_MAX);
        inv[m] = (float)(1.0 / (s * (double)CLSTM_Q_HSCALE));
        /* the AVX2 side panel: as clstm_fwd_pack, pre-scaled for the gate sweep's exponential */
        const int gate = m / H, j = m % H, col = gate * 4 + j % 4;
        float *p = pk + (size_t)(j / 4) * 16 * (2 + In);
        const float sc = gate == 2 ? -16.0f * 1.44269504088896341f : -8.0f * 1.44269504088896341f;
        p[col] = sc * bias[m];
        p[16 + col] = (float)(sc / (s * (double)CLSTM_Q_HSCALE));
        for (int k = 0; k < In; k++) p[16 * (2 + k) + col] = sc * Wx[(size_t)m * In + k];
    }
}

void clstm_q_recurrent_portable(const int16_t *wq, const float *inv, const float *h, int B, int H, int16_t *hq,
                                float *g) {
    const int Kq = 2 * q_pairs(H);
    for (int b = 0; b < B; b++) {
        int16_t *q = hq + (size_t)b * Kq;
        for (int k = 0; k < H; k++) q[k] = q_round(h[(size_t)b * H + k] * CLSTM_Q_HSCALE);
        for (int k = H; k < Kq; k++) q[k] = 0;
    }
    for (int m = 0; m < 4 * H; m++) {
        const int gate = m / H, j = m % H;
        const int16_t *w = wq + (size_t)(j / 4) * q_pairs(H) * 32 + (size_t)(gate * 4 + j % 4) * 2;
        for (int b = 0; b < B; b++) {
            const int16_t *q = hq + (size_t)b * Kq;
            int32_t acc = 0; /* cannot overflow: see CLSTM_Q_WSUM_MAX */
            for (int kp = 0; kp < Kq / 2; kp++)
                acc += (int32_t)w[(size_t)kp * 32] * q[2 * kp] + (int32_t)w[(size_t)kp * 32 + 1] * q[2 * kp + 1];
            g[(size_t)b * 4 * H + m] += (float)acc * inv[m];
        }
    }
}

size_t clstm_q8_wh_bytes(int H) { return (size_t)((H + 3) / 4) * clstm_q8_panel_bytes(H); }

void clstm_q8_pack(const float *Wx, const float *Wh, const float *bias, int In, int H, int8_t *wq, float *pk) {
    const size_t P = clstm_q8_panel_bytes(H);
    memset(wq, 0, clstm_q8_wh_bytes(H));
    memset(pk, 0, clstm_q_pk_floats(In, H) * sizeof *pk);
    for (int m = 0; m < 4 * H; m++) {
        const float *w = Wh + (size_t)m * H;
        float mx[8] = {0};
        int k = 0;
        for (; k + 8 <= H; k += 8)
            for (int e = 0; e < 8; e++) {
                const float a = fabsf(w[k + e]);
                mx[e] = a > mx[e] ? a : mx[e];
            }
        for (; k < H; k++) mx[0] = fabsf(w[k]) > mx[0] ? fabsf(w[k]) : mx[0];
        float amax = 0.0f;
        for (int e = 0; e < 8; e++) amax = mx[e] > amax ? mx[e] : amax;
        const double s = amax > 0.0f ? 127.0 / amax : 1.0;
        const int gate = m / H, j = m % H, col = gate * 4 + j % 4;
        int8_t *panel = wq + (size_t)(j / 4) * P;
        int32_t sum = 0;
        const float sf = (float)s;
        for (int kk = 0; kk < H; kk++) {
            int q = q_round(w[kk] * sf);
            q = q > 127 ? 127 : q < -127 ? -127 : q;
            panel[64 + (size_t)(kk / 4) * 64 + (size_t)col * 4 + (size_t)(kk & 3)] = (int8_t)q;
            sum += q;
        }
        const int32_t corr = -128 * sum;
        memcpy(panel + (size_t)col * 4, &corr, sizeof corr);
        const float sc = gate == 2 ? -16.0f * 1.44269504088896341f : -8.0f * 1.44269504088896341f;
        float *p = pk + (size_t)(j / 4) * 16 * (2 + In);
        p[col] = sc * bias[m];
        p[16 + col] = (float)(sc / (s * (double)CLSTM_Q8_HSCALE));
        for (int kx = 0; kx < In; kx++) p[16 * (2 + kx) + col] = sc * Wx[(size_t)m * In + kx];
    }
}
