#ifndef CEMIT_H
#define CEMIT_H
/*
 * CEmit: the emission engine (C11). Sends pre-serialized HTTP/1.1 requests over keep-alive
 * connections, closed model (max rate, optional pipelining) or open model (constant rate or
 * an explicit stream of timestamped requests), and records latency per route.
 *
 * Conventions: every function that can fail returns 0 (or a count) on success and a negative
 * errno-style code on failure. All state lives in the opaque context structs; there is no
 * global mutable state. liburing.h is not exposed here.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One pre-serialized request; mirrors Traffic.RequestBatch.Entry (24 bytes). */
typedef struct cemit_request {
    uint32_t offset;   /* byte offset in the arena */
    uint32_t length;   /* request length in bytes */
    uint32_t route;    /* route id (results are recorded per route) */
    uint32_t flags;    /* CEMIT_FLAG_* (0: a clean request) */
    int64_t send_at_ns; /* intended send time from the start of the run (open schedule) */
} cemit_request;

/*
 * Request flags (socket-level fault injection). Bits 0..7 select behaviour; bits 16..31 carry
 * a parameter (CEMIT_FLAG_PARAM).
 *  - DRIP:    send the request bytes slowly, spread over PARAM milliseconds (one small write per tick).
 *  - RESET:   after the request is sent, reset the connection (RST via SO_LINGER 0); no response expected.
 *  - ABANDON: send the request, then close the connection without reading the response.
 * A request with RESET or ABANDON is counted as `faulted`, not as an error or a completion.
 */
#define CEMIT_FLAG_DRIP    (1u << 0)
#define CEMIT_FLAG_RESET   (1u << 1)
#define CEMIT_FLAG_ABANDON (1u << 2)
#define CEMIT_FLAG_PARAM_SHIFT 16
#define CEMIT_FLAG_PARAM(flags) ((uint32_t)(flags) >> CEMIT_FLAG_PARAM_SHIFT)

/* ---------------------------------------------------------------------------------------- */
/* Incremental HTTP/1.1 response parser (unit-testable on its own)                           */
/* ---------------------------------------------------------------------------------------- */

enum {
    CEMIT_HTTP_MORE = 0,   /* the response is not complete yet: feed more bytes */
    CEMIT_HTTP_DONE = 1,   /* one response is complete; *consumed bytes belong to it */
};
/* Parse errors (negative). */
#define CEMIT_EPARSE_STATUS   (-1001) /* bad status line */
#define CEMIT_EPARSE_HEADER   (-1002) /* bad header line */
#define CEMIT_EPARSE_TOOBIG   (-1003) /* headers exceed max_header_bytes */
#define CEMIT_EPARSE_LENGTH   (-1004) /* bad Content-Length */
#define CEMIT_EPARSE_CHUNK    (-1005) /* bad chunked framing */

typedef struct cemit_http_parser {
    uint32_t state;
    uint32_t max_header_bytes;
    uint32_t header_bytes;
    int status;            /* status code once the status line is read */
    uint32_t flags;        /* internal: chunked, close, content-length seen, ... */
    uint64_t content_length;
    uint64_t remaining;    /* body or chunk bytes left */
    uint64_t body_bytes;   /* body bytes seen so far */
    uint32_t match;        /* internal: header name matcher */
    uint32_t aux;          /* internal */
    uint8_t no_body;       /* 1: response to HEAD (see cemit_http_parser_set_head) */
    uint8_t closes;        /* 1: the connection must be closed after this response */
    uint8_t reserved[6];
} cemit_http_parser;

/** Prepares the parser for a new response. max_header_bytes 0 means 8192. */
void cemit_http_parser_init(cemit_http_parser *p, uint32_t max_header_bytes);
/**
 * Tells the parser that the response it is about to read answers a HEAD request: it has no body
 * whatever its Content-Length or Transfer-Encoding say (RFC 9110 §9.3.2). Call after init and
 * before feeding. 1xx, 204 and 304 responses have no body on their own, whatever the method.
 */
