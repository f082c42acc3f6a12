/* CLSTM context, forward and backward passes. */
#include "internal.h"
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct clstm_layer_ws {
    float *gates; /* [T][B][4H]: pre-activations, then activated gates (training) */
    float *c;     /* [T][B][H] (training) */
    float *h;     /* [T][B][H]: layer output */
};

struct clstm_ctx {
    clstm_config cfg;
    clstm_isa isa;
    size_t n_params;
    float *params, *grads, *adam_m, *adam_v;
    long adam_t;
    clstm_tensor tensors[3 * CLSTM_MAX_LAYERS + 2];
    int n_tensors;
    char names[3 * CLSTM_MAX_LAYERS + 2][24];
    /* inference workspace */
    float *inf_gates; /* [T][B][4H] */
    float *inf_h[2];  /* [T][B][H] ping-pong between layers */
    float *inf_c;     /* [B][H] */
    /* training workspace (allocated on first training forward) */
    int train_ready;
    int last_batch; /* batch of the last training forward, 0 if none */
    float *x_copy;  /* [T][B][I] */
    struct clstm_layer_ws layer[CLSTM_MAX_LAYERS];
    float *dg;        /* [T][B][4H] */
    float *dx[2];     /* [T][B][H] ping-pong: dL/dh from the layer above */
    float *dh_rec;    /* [B][H] */
    float *dc;        /* [B][H] */
    float *dh_top;    /* [B][H] */
    /* fused recurrent kernels (isa AVX2 or AVX512; PORTABLE: OpenBLAS GEMMs + a gate pass) */
    int fused;
    int q_vnni; /* AVX512 with VNNI: the int16 forward of recurrent_avx512.c */
    float *pk_fwd[CLSTM_MAX_LAYERS]; /* packed [Wh; Wx; b] per layer, re-packed at every call */
    float *pk_bwd[CLSTM_MAX_LAYERS]; /* packed Wh for dh = dG Wh (training) */
    float *scratch;                  /* n_scratch x worker_slice(): one slice per worker */
    int n_scratch;
    float *inf_hlast; /* [B][H]: last hidden state of the top layer (inference) */
    /* CLSTM_PRECISION_INT16 (allocated when first enabled; quantised again when q_stale) */
    clstm_precision precision;
    int q_stale;                    /* the weights may have changed since the last quantisation */
    int16_t *q_wh[CLSTM_MAX_LAYERS]; /* clstm_q_pack's Wh_q panels */
    float *q_pk[CLSTM_MAX_LAYERS];   /* AVX2 side panels (bias, dequant, Wx) */
    float *q_inv[CLSTM_MAX_LAYERS];  /* [4H] dequant factors (portable path) */
    int16_t *q_hbuf;                 /* [B][2 ((H + 1) / 2)] h_q of one step (portable path) */
    /* CLSTM_PRECISION_INT8 (AVX512 with VNNI only; allocated when first enabled, quantised with the int16 copy) */
    int8_t *q8_wh[CLSTM_MAX_LAYERS]; /* clstm_q8_pack's Wh_q8 panels */
    float *q8_pk[CLSTM_MAX_LAYERS];  /* side panels (bias, dequant, Wx) */
    struct clstm_workers *workers;   /* worker threads of run_rows (workers.c), from the first multi-threaded call */
};

#define CLSTM_MAX_WORKERS 64

static size_t up16(size_t n) { return (n + 15) & ~(size_t)15; }
static int max_input(const clstm_config *c) { return c->input_size > c->hidden_size ? c->input_size : c->hidden_size; }
/* gradient accumulator of one worker: [dWh | dWx | db]^T of the widest layer */
static size_t worker_acc_floats(const clstm_config *c) {
    return up16(4 * (size_t)c->hidden_size * (c->hidden_size + max_input(c) + 1));
}
/* scratch of one worker: kernel workspace, then gradient accumulators */
static size_t worker_slice(const clstm_config *c) {
    return up16(clstm_scratch_floats(max_input(c), c->hidden_size)) + worker_acc_floats(c);
}

const char *clstm_strerror(int code) {
    switch (code) {
    case 0: return "ok";
    case CLSTM_EIO: return "weights file could not be opened, read or written";
    case CLSTM_ENOMEM: return "out of memory";
    case CLSTM_EINVAL: return "invalid argument";
    case CLSTM_ESHAPE: return "weights file shape (layers, input, hidden, output) does not match the model";
    case CLSTM_EPROTO: return "weights file format version is not supported";
    case CLSTM_EBADMSG: return "weights file is corrupt (bad magic, truncated or checksum mismatch)";
    case CLSTM_ESTATE: return "backward called without a preceding training forward";
    case CLSTM_ENODEV: return "the CPU or the chosen ISA lacks the instructions this needs (int8 inference: the AVX512 ISA with AVX-512 VNNI)";
    default: return "unknown error";
    }
}

static inline int layer_input(const clstm_ctx *ctx, int l) {
    return l == 0 ? ctx->cfg.input_size : ctx->cfg.hidden_size;
}

