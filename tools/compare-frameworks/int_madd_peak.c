/* Does an integer (int16 / int8) multiply-add path beat the fp32 FMA on this CPU? One 6 x 16
 * register tile, K = 64, in L1: fp32 (12 FMAs per k) against int16 vpmaddwd + vpaddd (12 per
 * pair of k, 2 MACs per lane), and a mix of both in one loop (is vpmaddwd on a pipe of its own?).
 * Prints CPU cycles per tile at a nominal 3.06 GHz.
 * build: clang -O2 tools/compare-frameworks/int_madd_peak.c -o /tmp/int_madd_peak */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
static double cpu_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
static float W[64 * 16] __attribute__((aligned(64))), X[6 * 64];
static short WQ[64 * 16] __attribute__((aligned(64)));
static int XQ[6 * 32];
#define FN __attribute__((target("avx2,fma"), noinline))
FN static void tile_fp32(float *out) { /* 768 FMAs */
    __m256 a0[6], a1[6];
    for (int r = 0; r < 6; r++) a0[r] = a1[r] = _mm256_setzero_ps();
    for (int k = 0; k < 64; k++) {
        const __m256 w0 = _mm256_load_ps(W + 16 * k), w1 = _mm256_load_ps(W + 16 * k + 8);
#pragma GCC unroll 6
        for (int r = 0; r < 6; r++) {
            const __m256 v = _mm256_broadcast_ss(X + r * 64 + k);
            a0[r] = _mm256_fmadd_ps(v, w0, a0[r]);
            a1[r] = _mm256_fmadd_ps(v, w1, a1[r]);
        }
    }
    for (int r = 0; r < 6; r++) { _mm256_storeu_ps(out + 16 * r, a0[r]); _mm256_storeu_ps(out + 16 * r + 8, a1[r]); }
}
FN static void tile_int16(int *out) { /* same MACs: 384 vpmaddwd + 384 vpaddd */
    __m256i a0[6], a1[6];
    for (int r = 0; r < 6; r++) a0[r] = a1[r] = _mm256_setzero_si256();
    for (int k = 0; k < 32; k++) {
        const __m256i w0 = _mm256_load_si256((const __m256i *)(WQ + 32 * k)), w1 = _mm256_load_si256((const __m256i *)(WQ + 32 * k + 16));
#pragma GCC unroll 6
        for (int r = 0; r < 6; r++) {
            const __m256i v = _mm256_set1_epi32(XQ[r * 32 + k]);
            a0[r] = _mm256_add_epi32(a0[r], _mm256_madd_epi16(v, w0));
            a1[r] = _mm256_add_epi32(a1[r], _mm256_madd_epi16(v, w1));
        }
    }
    for (int r = 0; r < 6; r++) { _mm256_storeu_si256((__m256i *)(out + 16 * r), a0[r]); _mm256_storeu_si256((__m256i *)(out + 16 * r + 8), a1[r]); }
}
FN static void tile_mixed(float *out, int *oq) { /* 384 FMAs + 192 vpmaddwd in one loop */
    __m256 a0[6];
    __m256i q[6];
    for (int r = 0; r < 6; r++) { a0[r] = _mm256_setzero_ps(); q[r] = _mm256_setzero_si256(); }
    for (int k = 0; k < 32; k++) {
        const __m256 w0 = _mm256_load_ps(W + 16 * k), w1 = _mm256_load_ps(W + 16 * k + 8);
        const __m256i wq = _mm256_load_si256((const __m256i *)(WQ + 16 * k));
#pragma GCC unroll 6
        for (int r = 0; r < 6; r++) {
            a0[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(X + r * 64 + 2 * k), w0, a0[r]);
            a0[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(X + r * 64 + 2 * k + 1), w1, a0[r]);
            q[r] = _mm256_add_epi32(q[r], _mm256_madd_epi16(_mm256_set1_epi32(XQ[r * 32 + k]), wq));
        }
    }
    for (int r = 0; r < 6; r++) { _mm256_storeu_ps(out + 8 * r, a0[r]); _mm256_storeu_si256((__m256i *)(oq + 8 * r), q[r]); }
}
int main(void) {
    for (int i = 0; i < 64 * 16; i++) { W[i] = i * 1e-4f; WQ[i] = (short)i; }
    for (int i = 0; i < 6 * 64; i++) X[i] = i * 1e-3f;
    for (int i = 0; i < 6 * 32; i++) XQ[i] = i;
    float of[96];
    int oq[96];
    const long n = 2000000;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = cpu_s();
        for (long i = 0; i < n; i++) { tile_fp32(of); __asm__ volatile("" ::"r"(of) : "memory"); }
        const double f = (cpu_s() - t0) / n * 3.06e9;
        t0 = cpu_s();
        for (long i = 0; i < n; i++) { tile_int16(oq); __asm__ volatile("" ::"r"(oq) : "memory"); }
        const double q = (cpu_s() - t0) / n * 3.06e9;
        t0 = cpu_s();
        for (long i = 0; i < n; i++) { tile_mixed(of, oq); __asm__ volatile("" ::"r"(of), "r"(oq) : "memory"); }
        const double m = (cpu_s() - t0) / n * 3.06e9;
        printf("fp32 768 FMA: %.0f cycles (%.2f FMA/cycle); int16 384 vpmaddwd: %.0f cycles (%.2f/cycle); "
               "mixed 384 FMA + 192 vpmaddwd: %.0f cycles\n", f, 768 / f, q, 384 / q, m);
    }
    return 0;
}