void cemit_http_parser_set_head(cemit_http_parser *p, int answers_head);
/** 1 when a serialized request's method is HEAD (the request starts with "HEAD "). */
int cemit_http_request_is_head(const uint8_t *request, size_t length);
/**
 * Feeds bytes. Returns CEMIT_HTTP_MORE when all `len` bytes were consumed and the response is
 * incomplete, CEMIT_HTTP_DONE when a response completed after `*consumed` bytes (the rest
 * belongs to the next response: call init again and feed it), or a negative CEMIT_EPARSE_*
 * with *consumed set to the offset of the offending byte.
 * Never reads outside data[0..len).
 */
int cemit_http_parse(cemit_http_parser *p, const uint8_t *data, size_t len, size_t *consumed);
/** Signals end of stream: returns CEMIT_HTTP_DONE if the response was delimited by close. */
int cemit_http_parse_eof(cemit_http_parser *p);

/* ---------------------------------------------------------------------------------------- */
/* Engine                                                                                     */
/* ---------------------------------------------------------------------------------------- */

enum { CEMIT_BACKEND_AUTO = 0, CEMIT_BACKEND_URING = 1, CEMIT_BACKEND_EPOLL = 2 };
/*
 * Workload models.
 *  - CLOSED: each connection sends its next `pipeline` requests (cycled from cfg.requests) as soon
 *    as the previous ones are answered (wrk).
 *  - RATE: open model, cfg.requests cycled at cfg.rate per second.
 *  - SCHEDULE: open model, the pushed stream (cemit_engine_push) sent at each send_at_ns.
 *  - STREAM_CLOSED: closed model over the pushed stream: each connection sends the stream's next
 *    `pipeline` requests, in stream order, as soon as the previous ones are answered; send_at_ns is
 *    ignored (no lateness is recorded; latency counts from the actual send). Connections are fixed
 *    (cfg.connections). The run ends at the duration, the request limit or the end of the stream.
 */
enum { CEMIT_MODE_CLOSED = 0, CEMIT_MODE_RATE = 1, CEMIT_MODE_SCHEDULE = 2, CEMIT_MODE_STREAM_CLOSED = 3 };

/** Error kinds, indexes into cemit_stats.errors. */
enum {
    CEMIT_ERR_REFUSED = 0,      /* connection refused */
    CEMIT_ERR_RESET = 1,        /* connection reset / broken pipe */
    CEMIT_ERR_TIMEOUT = 2,      /* connect or request timeout (also: never sent in time) */
    CEMIT_ERR_CLOSED_EARLY = 3, /* peer closed with a response outstanding */
    CEMIT_ERR_PARSE = 4,        /* malformed response */
    CEMIT_ERR_OTHER = 5,        /* any other socket error */
    CEMIT_ERR_KINDS = 6
};

/** Histogram kinds. */
enum {
    CEMIT_HIST_LATENCY = 0,     /* response time from the intended send time (no coordinated omission) */
    CEMIT_HIST_SERVICE = 1,     /* response time from the actual send */
    CEMIT_HIST_LATENESS = 2,    /* actual send minus intended send (total only) */
    CEMIT_HIST_KINDS = 3
};

