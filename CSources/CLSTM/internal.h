#ifndef CLSTM_INTERNAL_H
#define CLSTM_INTERNAL_H
#include "CLSTM.h"
#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Forward gate kernel: for a [batch][4H] pre-activation block g (input + recurrent projections,
 * without bias), computes c = f*c_prev + i*g, h = o*tanh(c). When keep is non-zero the activated
 * gates (i, f, g, o) are written back into g. c_prev may be NULL (zero state) or equal to c. */
void clstm_gates_portable(float *g, const float *bias, const float *c_prev, float *c, float *h,
                          int batch, int hidden, int keep);

/* Backward gate kernel for one step. act: activated gates [batch][4H]; c, c_prev: cell states
 * (c_prev NULL = zero); dh_above and dh_rec (either may be NULL) are summed into dh;
 * dc carries dL/dc from step t+1 in and dL/dc_prev out. Writes dG [batch][4H]. */
void clstm_gates_backward(const float *act, const float *c, const float *c_prev,
                          const float *dh_above, const float *dh_rec, float *dc, float *dg,
                          int batch, int hidden);

/* Same arithmetic, AVX2 + FMA (recurrent_avx2.c; the portable one where AVX2 is not compiled). */
void clstm_gates_backward_avx2(const float *act, const float *c, const float *c_prev,
                               const float *dh_above, const float *dh_rec, float *dc, float *dg,
                               int batch, int hidden);

/* Row b of the gate backward's operands (NULL stays NULL). */
typedef struct clstm_bwd_row {
    const float *act, *c, *c_prev, *dh_above, *dh_rec;
    float *dc, *dg;
} clstm_bwd_row;
static inline clstm_bwd_row clstm_bwd_row_at(const float *act, const float *c, const float *c_prev,
                                             const float *dh_above, const float *dh_rec, float *dc,
                                             float *dg, int b, int H) {
    const size_t o = (size_t)b * H;
    return (clstm_bwd_row){act + 4 * o, c + o, c_prev ? c_prev + o : NULL, dh_above ? dh_above + o : NULL,
                           dh_rec ? dh_rec + o : NULL, dc + o, dg + 4 * o};
}
/* Gate backward of hidden unit j of one row (scalar; the portable kernel and the vector tails). */
static inline void clstm_gate_backward_unit(const clstm_bwd_row *r, int j, int H) {
    const float *a = r->act;
    const float i = a[j], f = a[H + j], gg = a[2 * H + j], o = a[3 * H + j];
    const float dh = (r->dh_above ? r->dh_above[j] : 0.0f) + (r->dh_rec ? r->dh_rec[j] : 0.0f);
    const float tc = tanhf(r->c[j]);
    const float dcv = r->dc[j] + dh * o * (1.0f - tc * tc);
    const float cpv = r->c_prev ? r->c_prev[j] : 0.0f;
    float *d = r->dg;
    d[j] = dcv * gg * i * (1.0f - i);
    d[H + j] = dcv * cpv * f * (1.0f - f);
    d[2 * H + j] = dcv * i * (1.0f - gg * gg);
    d[3 * H + j] = dh * tc * o * (1.0f - o);
    r->dc[j] = dcv * f;
}

/* Fused recurrent kernels (recurrent_avx2.c), used when the ISA is AVX2 (and AVX512: see below). Rows (sequences) are
 * processed in tiles of CLSTM_TILE_ROWS; [r0, r1) is the range of rows handled by one call. */
#define CLSTM_TILE_ROWS 6
/* In the fused kernels: calls CALL(m) with the compile-time row count m = mr (1..CLSTM_TILE_ROWS),
 * so each row count gets its own fully unrolled code. */
#define MR_DISPATCH(mr, CALL) \
    switch (mr) {             \
    case 6: CALL(6); break;   \
    case 5: CALL(5); break;   \
    case 4: CALL(4); break;   \
    case 3: CALL(3); break;   \
    case 2: CALL(2); break;   \
    default: CALL(1); break;  \
    }