static void use_threads(const clstm_ctx *ctx) {
    if (openblas_get_num_threads() != ctx->cfg.threads) openblas_set_num_threads(ctx->cfg.threads);
}

static float *falloc(size_t n) {
    void *p = NULL;
    if (n == 0) n = 1;
    if (posix_memalign(&p, 64, n * sizeof(float)) != 0) return NULL;
    memset(p, 0, n * sizeof(float));
    return p;
}

/* splitmix64: deterministic initialisation from a seed */
static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static float uniform(uint64_t *s, float a) {
    double u = (double)(splitmix(s) >> 11) * (1.0 / 9007199254740992.0);
    return (float)((2.0 * u - 1.0) * a);
}

int clstm_init_weights(clstm_ctx *ctx, uint64_t seed) {
    if (!ctx) return CLSTM_EINVAL;
    uint64_t s = seed ^ 0x5DEECE66Dull;
    const int H = ctx->cfg.hidden_size;
    const float a = 1.0f / sqrtf((float)H);
    for (int t = 0; t < ctx->n_tensors; t++) {
        clstm_tensor *tn = &ctx->tensors[t];
        float *p = ctx->params + tn->offset;
        size_t n = (size_t)tn->rows * tn->cols;
        /* Biases by position (layer l's b is tensor 3l + 2; head.b is the last): head.W also has
         * one row when O = 1, and a zero head would block every gradient into the LSTM. */
        int is_lstm_bias = t < 3 * ctx->cfg.layers && t % 3 == 2;
        int is_bias = is_lstm_bias || t == ctx->n_tensors - 1;
        for (size_t k = 0; k < n; k++) {
            if (is_lstm_bias) p[k] = (k >= (size_t)H && k < (size_t)2 * H) ? 1.0f : 0.0f; /* forget bias 1 */
            else if (is_bias) p[k] = 0.0f;
            else p[k] = uniform(&s, a);
        }
    }
    memset(ctx->grads, 0, ctx->n_params * sizeof(float));
    clstm_reset_optimizer(ctx);
    ctx->q_stale = 1;
    return 0;
}

void clstm_reset_optimizer(clstm_ctx *ctx) {
    if (!ctx) return;
    memset(ctx->adam_m, 0, ctx->n_params * sizeof(float));
    memset(ctx->adam_v, 0, ctx->n_params * sizeof(float));
    ctx->adam_t = 0;
}

int clstm_create(const clstm_config *config, clstm_ctx **out) {
    if (!config || !out) return CLSTM_EINVAL;
    *out = NULL;
    const clstm_config c = *config;
    if (c.layers < 1 || c.layers > CLSTM_MAX_LAYERS || c.input_size < 1 || c.hidden_size < 1 ||
        c.output_size < 1 || c.seq_len < 1 || c.max_batch < 1 || c.threads < 1)
        return CLSTM_EINVAL;
    if ((double)c.seq_len * c.max_batch * 4.0 * c.hidden_size > 1.5e9) return CLSTM_EINVAL;
    clstm_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return CLSTM_ENOMEM;
    ctx->cfg = c;
    const int H = c.hidden_size, L = c.layers;
    size_t off = 0;
    int k = 0;
    for (int l = 0; l < L; l++) {
        const int In = l == 0 ? c.input_size : H;
        const char *suffix[3] = {"Wx", "Wh", "b"};
        int rows[3] = {4 * H, 4 * H, 1}, cols[3] = {In, H, 4 * H};
        for (int s = 0; s < 3; s++, k++) {
            snprintf(ctx->names[k], sizeof ctx->names[k], "layer%d.%s", l, suffix[s]);
            ctx->tensors[k] = (clstm_tensor){ctx->names[k], off, rows[s], cols[s]};
            off += (size_t)rows[s] * cols[s];
        }
    }
    snprintf(ctx->names[k], sizeof ctx->names[k], "head.W");
    ctx->tensors[k] = (clstm_tensor){ctx->names[k], off, c.output_size, H};
    k++;
    off += (size_t)c.output_size * H;
    snprintf(ctx->names[k], sizeof ctx->names[k], "head.b");
    ctx->tensors[k] = (clstm_tensor){ctx->names[k], off, 1, c.output_size};
    k++;
    off += (size_t)c.output_size;
    ctx->n_tensors = k;
    ctx->n_params = off;

    ctx->isa = c.isa;
    if (ctx->isa == CLSTM_ISA_AUTO)
        ctx->isa = clstm_cpu_has_avx512() ? CLSTM_ISA_AVX512
                   : clstm_cpu_has_avx2() ? CLSTM_ISA_AVX2 : CLSTM_ISA_PORTABLE;
    if (ctx->isa == CLSTM_ISA_AVX512 && !clstm_cpu_has_avx512()) ctx->isa = CLSTM_ISA_PORTABLE;
    if (ctx->isa == CLSTM_ISA_AVX2 && !clstm_cpu_has_avx2()) ctx->isa = CLSTM_ISA_PORTABLE;
    /* AVX2 and AVX512: the fused kernels, no separate gate pass; int16 on AVX512 needs VNNI */
    ctx->q_vnni = ctx->isa == CLSTM_ISA_AVX512 && clstm_cpu_has_avx512_vnni();

    const size_t TB = (size_t)c.seq_len * c.max_batch;
    ctx->params = falloc(off);
    ctx->grads = falloc(off);
    ctx->adam_m = falloc(off);
    ctx->adam_v = falloc(off);
    ctx->fused = ctx->isa == CLSTM_ISA_AVX2 || ctx->isa == CLSTM_ISA_AVX512;
    /* the fused kernels keep pre-activations in registers: no [T][B][4H] gate buffer */
    ctx->inf_gates = falloc(ctx->fused ? 1 : TB * 4 * H);
    ctx->inf_h[0] = falloc(TB * H);
    ctx->inf_h[1] = L > 1 ? falloc(TB * H) : falloc(1);
    ctx->inf_c = falloc((size_t)c.max_batch * H);
    int fused_ok = 1;
    if (ctx->fused) {
        for (int l = 0; l < L; l++) {
            ctx->pk_fwd[l] = falloc(clstm_fwd_pack_floats(l == 0 ? c.input_size : H, H));
            fused_ok = fused_ok && ctx->pk_fwd[l];
        }
        ctx->n_scratch = c.threads < CLSTM_MAX_WORKERS ? c.threads : CLSTM_MAX_WORKERS;
        ctx->scratch = falloc((size_t)ctx->n_scratch * worker_slice(&c));
        ctx->inf_hlast = falloc((size_t)c.max_batch * H);
        fused_ok = fused_ok && ctx->scratch && ctx->inf_hlast;
    }
    if (!ctx->params || !ctx->grads || !ctx->adam_m || !ctx->adam_v || !ctx->inf_gates ||
        !ctx->inf_h[0] || !ctx->inf_h[1] || !ctx->inf_c || !fused_ok) {
        clstm_destroy(ctx);
        return CLSTM_ENOMEM;
    }
    clstm_init_weights(ctx, c.seed);
    *out = ctx;
    return 0;
}

