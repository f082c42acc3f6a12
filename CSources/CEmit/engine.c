/* The engine: context, workers, schedule (closed / constant rate / stream), connection state
 * machine, timing and recording. The transport is behind cemit_backend_ops. */
#include "internal.h"
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <unistd.h>

_Static_assert(sizeof(cemit_request) == 24, "cemit_request mirrors Traffic.RequestBatch.Entry");

#define NONE UINT32_MAX
#define TIMER_TICK_NS 1000000LL
#define DRIP_TICK_NS 1000000LL
#ifndef GROW_CONNECTING
#define GROW_CONNECTING 16u /* open model: handshakes in progress at once while growing the pool */
#endif
/* Two clock readings this far apart inside a busy poll (with nothing submitted or completed in
 * between) mean the thread was descheduled meanwhile: its wait, where schedstat is not readable. */
#define SPIN_GAP_NS 20000LL


static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline void add(_Atomic uint64_t *a, uint64_t v) { atomic_fetch_add_explicit(a, v, memory_order_relaxed); }

/* Closed model: cycling the configured requests (CLOSED) or taking the pushed stream's (STREAM_CLOSED). */
static inline bool mode_closed(int mode) { return mode == CEMIT_MODE_CLOSED || mode == CEMIT_MODE_STREAM_CLOSED; }
/* Requests come from pushed chunks (cemit_engine_push) rather than the copied arena. */
static inline bool mode_streamed(int mode) { return mode == CEMIT_MODE_SCHEDULE || mode == CEMIT_MODE_STREAM_CLOSED; }

void cemit_config_defaults(cemit_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->family = 4;
    cfg->address[0] = 127; cfg->address[3] = 1;
    cfg->port = 8080;
    cfg->mode = CEMIT_MODE_CLOSED;
    cfg->backend = CEMIT_BACKEND_AUTO;
    cfg->threads = 1;
    cfg->connections = 64;
    cfg->max_connections = 1024;
    cfg->pipeline = 1;
    cfg->connect_timeout_ns = 2000000000LL;
    cfg->request_timeout_ns = 2000000000LL;
    cfg->late_threshold_ns = 1000000LL;
    cfg->drain_ns = 1000000000LL;
    cfg->route_count = 1;
    cfg->queue_capacity = 8;
    cfg->busy_poll_ns = CEMIT_BUSY_POLL_AUTO;
}

/* ---------------------------------------------------------------- recording */

static inline uint64_t *hist_of(cemit_worker *w, int kind, uint32_t route) {
    return w->hist + ((size_t)kind * (w->engine->routes + 1) + route) * CEMIT_HIST_BUCKETS;
}

static inline uint32_t route_of(cemit_worker *w, uint32_t route) {
    return route < w->engine->routes ? route : w->engine->routes - 1;
}

static void count_error(cemit_worker *w, int kind, uint32_t route) {
    add(&w->stats.errors[kind], 1);
    w->route_errors[(size_t)route_of(w, route) * CEMIT_ERR_KINDS + kind]++;
}

/* An error of one request: a warm-up request's goes to the warm-up counters, not the run's. */
static void count_request_error(cemit_worker *w, int kind, const cemit_inflight *f) {
    if (f->flags & CEMIT_INFLIGHT_WARMUP) add(&w->stats.warmup_errors, 1);
    else count_error(w, kind, f->route);
}

static void record_lateness(cemit_worker *w, int64_t lateness, uint32_t route) {
    if (lateness < 0) lateness = 0;
    hist_of(w, CEMIT_HIST_LATENESS, w->engine->routes)[cemit_hist_index((uint64_t)lateness)]++;
    if (lateness > w->engine->cfg.late_threshold_ns) { add(&w->stats.late, 1); w->route_late[route_of(w, route)]++; }
}

/* ---------------------------------------------------------------- connections */

static void conn_open(cemit_worker *w, cemit_conn *c, int64_t now);

static void conn_close(cemit_worker *w, cemit_conn *c, int reset) {
    if (c->state == C_CONNECTING && w->connecting) w->connecting--;
    if (c->fd >= 0) w->ops->close(w, c, reset);
    c->fd = -1;
    c->gen++;
    c->state = C_CLOSED;
    c->sending = 0;
    c->closing_after = 0;
    c->fault = 0;
    if (c->drip_total && w->dripping) w->dripping--;
    c->drip_total = 0;
    w->inflight_total -= c->inflight_count;
    c->inflight_count = 0;
    c->inflight_head = 0;
    c->out_len = c->out_off = 0;
}

/* Fails every outstanding request with `kind` (or counts one connection-level error when none
 * is outstanding and count_idle is set), closes, and schedules a reconnect. */
static void conn_fail(cemit_worker *w, cemit_conn *c, int kind, int count_idle, int64_t now) {
    if (c->inflight_count) {
        for (uint32_t k = 0; k < c->inflight_count; k++) {
            cemit_inflight *f = &c->inflight[(c->inflight_head + k) % c->inflight_cap];
            count_request_error(w, kind, f);
        }
    } else if (count_idle) {
        if (w->start_ns && now < w->start_ns) add(&w->stats.warmup_errors, 1); /* during the send warm-up */
        else count_error(w, kind, 0);
    }
    conn_close(w, c, 0);
    c->backoff_ms = c->backoff_ms ? (c->backoff_ms * 2 > 1000 ? 1000 : c->backoff_ms * 2) : 10;
    c->state = C_WAIT_RECONNECT;
    c->reconnect_at = now + (int64_t)c->backoff_ms * 1000000LL;
}

static void conn_reopen_now(cemit_worker *w, cemit_conn *c, int64_t now, int reset) {
    conn_close(w, c, reset);
    if (!w->sending_over) conn_open(w, c, now);
}

static void conn_open(cemit_worker *w, cemit_conn *c, int64_t now) {
    cemit_engine *e = w->engine;
    int type = SOCK_STREAM | SOCK_CLOEXEC | (w->ops->nonblocking_sockets ? SOCK_NONBLOCK : 0);
    int fd = socket(e->addr.ss_family, type, 0);
    if (fd < 0) {
        c->state = C_CLOSED;
        conn_fail(w, c, CEMIT_ERR_OTHER, 1, now);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (e->cfg.tcp_congestion[0]) /* checked at create: it was accepted then */
        setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, e->cfg.tcp_congestion, (socklen_t)strlen(e->cfg.tcp_congestion));
    c->fd = fd;
    c->state = C_CONNECTING;
    c->deadline = now + e->cfg.connect_timeout_ns;
    w->connecting++;
    cemit_http_parser_init(&c->parser, e->cfg.max_header_bytes);
    int rc = w->ops->connect(w, c, (const struct sockaddr *)&e->addr, e->addr_len);
    if (rc < 0 && c->state == C_CONNECTING) cemit_on_connect(w, c, rc);
}

