/* The sink: a minimal HTTP/1.1 server that answers every request with one fixed response.
 * Pipelining-safe (requests are framed by headers + Content-Length; all answers to one read go
 * out in one send). io_uring (multishot accept + multishot receive into a buffer ring) with an
 * epoll fallback. */
#include "internal.h"
#include <liburing.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/syscall.h>

/* liburing 2.3 declares io_uring_enable_rings but does not export it: call the register op. */
static int enable_rings(struct io_uring *ring) {
    long rc = syscall(__NR_io_uring_register, ring->ring_fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
    return rc < 0 ? -errno : 0;
}

#define SINK_BUF_COUNT 1024u
#define SINK_BUF_SIZE 4096u
/* Registered-file table of each io_uring sink thread: an accepted socket whose descriptor number
 * is below this is also installed at that index, and its receives and sends name the index
 * (IOSQE_FIXED_FILE): the kernel skips the per-operation file lookup and reference count. */
#define SINK_FIXED_FILES 4096u

enum { SOP_ACCEPT = 1, SOP_RECV = 2, SOP_SEND = 3, SOP_IGNORE = 4 };

typedef struct sink_conn {
    int fd;
    uint32_t gen;
    uint8_t open, sending;
    uint8_t fixed;        /* io_uring: also registered at index fd (see SINK_FIXED_FILES) */
    /* request framing */
    uint32_t line_len;
    uint32_t cl_match;    /* chars of "content-length:" matched at line start, 15: in value */
    uint64_t cl_value;
    uint64_t body_left;
    uint8_t first_line;   /* on the request line of the next request */
    uint8_t method_match; /* chars of "HEAD " matched at the request line's start (100: no) */
    /* responses waiting / in flight */
    uint8_t *out; uint32_t out_len, out_cap;
    uint8_t *snd; uint32_t snd_len, snd_off, snd_cap;
} sink_conn;

typedef struct sink_thread {
    cemit_sink *sink;
    pthread_t thread;
    int listen_fd;
    int use_uring;
    struct io_uring ring;
    struct io_uring_buf_ring *br;
    uint8_t *bufs;
    size_t br_bytes;
    unsigned returned;
    uint32_t fixed_cap;  /* registered-file table size (0: none) */
    int epfd;
    uint8_t *rbuf;
    sink_conn **conns;   /* indexed by fd */
    uint32_t conns_cap;
    _Atomic uint64_t requests, connections;
    char congestion[16];  /* TCP_CONGESTION of the first accepted socket; written once before `congestion_set` */
    _Atomic int congestion_set;
} sink_thread;

struct cemit_sink {
    cemit_sink_config cfg;
    uint16_t port;
    int backend;
    _Atomic int stop;
    uint8_t *response;
    uint32_t response_len;
    uint32_t head_len;    /* the response's header part: the whole answer to a HEAD request */
    sink_thread *threads;
};

void cemit_sink_config_defaults(cemit_sink_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->family = 4;
    cfg->address[0] = 127; cfg->address[3] = 1;
    cfg->port = 8080;
    cfg->threads = 1;
    cfg->backend = CEMIT_BACKEND_AUTO;
}

/* Records what the kernel applied to the first accepted socket (one getsockopt per thread). */
static void note_congestion(sink_thread *t, int fd) {
    if (atomic_load_explicit(&t->congestion_set, memory_order_relaxed)) return;
    socklen_t len = sizeof t->congestion - 1;
    if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, t->congestion, &len) < 0) len = 0;
    t->congestion[len < sizeof t->congestion ? len : sizeof t->congestion - 1] = 0;
    atomic_store_explicit(&t->congestion_set, 1, memory_order_release);
}

static sink_conn *conn_for(sink_thread *t, int fd) {
    if ((uint32_t)fd >= t->conns_cap) {
        uint32_t cap = t->conns_cap ? t->conns_cap : 256;
        while (cap <= (uint32_t)fd) cap *= 2;
        sink_conn **p = realloc(t->conns, cap * sizeof *p);
        if (!p) return NULL;
        memset(p + t->conns_cap, 0, (cap - t->conns_cap) * sizeof *p);
        t->conns = p;
        t->conns_cap = cap;
    }
    if (!t->conns[fd]) t->conns[fd] = calloc(1, sizeof(sink_conn));
    sink_conn *c = t->conns[fd];
    if (!c) return NULL;
    c->fd = fd;
    c->gen++;
    c->open = 1;
    c->sending = 0;
    c->fixed = 0;
    c->line_len = c->cl_match = 0;
    c->cl_value = c->body_left = 0;
    c->first_line = 1;
    c->method_match = 0;
    c->out_len = c->snd_len = c->snd_off = 0;
    return c;
}

