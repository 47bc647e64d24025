// Single-core WebAssembly SIMD f32 mul+add peak: ACC independent chains of
// acc = acc * m + c on f32x4 (wasm SIMD128 has no FMA, so one mul and one add,
// counted as 2 flops per lane). Prints one JSON line.
// Usage: peak [millions of iterations=100] [repeats=5]
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <wasm_simd128.h>

#define ACC 12

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// noinline + runtime arguments so the compiler cannot fold the chains away.
__attribute__((noinline)) static float run_chains(long iters, float mul, float add) {
  v128_t m = wasm_f32x4_splat(mul), c = wasm_f32x4_splat(add);
  v128_t acc[ACC];
  for (int i = 0; i < ACC; ++i) acc[i] = wasm_f32x4_splat((float)i * 0.01f);
  for (long it = 0; it < iters; ++it) {
#pragma clang loop unroll(full)
    for (int i = 0; i < ACC; ++i) acc[i] = wasm_f32x4_add(wasm_f32x4_mul(acc[i], m), c);
  }
  v128_t total = acc[0];
  for (int i = 1; i < ACC; ++i) total = wasm_f32x4_add(total, acc[i]);
  return wasm_f32x4_extract_lane(total, 0) + wasm_f32x4_extract_lane(total, 3);
}

int main(int argc, char **argv) {
  long iters = (argc > 1 ? atol(argv[1]) : 100) * 1000000L;
  int repeats = argc > 2 ? atoi(argv[2]) : 5;
  // 0.999999 * x + 1e-6 converges to 1: no overflow, no denormals.
  float mul = argc > 3 ? (float)atof(argv[3]) : 0.999999f;
  float add = 1e-6f;
  double best = 1e30, checksum = 0;
  run_chains(iters / 10, mul, add);  // warm up (lets V8 tier up to optimized code)
  for (int r = 0; r < repeats; ++r) {
    double t0 = now_seconds();
    checksum += run_chains(iters, mul, add);
    double dt = now_seconds() - t0;
    if (dt < best) best = dt;
  }
  double flops = (double)iters * ACC * 4 /* lanes */ * 2 /* mul + add */;
  printf("{\"accumulators\":%d,\"iterations\":%ld,\"best_seconds\":%.6f,\"gflops\":%.3f,\"checksum\":%.3f}\n",
         ACC, iters, best, flops / best / 1e9, checksum);
  return 0;
}