static void free_training(clstm_ctx *ctx) {
    free(ctx->x_copy);
    for (int l = 0; l < CLSTM_MAX_LAYERS; l++) {
        free(ctx->layer[l].gates);
        free(ctx->layer[l].c);
        free(ctx->layer[l].h);
    }
    free(ctx->dg);
    free(ctx->dx[0]);
    free(ctx->dx[1]);
    free(ctx->dh_rec);
    free(ctx->dc);
    free(ctx->dh_top);
    for (int l = 0; l < CLSTM_MAX_LAYERS; l++) free(ctx->pk_bwd[l]);
}

void clstm_destroy(clstm_ctx *ctx) {
    if (!ctx) return;
    clstm_workers_destroy(ctx->workers);
    free(ctx->params);
    free(ctx->grads);
    free(ctx->adam_m);
    free(ctx->adam_v);
    free(ctx->inf_gates);
    free(ctx->inf_h[0]);
    free(ctx->inf_h[1]);
    free(ctx->inf_c);
    for (int l = 0; l < CLSTM_MAX_LAYERS; l++) free(ctx->pk_fwd[l]);
    free(ctx->scratch);
    free(ctx->inf_hlast);
    for (int l = 0; l < CLSTM_MAX_LAYERS; l++) {
        free(ctx->q_wh[l]);
        free(ctx->q_pk[l]);
        free(ctx->q_inv[l]);
        free(ctx->q8_wh[l]);
        free(ctx->q8_pk[l]);
    }
    free(ctx->q_hbuf);
    free_training(ctx);
    free(ctx);
}

static int ensure_training(clstm_ctx *ctx) {
    if (ctx->train_ready) return 0;
    const clstm_config c = ctx->cfg;
    const size_t TB = (size_t)c.seq_len * c.max_batch, H = c.hidden_size;
    ctx->x_copy = falloc(TB * c.input_size);
    int ok = ctx->x_copy != NULL;
    for (int l = 0; l < c.layers; l++) {
        ctx->layer[l].gates = falloc(TB * 4 * H);
        ctx->layer[l].c = falloc(TB * H);
        ctx->layer[l].h = falloc(TB * H);
        ok = ok && ctx->layer[l].gates && ctx->layer[l].c && ctx->layer[l].h;
    }
    ctx->dg = falloc(ctx->fused ? 1 : TB * 4 * H); /* the fused backward keeps dG per tile */
    ctx->dx[0] = falloc(TB * H);
    ctx->dx[1] = falloc(TB * H);
    ctx->dh_rec = falloc((size_t)c.max_batch * H);
    ctx->dc = falloc((size_t)c.max_batch * H);
    ctx->dh_top = falloc((size_t)c.max_batch * H);
    ok = ok && ctx->dg && ctx->dx[0] && ctx->dx[1] && ctx->dh_rec && ctx->dc && ctx->dh_top;
    if (ctx->fused)
        for (int l = 0; l < c.layers; l++) {
            ctx->pk_bwd[l] = falloc(clstm_bwd_pack_floats(c.hidden_size, c.hidden_size) +
                                    (l > 0 ? clstm_bwd_pack_floats(c.hidden_size, c.hidden_size) : 0));
            ok = ok && ctx->pk_bwd[l];
        }
    if (!ok) {
        free_training(ctx);
        memset(&ctx->x_copy, 0, (char *)&ctx->dh_top + sizeof ctx->dh_top - (char *)&ctx->x_copy);
        memset(ctx->pk_bwd, 0, sizeof ctx->pk_bwd);
        return CLSTM_ENOMEM;
    }
    ctx->train_ready = 1;
    return 0;
}