_Static_assert(CLSTM_TILE_ROWS == 6, "MR_DISPATCH lists the row counts of a 6-row tile");
/* steps whose dG rows are kept per tile before they update the weight gradients */
#define CLSTM_BWD_STEPS 8
/* floats of scratch one worker needs for the fused kernels (In: largest layer input) */
size_t clstm_scratch_floats(int In, int H);
size_t clstm_fwd_pack_floats(int In, int H);
/* W [4H][N] packed for out = dG W (N = H for Wh, N = In for Wx) */
size_t clstm_bwd_pack_floats(int N, int H);
void clstm_fwd_pack(const float *Wx, const float *Wh, const float *bias, int In, int H, float *out);
void clstm_bwd_pack(const float *W, int N, int H, float *out);
/* Forward of one layer over T steps for rows [r0, r1). x: [T][B][In]. Training: h_all, c_all,
 * act_all ([T][B][H], [T][B][H], [T][B][4H], activated gates) all non-NULL. Inference: c_all and
 * act_all NULL; h_all non-NULL stores every step, or NULL stores only the last step in h_last.
 * `wide`: the 512-bit steps (the AVX512 ISA), else the AVX2 ones. */
void clstm_fwd_layer_fused(const float *pk, int In, int H, int T, int B, int r0, int r1, const float *x,
                           float *h_all, float *c_all, float *act_all, float *h_last, float *scratch, int wide);
/* Backward through the steps of one layer for rows [r0, r1). */
typedef struct clstm_bwd_args {
    int In, H, T, B;
    const float *pk_wh;    /* clstm_bwd_pack(Wh, H, ...) */
    const float *pk_wx;    /* clstm_bwd_pack(Wx, In, ...), when dx is wanted */
    const float *act, *c, *h; /* forward: activated gates [T][B][4H], c and h [T][B][H] */
    const float *x;        /* layer input [T][B][In] */
    const float *dh_above; /* dL/dh from the layer above [T][B][H], or NULL */
    const float *dh_top;   /* dL/dh of the last step from the head [B][H], or NULL */
    float *dx;             /* dL/dx for the layer below [T][B][In], or NULL */
    float *acc;            /* += [dWh | dWx | db]^T: [H + In + 1][4H] */
    int wide;              /* the products with the 512-bit kernels of recurrent_avx512.c */
} clstm_bwd_args;
void clstm_bwd_layer_fused(const clstm_bwd_args *args, int r0, int r1, float *scratch);

/* Int16 recurrent product (CLSTM_PRECISION_INT16, quant.c and recurrent_avx2.c).
 * h is quantised as h_q = round(h * CLSTM_Q_HSCALE), |h| <= 1 so |h_q| <= 2^14. Each gate row m
 * of Wh gets its own scale s_m with |w_q| <= 32767 and sum_k |w_q[m][k]| <= CLSTM_Q_WSUM_MAX, so
 * that |sum_k w_q h_q| <= (2^17 - 1) * 2^14 < 2^31: the int32 accumulation cannot overflow in any
 * order (vpmaddwd's pair sums are bounded by the same sum). Wh_q is packed in the panels of the
 * fp32 kernel (16 columns [i0..3 f0..3 | g0..3 o0..3] per 4 hidden units) as K pairs:
 * [jb][(H + 1) / 2][16][2] int16 (zero past H), so one vpmaddwd multiplies the pair (k, k + 1)
 * of 8 columns by a broadcast pair of h_q. */
#define CLSTM_Q_HSCALE 16384.0f
#define CLSTM_Q_WSUM_MAX 131071
size_t clstm_q_wh_elems(int H);
/* AVX2 fp32 side panels: [jb][bias 16 | dequant 16 | Wx In x 16], pre-scaled as clstm_fwd_pack */
size_t clstm_q_pk_floats(int In, int H);
/* Quantises one layer: wq (clstm_q_wh_elems), pk (clstm_q_pk_floats), inv[4H] = 1 / (s_m * HSCALE). */
void clstm_q_pack(const float *Wx, const float *Wh, const float *bias, int In, int H, int16_t *wq, float *pk,
                  float *inv);
/* Portable int16 recurrent product of one step: g[b][m] += inv[m] * sum_k Wh_q[m][k] h_q[b][k],
 * h_q quantised from h ([B][H]) into hq ([B][2 * ((H + 1) / 2)] int16 scratch). */
void clstm_q_recurrent_portable(const int16_t *wq, const float *inv, const float *h, int B, int H, int16_t *hq,
                                float *g);
/* Inference forward of one layer over T steps for rows [r0, r1) with the int16 recurrent product;
 * h_all / h_last as clstm_fwd_layer_fused (inference). `wide`: the AVX-512 VNNI step. */
