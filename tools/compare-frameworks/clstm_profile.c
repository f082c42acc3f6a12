/* CPU-time profile driver for CLSTM (one layer, I=8, T=168, dense head O=1), for A/B builds and perf.
 * usage: clstm_profile MODE ITERS [H] [B]   MODE 0 inference, 1 training step (forward + backward +
 * clip + Adam), 2 training forward, 3 backward only, 4 inference with CLSTM_PRECISION_INT16. Prints ms per batch of process CPU time and wall.
 * build: clang -O2 -std=c11 -D_GNU_SOURCE -ICSources/CLSTM/include $(pkg-config --cflags openblas) \
 *        tools/compare-frameworks/clstm_profile.c CSources/CLSTM/[a-z]*.c $(pkg-config --libs openblas) -lm -lpthread */
#include "CLSTM.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double wall(void){struct timespec ts;clock_gettime(CLOCK_MONOTONIC,&ts);return ts.tv_sec+ts.tv_nsec*1e-9;}
static double cpu(void){struct timespec ts;clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&ts);return ts.tv_sec+ts.tv_nsec*1e-9;}
int main(int argc,char**argv){
  int mode=atoi(argv[1]); int n=atoi(argv[2]); int H=argc>3?atoi(argv[3]):64; int B=argc>4?atoi(argv[4]):256;
  int I=8,T=168,O=1;
  clstm_config cfg={1,I,H,O,T,B,42,1,CLSTM_ISA_AUTO}; clstm_ctx*ctx; clstm_create(&cfg,&ctx);
  size_t nx=(size_t)T*B*I; float*x=malloc(nx*4),*y=malloc(B*4),*dy=malloc(B*4);
  for(size_t k=0;k<nx;k++)x[k]=(float)((k*2654435761u)%1000)/1000.0f-0.5f; for(int k=0;k<B;k++)dy[k]=0.01f;
  clstm_adam adam={1e-3f,0.9f,0.999f,1e-8f,0};
  if(mode==4){ if(clstm_set_inference_precision(ctx,CLSTM_PRECISION_INT16)) return 1; mode=0; }
  clstm_forward(ctx,x,B,y); if(mode) {clstm_forward_train(ctx,x,B,y);clstm_backward(ctx,dy);}
  double t0=cpu(), w0=wall();
  for(int i=0;i<n;i++){ if(mode==0) clstm_forward(ctx,x,B,y); else if(mode==1){clstm_forward_train(ctx,x,B,y);clstm_backward(ctx,dy);clstm_clip_gradients(ctx,1);clstm_adam_step(ctx,&adam);} else if(mode==2) clstm_forward_train(ctx,x,B,y); else clstm_backward(ctx,dy);}
  double t=cpu()-t0; double w=wall()-w0; printf("mode %d: %.2f ms/batch cpu, %.2f ms wall\n",mode,t/n*1e3,w/n*1e3);
}
