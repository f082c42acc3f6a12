/* Fixed log-linear buckets (the HdrHistogram layout with 128 sub-buckets per power of two):
 * values below 256 are exact, above that the relative error is below 1%. */
#include "internal.h"

uint32_t cemit_hist_index(uint64_t v) {
    if (v < 2 * CEMIT_HIST_SUB) return (uint32_t)v;
    if (v >> CEMIT_HIST_MAX_BITS) return CEMIT_HIST_BUCKETS - 1;
    uint32_t msb = 63u - (uint32_t)__builtin_clzll(v);
    uint32_t shift = msb - CEMIT_HIST_SUB_BITS;
    return shift * CEMIT_HIST_SUB + (uint32_t)(v >> shift);
}

uint64_t cemit_hist_value(uint32_t index) {
    if (index < 2 * CEMIT_HIST_SUB) return index;
    uint32_t shift = index / CEMIT_HIST_SUB - 1;
    uint64_t sub = index - shift * CEMIT_HIST_SUB;
    return (sub << shift) + ((1ull << shift) >> 1);
}
