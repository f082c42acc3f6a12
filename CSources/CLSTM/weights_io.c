/* Weights file: "CLSTMW\r\n", u32 version, u32 layers, I, H, O, u32 reserved, u64 param count,
 * float32 params (little-endian), u64 FNV-1a checksum of everything before it. */
#include "internal.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char MAGIC[8] = {'C', 'L', 'S', 'T', 'M', 'W', '\r', '\n'};
#define HEADER_SIZE (8 + 6 * 4 + 8)

/* the accessors below need the private layout only through the public API */
static uint64_t fnv1a(const unsigned char *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ull; }
    return h;
}
static void put32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static void put64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint32_t get32(const unsigned char *p) { uint32_t v = 0; for (int i = 3; i >= 0; i--) v = (v << 8) | p[i]; return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v = 0; for (int i = 7; i >= 0; i--) v = (v << 8) | p[i]; return v; }

static void shape_of(const clstm_ctx *ctx, uint32_t s[4]) {
    clstm_tensor t0, th;
    int n = clstm_tensor_count(ctx);
    clstm_tensor_info(ctx, 0, &t0);
    clstm_tensor_info(ctx, n - 2, &th);
    s[0] = (uint32_t)((n - 2) / 3);
    s[1] = (uint32_t)t0.cols;
    s[2] = (uint32_t)th.cols;
    s[3] = (uint32_t)th.rows;
}

size_t clstm_serialized_size(const clstm_ctx *ctx) {
    return ctx ? HEADER_SIZE + clstm_param_count(ctx) * 4 + 8 : 0;
}

int clstm_serialize(const clstm_ctx *ctx, void *buffer, size_t size) {
    if (!ctx || !buffer || size < clstm_serialized_size(ctx)) return CLSTM_EINVAL;
    unsigned char *p = buffer;
    uint32_t s[4];
    shape_of(ctx, s);
    size_t n = clstm_param_count(ctx);
    memcpy(p, MAGIC, 8);
    put32(p + 8, CLSTM_FORMAT_VERSION);
    for (int i = 0; i < 4; i++) put32(p + 12 + 4 * i, s[i]);
    put32(p + 28, 0);
    put64(p + 32, n);
    const float *w = clstm_params((clstm_ctx *)ctx);
    for (size_t k = 0; k < n; k++) {
        uint32_t bits;
        memcpy(&bits, &w[k], 4);
        put32(p + HEADER_SIZE + 4 * k, bits);
    }
    size_t body = HEADER_SIZE + 4 * n;
    put64(p + body, fnv1a(p, body));
    return 0;
}

int clstm_deserialize(clstm_ctx *ctx, const void *buffer, size_t size) {
    if (!ctx || !buffer) return CLSTM_EINVAL;
    const unsigned char *p = buffer;
    if (size < HEADER_SIZE + 8 || memcmp(p, MAGIC, 8) != 0) return CLSTM_EBADMSG;
    uint64_t n = get64(p + 32);
    if (n > (size - HEADER_SIZE - 8) / 4 || size != HEADER_SIZE + 4 * n + 8) return CLSTM_EBADMSG;
    size_t body = HEADER_SIZE + 4 * n;
    if (get64(p + body) != fnv1a(p, body)) return CLSTM_EBADMSG;
    if (get32(p + 8) != CLSTM_FORMAT_VERSION) return CLSTM_EPROTO;
    uint32_t s[4];
    shape_of(ctx, s);
    for (int i = 0; i < 4; i++)
        if (get32(p + 12 + 4 * i) != s[i]) return CLSTM_ESHAPE;
    if (n != clstm_param_count(ctx)) return CLSTM_ESHAPE;
    float *w = clstm_params(ctx);
    for (size_t k = 0; k < n; k++) {
        uint32_t bits = get32(p + HEADER_SIZE + 4 * k);
        memcpy(&w[k], &bits, 4);
    }
    clstm_reset_optimizer(ctx);
    return 0;
}

int clstm_save(const clstm_ctx *ctx, const char *path) {
    if (!ctx || !path) return CLSTM_EINVAL;
    size_t size = clstm_serialized_size(ctx);
    unsigned char *buf = malloc(size);
    if (!buf) return CLSTM_ENOMEM;
    int rc = clstm_serialize(ctx, buf, size);
    if (rc == 0) {
        FILE *f = fopen(path, "wb");
        if (!f) rc = CLSTM_EIO;
        else {
            if (fwrite(buf, 1, size, f) != size) rc = CLSTM_EIO;
            if (fclose(f) != 0) rc = CLSTM_EIO;
        }
    }
    free(buf);
    return rc;
}

int clstm_load(clstm_ctx *ctx, const char *path) {
    if (!ctx || !path) return CLSTM_EINVAL;
    FILE *f = fopen(path, "rb");
    if (!f) return CLSTM_EIO;
    size_t expected = clstm_serialized_size(ctx);
    /* read at most expected + 1 bytes so that a longer file is detected as corrupt */
    unsigned char *buf = malloc(expected + 1);
    if (!buf) { fclose(f); return CLSTM_ENOMEM; }
    size_t got = fread(buf, 1, expected + 1, f);
    int rc = ferror(f) ? CLSTM_EIO : 0;
    fclose(f);
    if (rc == 0) {
        /* a shape mismatch changes the size: report it as a shape error when the header is intact */
        if (got >= HEADER_SIZE && memcmp(buf, MAGIC, 8) == 0 && got != expected) {
            uint32_t s[4];
            shape_of(ctx, s);
            int same = 1;
            for (int i = 0; i < 4; i++) same = same && get32(buf + 12 + 4 * i) == s[i];
            rc = (same || get32(buf + 8) != CLSTM_FORMAT_VERSION) ? CLSTM_EBADMSG : CLSTM_ESHAPE;
            if (get32(buf + 8) != CLSTM_FORMAT_VERSION) rc = CLSTM_EPROTO;
        } else {
            rc = clstm_deserialize(ctx, buf, got);
        }
    }
    free(buf);
    return rc;
}