static int ensure_out(cemit_conn *c, size_t need) {
    if (need <= c->out_cap) return 0;
    size_t cap = c->out_cap ? c->out_cap : 256;
    while (cap < need) cap *= 2;
    uint8_t *p = realloc(c->out, cap);
    if (!p) return -ENOMEM;
    c->out = p;
    c->out_cap = (uint32_t)cap;
    return 0;
}

static void free_push(cemit_worker *w, cemit_conn *c) {
    if (c->in_free || c->state != C_READY || c->sending || c->closing_after ||
        c->inflight_count >= w->engine->cfg.pipeline)
        return;
    c->in_free = 1;
    c->free_next = w->free_head;
    w->free_head = c->index;
}

static cemit_conn *free_pop(cemit_worker *w) {
    while (w->free_head != NONE) {
        cemit_conn *c = &w->conns[w->free_head];
        w->free_head = c->free_next;
        c->in_free = 0;
        if (c->state == C_READY && !c->sending && !c->closing_after && c->inflight_count < w->engine->cfg.pipeline)
            return c;
    }
    return NULL;
}

static void conn_send(cemit_worker *w, cemit_conn *c, uint32_t flags, int64_t now) {
    c->sending = 1;
    c->out_off = 0;
    if (!(flags & CEMIT_INFLIGHT_WARMUP)) add(&w->stats.bytes_sent, c->out_len); /* warm-up bytes are not the run's */
    if (flags & (CEMIT_FLAG_RESET | CEMIT_FLAG_ABANDON))
        c->fault = (flags & CEMIT_FLAG_RESET) ? CEMIT_FLAG_RESET : CEMIT_FLAG_ABANDON;
    uint32_t drip_ms = (flags & CEMIT_FLAG_DRIP) ? CEMIT_FLAG_PARAM(flags) : 0;
    if (drip_ms && c->out_len > 1) {
        uint32_t ticks = drip_ms < c->out_len ? drip_ms : c->out_len;
        c->drip_total = c->out_len;
        c->drip_piece = (c->out_len + ticks - 1) / ticks;
        c->out_len = c->drip_piece;
        c->drip_next = now + DRIP_TICK_NS;
        w->dripping++;
    }
    int rc = w->ops->send(w, c);
    if (rc < 0 && c->sending) cemit_on_sent(w, c, rc);
}

static inline void push_inflight(cemit_worker *w, cemit_conn *c, int64_t intended, int64_t now, const cemit_request *r,
                                 const uint8_t *arena) {
    cemit_inflight *f = &c->inflight[(c->inflight_head + c->inflight_count) % c->inflight_cap];
    f->intended = intended;
    f->sent = now;
    f->route = r->route;
    f->flags = (r->flags & ~(CEMIT_INFLIGHT_HEAD | CEMIT_INFLIGHT_WARMUP)) |
               (cemit_http_request_is_head(arena + r->offset, r->length) ? CEMIT_INFLIGHT_HEAD : 0);
    c->inflight_count++;
    w->inflight_total++;
}

/* Closed model: when a connection has nothing outstanding, send the next `pipeline` requests. */
static void feed_closed(cemit_worker *w, cemit_conn *c, int64_t now) {
    cemit_engine *e = w->engine;
    if (w->warming || w->sending_over || c->state != C_READY || c->sending || c->inflight_count || c->closing_after) return;
    uint64_t k = e->cfg.pipeline;
    if (k > w->budget) k = w->budget;
    if (!k) return;
    size_t need = (size_t)k * e->max_request_len;
    if (ensure_out(c, need) < 0) { conn_fail(w, c, CEMIT_ERR_OTHER, 1, now); return; }
    uint32_t len = 0, flags = 0;
    for (uint64_t j = 0; j < k; j++) {
        const cemit_request *r = &e->requests[w->cursor % e->cfg.request_count];
        w->cursor++;
        memcpy(c->out + len, e->arena + r->offset, r->length);
        len += r->length;
        flags |= r->flags & ~CEMIT_INFLIGHT_WARMUP;
        push_inflight(w, c, now, now, r, e->arena);
    }
    c->out_len = len;
    w->budget -= k;
    add(&w->stats.sent, k);
    conn_send(w, c, flags, now);
}

static void feed_stream_closed(cemit_worker *w, cemit_conn *c, int64_t now);

static void conn_idle(cemit_worker *w, cemit_conn *c, int64_t now) {
    if (w->engine->cfg.mode == CEMIT_MODE_CLOSED) feed_closed(w, c, now);
    else if (w->engine->cfg.mode == CEMIT_MODE_STREAM_CLOSED) feed_stream_closed(w, c, now);
    else free_push(w, c);
}

/* ---------------------------------------------------------------- backend callbacks */

void cemit_on_connect(cemit_worker *w, cemit_conn *c, int res) {
    int64_t now = cemit_now_ns();
    if (c->state != C_CONNECTING) return;
    if (w->connecting) w->connecting--;
    if (res < 0) {
        c->state = C_CLOSED + 0; /* not counted as connecting any more */
        int kind = res == -ECONNREFUSED ? CEMIT_ERR_REFUSED
                 : res == -ETIMEDOUT || res == -ECANCELED ? CEMIT_ERR_TIMEOUT
                 : res == -ECONNRESET ? CEMIT_ERR_RESET : CEMIT_ERR_OTHER;
        conn_fail(w, c, kind, 1, now);
        return;
    }
    c->state = C_READY;
    if (!w->congestion[0]) { /* once per worker: what the kernel applied */
        socklen_t len = sizeof w->congestion - 1;
        if (getsockopt(c->fd, IPPROTO_TCP, TCP_CONGESTION, w->congestion, &len) < 0) w->congestion[0] = 0;
        else w->congestion[len < sizeof w->congestion ? len : sizeof w->congestion - 1] = 0;
    }
    add(&w->stats.connects, 1);
    if (w->ops->start_recv(w, c) < 0) { conn_fail(w, c, CEMIT_ERR_OTHER, 1, now); return; }
    conn_idle(w, c, now);
}

