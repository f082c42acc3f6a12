/* The worker threads of one context, kept for its life (see internal.h). A dispatch hands job k
 * to worker k and runs job 0 on the calling thread; workers wait on a condition variable between
 * dispatches. */
#include "internal.h"
#include <pthread.h>
#include <stdlib.h>

#define WORKERS_MAX 64

typedef struct worker_slot {
    struct clstm_workers *pool;
    int index;          /* the job index this thread runs (1..) */
    unsigned seen;      /* the last dispatch it ran (or the one before its first) */
} worker_slot;

struct clstm_workers {
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    pthread_t threads[WORKERS_MAX];
    worker_slot slots[WORKERS_MAX];
    int started;        /* threads running: jobs 1..started */
    unsigned dispatch;  /* bumped by every dispatch */
    int pending;        /* threads that have not finished the current dispatch */
    int quit;
    void (*fn)(void *job);
    char *jobs;
    size_t job_size;
    int njobs;
};

static void *worker_main(void *arg) {
    worker_slot *slot = arg;
    struct clstm_workers *p = slot->pool;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->dispatch == slot->seen && !p->quit) pthread_cond_wait(&p->go, &p->mu);
        if (p->quit) break;
        slot->seen = p->dispatch;
        void *job = slot->index < p->njobs ? p->jobs + (size_t)slot->index * p->job_size : NULL;
        void (*fn)(void *) = p->fn;
        pthread_mutex_unlock(&p->mu);
        if (job) fn(job);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static struct clstm_workers *workers_new(void) {
    struct clstm_workers *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    if (pthread_mutex_init(&p->mu, NULL) != 0) { free(p); return NULL; }
    if (pthread_cond_init(&p->go, NULL) != 0) { pthread_mutex_destroy(&p->mu); free(p); return NULL; }
    if (pthread_cond_init(&p->done, NULL) != 0) {
        pthread_cond_destroy(&p->go);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    return p;
}

void clstm_workers_run(struct clstm_workers **pool, int n, void (*fn)(void *job), void *jobs, size_t job_size) {
    char *j = jobs;
    struct clstm_workers *p = n > 1 ? *pool : NULL;
    if (n > 1 && !p) p = *pool = workers_new();
    if (!p) { /* one job, or no pool could be made: every job on this thread, in order */
        for (int k = 0; k < n; k++) fn(j + (size_t)k * job_size);
        return;
    }
    pthread_mutex_lock(&p->mu);
    while (p->started < n - 1 && p->started < WORKERS_MAX) {
        worker_slot *s = &p->slots[p->started];
        s->pool = p;
        s->index = p->started + 1;
        s->seen = p->dispatch; /* its first dispatch is the next one */
        if (pthread_create(&p->threads[p->started], NULL, worker_main, s) != 0) break;
        p->started++;
    }
    const int workers = p->started;
    p->fn = fn;
    p->jobs = j;
    p->job_size = job_size;
    p->njobs = n;
    p->pending = workers;
    p->dispatch++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    fn(j);
    for (int k = workers + 1; k < n; k++) fn(j + (size_t)k * job_size); /* threads that could not start */
    pthread_mutex_lock(&p->mu);
    while (p->pending) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void clstm_workers_destroy(struct clstm_workers *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int k = 0; k < p->started; k++) pthread_join(p->threads[k], NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->go);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
