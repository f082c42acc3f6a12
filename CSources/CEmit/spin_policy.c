/* The adaptive busy poll of a worker (cemit_config.busy_poll_ns == CEMIT_BUSY_POLL_AUTO).
 *
 * Why: a worker that sleeps while responses are outstanding pays a wake-up per round trip, and
 * on this kind of VM (idle vCPUs halt, no guest halt-polling) a wake-up is a VM exit plus the
 * host's scheduler. On a core of its own a long poll (1 ms) therefore beats a short one (50 us):
 * quiet pinned closed64 1.57-1.74x wrk against 1.26-1.63x. But when other threads want the same
 * core, a spinning thread uses up its time slice and then waits behind them, while a thread that
 * slept is picked at once when woken: under load the 1 ms poll made 0.73-0.83x. So the budget
 * follows the core: long while nobody preempts the worker and the long polls end with a
 * completion; short (50 us, the old default) as soon as the worker waits for its core, for a
 * hold that doubles with every further contended tick, so a loaded core is probed rarely.
 *
 * "Waits for its core" is measured, not guessed: the run-queue wait of the thread (schedstat's
 * run_delay) during the tick. Counting preemptions (getrusage's ru_nivcsw) was the first
 * signal tried: on this shared box a worker pinned to its core counted ~100 involuntary switches
 * a second while only a few (9 in 2 s) kept it off its core for more than 100 us inside a
 * poll, and the count kept it short all the time; a CPU-bound neighbour costs it hundreds of
 * microseconds per tick. Contention is judged only while polling long: a worker that sleeps
 * between completions may see a wait from each wake-up, which no neighbour caused. And it is
 * judged on an average: with a threshold on single ticks (>= 100 us), a pinned worker in a
 * quiet window (load 1.6-1.9, 99 % idle) still spent 60-92 % of its ticks short, sent there by
 * a 100-300 us wait every ~20 ms (1.4 ms of wait in 150 long ticks).
 *
 * The rule is a pure function of what the worker saw during one timer tick (1 ms), so it is
 * tested without threads or clocks (cemit_spin_policy_tick). */
#include "CEmit.h"

void cemit_spin_policy_init(cemit_spin_policy *p) {
    p->budget_ns = CEMIT_SPIN_LONG_NS;
    p->hold = 0;
    p->next_hold = CEMIT_SPIN_HOLD_MIN;
    p->clean = 0;
    p->wait_avg_ns = 0;
}

int64_t cemit_spin_policy_tick(cemit_spin_policy *p, const cemit_spin_tick *t) {
    if (p->hold) {
        /* Short, whatever this tick saw: a worker that sleeps between completions may count the
         * wait between a wake-up and running again, which is not a neighbour's doing. */
        p->hold--;
    } else if (p->budget_ns != CEMIT_SPIN_LONG_NS) {
        /* The hold is over: try the long budget (the next ticks judge it, from a clean average). */
        p->budget_ns = CEMIT_SPIN_LONG_NS;
        p->wait_avg_ns = 0;
    } else if ((p->wait_avg_ns += (t->wait_ns - p->wait_avg_ns) / 8) >= CEMIT_SPIN_WAIT_NS) {
        /* Polling long, the worker waited for its core for a tenth of the time (averaged over
         * about 8 ticks, so one slice of a CPU-bound neighbour (ms) counts at once and a kernel
         * thread's 100-300 us now and then does not): someone else wants this core. Poll
         * briefly and sleep, for `next_hold` ticks; contended again right after, twice as long. */
        p->budget_ns = CEMIT_SPIN_SHORT_NS;
        p->hold = p->next_hold;
        p->next_hold = p->next_hold * 2 > CEMIT_SPIN_HOLD_MAX ? CEMIT_SPIN_HOLD_MAX : p->next_hold * 2;
        p->clean = 0;
    } else if (t->spins && t->timeouts * 2 > t->spins) {
        /* Most long polls ran out with nothing to show (a slow or idle target): the CPU they
         * burn buys no wake-up. Short for a while, then try again. */
        p->budget_ns = CEMIT_SPIN_SHORT_NS;
        p->hold = CEMIT_SPIN_IDLE_HOLD;
    } else if (++p->clean >= CEMIT_SPIN_DECAY) {
        /* Rare contention must not keep the hold growing: every CEMIT_SPIN_DECAY clean long
         * ticks halve it. */
        p->clean = 0;
        p->next_hold = p->next_hold / 2 < CEMIT_SPIN_HOLD_MIN ? CEMIT_SPIN_HOLD_MIN : p->next_hold / 2;
    }
    return p->budget_ns;
}