void cemit_on_sent(cemit_worker *w, cemit_conn *c, int res) {
    /* the clock is read only where it is used: a send completes once per request, and the
     * common path (a whole request written) needs no time */
    if (!c->sending) return;
    if (res < 0) {
        c->sending = 0;
        conn_fail(w, c, (res == -ECONNRESET || res == -EPIPE) ? CEMIT_ERR_RESET : CEMIT_ERR_OTHER, 1, cemit_now_ns());
        return;
    }
    if (c->drip_total && c->out_len < c->drip_total) { /* wait for the next drip tick */
        c->out_off = c->out_len;
        return;
    }
    if (c->drip_total) { c->drip_total = 0; if (w->dripping) w->dripping--; }
    c->sending = 0;
    if (c->fault) {
        int reset = c->fault == CEMIT_FLAG_RESET;
        add(&w->stats.faulted, c->inflight_count);
        w->inflight_total -= c->inflight_count;
        c->inflight_count = 0;
        conn_reopen_now(w, c, cemit_now_ns(), reset);
        return;
    }
    if (!mode_closed(w->engine->cfg.mode)) free_push(w, c);
}

static void complete_one(cemit_worker *w, cemit_conn *c, int status, int64_t now) {
    cemit_inflight *f = &c->inflight[c->inflight_head];
    c->inflight_head = (c->inflight_head + 1) % c->inflight_cap;
    c->inflight_count--;
    w->inflight_total--;
    c->backoff_ms = 0;
    if (f->flags & CEMIT_INFLIGHT_WARMUP) { add(&w->stats.warmup_completed, 1); return; }
    uint32_t route = route_of(w, f->route), total = w->engine->routes;
    int64_t lat = now - f->intended, svc = now - f->sent;
    if (lat < 0) lat = 0;
    if (svc < 0) svc = 0;
    uint32_t li = cemit_hist_index((uint64_t)lat), si = cemit_hist_index((uint64_t)svc);
    hist_of(w, CEMIT_HIST_LATENCY, route)[li]++;
    hist_of(w, CEMIT_HIST_LATENCY, total)[li]++;
    hist_of(w, CEMIT_HIST_SERVICE, route)[si]++;
    hist_of(w, CEMIT_HIST_SERVICE, total)[si]++;
    w->route_completed[route]++;
    add(&w->stats.completed, 1);
    add(&w->stats.latency_sum_ns, (uint64_t)lat);
    int cls = status / 100;
    add(&w->stats.status_classes[(cls >= 1 && cls <= 5) ? cls : 0], 1);
    c->backoff_ms = 0;
}

void cemit_on_recv(cemit_worker *w, cemit_conn *c, const uint8_t *data, int res) {
    int64_t now = cemit_now_ns();
    if (c->state != C_READY) return;
    if (res <= 0) {
        if (res == 0 && c->inflight_count && cemit_http_parse_eof(&c->parser) == CEMIT_HTTP_DONE)
            complete_one(w, c, c->parser.status, now);
        if (c->inflight_count) {
            int kind = res == 0 ? CEMIT_ERR_CLOSED_EARLY
                     : (res == -ECONNRESET || res == -EPIPE) ? CEMIT_ERR_RESET : CEMIT_ERR_OTHER;
            conn_fail(w, c, kind, 0, now);
        } else {
            conn_reopen_now(w, c, now, 0);
        }
        return;
    }
    /* A read answering a warm-up request (its oldest outstanding one) is the warm-up's, not the run's. */
    if (!c->inflight_count || !(c->inflight[c->inflight_head].flags & CEMIT_INFLIGHT_WARMUP))
        add(&w->stats.bytes_received, (uint64_t)res);
    size_t pos = 0, len = (size_t)res;
    while (pos < len) {
        if (!c->inflight_count) { conn_fail(w, c, CEMIT_ERR_PARSE, 1, now); return; }
        /* The response answers the oldest outstanding request: a HEAD's has no body. */
        c->parser.no_body = (c->inflight[c->inflight_head].flags & CEMIT_INFLIGHT_HEAD) != 0;
        size_t used = 0;
        int rc = cemit_http_parse(&c->parser, data + pos, len - pos, &used);
        if (rc < 0) {
            count_request_error(w, CEMIT_ERR_PARSE, &c->inflight[c->inflight_head]);
            c->inflight_head = (c->inflight_head + 1) % c->inflight_cap;
            c->inflight_count--;
            w->inflight_total--;
            conn_fail(w, c, CEMIT_ERR_CLOSED_EARLY, 0, now);
            c->reconnect_at = now; /* recycle at once */
            return;
        }
        if (rc == CEMIT_HTTP_MORE) break;
        pos += used;
        int closes = c->parser.closes;
        complete_one(w, c, c->parser.status, now);
        cemit_http_parser_init(&c->parser, w->engine->cfg.max_header_bytes);
        if (closes) {
            if (c->inflight_count) conn_fail(w, c, CEMIT_ERR_CLOSED_EARLY, 0, now), c->reconnect_at = now;
            else conn_reopen_now(w, c, now, 0);
            return;
        }
    }
    if (!c->inflight_count) conn_idle(w, c, now);
    else if (!mode_closed(w->engine->cfg.mode)) free_push(w, c);
}

/* ---------------------------------------------------------------- open model */

static bool queue_pop(cemit_engine *e, cemit_chunk *out, bool *ended) {
    bool got = false;
    pthread_mutex_lock(&e->qlock);
    if (e->qcount) {
        *out = e->queue[e->qhead];
        e->qhead = (e->qhead + 1) % e->qcap;
        e->qcount--;
        got = true;
    }
    *ended = e->stream_ended && !e->qcount;
    pthread_mutex_unlock(&e->qlock);
    if (got && e->queue_notify) e->queue_notify(e->queue_notify_ctx);
    return got;
}

static void release_chunk(cemit_chunk *ch) {
    if (ch->release) ch->release(ch->release_ctx);
    ch->release = NULL;
}

/* The next request of this worker (without consuming it); false when none is available now. */
static bool next_request(cemit_worker *w, const cemit_request **req, const uint8_t **arena, int64_t *intended) {
    cemit_engine *e = w->engine;
    if (e->cfg.mode == CEMIT_MODE_RATE) {
        uint64_t g = w->rate_index * e->cfg.threads + w->id;
        *req = &e->requests[g % e->cfg.request_count];
        *arena = e->arena;
        /* Negative during the send warm-up: the measured run starts at 0. */
        *intended = (int64_t)((double)g * (1e9 / e->cfg.rate)) - e->cfg.warmup_send_ns;
        return true;
    }
    while (!w->has_chunk) {
        bool ended = false;
        if (!queue_pop(e, &w->chunk, &ended)) {
            if (ended) w->stream_done = true;
            return false;
        }
        if (w->chunk.count == 0) { release_chunk(&w->chunk); continue; }
        w->has_chunk = true;
        w->chunk_pos = 0;
    }
    *req = &w->chunk.requests[w->chunk_pos];
    *arena = w->chunk.arena;
    *intended = (*req)->send_at_ns;
    return true;
}

