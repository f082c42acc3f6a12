#ifndef CLSTM_H
#define CLSTM_H
/*
 * CLSTM: a batched, stacked LSTM with a dense head, forward + full BPTT + Adam, on OpenBLAS.
 *
 * Shapes: L layers (1..3), input size I, hidden size H, head outputs O, sequence length T,
 * up to `max_batch` sequences per call. Inputs are time-major: x[t][b][i] (T * batch * I floats).
 * The head reads the last hidden state of the top layer: y[b][o] (batch * O floats).
 *
 * Parameters live in one contiguous float array (see clstm_tensor_info for the layout):
 * per layer l: Wx[4H][I_l], Wh[4H][H], b[4H] (gate order i, f, g, o), then Wy[O][H], by[O].
 *
 * All state is in one context; nothing is global except OpenBLAS's own thread count, which the
 * context sets before every call (clstm_set_threads). Workspaces are allocated once per context
 * (training buffers on the first training call); no call allocates per time step.
 * Errors are negative errno-style codes (CLSTM_E*); clstm_strerror describes them.
 * This header does not include cblas.h.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CLSTM_FORMAT_VERSION 1u
#define CLSTM_MAX_LAYERS 3

/* Error codes (negative errno values). */
#define CLSTM_EIO (-5)       /* file could not be opened, read or written */
#define CLSTM_ENOMEM (-12)   /* allocation failed */
#define CLSTM_EINVAL (-22)   /* invalid argument (shape, batch, null pointer) */
#define CLSTM_ESHAPE (-33)   /* weights file shape does not match this context */
#define CLSTM_EPROTO (-71)   /* weights file has an unsupported format version */
#define CLSTM_EBADMSG (-74)  /* weights file is corrupt (bad magic, truncated, checksum) */
#define CLSTM_ENODEV (-19)  /* the CPU (or the chosen ISA) lacks the instructions this needs */
#define CLSTM_ESTATE (-95)   /* call out of order (backward without a training forward) */

/* Which kernels to use. AUTO picks the best the CPU supports at run time: AVX512 (fused 512-bit
 * kernels; needs AVX-512 F/DQ/BW/VL), else AVX2 (fused 256-bit kernels; AVX2 + FMA), else PORTABLE
 * (OpenBLAS GEMMs + a C gate pass). An ISA the CPU lacks falls back to PORTABLE. AVX512 and AVX2
 * give the same inference outputs bit for bit. */
typedef enum clstm_isa {
    CLSTM_ISA_AUTO = 0,
    CLSTM_ISA_PORTABLE = 1,
    CLSTM_ISA_AVX2 = 2,
    CLSTM_ISA_AVX512 = 3,
} clstm_isa;

/* Arithmetic of the inference forward (clstm_forward). Training always runs in fp32.
 * INT16: the recurrent product Wh h_{t-1} of every layer runs in int16 x int16 -> int32 (AVX-512
 * VNNI vpdpwssd on the AVX512 ISA where the CPU has VNNI, AVX2 vpmaddwd otherwise, portable C on
 * PORTABLE): Wh quantised per gate row with its own scale, h
 * quantised to int16 at every step with a fixed scale (|h| < 1); the input projection, bias,
 * gates, cell state and head stay fp32. Outputs differ from FP32 by the quantisation error (the
 * tests bound it); the int16 copy is derived from the fp32 weights (nothing new is saved).
 * INT8: the same with Wh quantised per gate row to int8 and h to unsigned 8 bits with a zero point
 * of 128 (AVX-512 VNNI vpdpbusd, four multiply-adds per 32-bit lane: twice int16's): about 1.3x the
 * int16 path's speed, with outputs about 100x further from FP32 (1e-3 instead of 1e-5 on the
 * tests' networks, the frameworks' own int8 models' order). AVX512 ISA with VNNI only:
 * clstm_set_inference_precision returns CLSTM_ENODEV elsewhere, and CLSTM_EINVAL for a hidden
 * size over 66,000 (its int32 sums could overflow). */
typedef enum clstm_precision {
    CLSTM_PRECISION_FP32 = 0,
    CLSTM_PRECISION_INT16 = 1,
    CLSTM_PRECISION_INT8 = 2,
} clstm_precision;

typedef struct clstm_config {
    int layers;      /* 1..3 */
    int input_size;  /* I >= 1 */
    int hidden_size; /* H >= 1 */
    int output_size; /* O >= 1 */
    int seq_len;     /* T >= 1 */
    int max_batch;   /* largest batch passed to forward/backward */
    uint64_t seed;   /* weight initialisation seed */
    int threads;     /* OpenBLAS threads (>= 1) */
    clstm_isa isa;   /* gate kernel; CLSTM_ISA_AUTO normally */
} clstm_config;