clstm_isa clstm_active_isa(const clstm_ctx *ctx) { return ctx ? ctx->isa : CLSTM_ISA_PORTABLE; }

int clstm_set_threads(clstm_ctx *ctx, int threads) {
    if (!ctx || threads < 1) return CLSTM_EINVAL;
    if (ctx->fused) {
        const int want = threads < CLSTM_MAX_WORKERS ? threads : CLSTM_MAX_WORKERS;
        if (want > ctx->n_scratch) {
            float *s = falloc((size_t)want * worker_slice(&ctx->cfg));
            if (!s) return CLSTM_ENOMEM;
            free(ctx->scratch);
            ctx->scratch = s;
            ctx->n_scratch = want;
        }
    }
    ctx->cfg.threads = threads;
    return 0;
}

/* Rows of a batch, split by tiles between worker threads, for the fused kernels. Each row's
 * activations and input gradients depend only on that row, so the split does not change them;
 * weight gradients are summed per worker and then over workers in worker order, so they are
 * deterministic for a given thread count. */
struct row_job {
    clstm_ctx *ctx;
    int backward, quant, l, B, r0, r1;
    const float *x;
    float *h_all, *c_all, *act, *h_last, *scratch;
    clstm_bwd_args bwd;
};

static void row_job_run(const struct row_job *j) {
    const clstm_ctx *ctx = j->ctx;
    const int H = ctx->cfg.hidden_size, T = ctx->cfg.seq_len;
    const int In = layer_input(ctx, j->l), wide = ctx->isa == CLSTM_ISA_AVX512;
    if (j->backward)
        clstm_bwd_layer_fused(&j->bwd, j->r0, j->r1, j->scratch);
    else if (j->quant == CLSTM_PRECISION_INT8)
        clstm_fwd_layer_q8(ctx->q8_wh[j->l], ctx->q8_pk[j->l], In, H, T, j->B, j->r0, j->r1, j->x, j->h_all,
                           j->h_last, j->scratch);
    else if (j->quant)
        clstm_fwd_layer_q_fused(ctx->q_wh[j->l], ctx->q_pk[j->l], In, H, T, j->B, j->r0, j->r1, j->x, j->h_all,
                                j->h_last, j->scratch, ctx->q_vnni);
    else
        clstm_fwd_layer_fused(ctx->pk_fwd[j->l], In, H, T, j->B, j->r0, j->r1, j->x, j->h_all, j->c_all, j->act,
                              j->h_last, j->scratch, wide);
}

static void row_job_void(void *p) { row_job_run(p); }

static void run_rows(clstm_ctx *ctx, const struct row_job *tmpl) {
    const int tiles = (tmpl->B + CLSTM_TILE_ROWS - 1) / CLSTM_TILE_ROWS;
    int nt = ctx->cfg.threads < ctx->n_scratch ? ctx->cfg.threads : ctx->n_scratch;
    if (nt > tiles) nt = tiles;
    if (nt < 1) nt = 1;
    struct row_job jobs[CLSTM_MAX_WORKERS];
    const size_t slice = worker_slice(&ctx->cfg), acc_off = slice - worker_acc_floats(&ctx->cfg);
    const size_t nacc = 4 * (size_t)tmpl->bwd.H * (tmpl->bwd.H + tmpl->bwd.In + 1);
    for (int k = 0; k < nt; k++) {
        jobs[k] = *tmpl;
        const int t0 = (int)((long)tiles * k / nt), t1 = (int)((long)tiles * (k + 1) / nt);
        jobs[k].r0 = t0 * CLSTM_TILE_ROWS;
        jobs[k].r1 = t1 * CLSTM_TILE_ROWS < tmpl->B ? t1 * CLSTM_TILE_ROWS : tmpl->B;
        jobs[k].scratch = ctx->scratch + (size_t)k * slice;
        if (tmpl->backward) { /* each worker sums into its own accumulator */
            jobs[k].bwd.acc = jobs[k].scratch + acc_off;
            memset(jobs[k].bwd.acc, 0, nacc * sizeof(float));
        }
    }
    clstm_workers_run(&ctx->workers, nt, row_job_void, jobs, sizeof jobs[0]);
    if (tmpl->backward) {
        /* workers' sums added in worker order, then [dWh | dWx | db]^T scattered to the gradients */
        float *acc = jobs[0].bwd.acc;
        for (int k = 1; k < nt; k++)
            for (size_t i = 0; i < nacc; i++) acc[i] += jobs[k].bwd.acc[i];
        const int H = tmpl->bwd.H, In = tmpl->bwd.In, G = 4 * H;
        const clstm_tensor *tn = &ctx->tensors[3 * tmpl->l];
        float *dWx = ctx->grads + tn[0].offset, *dWh = ctx->grads + tn[1].offset, *db = ctx->grads + tn[2].offset;
        for (int m = 0; m < G; m++) {
            for (int n = 0; n < H; n++) dWh[(size_t)m * H + n] = acc[(size_t)n * G + m];
            for (int n = 0; n < In; n++) dWx[(size_t)m * In + n] = acc[(size_t)(H + n) * G + m];
            db[m] = acc[(size_t)(H + In) * G + m];
        }
    }
}

