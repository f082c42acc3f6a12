#ifndef CLSTM_INTERNAL_H
#define CLSTM_INTERNAL_H
#include "CLSTM.h"

/* Forward gate kernel: for a [batch][4H] pre-activation block g (input + recurrent projections,
 * without bias), computes c = f*c_prev + i*g, h = o*tanh(c). When keep is non-zero the activated
 * gates (i, f, g, o) are written back into g. c_prev may be NULL (zero state) or equal to c. */
typedef void (*clstm_gates_fn)(float *g, const float *bias, const float *c_prev, float *c,
                               float *h, int batch, int hidden, int keep);

void clstm_gates_portable(float *g, const float *bias, const float *c_prev, float *c, float *h,
                          int batch, int hidden, int keep);
void clstm_gates_avx2(float *g, const float *bias, const float *c_prev, float *c, float *h,
                      int batch, int hidden, int keep);
void clstm_gates_avx512(float *g, const float *bias, const float *c_prev, float *c, float *h,
                        int batch, int hidden, int keep);

/* Backward gate kernel for one step. act: activated gates [batch][4H]; c, c_prev: cell states
 * (c_prev NULL = zero); dh_above and dh_rec (either may be NULL) are summed into dh;
 * dc carries dL/dc from step t+1 in and dL/dc_prev out. Writes dG [batch][4H]. */
void clstm_gates_backward(const float *act, const float *c, const float *c_prev,
                          const float *dh_above, const float *dh_rec, float *dc, float *dg,
                          int batch, int hidden);

void clstm_gates_backward_avx2(const float *act, const float *c, const float *c_prev,
                               const float *dh_above, const float *dh_rec, float *dc, float *dg,
                               int batch, int hidden);
typedef void (*clstm_gates_backward_fn)(const float *, const float *, const float *, const float *,
                                        const float *, float *, float *, int, int);

/* Fused recurrent kernels (recurrent_avx2.c), used when the ISA is AVX2. Rows (sequences) are
 * processed in tiles of CLSTM_TILE_ROWS; [r0, r1) is the range of rows handled by one call. */
#define CLSTM_TILE_ROWS 6
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
 * act_all NULL; h_all non-NULL stores every step, or NULL stores only the last step in h_last. */
void clstm_fwd_layer_avx2(const float *pk, int In, int H, int T, int B, int r0, int r1, const float *x,
                          float *h_all, float *c_all, float *act_all, float *h_last, float *scratch);
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
} clstm_bwd_args;
void clstm_bwd_layer_avx2(const clstm_bwd_args *args, int r0, int r1, float *scratch);

int clstm_cpu_has_avx2(void);
int clstm_cpu_has_avx512(void);
#endif
