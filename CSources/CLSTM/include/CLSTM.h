#ifndef CLSTM_H
#define CLSTM_H
/* CLSTM: batched LSTM on OpenBLAS. Filled in by the forecaster work. */
#include <stddef.h>
int clstm_version(void);
#endif