/* Frames requests in data; appends one response per complete request to c->out. */
static int sink_consume(sink_thread *t, sink_conn *c, const uint8_t *data, size_t len) {
    static const char cl[] = "content-length:";
    const cemit_sink *s = t->sink;
    uint64_t answered = 0;
    for (size_t i = 0; i < len; i++) {
        if (c->body_left) {
            size_t take = len - i < c->body_left ? len - i : (size_t)c->body_left;
            c->body_left -= take;
            i += take - 1;
            if (!c->body_left) goto complete;
            continue;
        }
        /* Inside a line that can no longer be Content-Length (nor the request line of a HEAD):
         * nothing in it matters but its end, which memchr finds many bytes at a time (byte by
         * byte, this loop was ~5 % of a busy sink's CPU). The line is not empty (a byte that is
         * not CR ended the match), so skipping it leaves the blank-line test as it was. */
        if (c->cl_match == 100 && (!c->first_line || c->method_match >= 5)) {
            const uint8_t *nl = memchr(data + i, '\n', len - i);
            if (!nl) break;
            i = (size_t)(nl - data);
        }
        uint8_t ch = data[i];
        if (ch == '\n') {
            if (c->line_len == 0) {
                if (c->cl_value) { c->body_left = c->cl_value; c->cl_value = 0; c->cl_match = 0; continue; }
                goto complete;
            }
            c->line_len = 0;
            c->cl_match = 0;
            c->first_line = 0;
            continue;
        }
        if (ch == '\r') continue;
        if (c->first_line && c->method_match < 5)
            c->method_match = ch == (uint8_t)"HEAD "[c->method_match] ? c->method_match + 1 : 100;
        if (c->cl_match == 15) {
            if (ch >= '0' && ch <= '9' && c->cl_value < (1ull << 40)) c->cl_value = c->cl_value * 10 + (ch - '0');
        } else if (c->line_len == c->cl_match && c->cl_match < 15) {
            uint8_t lc = (ch >= 'A' && ch <= 'Z') ? ch + 32 : ch;
            c->cl_match = (lc == (uint8_t)cl[c->cl_match]) ? c->cl_match + 1 : 100;
        }
        c->line_len++;
        continue;
    complete:;
        /* A HEAD gets the same head without the body (RFC 9110 9.3.2): a client reading the
         * body would take it for the next response. */
        uint32_t answer = c->method_match == 5 ? s->head_len : s->response_len;
        c->line_len = 0;
        c->cl_match = 0;
        c->first_line = 1;
        c->method_match = 0;
        if (c->out_len + answer > c->out_cap) {
            uint32_t cap = c->out_cap ? c->out_cap : 1024;
            while (cap < c->out_len + answer) cap *= 2;
            uint8_t *p = realloc(c->out, cap);
            if (!p) return -ENOMEM;
            c->out = p;
            c->out_cap = cap;
        }
        memcpy(c->out + c->out_len, s->response, answer);
        c->out_len += answer;
        answered++;
    }
    if (answered) atomic_fetch_add_explicit(&t->requests, answered, memory_order_relaxed);
    return 0;
}

/* Moves pending responses to the in-flight buffer (swap, no copy). */
static bool take_out(sink_conn *c) {
    if (c->sending || !c->out_len) return false;
    uint8_t *b = c->snd; uint32_t cap = c->snd_cap;
    c->snd = c->out; c->snd_cap = c->out_cap; c->snd_len = c->out_len; c->snd_off = 0;
    c->out = b; c->out_cap = cap; c->out_len = 0;
    c->sending = 1;
    return true;
}

/* ------------------------------------------------------------------ io_uring */

static inline uint64_t sud(int op, sink_conn *c) {
    return ((uint64_t)op << 61) | ((uint64_t)(c ? c->gen & 0x1fffffff : 0) << 32) | (uint32_t)(c ? c->fd : 0);
}

static struct io_uring_sqe *sget(sink_thread *t) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&t->ring);
    if (!sqe) { io_uring_submit(&t->ring); sqe = io_uring_get_sqe(&t->ring); }
    return sqe;
}

