/*
 * meter.c - phases and counters in shared memory (see meter.h).
 */
#include "base/meter.h"

#include <stddef.h>

static struct meter_counters *counters;
static int *phase_slot;

static const char *const phase_names[METER_PHASES] = {
    "idle", "reading", "handler", "database", "openai", "sarvam", "writing",
};

void meter_attach(struct meter_counters *c)
{
    counters = c;
    __atomic_store_n(&c->overdue_privacy, -1, __ATOMIC_RELAXED);
}

void meter_attach_phase(int *phase)
{
    phase_slot = phase;
}

struct meter_counters *meter_counters(void)
{
    return counters;
}

enum meter_phase meter_phase_set(enum meter_phase phase)
{
    if (phase_slot == NULL)
        return METER_IDLE;
    return (enum meter_phase)__atomic_exchange_n(phase_slot, (int)phase, __ATOMIC_RELAXED);
}

const char *meter_phase_name(int phase)
{
    return phase >= 0 && phase < METER_PHASES ? phase_names[phase] : "unknown";
}

void meter_add(uint64_t *counter, uint64_t n)
{
    __atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

void meter_db_op(uint64_t us, int down)
{
    if (counters == NULL)
        return;
    meter_add(&counters->db_ops, 1);
    meter_add(&counters->db_us, us);
    if (down)
        meter_add(&counters->db_down, 1);
}

void meter_erasure(enum meter_erasure outcome)
{
    if (counters != NULL && outcome < METER_ERASURES)
        meter_add(&counters->erasures[outcome], 1);
}

void meter_overdue_privacy(int64_t n)
{
    if (counters != NULL)
        __atomic_store_n(&counters->overdue_privacy, n, __ATOMIC_RELAXED);
}
