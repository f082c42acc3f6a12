#ifndef CEMIT_H
#define CEMIT_H
/* CEmit: the emission engine's public face. Filled in by the load-engine work. */
#include <stdint.h>

/** One pre-serialized request; mirrors Traffic.RequestBatch.Entry (24 bytes). */
typedef struct cemit_request {
    uint32_t offset;
    uint32_t length;
    uint32_t route;
    uint32_t flags;
    int64_t send_at_ns;
} cemit_request;

#endif
