// Memory read bandwidth: sum a buffer far larger than the caches, with 1..T
// threads each reading its own contiguous slice. Built natively (gcc -O2) and
// with emcc -O3 -msimd128; prints one JSON line.
// Usage: bandwidth [MiB=1024] [threads=1] [passes=7]
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

// GCC/Clang vector extension: 16-byte vectors become SSE on x86 and v128 under
// -msimd128, and let us keep several independent accumulators so the loop is
// limited by loads, not by the latency of one chain of float adds.
typedef float v4f __attribute__((vector_size(16)));

typedef struct {
  const v4f *begin;
  size_t count;  // in vectors
  float sum;
} Slice;

static void *sum_slice(void *arg) {
  Slice *s = (Slice *)arg;
  v4f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
  const v4f *p = s->begin, *end = s->begin + s->count;
  for (; p + 8 <= end; p += 8) {
    a0 += p[0]; a1 += p[1]; a2 += p[2]; a3 += p[3];
    a4 += p[4]; a5 += p[5]; a6 += p[6]; a7 += p[7];
  }
  for (; p < end; ++p) a0 += *p;
  v4f t = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  s->sum = t[0] + t[1] + t[2] + t[3];
  return NULL;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? (size_t)atol(argv[1]) : 1024;
  int threads = argc > 2 ? atoi(argv[2]) : 1;
  int passes = argc > 3 ? atoi(argv[3]) : 7;
  if (threads < 1 || threads > 64) threads = 1;

  size_t bytes = mib << 20;
  size_t vectors = bytes / sizeof(v4f);
  v4f *buf = (v4f *)aligned_alloc(64, bytes);
  if (!buf) { fprintf(stderr, "cannot allocate %zu MiB\n", mib); return 1; }
  // Touch every page first so the timed passes measure reads, not page faults.
  float *f = (float *)buf;
  for (size_t i = 0; i < bytes / sizeof(float); ++i) f[i] = (float)(i & 1023) * 0.001f;

  Slice slices[64];
  pthread_t tids[64];
  double best = 1e30, checksum = 0;
  for (int pass = 0; pass < passes; ++pass) {
    size_t per = vectors / threads;
    for (int t = 0; t < threads; ++t) {
      slices[t].begin = buf + t * per;
      slices[t].count = t == threads - 1 ? vectors - t * per : per;
    }
    double t0 = now_seconds();
    for (int t = 1; t < threads; ++t) pthread_create(&tids[t], NULL, sum_slice, &slices[t]);
    sum_slice(&slices[0]);
    for (int t = 1; t < threads; ++t) pthread_join(tids[t], NULL);
    double dt = now_seconds() - t0;
    if (dt < best) best = dt;
    for (int t = 0; t < threads; ++t) checksum += slices[t].sum;
  }
  printf("{\"mib\":%zu,\"threads\":%d,\"passes\":%d,\"best_seconds\":%.6f,\"gbps\":%.3f,\"checksum\":%.1f}\n",
         mib, threads, passes, best, bytes / best / 1e9, checksum);
  free(buf);
  return 0;
}
