/* CEmit internals shared by engine.c, the backends and histogram.c (not part of the public API). */
#ifndef CEMIT_INTERNAL_H
#define CEMIT_INTERNAL_H
#include "CEmit.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>

static inline int64_t cemit_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- log-linear histogram (HDR layout: 2^7 sub-buckets per power of two, < 1% error) ---- */
#define CEMIT_HIST_SUB_BITS 7
#define CEMIT_HIST_SUB (1u << CEMIT_HIST_SUB_BITS)
#define CEMIT_HIST_MAX_BITS 42 /* ~73 minutes in ns */
#define CEMIT_HIST_BUCKETS ((CEMIT_HIST_MAX_BITS - CEMIT_HIST_SUB_BITS + 1) * CEMIT_HIST_SUB)
uint32_t cemit_hist_index(uint64_t value);
uint64_t cemit_hist_value(uint32_t index); /* a representative (middle) value of the bucket */

/* ---- connections ---- */
enum { C_CLOSED = 0, C_CONNECTING, C_READY, C_WAIT_RECONNECT };

/* cemit_inflight.flags bit (outside the CEMIT_FLAG_* bits) set by the engine: the request is a
 * HEAD, its response has no body. */
#define CEMIT_INFLIGHT_HEAD (1u << 8)
/* cemit_inflight.flags bit: sent during the send warm-up, counted apart from the run. */
#define CEMIT_INFLIGHT_WARMUP (1u << 9)

typedef struct cemit_inflight {
    int64_t intended;
    int64_t sent;
    uint32_t route;
    uint32_t flags;
} cemit_inflight;

typedef struct cemit_conn {
    int fd;
    uint32_t gen;          /* bumped on every close: stale completions are ignored */
    uint32_t index;
    uint8_t state;
    uint8_t sending;       /* a send is outstanding */
    uint8_t in_free;       /* on the free list (open mode) */
    uint8_t recv_armed;    /* io_uring: a multishot receive is outstanding */
    uint8_t closing_after; /* close once the last response is read (Connection: close) */
    uint8_t fault;         /* after the send: CEMIT_FLAG_RESET / CEMIT_FLAG_ABANDON */
    uint8_t uring_ops;     /* io_uring: outstanding ops on this fd */
    uint8_t fixed;         /* io_uring: the socket is also registered at index `index` */
    uint32_t inflight_head, inflight_count, inflight_cap;
    cemit_inflight *inflight;
    uint8_t *out;
    uint32_t out_len, out_off, out_cap;
    uint32_t drip_total;   /* drip: full length being dripped (0: no drip) */
    uint32_t drip_piece;   /* drip: bytes per tick */
    int64_t drip_next;     /* drip: next write time */
    cemit_http_parser parser;
    int64_t deadline;      /* connect deadline */
    int64_t reconnect_at;
    uint32_t backoff_ms;
    uint32_t free_next;
} cemit_conn;

typedef struct cemit_worker cemit_worker;

/* A transport behind a table of verbs (io_uring and epoll implement the same table). The backend
 * reports through cemit_on_connect / cemit_on_sent / cemit_on_recv. */
typedef struct cemit_backend_ops {
    const char *name;
    int nonblocking_sockets;
    int (*init)(cemit_worker *w, uint32_t max_conns);
    void (*destroy)(cemit_worker *w);
    int (*thread_start)(cemit_worker *w);             /* on the worker thread, before any I/O (may be NULL) */
    int (*connect)(cemit_worker *w, cemit_conn *c, const struct sockaddr *sa, socklen_t len);
    int (*send)(cemit_worker *w, cemit_conn *c);      /* send out[out_off..out_len) entirely */
    int (*start_recv)(cemit_worker *w, cemit_conn *c);
    void (*close)(cemit_worker *w, cemit_conn *c, int reset);
    int (*poll)(cemit_worker *w, int64_t timeout_ns); /* submit, wait, dispatch */
} cemit_backend_ops;

extern const cemit_backend_ops cemit_backend_uring;
extern const cemit_backend_ops cemit_backend_epoll;