typedef struct cemit_config {
    uint8_t address[16];        /* IPv4 (first 4 bytes) or IPv6, network order */
    int family;                 /* 4 or 6 */
    uint16_t port;
    int mode;                   /* CEMIT_MODE_* */
    int backend;                /* CEMIT_BACKEND_* */
    uint32_t threads;           /* worker threads (>= 1) */
    uint32_t connections;       /* closed (and stream-closed): exact count; open: initial count */
    uint32_t max_connections;   /* open: growth limit (>= connections) */
    uint32_t pipeline;          /* closed (and stream-closed): requests in flight per connection (>= 1) */
    double rate;                /* CEMIT_MODE_RATE: requests per second */
    int64_t duration_ns;        /* send window; 0: until the requests/stream are exhausted */
    uint64_t request_limit;     /* 0: unlimited */
    int64_t connect_timeout_ns;
    int64_t request_timeout_ns;
    int64_t late_threshold_ns;  /* a send later than this after its intended time counts as late */
    int64_t drain_ns;           /* after the send window, wait this long for outstanding responses */
    uint32_t route_count;       /* routes recorded separately (route ids >= count go to the last one) */
    uint32_t max_header_bytes;  /* response header limit (0: 8192) */
    uint32_t queue_capacity;    /* schedule / stream-closed chunks buffered ahead (0: 8) */
    /* CLOSED and RATE: requests cycled in order (copied at create). */
    const uint8_t *arena;
    size_t arena_length;
    const cemit_request *requests;
    uint32_t request_count;
    /* TCP congestion control set on every connection (TCP_CONGESTION, e.g. "reno"); "" keeps the
     * system default. An unknown or unpermitted name fails cemit_engine_create (-ENOENT / -EPERM). */
    char tcp_congestion[16];
    /* CEMIT_MODE_RATE and CEMIT_MODE_SCHEDULE: send for this long before the measured run starts
     * (connections, caches and CPU placement settle). The rate model sends at its target rate;
     * the schedule model sends the stream's requests with negative send_at_ns (the producer
     * places its warm-up requests in [-warmup_send_ns, 0)). Warm-up requests are counted apart
     * (cemit_stats.warmup_*), never in the run's counters or histograms. 0: none. */
    int64_t warmup_send_ns;
    /* Busy-poll budget of a worker before it blocks in the kernel: it polls without sleeping for
     * up to this long while responses are outstanding, and when the next send is due within it.
     * A sleeping thread pays a wake-up per round trip (milliseconds on a busy machine; on a VM
     * whose idle vCPUs halt, a VM exit each). CEMIT_BUSY_POLL_AUTO (the default of
     * cemit_config_defaults): adaptive, see cemit_spin_policy; 0: never polls, always sleeps;
     * 1 ns...1 s: that fixed budget. */
    int64_t busy_poll_ns;
} cemit_config;

/** cemit_config.busy_poll_ns: adapt the budget to the core (cemit_spin_policy). */
#define CEMIT_BUSY_POLL_AUTO (-1LL)

/* ---- adaptive busy poll: the rule, a pure function (spin_policy.c says why) ---- */
#define CEMIT_SPIN_LONG_NS 1000000LL  /* budget on a core of its own */
#define CEMIT_SPIN_SHORT_NS 50000LL   /* budget on a contended core (the old fixed default) */
#define CEMIT_SPIN_WAIT_NS 100000LL   /* run-queue wait per tick, averaged, that means "contended" */
#define CEMIT_SPIN_HOLD_MIN 8u        /* ticks short after a first contended tick */
#define CEMIT_SPIN_HOLD_MAX 1024u     /* longest hold (about 1 s of ticks) */
#define CEMIT_SPIN_DECAY 64u          /* clean long ticks that halve the next hold */
#define CEMIT_SPIN_IDLE_HOLD 32u      /* ticks short after long polls mostly ran out */

/** What a worker saw during one timer tick (1 ms). */
typedef struct cemit_spin_tick {
    uint32_t spins;        /* busy polls that ran */
    uint32_t timeouts;     /* of them, those that ended with no completion after polling at least
                            * CEMIT_SPIN_SHORT_NS (one that ended because a send became due is not one) */
    int64_t wait_ns;       /* time the thread was runnable but not running (preempted, or woken
                            * and not yet picked): its run-queue wait from /proc/thread-self/schedstat,
                            * or where that cannot be read, the gaps between two clock readings
                            * inside its polls */
} cemit_spin_tick;

/** The adaptive budget's state (one per worker, no allocation). */
typedef struct cemit_spin_policy {
    int64_t budget_ns;     /* CEMIT_SPIN_LONG_NS or CEMIT_SPIN_SHORT_NS */
    uint32_t hold;         /* ticks left at the short budget before a long one is tried again */
    uint32_t next_hold;    /* hold after the next contended tick: doubles per contended tick,
                            * halves per CEMIT_SPIN_DECAY clean long ticks, within HOLD_MIN...HOLD_MAX */
    uint32_t clean;        /* long ticks without contention since the last halving */
    int64_t wait_avg_ns;   /* run-queue wait per long tick, moving average (1/8 of each new tick) */
} cemit_spin_policy;

