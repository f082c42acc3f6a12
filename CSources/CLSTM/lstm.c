#include "CLSTM.h"
int clstm_version(void) { return 1; }