static void su_accept(sink_thread *t) {
    struct io_uring_sqe *sqe = sget(t);
    if (!sqe) return;
    io_uring_prep_multishot_accept(sqe, t->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, (uint64_t)SOP_ACCEPT << 61);
}

static void su_recv(sink_thread *t, sink_conn *c) {
    struct io_uring_sqe *sqe = sget(t);
    if (!sqe) return;
    io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT | (c->fixed ? IOSQE_FIXED_FILE : 0);
    sqe->buf_group = 0;
    io_uring_sqe_set_data64(sqe, sud(SOP_RECV, c));
}

static void su_send(sink_thread *t, sink_conn *c) {
    struct io_uring_sqe *sqe = sget(t);
    if (!sqe) return;
    io_uring_prep_send(sqe, c->fd, c->snd + c->snd_off, c->snd_len - c->snd_off, MSG_NOSIGNAL);
    if (c->fixed) sqe->flags |= IOSQE_FIXED_FILE;
    io_uring_sqe_set_data64(sqe, sud(SOP_SEND, c));
}

static void su_close(sink_thread *t, sink_conn *c) {
    if (!c->open) return;
    c->open = 0;
    struct io_uring_sqe *sqe = sget(t);
    if (sqe) {
        io_uring_prep_cancel_fd(sqe, c->fd, IORING_ASYNC_CANCEL_ALL);
        io_uring_sqe_set_data64(sqe, (uint64_t)SOP_IGNORE << 61);
        io_uring_submit(&t->ring);
    }
    if (c->fixed) { /* the table holds a reference of its own: drop it, or the socket stays open */
        int none = -1;
        io_uring_register_files_update(&t->ring, (unsigned)c->fd, &none, 1);
        c->fixed = 0;
    }
    shutdown(c->fd, SHUT_RDWR);
    close(c->fd);
    c->gen++;
}

static void su_return(sink_thread *t, unsigned bid) {
    io_uring_buf_ring_add(t->br, t->bufs + (size_t)bid * SINK_BUF_SIZE, SINK_BUF_SIZE, (unsigned short)bid,
                          io_uring_buf_ring_mask(SINK_BUF_COUNT), (int)t->returned);
    t->returned++;
}

static int su_setup(sink_thread *t) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED | IORING_SETUP_CQSIZE;
    p.cq_entries = 16384;
    int rc = io_uring_queue_init_params(2048, &t->ring, &p);
    if (rc == -EINVAL) {
        memset(&p, 0, sizeof p);
        rc = io_uring_queue_init_params(2048, &t->ring, &p);
    }
    if (rc < 0) return rc;
    t->br_bytes = SINK_BUF_COUNT * sizeof(struct io_uring_buf);
    void *mem = mmap(NULL, t->br_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (mem == MAP_FAILED) { io_uring_queue_exit(&t->ring); return -ENOMEM; }
    t->br = mem;
    t->bufs = malloc((size_t)SINK_BUF_COUNT * SINK_BUF_SIZE);
    if (!t->bufs) { munmap(mem, t->br_bytes); io_uring_queue_exit(&t->ring); return -ENOMEM; }
    io_uring_buf_ring_init(t->br);
    struct io_uring_buf_reg reg = {.ring_addr = (uint64_t)(uintptr_t)t->br, .ring_entries = SINK_BUF_COUNT, .bgid = 0};
    rc = io_uring_register_buf_ring(&t->ring, &reg, 0);
    if (rc < 0) { free(t->bufs); t->bufs = NULL; munmap(mem, t->br_bytes); io_uring_queue_exit(&t->ring); return rc; }
    for (unsigned i = 0; i < SINK_BUF_COUNT; i++)
        io_uring_buf_ring_add(t->br, t->bufs + (size_t)i * SINK_BUF_SIZE, SINK_BUF_SIZE, (unsigned short)i,
                              io_uring_buf_ring_mask(SINK_BUF_COUNT), (int)i);
    io_uring_buf_ring_advance(t->br, SINK_BUF_COUNT);
    /* Optional: without the table every socket is named by its descriptor. */
    t->fixed_cap = io_uring_register_files_sparse(&t->ring, SINK_FIXED_FILES) == 0 ? SINK_FIXED_FILES : 0;
    return 0;
}