/** Starts long, no hold. */
void cemit_spin_policy_init(cemit_spin_policy *p);
/**
 * One tick's update; returns the budget for the next tick. During a hold: short. A hold just
 * over: long (a probe; the wait average restarts at 0). At the long budget, when the average
 * wait (wait_avg_ns += (wait_ns - wait_avg_ns) / 8) reaches CEMIT_SPIN_WAIT_NS: short, for
 * `next_hold` ticks, and the next hold doubles. When more than half the tick's polls ran out:
 * short for CEMIT_SPIN_IDLE_HOLD ticks. Else long.
 */
int64_t cemit_spin_policy_tick(cemit_spin_policy *p, const cemit_spin_tick *t);

/** Whether TCP_CONGESTION `name` (NUL-terminated within cap bytes) can be set on a socket of
 * family 4 or 6: 0, -ENOENT (not available), -EPERM (not allowed to this user), -ENAMETOOLONG. */
int cemit_check_tcp_congestion(int family, const char *name, size_t cap);

/** Fills a configuration with defaults (one thread, 64 connections, 2 s timeouts, ...). */
void cemit_config_defaults(cemit_config *cfg);

/** Live counters, summed over workers; readable while the engine runs. */
typedef struct cemit_stats {
    uint64_t sent;
    uint64_t completed;
    uint64_t late;
    uint64_t faulted;
    uint64_t errors[CEMIT_ERR_KINDS];
    uint64_t status_classes[6];   /* [1..5]: 1xx..5xx; [0]: other */
    uint64_t bytes_sent;
    uint64_t bytes_received;
    uint64_t latency_sum_ns;      /* sum of latencies (from intended) of completed requests */
    uint64_t connects;            /* successful connections */
    int64_t elapsed_ns;           /* since the clock started (0 during the warm-up) */
    int64_t send_window_ns;       /* actual send window once ended, else elapsed */
    int64_t warmup_ns;            /* time spent opening the initial connections before the clock started */
    uint64_t connected_at_start;  /* initial connections that were open when the clock started */
    /* The send warm-up (cemit_config.warmup_send_ns): its requests, counted apart from the run's. */
    uint64_t warmup_sent, warmup_completed, warmup_late, warmup_errors;
} cemit_stats;

/** A chunk of a schedule stream. The engine reads arena/requests until it calls release(release_ctx). */
typedef struct cemit_chunk {
    const uint8_t *arena;
    size_t arena_length;
    const cemit_request *requests;
    uint32_t count;
    void (*release)(void *release_ctx);
    void *release_ctx;
} cemit_chunk;

typedef struct cemit_bucket {
    uint64_t value_ns;
    uint64_t count;
} cemit_bucket;

typedef struct cemit_engine cemit_engine;

/** Validates the configuration and sets up the backend (io_uring or epoll); no thread yet. */
int cemit_engine_create(const cemit_config *cfg, cemit_engine **out);
/** The backend in use: CEMIT_BACKEND_URING or CEMIT_BACKEND_EPOLL. */
int cemit_engine_backend(const cemit_engine *e);
/** Starts the worker threads. Each opens its initial connections first (bounded by the connect
 *  timeout); the run's clock (send times, the duration, elapsed) starts when all have, so the
 *  first requests of an open-model schedule are not late because a handshake was still going. */
int cemit_engine_start(cemit_engine *e);
/** The run's clock start (CLOCK_MONOTONIC ns) once every worker has opened its connections;
 *  0 during the warm-up, and when the run ended before the clock started. */