size_t clstm_param_count(const clstm_ctx *ctx) { return ctx ? ctx->n_params : 0; }
/* a writable pointer: the int16 copy is quantised again before the next INT16 forward */
float *clstm_params(clstm_ctx *ctx) {
    if (!ctx) return NULL;
    ctx->q_stale = 1;
    return ctx->params;
}

void clstm_weights_changed(clstm_ctx *ctx) {
    if (ctx) ctx->q_stale = 1;
}

/* Quantises the weights into every copy that exists (int16 and int8). */
static void quantise(clstm_ctx *ctx) {
    const int H = ctx->cfg.hidden_size;
    for (int l = 0; l < ctx->cfg.layers; l++) {
        const float *Wx = ctx->params + ctx->tensors[3 * l].offset, *Wh = ctx->params + ctx->tensors[3 * l + 1].offset;
        const float *bias = ctx->params + ctx->tensors[3 * l + 2].offset;
        if (ctx->q_wh[l]) clstm_q_pack(Wx, Wh, bias, layer_input(ctx, l), H, ctx->q_wh[l], ctx->q_pk[l], ctx->q_inv[l]);
        if (ctx->q8_wh[l]) clstm_q8_pack(Wx, Wh, bias, layer_input(ctx, l), H, ctx->q8_wh[l], ctx->q8_pk[l]);
    }
    ctx->q_stale = 0;
}

/* Allocates the int8 copy (CLSTM_PRECISION_INT8). */
static int alloc_q8(clstm_ctx *ctx) {
    const int H = ctx->cfg.hidden_size;
    int ok = 1;
    for (int l = 0; l < ctx->cfg.layers; l++) {
        ctx->q8_wh[l] = (int8_t *)falloc((clstm_q8_wh_bytes(H) + 3) / 4);
        ctx->q8_pk[l] = falloc(clstm_q_pk_floats(layer_input(ctx, l), H));
        ok = ok && ctx->q8_wh[l] && ctx->q8_pk[l];
    }
    if (ok) return 0;
    for (int l = 0; l < CLSTM_MAX_LAYERS; l++) {
        free(ctx->q8_wh[l]);
        free(ctx->q8_pk[l]);
        ctx->q8_wh[l] = NULL;
        ctx->q8_pk[l] = NULL;
    }
    return CLSTM_ENOMEM;
}

int clstm_set_inference_precision(clstm_ctx *ctx, clstm_precision precision) {
    if (!ctx || (precision != CLSTM_PRECISION_FP32 && precision != CLSTM_PRECISION_INT16 &&
                 precision != CLSTM_PRECISION_INT8))
        return CLSTM_EINVAL;
    if (precision == CLSTM_PRECISION_INT8) {
        if (!ctx->q_vnni) return CLSTM_ENODEV;
        if (ctx->cfg.hidden_size > CLSTM_Q8_MAX_HIDDEN) return CLSTM_EINVAL;
        if (!ctx->q8_wh[0]) {
            const int rc = alloc_q8(ctx);
            if (rc) return rc;
            ctx->q_stale = 1;
        }
    }
    if (precision == CLSTM_PRECISION_INT16 && !ctx->q_wh[0]) {
        const int H = ctx->cfg.hidden_size;
        int ok = 1;
        for (int l = 0; l < ctx->cfg.layers; l++) {
            ctx->q_wh[l] = (int16_t *)falloc((clstm_q_wh_elems(H) + 1) / 2);
            ctx->q_pk[l] = falloc(clstm_q_pk_floats(layer_input(ctx, l), H));
            ctx->q_inv[l] = falloc(4 * (size_t)H);
            ok = ok && ctx->q_wh[l] && ctx->q_pk[l] && ctx->q_inv[l];
        }
        if (!ctx->fused) {
            ctx->q_hbuf = (int16_t *)falloc((size_t)ctx->cfg.max_batch * ((H + 1) / 2));
            ok = ok && ctx->q_hbuf;
        }
        if (!ok) {
            for (int l = 0; l < CLSTM_MAX_LAYERS; l++) {
                free(ctx->q_wh[l]);
                free(ctx->q_pk[l]);
                free(ctx->q_inv[l]);
                ctx->q_wh[l] = NULL;
                ctx->q_pk[l] = NULL;
                ctx->q_inv[l] = NULL;
            }
            free(ctx->q_hbuf);
            ctx->q_hbuf = NULL;
            return CLSTM_ENOMEM;
        }
        ctx->q_stale = 1;
    }
    ctx->precision = precision;
    if (precision != CLSTM_PRECISION_FP32 && ctx->q_stale) quantise(ctx);
    return 0;
}

