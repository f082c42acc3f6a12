#include "CEmit.h"
_Static_assert(sizeof(cemit_request) == 24, "cemit_request mirrors Traffic.RequestBatch.Entry");