void clstm_fwd_layer_q_fused(const int16_t *wq, const float *pk, int In, int H, int T, int B, int r0, int r1,
                             const float *x, float *h_all, float *h_last, float *scratch, int wide);

/* A context's worker threads (workers.c), started at its first multi-threaded call and kept until
 * clstm_destroy. clstm_workers_run runs fn on each of the n jobs (job_size bytes apart): job 0 on
 * the calling thread, job k on worker k, and returns when all are done; *pool is created on first
 * use (on any failure the remaining jobs run on the calling thread, in order, with the same
 * results). Threads started per call waited 0.5-1 ms to begin on the 2-vCPU VMs, a quarter of a
 * B = 64 inference. One call at a time per pool, as one call at a time per context. */
struct clstm_workers;
void clstm_workers_run(struct clstm_workers **pool, int n, void (*fn)(void *job), void *jobs, size_t job_size);
void clstm_workers_destroy(struct clstm_workers *pool);

/* Int8 recurrent product (CLSTM_PRECISION_INT8, AVX-512 VNNI only: quant.c and recurrent_avx512.c).
 * h is stored as h_u8 = round(h * CLSTM_Q8_HSCALE) + 128 in [1, 255] (|h| <= 1); each gate row m of
 * Wh gets its own scale s_m = 127 / max_k |Wh[m][k]|, w_q8 = round(s_m w) in [-127, 127]. vpdpbusd
 * sums u8 x s8 products four k at a time into int32: sum_k w_q8 (h_q + 128), so every column's sum
 * starts from -128 sum_k w_q8 (exact; |sum| <= H * 127 * 255 < 2^31 for H <= CLSTM_Q8_MAX_HIDDEN,
 * which clstm_set_inference_precision enforces). Wh_q8 is packed in the fp32 kernel's 16-column panels, each panel holding
 * the 16 int32 corrections, then (H + 3) / 4 quads of k: [jb][1 + (H + 3) / 4][16][4] bytes (zero
 * past H). The fp32 side panels are clstm_q_pk_floats' layout with dequant sc / (s_m * 127). */
#define CLSTM_Q8_HSCALE 127.0f
#define CLSTM_Q8_MAX_HIDDEN 66000
static inline size_t clstm_q8_panel_bytes(int H) { return (size_t)(1 + (H + 3) / 4) * 64; }
size_t clstm_q8_wh_bytes(int H);
void clstm_q8_pack(const float *Wx, const float *Wh, const float *bias, int In, int H, int8_t *wq, float *pk);
/* Inference forward of one layer with the int8 product (arguments as clstm_fwd_layer_q_fused). */
void clstm_fwd_layer_q8(const int8_t *wq, const float *pk, int In, int H, int T, int B, int r0, int r1,
                        const float *x, float *h_all, float *h_last, float *scratch);

/* One step of the fused forward with 512-bit vectors (recurrent_avx512.c), for the layer drivers
 * above when `wide` (the AVX512 ISA): rows [0, mr) of a tile, the AVX2 steps' arguments, scratch
 * and packing, inference outputs equal to theirs bit for bit. The int16 one needs AVX-512 VNNI
 * (clstm_cpu_has_avx512_vnni). */
void clstm_fwd_step_avx512(int mr, const float *pk, int H, int In, const float *hp, const float *x, const float *cp,
                           float *c, float *h, float *act, float *pre);
void clstm_fwd_step_q_avx512(int mr, const int16_t *wq, const float *pk, int H, int In, const int16_t *hqp,
                             const float *x, const float *cp, float *c, float *h, int16_t *hq, float *pre);

/* The backward's products with 512-bit vectors, for clstm_bwd_layer_fused when args->wide: the same
 * sums in the same order as its AVX2 ones. out[r][0..N) = dg[r] W (W as clstm_bwd_pack, K = 4H), rows
 * [0, mr); C[n][m] += sum_k Z[k][n] D[k][m]. */
void clstm_bwd_rec_avx512(int mr, const float *pk, int K, int N, const float *dg, float *out);
void clstm_wgrad_avx512(int M, int N, int K, const float *D, const float *Z, float *C);

int clstm_cpu_has_avx2(void);
int clstm_cpu_has_avx512(void);
int clstm_cpu_has_avx512_vnni(void);
#endif