clstm_precision clstm_inference_precision(const clstm_ctx *ctx) {
    return ctx ? ctx->precision : CLSTM_PRECISION_FP32;
}
float *clstm_grads(clstm_ctx *ctx) { return ctx ? ctx->grads : NULL; }
int clstm_tensor_count(const clstm_ctx *ctx) { return ctx ? ctx->n_tensors : 0; }
int clstm_tensor_info(const clstm_ctx *ctx, int index, clstm_tensor *out) {
    if (!ctx || !out || index < 0 || index >= ctx->n_tensors) return CLSTM_EINVAL;
    *out = ctx->tensors[index];
    return 0;
}

/* One LSTM layer over T steps. x: [T][B][In]; gates: [T][B][4H] workspace; h: [T][B][H] output;
 * c: [T][B][H] when keep (training), else a single [B][H] buffer updated in place. */
static void layer_forward(clstm_ctx *ctx, int l, const float *x, int B, float *gates, float *c,
                          float *h, int keep, int quant) {
    const int T = ctx->cfg.seq_len, H = ctx->cfg.hidden_size, In = layer_input(ctx, l);
    const float *Wx = ctx->params + ctx->tensors[3 * l].offset;
    const float *Wh = ctx->params + ctx->tensors[3 * l + 1].offset;
    const float *bias = ctx->params + ctx->tensors[3 * l + 2].offset;
    const size_t gstride = (size_t)B * 4 * H, hstride = (size_t)B * H;
    /* input projection of all T steps in one GEMM: [T*B][In] x [In][4H] */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T * B, 4 * H, In, 1.0f, x, In, Wx, In,
                0.0f, gates, 4 * H);
    for (int t = 0; t < T; t++) {
        float *g = gates + t * gstride;
        if (t > 0 && quant)
            clstm_q_recurrent_portable(ctx->q_wh[l], ctx->q_inv[l], h + (t - 1) * hstride, B, H, ctx->q_hbuf, g);
        else if (t > 0)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, 4 * H, H, 1.0f,
                        h + (t - 1) * hstride, H, Wh, H, 1.0f, g, 4 * H);
        float *ct = keep ? c + t * hstride : c;
        const float *cp = t == 0 ? NULL : (keep ? c + (t - 1) * hstride : c);
        clstm_gates_portable(g, bias, cp, ct, h + t * hstride, B, H, keep);
    }
}

static void head_forward(clstm_ctx *ctx, const float *h_last, int B, float *y) {
    const int H = ctx->cfg.hidden_size, O = ctx->cfg.output_size, L = ctx->cfg.layers;
    const float *W = ctx->params + ctx->tensors[3 * L].offset;
    const float *b = ctx->params + ctx->tensors[3 * L + 1].offset;
    for (int i = 0; i < B; i++) memcpy(y + (size_t)i * O, b, (size_t)O * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, O, H, 1.0f, h_last, H, W, H, 1.0f, y, O);
}

int clstm_forward(clstm_ctx *ctx, const float *x, int batch, float *y) {
    if (!ctx || !x || !y || batch < 1 || batch > ctx->cfg.max_batch) return CLSTM_EINVAL;
    use_threads(ctx);
    const int L = ctx->cfg.layers, T = ctx->cfg.seq_len, H = ctx->cfg.hidden_size;
    const int quant = ctx->precision; /* 0 fp32, CLSTM_PRECISION_INT16 or _INT8 (fused AVX512 only) */
    if (quant && ctx->q_stale) quantise(ctx);
    if (ctx->fused) {
        const float *in = x;
        for (int l = 0; l < L; l++) {
            if (!quant) /* the int16 path uses the copy quantised above */
                clstm_fwd_pack(ctx->params + ctx->tensors[3 * l].offset, ctx->params + ctx->tensors[3 * l + 1].offset,
                               ctx->params + ctx->tensors[3 * l + 2].offset, layer_input(ctx, l), H, ctx->pk_fwd[l]);
            struct row_job j = {.ctx = ctx, .l = l, .B = batch, .x = in, .quant = quant};
            if (l < L - 1) j.h_all = ctx->inf_h[l & 1];
            else j.h_last = ctx->inf_hlast;
            run_rows(ctx, &j);
            in = ctx->inf_h[l & 1];
        }
        head_forward(ctx, ctx->inf_hlast, batch, y);
        return 0;
    }
    const float *in = x;
    float *out = NULL;
    for (int l = 0; l < L; l++) {
        out = ctx->inf_h[l & 1];
        layer_forward(ctx, l, in, batch, ctx->inf_gates, ctx->inf_c, out, 0, quant);
        in = out;
    }
    head_forward(ctx, out + (size_t)(T - 1) * batch * H, batch, y);
    return 0;
}

