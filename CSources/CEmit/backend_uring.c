/* io_uring backend: one ring per worker (SINGLE_ISSUER + DEFER_TASKRUN where available, enabled
 * on the worker thread), connect/send as SQEs, multishot receive into a provided-buffer ring. */
#include "internal.h"
#include <liburing.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/syscall.h>

/* liburing 2.3 declares io_uring_enable_rings but does not export it: call the register op. */
static int enable_rings(struct io_uring *ring) {
    long rc = syscall(__NR_io_uring_register, ring->ring_fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
    return rc < 0 ? -errno : 0;
}

enum { OP_CONNECT = 1, OP_SEND = 2, OP_RECV = 3, OP_IGNORE = 4 };

#define BUF_COUNT 1024u
#define BUF_SIZE 4096u
#define BGID 0
#ifndef CEMIT_URING_SETUP
#define CEMIT_URING_SETUP (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)
#endif

typedef struct uring_state {
    struct io_uring ring;
    struct io_uring_buf_ring *br;
    uint8_t *bufs;
    size_t br_bytes;
    unsigned returned;
    uint32_t fixed_cap;   /* registered-file table: one slot per connection index (0: none) */
} uring_state;

#define UR(w) ((uring_state *)(w)->backend)

static inline uint64_t ud(int op, cemit_conn *c) {
    return ((uint64_t)op << 61) | ((uint64_t)(c->gen & 0x1fffffff) << 32) | c->index;
}

static struct io_uring_sqe *get_sqe(uring_state *s) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);
    if (!sqe) {
        io_uring_submit(&s->ring);
        sqe = io_uring_get_sqe(&s->ring);
    }
    return sqe;
}

