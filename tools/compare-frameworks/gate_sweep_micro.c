/* Micro-benchmark of the fused forward's gate sweep (fwd_cells in recurrent_avx2.c) on one tile of
 * 6 rows, H = 64, repeated in L1; prints CPU cycles per 8 hidden units and row (at a nominal
 * 3.06 GHz), best of 5. A variant of the kernel is measured by pointing SRC at a copy of the file.
 * usage: gate_sweep_micro [ITERS] [train]   (train: also store the activated gates)
 * build: clang -O2 -std=c11 -D_GNU_SOURCE -ICSources/CLSTM/include \
 *        -DSRC='"../../CSources/CLSTM/recurrent_avx2.c"' tools/compare-frameworks/gate_sweep_micro.c -lm */
#ifndef SRC
#define SRC "../../CSources/CLSTM/recurrent_avx2.c"
#endif
#include SRC
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double cpu_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
static float pre[6 * 4 * 64] __attribute__((aligned(64))), tmpl[6 * 4 * 64], c[6 * 64], h[6 * 64], act[6 * 4 * 64];
int main(int argc, char **argv) {
    const long n = argc > 1 ? atol(argv[1]) : 2000000;
    float *a = argc > 2 ? act : NULL;
    for (int i = 0; i < 6 * 4 * 64; i++) tmpl[i] = (float)((i * 2654435761u) % 1000) / 1000.0f * 16 - 8;
    for (int i = 0; i < 6 * 64; i++) c[i] = 0.1f;
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        const double t0 = cpu_s();
        for (long k = 0; k < n; k++) {
            if ((k & 1023) == 0) memcpy(pre, tmpl, sizeof pre); /* keep the inputs in range */
            fwd_cells(6, 64, pre, c, c, h, a);
            __asm__ volatile("" ::"r"(h) : "memory");
        }
        const double t = (cpu_s() - t0) / n / 48 * 3.06e9;
        if (t < best) best = t;
    }
    printf("%s%s: %.1f cycles per 8 units and row (best of 5)\n", SRC, a ? " (train)" : "", best);
    return 0;
}
