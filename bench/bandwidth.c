// Memory read bandwidth: sum a buffer with 1..T threads, each reading its own
// contiguous slice, best of N timed passes after a warm-up. With a buffer far above the caches this
// is the DRAM read bandwidth; with a buffer the size of a workload's input it
// is what repeatedly reading that input can reach (partly from cache).
// Built natively (gcc -O2) and with emcc -O3 -msimd128; prints one JSON line.
// Usage: bandwidth [MiB=1024, may be fractional] [threads=1] [passes=7]
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

// GCC/Clang vector extension: 16-byte vectors become SSE on x86 and v128 under
// -msimd128, and let us keep several independent accumulators so the loop is
// limited by loads, not by the latency of one chain of float adds.
typedef float v4f __attribute__((vector_size(16)));

#define MAX_THREADS 64

typedef struct {
  const v4f *begin;
  size_t count;  // in vectors
  float sum;
} Slice;

static Slice slices[MAX_THREADS];
// Persistent workers and two barriers per pass: thread start-up cost stays
// out of the timing, which matters for small (cache-sized) buffers. The
// barriers spin: a sleeping wait (pthread_barrier_t) took tens of ms to wake
// a worker under Emscripten in Node, which is what we'd be timing instead.
typedef struct {
  int parties;
  int waiting;     // arrivals in the current round
  int generation;  // bumped by the last arrival to release the others
} SpinBarrier;

static SpinBarrier start_line, finish_line;

static void barrier_wait(SpinBarrier *b) {
  int gen = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&b->waiting, 1, __ATOMIC_ACQ_REL) == b->parties) {
    __atomic_store_n(&b->waiting, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&b->generation, gen + 1, __ATOMIC_RELEASE);
  } else {
    while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen) {
    }
  }
}

// noinline: V8 runs wasm first in its baseline compiler and swaps in optimized
// code only for later *calls*; a loop inlined into main() would never get it.
__attribute__((noinline)) static float sum_slice(const Slice *s) {
  v4f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
  const v4f *p = s->begin, *end = s->begin + s->count;
  for (; p + 8 <= end; p += 8) {
    a0 += p[0]; a1 += p[1]; a2 += p[2]; a3 += p[3];
    a4 += p[4]; a5 += p[5]; a6 += p[6]; a7 += p[7];
  }
  for (; p < end; ++p) a0 += *p;
  v4f t = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  return t[0] + t[1] + t[2] + t[3];
}

static int quit;  // set by main before the start barrier of the last round

static void *worker(void *arg) {
  Slice *s = (Slice *)arg;
  for (;;) {
    barrier_wait(&start_line);
    if (__atomic_load_n(&quit, __ATOMIC_ACQUIRE)) return NULL;
    s->sum += sum_slice(s);
    barrier_wait(&finish_line);
  }
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  double mib = argc > 1 ? atof(argv[1]) : 1024;
  int threads = argc > 2 ? atoi(argv[2]) : 1;
  int passes = argc > 3 ? atoi(argv[3]) : 7;
  if (threads < 1 || threads > MAX_THREADS) threads = 1;

  size_t bytes = ((size_t)(mib * 1048576.0) + 63) / 64 * 64;
  size_t vectors = bytes / sizeof(v4f);
  v4f *buf = (v4f *)aligned_alloc(64, bytes);
  if (!buf) { fprintf(stderr, "cannot allocate %.1f MiB\n", mib); return 1; }
  // Touch every page first so the timed passes measure reads, not page faults.
  float *f = (float *)buf;
  for (size_t i = 0; i < bytes / sizeof(float); ++i) f[i] = (float)(i & 1023) * 0.001f;

  size_t per = vectors / threads;
  for (int t = 0; t < threads; ++t) {
    slices[t].begin = buf + t * per;
    slices[t].count = t == threads - 1 ? vectors - t * per : per;
    slices[t].sum = 0;
  }
  start_line.parties = finish_line.parties = threads;
  pthread_t tids[MAX_THREADS];
  for (int t = 1; t < threads; ++t) pthread_create(&tids[t], NULL, worker, &slices[t]);

  // Untimed warm-up passes first (>= 0.3 s): workers must be up and running
  // optimized code (V8 starts wasm in its baseline compiler), and the OS must
  // have settled where threads run.
  double best = 1e30, warm_until = now_seconds() + 0.3;
  for (int pass = 0, timed = 0; timed < passes; ++pass) {
    barrier_wait(&start_line);
    double t0 = now_seconds();
    slices[0].sum += sum_slice(&slices[0]);
    barrier_wait(&finish_line);
    double t1 = now_seconds();
    if (pass >= 2 && t0 >= warm_until) {
      ++timed;
      if (t1 - t0 < best) best = t1 - t0;
    }
  }
  __atomic_store_n(&quit, 1, __ATOMIC_RELEASE);
  barrier_wait(&start_line);
  for (int t = 1; t < threads; ++t) pthread_join(tids[t], NULL);
  double checksum = 0;
  for (int t = 0; t < threads; ++t) checksum += slices[t].sum;
  printf("{\"mib\":%.3f,\"threads\":%d,\"passes\":%d,\"best_seconds\":%.7f,\"gbps\":%.3f,\"checksum\":%.1f}\n",
         bytes / 1048576.0, threads, passes, best, bytes / best / 1e9, checksum);
  free(buf);
  return 0;
}