static void su_cqe(sink_thread *t, struct io_uring_cqe *cqe) {
    uint64_t data = io_uring_cqe_get_data64(cqe);
    int op = (int)(data >> 61);
    int fd = (int)(uint32_t)data;
    uint32_t gen = (uint32_t)(data >> 32) & 0x1fffffff;
    bool has_buf = cqe->flags & IORING_CQE_F_BUFFER;
    unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
    int res = cqe->res;
    if (op == SOP_ACCEPT) {
        if (!(cqe->flags & IORING_CQE_F_MORE) && !atomic_load(&t->sink->stop)) su_accept(t);
        if (res < 0) return;
        int one = 1;
        setsockopt(res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        note_congestion(t, res);
        sink_conn *c = conn_for(t, res);
        if (!c) { close(res); return; }
        if ((uint32_t)res < t->fixed_cap && io_uring_register_files_update(&t->ring, (unsigned)res, &res, 1) == 1) c->fixed = 1;
        atomic_fetch_add_explicit(&t->connections, 1, memory_order_relaxed);
        su_recv(t, c);
        return;
    }
    sink_conn *c = (op == SOP_RECV || op == SOP_SEND) && (uint32_t)fd < t->conns_cap ? t->conns[fd] : NULL;
    bool live = c && c->open && (c->gen & 0x1fffffff) == gen;
    if (op == SOP_RECV) {
        if (!live) { if (has_buf) su_return(t, bid); return; }
        if (res > 0 && has_buf) {
            int rc = sink_consume(t, c, t->bufs + (size_t)bid * SINK_BUF_SIZE, (size_t)res);
            su_return(t, bid);
            if (rc < 0) { su_close(t, c); return; }
            if (take_out(c)) su_send(t, c);
            if (!(cqe->flags & IORING_CQE_F_MORE)) su_recv(t, c);
        } else if (res == -ENOBUFS) {
            if (has_buf) su_return(t, bid);
            if (!(cqe->flags & IORING_CQE_F_MORE)) su_recv(t, c);
        } else {
            if (has_buf) su_return(t, bid);
            su_close(t, c);
        }
    } else if (op == SOP_SEND) {
        if (!live) return;
        if (res <= 0) { su_close(t, c); return; }
        c->snd_off += (uint32_t)res;
        if (c->snd_off < c->snd_len) { su_send(t, c); return; }
        c->sending = 0;
        if (take_out(c)) su_send(t, c);
    } else if (has_buf) {
        su_return(t, bid);
    }
}

static void su_loop(sink_thread *t) {
    if ((t->ring.flags & IORING_SETUP_R_DISABLED) && enable_rings(&t->ring) < 0) return;
    su_accept(t);
    const int64_t busy = t->sink->cfg.busy_poll_ns;
    int64_t spin_until = 0; /* busy-poll (cemit_sink_config.busy_poll_ns) until then */
    while (!atomic_load_explicit(&t->sink->stop, memory_order_relaxed)) {
        struct io_uring_cqe *cqe;
        int rc;
        if (busy > 0 && cemit_now_ns() < spin_until) {
            rc = io_uring_submit_and_get_events(&t->ring);
        } else {
            struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 50000000};
            rc = io_uring_submit_and_wait_timeout(&t->ring, &cqe, 1, &ts, NULL);
        }
        if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EBUSY) break;
        unsigned head, n = 0;
        t->returned = 0;
        io_uring_for_each_cqe(&t->ring, head, cqe) { su_cqe(t, cqe); n++; }
        if (t->returned) io_uring_buf_ring_advance(t->br, (int)t->returned);
        io_uring_cq_advance(&t->ring, n);
        if (busy > 0 && n) spin_until = cemit_now_ns() + busy;
    }
    for (uint32_t i = 0; i < t->conns_cap; i++)
        if (t->conns[i] && t->conns[i]->open) { shutdown(t->conns[i]->fd, SHUT_RDWR); close(t->conns[i]->fd); t->conns[i]->open = 0; }
    io_uring_queue_exit(&t->ring);
}

/* ------------------------------------------------------------------ epoll */

static void se_flush(sink_thread *t, sink_conn *c) {
    for (;;) {
        if (!c->sending && !take_out(c)) return;
        while (c->snd_off < c->snd_len) {
            ssize_t n = send(c->fd, c->snd + c->snd_off, c->snd_len - c->snd_off, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN) {
                    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.fd = c->fd};
                    epoll_ctl(t->epfd, EPOLL_CTL_MOD, c->fd, &ev);
                    return;
                }
                c->open = 0; close(c->fd);
                return;
            }
            c->snd_off += (uint32_t)n;
        }
        c->sending = 0;
    }
}

