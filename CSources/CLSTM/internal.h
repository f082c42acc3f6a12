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

int clstm_cpu_has_avx2(void);
int clstm_cpu_has_avx512(void);
#endif