void cemit_on_connect(cemit_worker *w, cemit_conn *c, int res);
void cemit_on_sent(cemit_worker *w, cemit_conn *c, int res);
void cemit_on_recv(cemit_worker *w, cemit_conn *c, const uint8_t *data, int res);

typedef struct cemit_worker_stats {
    _Atomic uint64_t sent, completed, late, faulted;
    _Atomic uint64_t errors[CEMIT_ERR_KINDS];
    _Atomic uint64_t status_classes[6];
    _Atomic uint64_t bytes_sent, bytes_received, latency_sum_ns, connects;
    _Atomic uint64_t warmup_sent, warmup_completed, warmup_late, warmup_errors;
} cemit_worker_stats;

typedef struct cemit_queue_slot {
    cemit_chunk chunk;
} cemit_queue_slot;

struct cemit_worker {
    cemit_engine *engine;
    uint32_t id;
    pthread_t thread;
    const cemit_backend_ops *ops;
    void *backend;              /* backend state */
    cemit_conn *conns;
    uint32_t conn_count;        /* slots in use (open mode grows up to conn_cap) */
    uint32_t conn_cap;
    uint32_t conn_target;       /* closed: connections to keep */
    uint32_t free_head;         /* free list of ready connections (open mode), UINT32_MAX: empty */
    uint32_t connecting;
    uint32_t inflight_total;
    uint32_t dripping;
    uint64_t budget;            /* requests this worker may still send */
    uint64_t cursor;            /* closed/rate: index of the next request */
    uint64_t rate_index;        /* rate: k-th request of this worker */
    /* schedule stream */
    cemit_chunk chunk;
    bool has_chunk;
    uint32_t chunk_pos;
    bool stream_done;
    bool sending_over;
    bool warming;               /* opening the initial connections: the clock has not started */
    int64_t start_ns;           /* copy of the engine's clock start, read on the hot path */
    int64_t end_send;
    int64_t send_due;           /* open model: when the next request is due (INT64_MAX: not known) */
    int64_t backlog_deadline;   /* open model: when the requests due before end_send must be out (0: not yet past end_send) */
    /* adaptive busy poll (cemit_config.busy_poll_ns == CEMIT_BUSY_POLL_AUTO) */
    cemit_spin_policy spin;     /* the budget and its hold */
    cemit_spin_tick spin_tick;  /* what the current timer tick saw */
    int schedstat_fd;           /* /proc/thread-self/schedstat, -1: not readable (use the clock gaps) */
    int64_t run_delay;          /* its run_delay at the last tick */
    /* per-worker results (single writer) */
    uint64_t *hist;             /* [kinds][routes+1][BUCKETS]; route index routes == total */
    uint64_t *route_completed;  /* [routes] */
    uint64_t *route_late;       /* [routes] */
    uint64_t *route_errors;     /* [routes][CEMIT_ERR_KINDS] */
    cemit_worker_stats stats;
    char congestion[16];        /* TCP_CONGESTION read from the first connection that opened */
    uint8_t *rbuf;              /* epoll read buffer */
    size_t rbuf_len;
};

struct cemit_engine {
    cemit_config cfg;
    uint8_t *arena;             /* copy of the cycled requests (closed/rate) */
    cemit_request *requests;
    uint32_t max_request_len;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    const cemit_backend_ops *ops;
    cemit_worker *workers;
    uint32_t routes;            /* route_count, >= 1 */
    int64_t created_ns;         /* cemit_engine_start: the warm-up begins */
    _Atomic int64_t start_ns;   /* the run's clock: set once every worker has its connections (0: warming up) */
    _Atomic uint32_t warming;   /* workers still opening their initial connections */
    _Atomic uint64_t connected_at_start;
    _Atomic int64_t send_window_ns;
    _Atomic int stop;
    _Atomic uint32_t running;
    bool started, joined;
    /* schedule queue */
    pthread_mutex_t qlock;
    pthread_cond_t done_cond;
    cemit_chunk *queue;
    uint32_t qcap, qhead, qcount;
    bool stream_ended;
    void (*queue_notify)(void *ctx); /* cemit_engine_set_queue_notify: a slot freed, or a worker ended */
    void *queue_notify_ctx;
};

#endif