typedef struct clstm_adam {
    float learning_rate; /* e.g. 1e-3 */
    float beta1;         /* e.g. 0.9 */
    float beta2;         /* e.g. 0.999 */
    float epsilon;       /* e.g. 1e-8 */
    float weight_decay;  /* decoupled (AdamW); 0 disables */
} clstm_adam;

typedef struct clstm_tensor {
    const char *name; /* "layer0.Wx", "layer0.Wh", "layer0.b", ..., "head.W", "head.b" */
    size_t offset;    /* in floats, into clstm_params / clstm_grads */
    int rows;
    int cols;
} clstm_tensor;

typedef struct clstm_ctx clstm_ctx;

/* Creation and teardown. */
int clstm_create(const clstm_config *config, clstm_ctx **out);
void clstm_destroy(clstm_ctx *ctx);
const char *clstm_strerror(int code);
/* The gate kernel in use (never AUTO). */
clstm_isa clstm_active_isa(const clstm_ctx *ctx);
/* Sets the OpenBLAS thread count used by this context's calls. */
int clstm_set_threads(clstm_ctx *ctx, int threads);
/* Chooses the arithmetic of clstm_forward (FP32 by default). Enabling INT16 or INT8 allocates and
 * quantises the weights once (CLSTM_ENOMEM on failure; the precision is then unchanged);
 * CLSTM_EINVAL for an unknown precision; CLSTM_ENODEV for INT8 where the active ISA is not AVX512
 * on a CPU with AVX-512 VNNI (the precision is then unchanged). */
int clstm_set_inference_precision(clstm_ctx *ctx, clstm_precision precision);
clstm_precision clstm_inference_precision(const clstm_ctx *ctx);
/* The int16 and int8 weight copies are re-quantised before the next INT16 / INT8 forward after any call that may
 * change the weights: clstm_params (it hands out a writable pointer: write through it after the
 * call, not through a pointer kept from before an INT16 forward), clstm_init_weights,
 * clstm_adam_step, clstm_deserialize / clstm_load, and this function, for callers that do keep
 * the pointer. */
void clstm_weights_changed(clstm_ctx *ctx);
/* Re-initialises weights from a seed and resets the optimizer. */
int clstm_init_weights(clstm_ctx *ctx, uint64_t seed);

/* Parameters and gradients (same layout). */
size_t clstm_param_count(const clstm_ctx *ctx);
float *clstm_params(clstm_ctx *ctx);
float *clstm_grads(clstm_ctx *ctx);
int clstm_tensor_count(const clstm_ctx *ctx);
int clstm_tensor_info(const clstm_ctx *ctx, int index, clstm_tensor *out);

/* Inference: x is [T][batch][I], y is [batch][O]. */
int clstm_forward(clstm_ctx *ctx, const float *x, int batch, float *y);
/* Training forward: as clstm_forward, keeps the activations for clstm_backward. */
int clstm_forward_train(clstm_ctx *ctx, const float *x, int batch, float *y);
/* Backward of the last training forward. dy is dLoss/dy, [batch][O]. Overwrites the gradients. */
int clstm_backward(clstm_ctx *ctx, const float *dy);
/* Scales gradients so their global L2 norm is at most max_norm (<= 0: no clipping).
 * Returns the norm before clipping. */
float clstm_clip_gradients(clstm_ctx *ctx, float max_norm);
/* One Adam step with bias correction (and decoupled weight decay). */
int clstm_adam_step(clstm_ctx *ctx, const clstm_adam *adam);
/* Clears the Adam moments and step count (used for warm-started fine-tuning). */
void clstm_reset_optimizer(clstm_ctx *ctx);

/*
 * Pinball (quantile) loss for direct multi-horizon quantile outputs.
 * y: [batch][horizon][nq], target: [batch][horizon], weights: [batch] or NULL.
 * Returns the mean loss over batch*horizon*nq; when dy is not NULL writes dLoss/dy ([batch][horizon][nq]).
 */
float clstm_pinball_loss(const float *y, const float *target, const float *weights, int batch,
                         int horizon, const float *quantiles, int nq, float *dy);

/* Weights in a versioned binary format with a checksum (little-endian). */
size_t clstm_serialized_size(const clstm_ctx *ctx);
int clstm_serialize(const clstm_ctx *ctx, void *buffer, size_t size);
int clstm_deserialize(clstm_ctx *ctx, const void *buffer, size_t size);
int clstm_save(const clstm_ctx *ctx, const char *path);
int clstm_load(clstm_ctx *ctx, const char *path);

#ifdef __cplusplus
}
#endif
#endif