static void advance_request(cemit_worker *w) {
    if (w->engine->cfg.mode == CEMIT_MODE_RATE) { w->rate_index++; return; }
    if (++w->chunk_pos >= w->chunk.count) {
        release_chunk(&w->chunk);
        w->has_chunk = false;
    }
}

/* ---------------------------------------------------------------- closed model over the stream */

/*
 * CEMIT_MODE_STREAM_CLOSED: when a connection has nothing outstanding it sends the stream's next
 * requests (up to `pipeline`), copied from the chunk into its output buffer; their intended send
 * times are ignored (no lateness) and latency counts from this send. When no request is ready
 * (the producer is behind), the connection waits on the free list for dispatch_stream_closed.
 */
static void feed_stream_closed(cemit_worker *w, cemit_conn *c, int64_t now) {
    if (w->warming || w->sending_over || c->state != C_READY || c->sending || c->inflight_count || c->closing_after) return;
    uint64_t k = w->engine->cfg.pipeline;
    if (k > w->budget) k = w->budget;
    if (!k) return;
    uint32_t len = 0, flags = 0, n = 0;
    const cemit_request *r; const uint8_t *arena; int64_t intended;
    while (n < k && next_request(w, &r, &arena, &intended)) {
        if (!r->length) { advance_request(w); continue; }
        if (ensure_out(c, (size_t)len + r->length) < 0) { /* grows only past the largest requests so far */
            if (!n) { conn_fail(w, c, CEMIT_ERR_OTHER, 1, now); return; }
            break;
        }
        memcpy(c->out + len, arena + r->offset, r->length);
        len += r->length;
        flags |= r->flags;
        push_inflight(w, c, now, now, r, arena);
        advance_request(w); /* may release the chunk: its bytes are copied */
        n++;
    }
    if (!n) { free_push(w, c); return; }
    c->out_len = len;
    w->budget -= n;
    add(&w->stats.sent, n);
    conn_send(w, c, flags, now);
}

/* Hands the stream's requests to the connections that found it empty; returns when to look again. */
static int64_t dispatch_stream_closed(cemit_worker *w, int64_t now) {
    const cemit_request *r; const uint8_t *arena; int64_t intended;
    while (w->free_head != NONE) {
        if (!w->budget) return INT64_MAX;
        if (!next_request(w, &r, &arena, &intended)) return w->stream_done ? INT64_MAX : now + 200000;
        cemit_conn *c = free_pop(w);
        if (c) feed_stream_closed(w, c, now);
    }
    return INT64_MAX;
}

/*
 * Sends every request that is due by now and intended before the end of the send window;
 * returns the time the next one is due (INT64_MAX: unknown).
 */
static int64_t dispatch_open(cemit_worker *w, int64_t now) {
    cemit_engine *e = w->engine;
    w->send_due = INT64_MAX;
    int64_t rel = now - w->start_ns;
    int64_t window_rel = w->end_send == INT64_MAX ? INT64_MAX : w->end_send - w->start_ns;
    for (;;) {
        if (!w->budget) return INT64_MAX;
        const cemit_request *r; const uint8_t *arena; int64_t intended;
        if (!next_request(w, &r, &arena, &intended)) return w->stream_done ? INT64_MAX : now + 200000;
        if (intended >= window_rel) return INT64_MAX;
        if (intended > rel) return w->send_due = w->start_ns + intended;
        bool warmup = intended < 0;
        if (rel - intended > e->cfg.request_timeout_ns) { /* could not be sent in time */
            if (warmup) {
                add(&w->stats.warmup_errors, 1);
                add(&w->stats.warmup_late, 1);
            } else {
                count_error(w, CEMIT_ERR_TIMEOUT, r->route);
                add(&w->stats.late, 1);
                w->route_late[route_of(w, r->route)]++;
            }
            advance_request(w);
            if (!warmup) w->budget--; /* a request limit counts the measured run only */
            continue;
        }
        if (r->length == 0) { advance_request(w); w->budget--; continue; }
        cemit_conn *c = free_pop(w);
        if (!c) {
            /* Every connection is waiting for the target (slow, or its thread not running) while
             * a request is due: grow the pool at once, several handshakes per turn, so sends stay
             * on time. The kernel completes a handshake without the target's thread; a request
             * sent on the new connection waits in its queue until the target reads it. */
            while (w->conn_count < w->conn_cap && w->connecting < GROW_CONNECTING) {
                cemit_conn *n = &w->conns[w->conn_count++];
                conn_open(w, n, now);
            }
            return now + 100000; /* blocked: woken earlier by any completion */
        }
        if (ensure_out(c, r->length) < 0) { conn_fail(w, c, CEMIT_ERR_OTHER, 1, now); continue; }
        memcpy(c->out, arena + r->offset, r->length);
        c->out_len = r->length;
        uint32_t flags = r->flags & ~CEMIT_INFLIGHT_WARMUP;
        push_inflight(w, c, w->start_ns + intended, now, r, arena);
        if (warmup) {
            c->inflight[(c->inflight_head + c->inflight_count - 1) % c->inflight_cap].flags |= CEMIT_INFLIGHT_WARMUP;
            if (rel - intended > e->cfg.late_threshold_ns) add(&w->stats.warmup_late, 1);
            add(&w->stats.warmup_sent, 1);
        } else {
            record_lateness(w, rel - intended, r->route);
            add(&w->stats.sent, 1);
            w->budget--;
        }
        advance_request(w);
        conn_send(w, c, flags | (warmup ? CEMIT_INFLIGHT_WARMUP : 0), now);
    }
}

/* ---------------------------------------------------------------- timers */

static void check_timers(cemit_worker *w, int64_t now) {
    cemit_engine *e = w->engine;
    for (uint32_t i = 0; i < w->conn_count; i++) {
        cemit_conn *c = &w->conns[i];
        switch (c->state) {
        case C_CONNECTING:
            if (now >= c->deadline) { c->state = C_CONNECTING; cemit_on_connect(w, c, -ETIMEDOUT); }
            break;
        case C_READY:
            if (c->inflight_count && now - c->inflight[c->inflight_head].sent > e->cfg.request_timeout_ns) {
                conn_fail(w, c, CEMIT_ERR_TIMEOUT, 0, now);
                break;
            }
            if (c->drip_total && c->sending && c->out_off == c->out_len && now >= c->drip_next) {
                uint32_t next = c->out_len + c->drip_piece;
                c->out_len = next < c->drip_total ? next : c->drip_total;
                c->drip_next = now + DRIP_TICK_NS;
                int rc = w->ops->send(w, c);
                if (rc < 0) cemit_on_sent(w, c, rc);
            }
            break;
        case C_WAIT_RECONNECT:
        case C_CLOSED:
            if (!w->sending_over && now >= c->reconnect_at) conn_open(w, c, now);
            break;
        }
    }
}

