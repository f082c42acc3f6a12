/* epoll backend: readiness turned into the engine's completion callbacks. Non-blocking sockets,
 * level-triggered; one shared read buffer per worker (data is parsed before the next read). */
#include "internal.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

typedef struct epoll_state {
    int epfd;
    struct epoll_event events[512];
} epoll_state;

#define EP(w) ((epoll_state *)(w)->backend)
#define RBUF_LEN (64 * 1024)

static inline uint64_t tag(cemit_conn *c) { return ((uint64_t)c->gen << 32) | c->index; }

static int ep_init(cemit_worker *w, uint32_t max_conns) {
    (void)max_conns;
    epoll_state *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (s->epfd < 0) { int e = errno; free(s); return -e; }
    w->rbuf = malloc(RBUF_LEN);
    if (!w->rbuf) { close(s->epfd); free(s); return -ENOMEM; }
    w->rbuf_len = RBUF_LEN;
    w->backend = s;
    return 0;
}

static void ep_destroy(cemit_worker *w) {
    epoll_state *s = EP(w);
    if (!s) return;
    close(s->epfd);
    free(s);
    w->backend = NULL;
}

static int ep_ctl(cemit_worker *w, cemit_conn *c, int op, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.u64 = tag(c)};
    return epoll_ctl(EP(w)->epfd, op, c->fd, &ev) < 0 ? -errno : 0;
}

static int ep_connect(cemit_worker *w, cemit_conn *c, const struct sockaddr *sa, socklen_t len) {
    int rc = connect(c->fd, sa, len);
    if (rc < 0 && errno != EINPROGRESS) return -errno;
    return ep_ctl(w, c, EPOLL_CTL_ADD, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
}

/* Writes as much as the socket takes; finishes through cemit_on_sent (now or when writable). */
static int ep_flush(cemit_worker *w, cemit_conn *c) {
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return ep_ctl(w, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
            return -errno;
        }
        c->out_off += (uint32_t)n;
    }
    cemit_on_sent(w, c, 0);
    return 0;
}

static int ep_send(cemit_worker *w, cemit_conn *c) { return ep_flush(w, c); }

static int ep_start_recv(cemit_worker *w, cemit_conn *c) {
    return ep_ctl(w, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP);
}

static void ep_close(cemit_worker *w, cemit_conn *c, int reset) {
    (void)w;
    if (reset) {
        struct linger lg = {1, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    close(c->fd); /* also removes it from the epoll set */
}

static void ep_readable(cemit_worker *w, cemit_conn *c) {
    uint32_t gen = c->gen;
    for (int rounds = 0; rounds < 4; rounds++) {
        ssize_t n = recv(c->fd, w->rbuf, w->rbuf_len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return;
            cemit_on_recv(w, c, NULL, -errno);
            return;
        }
        cemit_on_recv(w, c, w->rbuf, (int)n);
        if (n == 0 || c->gen != gen || (size_t)n < w->rbuf_len) return;
    }
}

static int ep_poll(cemit_worker *w, int64_t timeout_ns) {
    epoll_state *s = EP(w);
    struct timespec ts = {.tv_sec = timeout_ns / 1000000000LL, .tv_nsec = timeout_ns % 1000000000LL};
    int n = epoll_pwait2(s->epfd, s->events, 512, &ts, NULL);
    if (n < 0 && errno == ENOSYS) n = epoll_wait(s->epfd, s->events, 512, (int)((timeout_ns + 999999) / 1000000));
    if (n < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        uint64_t t = s->events[i].data.u64;
        uint32_t idx = (uint32_t)t, gen = (uint32_t)(t >> 32), ev = s->events[i].events;
        if (idx >= w->conn_cap) continue;
        cemit_conn *c = &w->conns[idx];
        if (c->gen != gen || c->fd < 0) continue;
        if (c->state == C_CONNECTING) {
            if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))) continue;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
            cemit_on_connect(w, c, -err);
            continue;
        }
        if (c->state != C_READY) continue;
        if ((ev & EPOLLOUT) && c->sending && c->out_off < c->out_len) {
            int rc = ep_ctl(w, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP);
            if (rc == 0) rc = ep_flush(w, c);
            if (rc < 0) { cemit_on_sent(w, c, rc); continue; }
            if (c->gen != gen) continue;
        }
        if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) ep_readable(w, c);
    }
    return n;
}

const cemit_backend_ops cemit_backend_epoll = {
    .name = "epoll",
    .nonblocking_sockets = 1,
    .init = ep_init,
    .destroy = ep_destroy,
    .connect = ep_connect,
    .send = ep_send,
    .start_recv = ep_start_recv,
    .close = ep_close,
    .poll = ep_poll,
};