int64_t cemit_engine_clock_start_ns(const cemit_engine *e);
/** Offers a schedule chunk; -EAGAIN when the queue is full (try again later), -EPIPE after end. */
int cemit_engine_push(cemit_engine *e, const cemit_chunk *chunk);
/** Marks the end of the schedule stream. */
void cemit_engine_end_stream(cemit_engine *e);
/**
 * Optional, before cemit_engine_start: fn(ctx) is called on a worker thread each time a worker
 * takes a chunk off the queue (a slot is free: a push that got -EAGAIN may succeed now) and when
 * a worker ends (pushes may fail with -EPIPE from then on), so a producer can wait for either
 * instead of polling. fn must return quickly and must not call the engine. -EALREADY once started.
 */
int cemit_engine_set_queue_notify(cemit_engine *e, void (*fn)(void *ctx), void *ctx);
/** Asks the workers to stop sending now (outstanding responses still drain). */
void cemit_engine_stop(cemit_engine *e);
/** Waits up to timeout_ns (0: just checks) for the run to end; 0 when done, -ETIMEDOUT. */
int cemit_engine_wait(cemit_engine *e, int64_t timeout_ns);
/** Current counters. */
void cemit_engine_stats(const cemit_engine *e, cemit_stats *out);
/** Per-route counters after the run: completions, late sends and errors by kind. */
int cemit_engine_route_stats(const cemit_engine *e, uint32_t route, uint64_t *completed, uint64_t *late, uint64_t errors[CEMIT_ERR_KINDS]);
/**
 * Non-empty histogram buckets after the run, merged over workers. route UINT32_MAX: all routes.
 * Returns the number of buckets (may exceed cap: call again with a bigger buffer).
 */
long cemit_engine_histogram(const cemit_engine *e, int kind, uint32_t route, cemit_bucket *out, size_t cap);
/** The TCP congestion control the kernel applied to the first connection that opened (read with
 * getsockopt, so the algorithm in effect, not the one asked for); "" before any connection
 * opened. Call once the run ended (cemit_engine_wait returned 0): -EBUSY before. */
int cemit_engine_tcp_congestion(const cemit_engine *e, char *out, size_t cap);

/** Frees everything (stops and joins the workers first if needed). */
void cemit_engine_destroy(cemit_engine *e);

/* ---------------------------------------------------------------------------------------- */
/* Sink: a minimal fast HTTP/1.1 server answering every request with a fixed response        */
/* ---------------------------------------------------------------------------------------- */

typedef struct cemit_sink cemit_sink;

typedef struct cemit_sink_config {
    uint8_t address[16];
    int family;        /* 4 or 6 */
    uint16_t port;     /* 0: ephemeral */
    uint32_t threads;  /* >= 1 */
    int backend;       /* CEMIT_BACKEND_* */
    uint32_t body_length; /* response body length (bytes of 'x'); 0 -> "ok" */
    char tcp_congestion[16]; /* TCP_CONGESTION of the listener (accepted sockets inherit it); "": system default */
    /* After the last completion a sink thread keeps polling without sleeping for this long (0:
     * it sleeps as soon as it has nothing to do). For a sink on a core of its own: a sleeping
     * thread pays a wake-up per burst of requests, on a VM whose idle vCPUs halt a VM exit each. */
    int64_t busy_poll_ns;
} cemit_sink_config;

void cemit_sink_config_defaults(cemit_sink_config *cfg);
/** Binds, listens and starts serving on its own threads. */
int cemit_sink_start(const cemit_sink_config *cfg, cemit_sink **out);
/** The bound port. */
uint16_t cemit_sink_port(const cemit_sink *s);
int cemit_sink_backend(const cemit_sink *s);
/** Requests answered and connections accepted so far. */
void cemit_sink_counts(const cemit_sink *s, uint64_t *requests, uint64_t *connections);
/** The TCP congestion control of the first accepted connection (getsockopt); "" before any. */
void cemit_sink_tcp_congestion(const cemit_sink *s, char *out, size_t cap);
/** Stops serving, joins the threads, frees everything. */
void cemit_sink_stop(cemit_sink *s);

#ifdef __cplusplus
}
#endif
#endif
