// The one place that includes wasm_simd128.h.
//
// f32x4 is a 128-bit vector of four floats. In WebAssembly builds it is a
// v128 and every function below is one SIMD128 instruction (or two). In the
// native test build (no SIMD128) it is a plain struct with the same
// semantics, so the kernels' loops, tiles and tails run under ASan+UBSan;
// the em++ test build runs the same tests on the real instructions.
#pragma once

#include <cmath>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace nnwasm::simd {

#if defined(__wasm_simd128__)

using f32x4 = v128_t;

inline f32x4 load(const float* p) { return wasm_v128_load(p); }
inline void store(float* p, f32x4 v) { wasm_v128_store(p, v); }
inline f32x4 splat(float x) { return wasm_f32x4_splat(x); }
inline f32x4 zero() { return wasm_f32x4_const_splat(0.0f); }
inline f32x4 add(f32x4 a, f32x4 b) { return wasm_f32x4_add(a, b); }
inline f32x4 sub(f32x4 a, f32x4 b) { return wasm_f32x4_sub(a, b); }
inline f32x4 mul(f32x4 a, f32x4 b) { return wasm_f32x4_mul(a, b); }
inline f32x4 div(f32x4 a, f32x4 b) { return wasm_f32x4_div(a, b); }
// IEEE-style max/min: a NaN in either lane gives NaN, as PyTorch's max pooling.
inline f32x4 max(f32x4 a, f32x4 b) { return wasm_f32x4_max(a, b); }
inline f32x4 min(f32x4 a, f32x4 b) { return wasm_f32x4_min(a, b); }
// Lanes where mask is nonzero keep x, the others become +0.0f.
inline f32x4 keep_where_nonzero(f32x4 x, f32x4 mask) {
  return wasm_v128_and(x, wasm_f32x4_ne(mask, zero()));
}
inline float lane(f32x4 v, int i) {
  switch (i) {
    case 0: return wasm_f32x4_extract_lane(v, 0);
    case 1: return wasm_f32x4_extract_lane(v, 1);
    case 2: return wasm_f32x4_extract_lane(v, 2);
    default: return wasm_f32x4_extract_lane(v, 3);
  }
}
// (a0+a2) + (a1+a3): the order every build uses, so results match natively.
inline float hsum(f32x4 v) {
  const f32x4 pairs = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  return wasm_f32x4_extract_lane(pairs, 0) + wasm_f32x4_extract_lane(pairs, 1);
}

// For the convolution micro-kernels: one float broadcast from memory (a
// single vbroadcastss on x86 hosts).
inline f32x4 load_splat(const float* p) { return wasm_v128_load32_splat(p); }

#else  // Portable four-lane vector for native builds.

struct f32x4 {
  float v[4];
};

inline f32x4 load(const float* p) {
  f32x4 r;
  std::memcpy(r.v, p, sizeof r.v);
  return r;
}
inline void store(float* p, f32x4 a) { std::memcpy(p, a.v, sizeof a.v); }
inline f32x4 splat(float x) { return f32x4{{x, x, x, x}}; }
inline f32x4 zero() { return splat(0.0f); }
#define NNWASM_LANEWISE(name, expr)              \
  inline f32x4 name(f32x4 a, f32x4 b) {          \
    f32x4 r;                                     \
    for (int i = 0; i < 4; ++i) {                \
      const float x = a.v[i], y = b.v[i];        \
      r.v[i] = (expr);                           \
    }                                            \
    return r;                                    \
  }
NNWASM_LANEWISE(add, x + y)
NNWASM_LANEWISE(sub, x - y)
NNWASM_LANEWISE(mul, x * y)
NNWASM_LANEWISE(div, x / y)
// Same NaN rule as wasm f32x4.max/min: NaN in either operand wins.
NNWASM_LANEWISE(max, (x != x || y != y) ? (x != x ? x : y) : (x > y ? x : (y > x ? y : (x == 0.0f && std::signbit(x) ? y : x))))
NNWASM_LANEWISE(min, (x != x || y != y) ? (x != x ? x : y) : (x < y ? x : (y < x ? y : (x == 0.0f && std::signbit(x) ? x : y))))
NNWASM_LANEWISE(keep_where_nonzero, y != 0.0f ? x : 0.0f)
#undef NNWASM_LANEWISE
inline float lane(f32x4 a, int i) { return a.v[i]; }
inline float hsum(f32x4 a) { return (a.v[0] + a.v[2]) + (a.v[1] + a.v[3]); }

inline f32x4 load_splat(const float* p) { return splat(*p); }

#endif

}  // namespace nnwasm::simd