/* ---------------------------------------------------------------- worker */

/* Open model: whether a request intended before the end of the send window is still unsent. */
static bool backlog_due(cemit_worker *w) {
    const cemit_request *r; const uint8_t *arena; int64_t intended;
    if (!w->budget || !next_request(w, &r, &arena, &intended)) return false;
    return intended < w->end_send - w->start_ns;
}

/* Open model: requests intended before the window's end that could not be sent during the
 * drain are counted (late, and as timeouts: never sent in time), never silently dropped. */
static void count_unsent_backlog(cemit_worker *w) {
    const cemit_request *r; const uint8_t *arena; int64_t intended;
    int64_t window_rel = w->end_send - w->start_ns;
    while (w->budget && next_request(w, &r, &arena, &intended) && intended < window_rel) {
        count_error(w, CEMIT_ERR_TIMEOUT, r->route);
        add(&w->stats.late, 1);
        w->route_late[route_of(w, r->route)]++;
        advance_request(w);
        w->budget--;
    }
}

static void end_sending(cemit_worker *w, int64_t now) {
    if (w->sending_over) return;
    w->sending_over = true;
    int64_t window = now - w->start_ns;
    int64_t cur = atomic_load(&w->engine->send_window_ns);
    while (window > cur && !atomic_compare_exchange_weak(&w->engine->send_window_ns, &cur, window)) {}
}

/* Opens the worker's initial connections and waits until each has connected or failed once,
 * bounded by the connect timeout (a connection still pending then keeps its own deadline). */
static void warm_up(cemit_worker *w) {
    cemit_engine *e = w->engine;
    int64_t now = cemit_now_ns();
    for (uint32_t i = 0; i < w->conn_count; i++) conn_open(w, &w->conns[i], now);
    int64_t deadline = now + e->cfg.connect_timeout_ns;
    while (w->connecting && !atomic_load_explicit(&e->stop, memory_order_relaxed)) {
        now = cemit_now_ns();
        if (now >= deadline) break;
        int64_t wait = deadline - now;
        w->ops->poll(w, wait < TIMER_TICK_NS ? wait : TIMER_TICK_NS);
    }
    uint32_t open = 0;
    for (uint32_t i = 0; i < w->conn_count; i++) open += w->conns[i].state == C_READY;
    atomic_fetch_add(&e->connected_at_start, open);
}

/* The last worker to finish its warm-up starts the run's clock; the others wait for it (still
 * serving their connections' completions). */
static void start_clock(cemit_worker *w) {
    cemit_engine *e = w->engine;
    if (atomic_fetch_sub(&e->warming, 1) == 1) {
        /* With a send warm-up the measured clock starts once it is over; the rate schedule
         * (relative to the clock) begins warmup_send_ns earlier, i.e. now. */
        atomic_store(&e->start_ns, cemit_now_ns() + e->cfg.warmup_send_ns);
    } else {
        while (!atomic_load(&e->start_ns)) w->ops->poll(w, 100000);
    }
    w->start_ns = atomic_load(&e->start_ns);
    w->warming = false;
    if (mode_closed(e->cfg.mode)) /* connections that opened during the warm-up start now */
        for (uint32_t i = 0; i < w->conn_count; i++) conn_idle(w, &w->conns[i], w->start_ns);
}

/* The run-queue wait so far (ns) of the thread whose /proc/thread-self/schedstat `fd` is
 * ("<run ns> <run_delay ns> <slices>"); -1 when it cannot be read. */
static int64_t read_run_delay(int fd) {
    char buf[96];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = buf;
    while (*p >= '0' && *p <= '9') p++;
    if (*p != ' ') return -1;
    p++;
    if (*p < '0' || *p > '9') return -1;
    int64_t v = 0;
    while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
    return v;
}