int clstm_forward_train(clstm_ctx *ctx, const float *x, int batch, float *y) {
    if (!ctx || !x || !y || batch < 1 || batch > ctx->cfg.max_batch) return CLSTM_EINVAL;
    int rc = ensure_training(ctx);
    if (rc) return rc;
    use_threads(ctx);
    const int L = ctx->cfg.layers, T = ctx->cfg.seq_len, H = ctx->cfg.hidden_size;
    memcpy(ctx->x_copy, x, (size_t)T * batch * ctx->cfg.input_size * sizeof(float));
    const float *in = ctx->x_copy;
    for (int l = 0; l < L; l++) {
        struct clstm_layer_ws *w = &ctx->layer[l];
        if (ctx->fused) {
            clstm_fwd_pack(ctx->params + ctx->tensors[3 * l].offset, ctx->params + ctx->tensors[3 * l + 1].offset,
                           ctx->params + ctx->tensors[3 * l + 2].offset, layer_input(ctx, l), H, ctx->pk_fwd[l]);
            struct row_job j = {.ctx = ctx, .l = l, .B = batch, .x = in, .h_all = w->h, .c_all = w->c, .act = w->gates};
            run_rows(ctx, &j);
        } else {
            layer_forward(ctx, l, in, batch, w->gates, w->c, w->h, 1, 0);
        }
        in = w->h;
    }
    head_forward(ctx, ctx->layer[L - 1].h + (size_t)(T - 1) * batch * H, batch, y);
    ctx->last_batch = batch;
    return 0;
}

int clstm_backward(clstm_ctx *ctx, const float *dy) {
    if (!ctx || !dy) return CLSTM_EINVAL;
    if (!ctx->train_ready || ctx->last_batch < 1) return CLSTM_ESTATE;
    use_threads(ctx);
    const int B = ctx->last_batch, L = ctx->cfg.layers, T = ctx->cfg.seq_len;
    const int H = ctx->cfg.hidden_size, O = ctx->cfg.output_size;
    const size_t gstride = (size_t)B * 4 * H, hstride = (size_t)B * H;

    /* head */
    const float *hT = ctx->layer[L - 1].h + (size_t)(T - 1) * hstride;
    const float *W = ctx->params + ctx->tensors[3 * L].offset;
    float *dW = ctx->grads + ctx->tensors[3 * L].offset;
    float *db = ctx->grads + ctx->tensors[3 * L + 1].offset;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, H, B, 1.0f, dy, O, hT, H, 0.0f, dW, H);
    for (int o = 0; o < O; o++) db[o] = 0.0f;
    for (int b = 0; b < B; b++)
        for (int o = 0; o < O; o++) db[o] += dy[(size_t)b * O + o];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, O, 1.0f, dy, O, W, H, 0.0f,
                ctx->dh_top, H);

    for (int l = L - 1; l >= 0; l--) {
        struct clstm_layer_ws *w = &ctx->layer[l];
        const int In = layer_input(ctx, l);
        const float *X = l == 0 ? ctx->x_copy : ctx->layer[l - 1].h;
        const float *Wx = ctx->params + ctx->tensors[3 * l].offset;
        const float *Wh = ctx->params + ctx->tensors[3 * l + 1].offset;
        float *dWx = ctx->grads + ctx->tensors[3 * l].offset;
        float *dWh = ctx->grads + ctx->tensors[3 * l + 1].offset;
        float *dbias = ctx->grads + ctx->tensors[3 * l + 2].offset;
        const float *dabove = l == L - 1 ? NULL : ctx->dx[l & 1]; /* written by layer l+1 */
        if (ctx->fused) {
            float *pk_wx = ctx->pk_bwd[l] + clstm_bwd_pack_floats(H, H);
            clstm_bwd_pack(Wh, H, H, ctx->pk_bwd[l]);
            if (l > 0) clstm_bwd_pack(Wx, In, H, pk_wx);
            struct row_job j = {.ctx = ctx, .backward = 1, .l = l, .B = B};
            j.bwd = (clstm_bwd_args){.In = In, .H = H, .T = T, .B = B, .pk_wh = ctx->pk_bwd[l], .pk_wx = pk_wx,
                                     .act = w->gates, .c = w->c, .h = w->h, .x = X, .dh_above = dabove,
                                     .dh_top = l == L - 1 ? ctx->dh_top : NULL,
                                     .dx = l > 0 ? ctx->dx[(l - 1) & 1] : NULL,
                                     .wide = ctx->isa == CLSTM_ISA_AVX512};
            run_rows(ctx, &j);
            continue;
        }
        {
        memset(ctx->dc, 0, hstride * sizeof(float));
        for (int t = T - 1; t >= 0; t--) {
            const float *da = l == L - 1 ? (t == T - 1 ? ctx->dh_top : NULL) : dabove + t * hstride;
            const float *dr = t == T - 1 ? NULL : ctx->dh_rec;
            float *dg = ctx->dg + t * gstride;
            clstm_gates_backward(w->gates + t * gstride, w->c + t * hstride,
                                 t > 0 ? w->c + (t - 1) * hstride : NULL, da, dr, ctx->dc, dg, B, H);
            if (t > 0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, 4 * H, 1.0f, dg, 4 * H,
                            Wh, H, 0.0f, ctx->dh_rec, H);
        }
        }
        /* weight gradients: one GEMM each over all steps */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 4 * H, In, T * B, 1.0f, ctx->dg, 4 * H,
                    X, In, 0.0f, dWx, In);
        if (T > 1)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 4 * H, H, (T - 1) * B, 1.0f,
                        ctx->dg + gstride, 4 * H, w->h, H, 0.0f, dWh, H);
        else
            memset(dWh, 0, (size_t)4 * H * H * sizeof(float));
        for (int j = 0; j < 4 * H; j++) dbias[j] = 0.0f;
        for (size_t r = 0; r < (size_t)T * B; r++) {
            const float *row = ctx->dg + r * 4 * H;
            for (int j = 0; j < 4 * H; j++) dbias[j] += row[j];
        }
        if (l > 0) /* dL/dh of the layer below: [T*B][4H] x [4H][H] */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T * B, H, 4 * H, 1.0f, ctx->dg,
                        4 * H, Wx, H, 0.0f, ctx->dx[(l - 1) & 1], H);
    }
    return 0;
}

