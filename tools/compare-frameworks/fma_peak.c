/* FMA peak of one core: 12 independent chains of 8-float FMAs (AVX2), process CPU time, best of 5.
 * The reference for "% of peak" figures of the CLSTM kernels (Benchmarks/results/forecast.md).
 * build: clang -O2 tools/compare-frameworks/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
static double cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}
__attribute__((target("avx2,fma"))) int main(void) {
    __m256 a[12];
    for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps(i * 0.001f);
    const __m256 b = _mm256_set1_ps(0.9999f), c = _mm256_set1_ps(1e-6f);
    const long n = 20000000;
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        const double t0 = cpu();
        for (long i = 0; i < n; i++) {
#pragma GCC unroll 12
            for (int k = 0; k < 12; k++) a[k] = _mm256_fmadd_ps(a[k], b, c);
            __asm__ volatile("" : "+x"(a[0]), "+x"(a[1]), "+x"(a[2]), "+x"(a[3]), "+x"(a[4]), "+x"(a[5]),
                             "+x"(a[6]), "+x"(a[7]), "+x"(a[8]), "+x"(a[9]), "+x"(a[10]), "+x"(a[11]));
        }
        const double t = cpu() - t0;
        if (t < best) best = t;
    }
    float s = 0;
    for (int i = 0; i < 12; i++) s += a[i][0];
    printf("FMA peak, one core: %.1f GFLOP/s (%.2f GHz at 2 x 8-float FMA per cycle) [%g]\n",
           (double)n * 12 * 16 / best * 1e-9, (double)n * 12 / 2 / best * 1e-9, s);
    return 0;
}