static int ur_init(cemit_worker *w, uint32_t max_conns) {
    uring_state *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = CEMIT_URING_SETUP | IORING_SETUP_R_DISABLED | IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
    p.cq_entries = 16384;
    int rc = io_uring_queue_init_params(2048, &s->ring, &p);
    if (rc == -EINVAL) {
        memset(&p, 0, sizeof p);
        p.flags = IORING_SETUP_CQSIZE;
        p.cq_entries = 16384;
        rc = io_uring_queue_init_params(2048, &s->ring, &p);
    }
    if (rc < 0) { free(s); return rc; }
    s->br_bytes = BUF_COUNT * sizeof(struct io_uring_buf);
    void *mem = mmap(NULL, s->br_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (mem == MAP_FAILED) { io_uring_queue_exit(&s->ring); free(s); return -ENOMEM; }
    s->br = mem;
    s->bufs = malloc((size_t)BUF_COUNT * BUF_SIZE);
    if (!s->bufs) { munmap(mem, s->br_bytes); io_uring_queue_exit(&s->ring); free(s); return -ENOMEM; }
    io_uring_buf_ring_init(s->br);
    struct io_uring_buf_reg reg = {.ring_addr = (uint64_t)(uintptr_t)s->br, .ring_entries = BUF_COUNT, .bgid = BGID};
    rc = io_uring_register_buf_ring(&s->ring, &reg, 0);
    if (rc < 0) { free(s->bufs); munmap(mem, s->br_bytes); io_uring_queue_exit(&s->ring); free(s); return rc; }
    for (unsigned i = 0; i < BUF_COUNT; i++)
        io_uring_buf_ring_add(s->br, s->bufs + (size_t)i * BUF_SIZE, BUF_SIZE, (unsigned short)i,
                              io_uring_buf_ring_mask(BUF_COUNT), (int)i);
    io_uring_buf_ring_advance(s->br, BUF_COUNT);
    /* Registered files (optional): each connection's socket is also installed at its index and
     * its operations name the index (IOSQE_FIXED_FILE), so the kernel skips the per-operation
     * file lookup and reference count. Without the table every socket is named by its fd. */
    s->fixed_cap = max_conns && io_uring_register_files_sparse(&s->ring, max_conns) == 0 ? max_conns : 0;
    w->backend = s;
    return 0;
}

static int ur_thread_start(cemit_worker *w) {
    uring_state *s = UR(w);
    if (s->ring.flags & IORING_SETUP_R_DISABLED) {
        int rc = enable_rings(&s->ring);
        if (rc < 0) return rc;
    }
    /* Registered ring fd (per task, so here on the worker thread): io_uring_enter skips the fd
     * table lookup. Optional: older kernels refuse it and the plain fd is used. */
    (void)io_uring_register_ring_fd(&s->ring);
    return 0;
}

static void ur_destroy(cemit_worker *w) {
    uring_state *s = UR(w);
    if (!s) return;
    io_uring_unregister_buf_ring(&s->ring, BGID);
    io_uring_queue_exit(&s->ring);
    munmap(s->br, s->br_bytes);
    free(s->bufs);
    free(s);
    w->backend = NULL;
}

/* The descriptor or registered index an operation on c names, and the SQE flag that goes with it. */
static inline void set_file(struct io_uring_sqe *sqe, const cemit_conn *c) {
    if (c->fixed) { sqe->fd = (int)c->index; sqe->flags |= IOSQE_FIXED_FILE; }
}

static int ur_connect(cemit_worker *w, cemit_conn *c, const struct sockaddr *sa, socklen_t len) {
    uring_state *s = UR(w);
    if (c->index < s->fixed_cap && io_uring_register_files_update(&s->ring, c->index, &c->fd, 1) == 1) c->fixed = 1;
    struct io_uring_sqe *sqe = get_sqe(s);
    if (!sqe) return -EBUSY;
    io_uring_prep_connect(sqe, c->fd, sa, len);
    set_file(sqe, c);
    io_uring_sqe_set_data64(sqe, ud(OP_CONNECT, c));
    c->uring_ops++;
    return 0;
}

static int ur_send(cemit_worker *w, cemit_conn *c) {
    struct io_uring_sqe *sqe = get_sqe(UR(w));
    if (!sqe) return -EBUSY;
    io_uring_prep_send(sqe, c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    set_file(sqe, c);
    io_uring_sqe_set_data64(sqe, ud(OP_SEND, c));
    c->uring_ops++;
    return 0;
}

static int ur_start_recv(cemit_worker *w, cemit_conn *c) {
    struct io_uring_sqe *sqe = get_sqe(UR(w));
    if (!sqe) return -EBUSY;
    io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    set_file(sqe, c);
    sqe->buf_group = BGID;
    io_uring_sqe_set_data64(sqe, ud(OP_RECV, c));
    c->recv_armed = 1;
    c->uring_ops++;
    return 0;
}

static void ur_close(cemit_worker *w, cemit_conn *c, int reset) {
    uring_state *s = UR(w);
    if (c->uring_ops) {
        /* Cancel what is outstanding on this fd before the number can be reused. */
        struct io_uring_sqe *sqe = get_sqe(s);
        if (sqe) {
            io_uring_prep_cancel_fd(sqe, c->fd, IORING_ASYNC_CANCEL_ALL);
            io_uring_sqe_set_data64(sqe, (uint64_t)OP_IGNORE << 61);
            io_uring_submit(&s->ring);
        }
    }
    if (c->fixed) { /* the table holds a reference of its own: drop it, or the socket stays open */
        int none = -1;
        io_uring_register_files_update(&s->ring, c->index, &none, 1);
        c->fixed = 0;
    }
    if (reset) {
        struct linger lg = {1, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    } else {
        shutdown(c->fd, SHUT_RDWR);
    }
    close(c->fd);
    c->uring_ops = 0;
    c->recv_armed = 0;
}

static inline void return_buffer(uring_state *s, unsigned bid) {
    io_uring_buf_ring_add(s->br, s->bufs + (size_t)bid * BUF_SIZE, BUF_SIZE, (unsigned short)bid,
                          io_uring_buf_ring_mask(BUF_COUNT), (int)s->returned);
    s->returned++;
}

static void handle_cqe(cemit_worker *w, struct io_uring_cqe *cqe) {
    uring_state *s = UR(w);
    uint64_t data = io_uring_cqe_get_data64(cqe);
    int op = (int)(data >> 61);
    uint32_t idx = (uint32_t)data, gen = (uint32_t)(data >> 32) & 0x1fffffff;
    int res = cqe->res;
    bool has_buf = cqe->flags & IORING_CQE_F_BUFFER;
    unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
    if (op == OP_IGNORE || idx >= w->conn_cap) { if (has_buf) return_buffer(s, bid); return; }
    cemit_conn *c = &w->conns[idx];
    bool live = (c->gen & 0x1fffffff) == gen && c->fd >= 0;
    if (!live) { if (has_buf) return_buffer(s, bid); return; }
    switch (op) {
    case OP_CONNECT:
        if (c->uring_ops) c->uring_ops--;
        cemit_on_connect(w, c, res);
        break;
    case OP_SEND:
        if (c->uring_ops) c->uring_ops--;
        if (res > 0) {
            c->out_off += (uint32_t)res;
            if (c->out_off < c->out_len) { /* short send: push the rest */
                int rc = ur_send(w, c);
                if (rc < 0) cemit_on_sent(w, c, rc);
                break;
            }
            cemit_on_sent(w, c, 0);
        } else {
            cemit_on_sent(w, c, res == 0 ? -EPIPE : res);
        }
        break;
    case OP_RECV: {
        bool more = cqe->flags & IORING_CQE_F_MORE;
        if (!more) { c->recv_armed = 0; if (c->uring_ops) c->uring_ops--; }
        if (res > 0 && has_buf) {
            cemit_on_recv(w, c, s->bufs + (size_t)bid * BUF_SIZE, res);
            return_buffer(s, bid);
            if (!more && (c->gen & 0x1fffffff) == gen && c->state == C_READY && !c->recv_armed) ur_start_recv(w, c);
        } else if (res == -ENOBUFS) {
            if (has_buf) return_buffer(s, bid);
            if (!c->recv_armed) ur_start_recv(w, c);
        } else {
            if (has_buf) return_buffer(s, bid);
            cemit_on_recv(w, c, NULL, res);
        }
        break;
    }
    default:
        if (has_buf) return_buffer(s, bid);
        break;
    }
}

static int ur_poll(cemit_worker *w, int64_t timeout_ns) {
    uring_state *s = UR(w);
    struct io_uring_cqe *cqe;
    int rc;
    if (timeout_ns > 0) {
        struct __kernel_timespec ts = {.tv_sec = timeout_ns / 1000000000LL, .tv_nsec = timeout_ns % 1000000000LL};
        rc = io_uring_submit_and_wait_timeout(&s->ring, &cqe, 1, &ts, NULL);
    } else {
        rc = io_uring_submit_and_get_events(&s->ring);
    }
    if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EBUSY) return rc;
    int handled = 0;
    for (int round = 0; round < 8; round++) {
        unsigned head, n = 0;
        s->returned = 0;
        io_uring_for_each_cqe(&s->ring, head, cqe) {
            handle_cqe(w, cqe);
            n++;
        }
        if (s->returned) io_uring_buf_ring_advance(s->br, (int)s->returned);
        io_uring_cq_advance(&s->ring, n);
        handled += (int)n;
        if (!n) break;
        if (round == 0 && !io_uring_cq_ready(&s->ring)) break;
    }
    return handled;
}

const cemit_backend_ops cemit_backend_uring = {
    .name = "io_uring",
    .nonblocking_sockets = 0,
    .init = ur_init,
    .destroy = ur_destroy,
    .thread_start = ur_thread_start,
    .connect = ur_connect,
    .send = ur_send,
    .start_recv = ur_start_recv,
    .close = ur_close,
    .poll = ur_poll,
};