static void *worker_main(void *arg) {
    cemit_worker *w = arg;
    cemit_engine *e = w->engine;
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    w->warming = true;
    if (w->ops->thread_start && w->ops->thread_start(w) < 0) atomic_store(&e->stop, 2);
    else warm_up(w);
    start_clock(w);
    int64_t now = cemit_now_ns();
    w->end_send = e->cfg.duration_ns > 0 ? w->start_ns + e->cfg.duration_ns : INT64_MAX;
    int64_t drain_until = 0, next_timer = now + TIMER_TICK_NS;
    w->send_due = INT64_MAX;
    const bool adaptive = e->cfg.busy_poll_ns == CEMIT_BUSY_POLL_AUTO;
    int64_t busy = adaptive ? 0 : e->cfg.busy_poll_ns; /* 0: never busy-polls */
    if (adaptive) {
        cemit_spin_policy_init(&w->spin);
        busy = w->spin.budget_ns;
        w->schedstat_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
        if (w->schedstat_fd >= 0 && (w->run_delay = read_run_delay(w->schedstat_fd)) < 0) {
            close(w->schedstat_fd);
            w->schedstat_fd = -1;
        }
    }
    for (;;) {
        now = cemit_now_ns();
        if (!w->sending_over) {
            bool exhausted = !w->budget ||
                (mode_streamed(e->cfg.mode) && w->stream_done && !w->has_chunk);
            if (atomic_load_explicit(&e->stop, memory_order_relaxed) || exhausted) {
                end_sending(w, now);
            } else if (now >= w->end_send) {
                /* Open model: what was due before the window closed still goes out (late, with its
                 * latency measured from its intended time) for up to the drain time; closed model: stop. */
                if (mode_closed(e->cfg.mode)) {
                    end_sending(w, now);
                } else {
                    if (!w->backlog_deadline) w->backlog_deadline = now + e->cfg.drain_ns;
                    if (!backlog_due(w) || now >= w->backlog_deadline) {
                        count_unsent_backlog(w);
                        end_sending(w, now);
                    }
                }
            }
        }
        int64_t wake = now + 5 * TIMER_TICK_NS;
        if (w->sending_over) {
            w->send_due = INT64_MAX;
            if (!drain_until) drain_until = now + e->cfg.drain_ns;
            if (!w->inflight_total || now >= drain_until || atomic_load(&e->stop) > 1) break;
            if (drain_until < wake) wake = drain_until;
        } else if (e->cfg.mode == CEMIT_MODE_STREAM_CLOSED) {
            int64_t due = dispatch_stream_closed(w, now);
            if (due < wake) wake = due;
            if (w->end_send < wake) wake = w->end_send;
        } else if (e->cfg.mode != CEMIT_MODE_CLOSED) {
            int64_t due = dispatch_open(w, now);
            if (due < wake) wake = due;
            if (w->end_send < wake && now < w->end_send) wake = w->end_send;
        } else if (w->end_send < wake) {
            wake = w->end_send;
        }
        if (now >= next_timer || w->dripping) {
            if (adaptive && now >= next_timer) { /* once per tick: one pread, one rule update */
                int64_t delay = w->schedstat_fd >= 0 ? read_run_delay(w->schedstat_fd) : -1;
                if (delay >= 0) {
                    w->spin_tick.wait_ns = delay - w->run_delay;
                    w->run_delay = delay;
                }
                busy = cemit_spin_policy_tick(&w->spin, &w->spin_tick);
                memset(&w->spin_tick, 0, sizeof w->spin_tick);
            }
            check_timers(w, now);
            next_timer = now + TIMER_TICK_NS;
        }
        if (w->dripping && now + DRIP_TICK_NS / 4 < wake) wake = now + DRIP_TICK_NS / 4;
        if (next_timer < wake) wake = next_timer;
        int64_t t = cemit_now_ns();
        /* Busy-poll for up to `busy` instead of sleeping while responses are outstanding, and
         * when the next send is due within `busy`. A thread that sleeps pays a wake-up: on a
         * busy machine it loses its CPU for milliseconds, and on this VM an idle vCPU halts (no
         * guest halt-polling) so that waking it takes a VM exit and the host's scheduler.
         * The budget is fixed, 0 (never), or adaptive (cemit_spin_policy: long on a core of its
         * own, short while the thread waits for its core). */
        int64_t spin_until = 0;
        if (busy > 0) {
            if (w->inflight_total) spin_until = t + busy;
            if (w->send_due - t <= busy && w->send_due > spin_until) spin_until = w->send_due;
            if (spin_until > wake) spin_until = wake;
        }
        if (t < spin_until) {
            const int64_t spin_start = t;
            int got = 0;
            int64_t idle_at = 0; /* clock after the last empty poll (nothing submitted by the next) */
            while (!got && t < spin_until) {
                got = w->ops->poll(w, 0);
                /* Nothing yet: pause. (sched_yield here was tried so a target on the same core is not
                 * starved; on the loaded 2-core box it cost the client ~40 % of its CPU share to
                 * other processes, so it is not used.) */
                if (!got) cpu_relax();
                t = cemit_now_ns();
                if (!got) {
                    if (idle_at && t - idle_at > SPIN_GAP_NS) w->spin_tick.wait_ns += t - idle_at;
                    idle_at = t;
                }
            }
            w->spin_tick.spins++;
            if (got) continue;
            /* Ran out with nothing to show, for at least the short budget: unproductive, unless it
             * ended at a due send (the open model; send_due is then the wake-up too). A long spin
             * usually ends at the timer tick (wake), so its length, not the budget, says how long
             * it waited in vain. */
            if (spin_until != w->send_due && t - spin_start >= CEMIT_SPIN_SHORT_NS) w->spin_tick.timeouts++;
        }
        int64_t timeout = wake - t;
        if (timeout < 0) timeout = 0;
        w->ops->poll(w, timeout);
    }
    for (uint32_t i = 0; i < w->conn_count; i++) {
        cemit_conn *c = &w->conns[i];
        if (c->inflight_count) /* never answered within the drain: they timed out */
            for (uint32_t k = 0; k < c->inflight_count; k++)
                count_request_error(w, CEMIT_ERR_TIMEOUT, &c->inflight[(c->inflight_head + k) % c->inflight_cap]);
        conn_close(w, c, 0);
    }
    if (w->has_chunk) { release_chunk(&w->chunk); w->has_chunk = false; }
    if (adaptive && w->schedstat_fd >= 0) close(w->schedstat_fd);
    pthread_mutex_lock(&e->qlock);
    if (atomic_fetch_sub(&e->running, 1) == 1) pthread_cond_broadcast(&e->done_cond);
    pthread_mutex_unlock(&e->qlock);
    if (e->queue_notify) e->queue_notify(e->queue_notify_ctx); /* a waiting producer finds -EPIPE */
    return NULL;
}

/* ---------------------------------------------------------------- lifecycle */

static void worker_free(cemit_worker *w) {
    if (w->conns) {
        for (uint32_t i = 0; i < w->conn_cap; i++) { free(w->conns[i].inflight); free(w->conns[i].out); }
        free(w->conns);
    }
    if (w->backend) w->ops->destroy(w);
    free(w->hist);
    free(w->route_completed);
    free(w->route_late);
    free(w->route_errors);
    free(w->rbuf);
}

static int workers_setup(cemit_engine *e, const cemit_backend_ops *ops) {
    const cemit_config *cfg = &e->cfg;
    uint32_t n = cfg->threads;
    for (uint32_t i = 0; i < n; i++) {
        cemit_worker *w = &e->workers[i];
        memset(w, 0, sizeof *w);
        w->engine = e;
        w->id = i;
        w->ops = ops;
        w->free_head = NONE;
        uint32_t share = cfg->connections / n + (i < cfg->connections % n);
        uint32_t cap = share;
        if (!mode_closed(cfg->mode)) {
            uint32_t maxc = cfg->max_connections > cfg->connections ? cfg->max_connections : cfg->connections;
            cap = maxc / n + (i < maxc % n);
            if (cap < 1) cap = 1;
        }
        if (share == 0 && mode_closed(cfg->mode)) share = cap = 1;
        w->conn_count = share;
        w->conn_cap = cap;
        w->budget = cfg->request_limit ? cfg->request_limit / n + (i < cfg->request_limit % n) : UINT64_MAX;
        w->conns = calloc(cap, sizeof *w->conns);
        size_t hsize = (size_t)CEMIT_HIST_KINDS * (e->routes + 1) * CEMIT_HIST_BUCKETS;
        w->hist = calloc(hsize, sizeof(uint64_t));
        w->route_completed = calloc(e->routes, sizeof(uint64_t));
        w->route_late = calloc(e->routes, sizeof(uint64_t));
        w->route_errors = calloc((size_t)e->routes * CEMIT_ERR_KINDS, sizeof(uint64_t));
        if (!w->conns || !w->hist || !w->route_completed || !w->route_late || !w->route_errors) return -ENOMEM;
        for (uint32_t k = 0; k < cap; k++) {
            cemit_conn *c = &w->conns[k];
            c->fd = -1;
            c->index = k;
            c->inflight_cap = cfg->pipeline;
            c->inflight = calloc(cfg->pipeline, sizeof *c->inflight);
            if (!c->inflight) return -ENOMEM;
        }
        int rc = ops->init(w, cap);
        if (rc < 0) return rc;
    }
    return 0;
}

int cemit_check_tcp_congestion(int family, const char *name, size_t cap) {
    size_t len = strnlen(name, cap);
    if (len == cap) return -ENAMETOOLONG;
    int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int rc = setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, (socklen_t)len) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