static void se_loop(sink_thread *t) {
    struct epoll_event evs[256];
    struct epoll_event lev = {.events = EPOLLIN, .data.fd = t->listen_fd};
    epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->listen_fd, &lev);
    const int64_t busy = t->sink->cfg.busy_poll_ns;
    int64_t spin_until = 0; /* busy-poll (cemit_sink_config.busy_poll_ns) until then */
    while (!atomic_load_explicit(&t->sink->stop, memory_order_relaxed)) {
        int n = epoll_wait(t->epfd, evs, 256, busy > 0 && cemit_now_ns() < spin_until ? 0 : 50);
        if (busy > 0 && n > 0) spin_until = cemit_now_ns() + busy;
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == t->listen_fd) {
                for (;;) {
                    int cfd = accept4(t->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (cfd < 0) break;
                    int one = 1;
                    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    note_congestion(t, cfd);
                    sink_conn *c = conn_for(t, cfd);
                    if (!c) { close(cfd); continue; }
                    atomic_fetch_add_explicit(&t->connections, 1, memory_order_relaxed);
                    struct epoll_event ev = {.events = EPOLLIN, .data.fd = cfd};
                    epoll_ctl(t->epfd, EPOLL_CTL_ADD, cfd, &ev);
                }
                continue;
            }
            sink_conn *c = (uint32_t)fd < t->conns_cap ? t->conns[fd] : NULL;
            if (!c || !c->open) continue;
            if (evs[i].events & EPOLLOUT) {
                struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
                epoll_ctl(t->epfd, EPOLL_CTL_MOD, fd, &ev);
                se_flush(t, c);
                if (!c->open) continue;
            }
            if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                ssize_t r = recv(fd, t->rbuf, 65536, 0);
                if (r > 0) {
                    if (sink_consume(t, c, t->rbuf, (size_t)r) < 0) { c->open = 0; close(fd); continue; }
                    se_flush(t, c);
                } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                    c->open = 0;
                    close(fd);
                }
            }
        }
    }
    for (uint32_t i = 0; i < t->conns_cap; i++)
        if (t->conns[i] && t->conns[i]->open) { close(t->conns[i]->fd); t->conns[i]->open = 0; }
}

/* ------------------------------------------------------------------ lifecycle */

static void *sink_main(void *arg) {
    sink_thread *t = arg;
    if (t->use_uring) su_loop(t); else se_loop(t);
    return NULL;
}

static int make_listener(const cemit_sink_config *cfg, uint16_t port, int nonblock) {
    int fd = socket(cfg->family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (cfg->tcp_congestion[0] && /* accepted sockets inherit it */
        setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cfg->tcp_congestion, (socklen_t)strnlen(cfg->tcp_congestion, sizeof cfg->tcp_congestion)) < 0) {
        int e = errno; close(fd); return -e;
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (cfg->family == 6) {
        struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&ss;
        sa->sin6_family = AF_INET6; sa->sin6_port = htons(port);
        memcpy(&sa->sin6_addr, cfg->address, 16);
        len = sizeof *sa;
    } else {
        struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
        sa->sin_family = AF_INET; sa->sin_port = htons(port);
        memcpy(&sa->sin_addr, cfg->address, 4);
        len = sizeof *sa;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 4096) < 0) { int e = errno; close(fd); return -e; }
    return fd;
}

static uint16_t bound_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    return ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                    : ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void sink_free(cemit_sink *s) {
    if (s->threads) {
        for (uint32_t i = 0; i < s->cfg.threads; i++) {
            sink_thread *t = &s->threads[i];
            if (t->listen_fd > 0) close(t->listen_fd);
            if (t->epfd > 0) close(t->epfd);
            if (t->br) munmap(t->br, t->br_bytes);
            free(t->bufs);
            free(t->rbuf);
            for (uint32_t k = 0; k < t->conns_cap; k++)
                if (t->conns[k]) { free(t->conns[k]->out); free(t->conns[k]->snd); free(t->conns[k]); }
            free(t->conns);
        }
        free(s->threads);
    }
    free(s->response);
    free(s);
}