float clstm_clip_gradients(clstm_ctx *ctx, float max_norm) {
    if (!ctx) return 0.0f;
    double s = 0.0;
    for (size_t k = 0; k < ctx->n_params; k++) s += (double)ctx->grads[k] * ctx->grads[k];
    float norm = (float)sqrt(s);
    if (max_norm > 0.0f && norm > max_norm) {
        float scale = max_norm / (norm + 1e-12f);
        for (size_t k = 0; k < ctx->n_params; k++) ctx->grads[k] *= scale;
    }
    return norm;
}

int clstm_adam_step(clstm_ctx *ctx, const clstm_adam *a) {
    if (!ctx || !a || !(a->learning_rate > 0.0f) || a->beta1 < 0.0f || a->beta1 >= 1.0f ||
        a->beta2 < 0.0f || a->beta2 >= 1.0f || !(a->epsilon > 0.0f) || a->weight_decay < 0.0f)
        return CLSTM_EINVAL;
    ctx->adam_t++;
    const float b1 = a->beta1, b2 = a->beta2;
    const float c1 = 1.0f / (1.0f - (float)pow(b1, (double)ctx->adam_t));
    const float c2 = 1.0f / (1.0f - (float)pow(b2, (double)ctx->adam_t));
    const float lr = a->learning_rate, eps = a->epsilon, wd = a->weight_decay * a->learning_rate;
    float *restrict p = ctx->params, *restrict m = ctx->adam_m, *restrict v = ctx->adam_v;
    const float *restrict g = ctx->grads;
    for (size_t k = 0; k < ctx->n_params; k++) {
        float gk = g[k];
        m[k] = b1 * m[k] + (1.0f - b1) * gk;
        v[k] = b2 * v[k] + (1.0f - b2) * gk * gk;
        float mh = m[k] * c1, vh = v[k] * c2;
        p[k] -= lr * mh / (sqrtf(vh) + eps) + wd * p[k];
    }
    ctx->q_stale = 1;
    return 0;
}

float clstm_pinball_loss(const float *y, const float *target, const float *weights, int batch,
                         int horizon, const float *quantiles, int nq, float *dy) {
    if (!y || !target || !quantiles || batch < 1 || horizon < 1 || nq < 1) return NAN;
    double total = 0.0;
    const float norm = 1.0f / ((float)batch * horizon * nq);
    for (int b = 0; b < batch; b++) {
        const float w = weights ? weights[b] : 1.0f;
        for (int k = 0; k < horizon; k++) {
            const float tv = target[(size_t)b * horizon + k];
            for (int q = 0; q < nq; q++) {
                const size_t idx = ((size_t)b * horizon + k) * nq + q;
                const float e = tv - y[idx], tau = quantiles[q];
                /* loss = max(tau*e, (tau-1)*e); d/dy = -tau if e > 0 else (1 - tau) */
                total += (double)w * (e >= 0.0f ? tau * e : (tau - 1.0f) * e);
                if (dy) dy[idx] = w * norm * (e > 0.0f ? -tau : 1.0f - tau);
            }
        }
    }
    return (float)(total * norm);
}