int cemit_engine_create(const cemit_config *cfg, cemit_engine **out) {
    *out = NULL;
    if (cfg->threads < 1 || cfg->threads > 256 || cfg->pipeline < 1 || cfg->pipeline > 1024) return -EINVAL;
    if (cfg->mode < CEMIT_MODE_CLOSED || cfg->mode > CEMIT_MODE_STREAM_CLOSED) return -EINVAL;
    if (mode_closed(cfg->mode) && cfg->connections < 1) return -EINVAL;
    if (cfg->mode == CEMIT_MODE_RATE && !(cfg->rate > 0)) return -EINVAL;
    if (!mode_streamed(cfg->mode) && (cfg->request_count < 1 || !cfg->requests || !cfg->arena)) return -EINVAL;
    if (cfg->family != 4 && cfg->family != 6) return -EAFNOSUPPORT;
    if (cfg->warmup_send_ns < 0 || (cfg->warmup_send_ns > 0 && cfg->mode != CEMIT_MODE_RATE && cfg->mode != CEMIT_MODE_SCHEDULE))
        return -EINVAL;
    if (cfg->busy_poll_ns < CEMIT_BUSY_POLL_AUTO || cfg->busy_poll_ns > 1000000000LL) return -EINVAL;
    if (cfg->tcp_congestion[0]) {
        int rc = cemit_check_tcp_congestion(cfg->family, cfg->tcp_congestion, sizeof cfg->tcp_congestion);
        if (rc < 0) return rc;
    }
    if (cfg->request_timeout_ns <= 0 || cfg->connect_timeout_ns <= 0) return -EINVAL;
    for (uint32_t i = 0; i < cfg->request_count; i++)
        if ((uint64_t)cfg->requests[i].offset + cfg->requests[i].length > cfg->arena_length || !cfg->requests[i].length)
            return -ERANGE;
    cemit_engine *e = calloc(1, sizeof *e);
    if (!e) return -ENOMEM;
    e->cfg = *cfg;
    e->routes = cfg->route_count ? cfg->route_count : 1;
    if (!e->cfg.queue_capacity) e->cfg.queue_capacity = 8;
    pthread_mutex_init(&e->qlock, NULL);
    pthread_cond_init(&e->done_cond, NULL);
    e->qcap = e->cfg.queue_capacity;
    e->queue = calloc(e->qcap, sizeof *e->queue);
    if (!mode_streamed(cfg->mode)) {
        e->arena = malloc(cfg->arena_length);
        e->requests = malloc(sizeof(cemit_request) * cfg->request_count);
        if (!e->arena || !e->requests || !e->queue) { cemit_engine_destroy(e); return -ENOMEM; }
        memcpy(e->arena, cfg->arena, cfg->arena_length);
        memcpy(e->requests, cfg->requests, sizeof(cemit_request) * cfg->request_count);
        for (uint32_t i = 0; i < cfg->request_count; i++)
            if (cfg->requests[i].length > e->max_request_len) e->max_request_len = cfg->requests[i].length;
        e->cfg.arena = e->arena;
        e->cfg.requests = e->requests;
    }
    if (cfg->family == 4) {
        struct sockaddr_in *sa = (struct sockaddr_in *)&e->addr;
        sa->sin_family = AF_INET;
        sa->sin_port = htons(cfg->port);
        memcpy(&sa->sin_addr, cfg->address, 4);
        e->addr_len = sizeof *sa;
    } else {
        struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&e->addr;
        sa->sin6_family = AF_INET6;
        sa->sin6_port = htons(cfg->port);
        memcpy(&sa->sin6_addr, cfg->address, 16);
        e->addr_len = sizeof *sa;
    }
    e->workers = calloc(cfg->threads, sizeof *e->workers);
    if (!e->workers) { cemit_engine_destroy(e); return -ENOMEM; }
    int rc = -EINVAL;
    if (cfg->backend != CEMIT_BACKEND_EPOLL) {
        rc = workers_setup(e, &cemit_backend_uring);
        if (rc == 0) e->ops = &cemit_backend_uring;
        else {
            for (uint32_t i = 0; i < cfg->threads; i++) worker_free(&e->workers[i]);
            if (cfg->backend == CEMIT_BACKEND_URING) { free(e->workers); e->workers = NULL; cemit_engine_destroy(e); return rc; }
        }
    }
    if (!e->ops) {
        rc = workers_setup(e, &cemit_backend_epoll);
        if (rc < 0) {
            for (uint32_t i = 0; i < cfg->threads; i++) worker_free(&e->workers[i]);
            free(e->workers); e->workers = NULL;
            cemit_engine_destroy(e);
            return rc;
        }
        e->ops = &cemit_backend_epoll;
    }
    *out = e;
    return 0;
}

int cemit_engine_backend(const cemit_engine *e) {
    return e->ops == &cemit_backend_uring ? CEMIT_BACKEND_URING : CEMIT_BACKEND_EPOLL;
}

int cemit_engine_start(cemit_engine *e) {
    if (e->started) return -EALREADY;
    e->started = true;
    e->created_ns = cemit_now_ns();
    atomic_store(&e->warming, e->cfg.threads);
    atomic_store(&e->running, e->cfg.threads);
    for (uint32_t i = 0; i < e->cfg.threads; i++) {
        int rc = pthread_create(&e->workers[i].thread, NULL, worker_main, &e->workers[i]);
        if (rc) {
            atomic_store(&e->stop, 2);
            for (uint32_t k = 0; k < i; k++) pthread_join(e->workers[k].thread, NULL);
            e->joined = true;
            atomic_store(&e->running, 0);
            return -rc;
        }
    }
    return 0;
}

int64_t cemit_engine_clock_start_ns(const cemit_engine *e) {
    return e->started ? atomic_load(&((cemit_engine *)e)->start_ns) : 0;
}

int cemit_engine_push(cemit_engine *e, const cemit_chunk *chunk) {
    int rc = 0;
    pthread_mutex_lock(&e->qlock);
    if (e->stream_ended || atomic_load(&e->stop) || (e->started && !atomic_load(&e->running))) rc = -EPIPE;
    else if (e->qcount == e->qcap) rc = -EAGAIN;
    else {
        e->queue[(e->qhead + e->qcount) % e->qcap] = *chunk;
        e->qcount++;
    }
    pthread_mutex_unlock(&e->qlock);
    return rc;
}

int cemit_engine_set_queue_notify(cemit_engine *e, void (*fn)(void *ctx), void *ctx) {
    if (e->started) return -EALREADY;
    e->queue_notify = fn;
    e->queue_notify_ctx = ctx;
    return 0;
}