int cemit_sink_start(const cemit_sink_config *cfg, cemit_sink **out) {
    *out = NULL;
    if (cfg->threads < 1 || cfg->threads > 64 || (cfg->family != 4 && cfg->family != 6)) return -EINVAL;
    if (cfg->busy_poll_ns < 0 || cfg->busy_poll_ns > 1000000000LL) return -EINVAL;
    if (cfg->tcp_congestion[0]) {
        int rc = cemit_check_tcp_congestion(cfg->family, cfg->tcp_congestion, sizeof cfg->tcp_congestion);
        if (rc < 0) return rc;
    }
    cemit_sink *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->cfg = *cfg;
    uint32_t body = cfg->body_length ? cfg->body_length : 2;
    char head[128];
    int hl = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\nContent-Type: text/plain\r\n\r\n", body);
    s->response_len = (uint32_t)hl + body;
    s->head_len = (uint32_t)hl;
    s->response = malloc(s->response_len);
    s->threads = calloc(cfg->threads, sizeof *s->threads);
    if (!s->response || !s->threads) { sink_free(s); return -ENOMEM; }
    memcpy(s->response, head, (size_t)hl);
    if (cfg->body_length) memset(s->response + hl, 'x', body); else memcpy(s->response + hl, "ok", 2);
    bool uring = cfg->backend != CEMIT_BACKEND_EPOLL;
    uint16_t port = cfg->port;
    for (uint32_t i = 0; i < cfg->threads; i++) {
        sink_thread *t = &s->threads[i];
        t->sink = s;
        t->listen_fd = -1;
        t->epfd = -1;
    }
    for (uint32_t i = 0; i < cfg->threads; i++) {
        sink_thread *t = &s->threads[i];
        if (uring) {
            int rc = su_setup(t);
            if (rc < 0) {
                if (cfg->backend == CEMIT_BACKEND_URING) { sink_free(s); return rc; }
                for (uint32_t k = 0; k < i; k++) { io_uring_queue_exit(&s->threads[k].ring); }
                uring = false;
                i = (uint32_t)-1;
                continue;
            }
        }
    }
    for (uint32_t i = 0; i < cfg->threads; i++) {
        sink_thread *t = &s->threads[i];
        t->use_uring = uring;
        int fd = make_listener(cfg, port, !uring);
        if (fd < 0) {
            for (uint32_t k = 0; k <= i && uring; k++) io_uring_queue_exit(&s->threads[k].ring);
            sink_free(s);
            return fd;
        }
        t->listen_fd = fd;
        if (i == 0) port = bound_port(fd);
        if (!uring) {
            t->epfd = epoll_create1(EPOLL_CLOEXEC);
            t->rbuf = malloc(65536);
            if (t->epfd < 0 || !t->rbuf) { sink_free(s); return -ENOMEM; }
        }
    }
    s->port = port;
    s->backend = uring ? CEMIT_BACKEND_URING : CEMIT_BACKEND_EPOLL;
    for (uint32_t i = 0; i < cfg->threads; i++) {
        int rc = pthread_create(&s->threads[i].thread, NULL, sink_main, &s->threads[i]);
        if (rc) {
            atomic_store(&s->stop, 1);
            for (uint32_t k = 0; k < i; k++) pthread_join(s->threads[k].thread, NULL);
            sink_free(s);
            return -rc;
        }
    }
    *out = s;
    return 0;
}

uint16_t cemit_sink_port(const cemit_sink *s) { return s->port; }
int cemit_sink_backend(const cemit_sink *s) { return s->backend; }

void cemit_sink_counts(const cemit_sink *s, uint64_t *requests, uint64_t *connections) {
    uint64_t r = 0, c = 0;
    for (uint32_t i = 0; i < s->cfg.threads; i++) {
        r += atomic_load_explicit(&s->threads[i].requests, memory_order_relaxed);
        c += atomic_load_explicit(&s->threads[i].connections, memory_order_relaxed);
    }
    if (requests) *requests = r;
    if (connections) *connections = c;
}

void cemit_sink_tcp_congestion(const cemit_sink *s, char *out, size_t cap) {
    if (!cap) return;
    out[0] = 0;
    for (uint32_t i = 0; i < s->cfg.threads; i++)
        if (atomic_load_explicit(&s->threads[i].congestion_set, memory_order_acquire)) {
            size_t n = strnlen(s->threads[i].congestion, sizeof s->threads[i].congestion);
            if (n >= cap) n = cap - 1;
            memcpy(out, s->threads[i].congestion, n);
            out[n] = 0;
            return;
        }
}

void cemit_sink_stop(cemit_sink *s) {
    if (!s) return;
    atomic_store(&s->stop, 1);
    for (uint32_t i = 0; i < s->cfg.threads; i++) pthread_join(s->threads[i].thread, NULL);
    sink_free(s);
}