void cemit_engine_end_stream(cemit_engine *e) {
    pthread_mutex_lock(&e->qlock);
    e->stream_ended = true;
    pthread_mutex_unlock(&e->qlock);
}

void cemit_engine_stop(cemit_engine *e) {
    int expected = 0;
    atomic_compare_exchange_strong(&e->stop, &expected, 1);
}

int cemit_engine_wait(cemit_engine *e, int64_t timeout_ns) {
    if (!e->started) return -EINVAL;
    pthread_mutex_lock(&e->qlock);
    if (atomic_load(&e->running) && timeout_ns > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t t = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec + timeout_ns;
        ts.tv_sec = t / 1000000000LL;
        ts.tv_nsec = t % 1000000000LL;
        while (atomic_load(&e->running))
            if (pthread_cond_timedwait(&e->done_cond, &e->qlock, &ts) == ETIMEDOUT) break;
    }
    bool done = atomic_load(&e->running) == 0;
    pthread_mutex_unlock(&e->qlock);
    if (!done) return -ETIMEDOUT;
    if (!e->joined) {
        for (uint32_t i = 0; i < e->cfg.threads; i++) pthread_join(e->workers[i].thread, NULL);
        e->joined = true;
    }
    return 0;
}

void cemit_engine_stats(const cemit_engine *e, cemit_stats *out) {
    memset(out, 0, sizeof *out);
    for (uint32_t i = 0; i < e->cfg.threads && e->workers; i++) {
        const cemit_worker_stats *s = &e->workers[i].stats;
        out->sent += atomic_load_explicit(&s->sent, memory_order_relaxed);
        out->completed += atomic_load_explicit(&s->completed, memory_order_relaxed);
        out->late += atomic_load_explicit(&s->late, memory_order_relaxed);
        out->faulted += atomic_load_explicit(&s->faulted, memory_order_relaxed);
        for (int k = 0; k < CEMIT_ERR_KINDS; k++) out->errors[k] += atomic_load_explicit(&s->errors[k], memory_order_relaxed);
        for (int k = 0; k < 6; k++) out->status_classes[k] += atomic_load_explicit(&s->status_classes[k], memory_order_relaxed);
        out->bytes_sent += atomic_load_explicit(&s->bytes_sent, memory_order_relaxed);
        out->bytes_received += atomic_load_explicit(&s->bytes_received, memory_order_relaxed);
        out->latency_sum_ns += atomic_load_explicit(&s->latency_sum_ns, memory_order_relaxed);
        out->connects += atomic_load_explicit(&s->connects, memory_order_relaxed);
    }
    for (uint32_t i = 0; i < e->cfg.threads && e->workers; i++) {
        const cemit_worker_stats *s = &e->workers[i].stats;
        out->warmup_sent += atomic_load_explicit(&s->warmup_sent, memory_order_relaxed);
        out->warmup_completed += atomic_load_explicit(&s->warmup_completed, memory_order_relaxed);
        out->warmup_late += atomic_load_explicit(&s->warmup_late, memory_order_relaxed);
        out->warmup_errors += atomic_load_explicit(&s->warmup_errors, memory_order_relaxed);
    }
    int64_t start = cemit_engine_clock_start_ns(e), now = cemit_now_ns();
    if (start && now >= start) { /* before: still warming up */
        out->elapsed_ns = now - start;
        int64_t window = atomic_load(&((cemit_engine *)e)->send_window_ns);
        out->send_window_ns = window > 0 ? window : out->elapsed_ns;
        out->warmup_ns = start - e->cfg.warmup_send_ns - e->created_ns;
        out->connected_at_start = atomic_load(&((cemit_engine *)e)->connected_at_start);
    }
}

int cemit_engine_tcp_congestion(const cemit_engine *e, char *out, size_t cap) {
    if (!cap) return -EINVAL;
    out[0] = 0;
    if (e->started && !e->joined) return -EBUSY;
    for (uint32_t i = 0; i < e->cfg.threads && e->workers; i++)
        if (e->workers[i].congestion[0]) {
            size_t n = strnlen(e->workers[i].congestion, sizeof e->workers[i].congestion);
            if (n >= cap) n = cap - 1;
            memcpy(out, e->workers[i].congestion, n);
            out[n] = 0;
            break;
        }
    return 0;
}

int cemit_engine_route_stats(const cemit_engine *e, uint32_t route, uint64_t *completed, uint64_t *late, uint64_t errors[CEMIT_ERR_KINDS]) {
    if (route >= e->routes) return -ERANGE;
    if (e->started && !e->joined) return -EBUSY;
    *completed = 0;
    *late = 0;
    for (int k = 0; k < CEMIT_ERR_KINDS; k++) errors[k] = 0;
    for (uint32_t i = 0; i < e->cfg.threads; i++) {
        *completed += e->workers[i].route_completed[route];
        *late += e->workers[i].route_late[route];
        for (int k = 0; k < CEMIT_ERR_KINDS; k++) errors[k] += e->workers[i].route_errors[(size_t)route * CEMIT_ERR_KINDS + k];
    }
    return 0;
}

long cemit_engine_histogram(const cemit_engine *e, int kind, uint32_t route, cemit_bucket *out, size_t cap) {
    if (kind < 0 || kind >= CEMIT_HIST_KINDS) return -EINVAL;
    if (route == UINT32_MAX) route = e->routes;
    else if (route >= e->routes) return -ERANGE;
    if (e->started && !e->joined) return -EBUSY;
    long n = 0;
    for (uint32_t b = 0; b < CEMIT_HIST_BUCKETS; b++) {
        uint64_t sum = 0;
        for (uint32_t i = 0; i < e->cfg.threads; i++)
            sum += e->workers[i].hist[((size_t)kind * (e->routes + 1) + route) * CEMIT_HIST_BUCKETS + b];
        if (!sum) continue;
        if ((size_t)n < cap) { out[n].value_ns = cemit_hist_value(b); out[n].count = sum; }
        n++;
    }
    return n;
}

void cemit_engine_destroy(cemit_engine *e) {
    if (!e) return;
    if (e->started && !e->joined) {
        atomic_store(&e->stop, 2);
        cemit_engine_wait(e, INT64_MAX / 4);
    }
    if (e->workers) {
        for (uint32_t i = 0; i < e->cfg.threads; i++) worker_free(&e->workers[i]);
        free(e->workers);
    }
    if (e->queue) {
        while (e->qcount) {
            release_chunk(&e->queue[e->qhead]);
            e->qhead = (e->qhead + 1) % e->qcap;
            e->qcount--;
        }
        free(e->queue);
    }
    pthread_mutex_destroy(&e->qlock);
    pthread_cond_destroy(&e->done_cond);
    free(e->arena);
    free(e->requests);
    free(e);
}
