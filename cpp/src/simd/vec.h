// The one place that includes wasm_simd128.h.
//
// f32x4 is a 128-bit vector of four floats. In WebAssembly builds it is a
// v128 and every function below is one SIMD128 instruction (or two). In the
// native test build (no SIMD128) it is a plain struct with the same
// semantics, so the kernels' loops, tiles and tails run under ASan+UBSan;
// the em++ test build runs the same tests on the real instructions.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
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

// --- pooling helpers ---
// {a0, a2, b0, b2}: the even elements of 8 consecutive floats (stride-2 windows).
inline f32x4 even_lanes(f32x4 a, f32x4 b) { return wasm_i32x4_shuffle(a, b, 0, 2, 4, 6); }
inline f32x4 set4(float a, float b, float c, float d) { return wasm_f32x4_make(a, b, c, d); }
// x where mask != 0, else otherwise (lanewise).
inline f32x4 where_nonzero(f32x4 mask, f32x4 x, f32x4 otherwise) {
  return wasm_v128_bitselect(x, otherwise, wasm_f32x4_ne(mask, zero()));
}
// max that lets NaN in either operand win, in three instructions where
// f32x4.max takes about eight on x86: pmax keeps acc unless acc < x (so a
// NaN acc stays, and ties keep acc, PyTorch's "first wins"), and a NaN x
// sets every bit (a NaN) through the or.
inline f32x4 max_nan(f32x4 acc, f32x4 x) {
  return wasm_v128_or(wasm_f32x4_pmax(acc, x), wasm_f32x4_ne(x, x));
}
// {a1, a3, b1, b3}: the odd elements of 8 consecutive floats.
inline f32x4 odd_lanes(f32x4 a, f32x4 b) { return wasm_i32x4_shuffle(a, b, 1, 3, 5, 7); }
// {a1, a2, a3, b0}: the window shifted by one element.
inline f32x4 shift1(f32x4 a, f32x4 b) { return wasm_i32x4_shuffle(a, b, 1, 2, 3, 4); }
// {prev3, x0, x1, x2}: the element before each lane of x.
inline f32x4 preceding(f32x4 prev, f32x4 x) { return wasm_i32x4_shuffle(prev, x, 3, 4, 5, 6); }
// a < b ? b : a (one maxps on x86): a NaN in a stays, a NaN in b is lost.
inline f32x4 pmax(f32x4 a, f32x4 b) { return wasm_f32x4_pmax(a, b); }
// Whether any lane is NaN.
inline bool any_nan(f32x4 v) { return wasm_v128_any_true(wasm_f32x4_ne(v, v)); }
// Lanes where x > best or x is NaN: PyTorch's max-pooling update rule.
inline f32x4 greater_or_nan(f32x4 x, f32x4 best) {
  return wasm_v128_or(wasm_f32x4_gt(x, best), wasm_f32x4_ne(x, x));
}
// mask ? a : b, lanewise, for masks made by the comparisons above.
inline f32x4 select(f32x4 mask, f32x4 a, f32x4 b) { return wasm_v128_bitselect(a, b, mask); }
// PyTorch's max-pooling order for (value, flat index) candidates: NaN beats
// numbers, a later NaN beats an earlier one; among numbers the larger, and
// for equal values the smaller index. Lanes where (x, xi) beats (b, bi).
inline f32x4 beats(f32x4 x, f32x4 xi, f32x4 b, f32x4 bi) {
  const v128_t x_nan = wasm_f32x4_ne(x, x), b_num = wasm_f32x4_eq(b, b);
  const v128_t nan_wins = wasm_v128_and(x_nan, wasm_v128_or(b_num, wasm_f32x4_gt(xi, bi)));
  const v128_t num_wins = wasm_v128_and(
      b_num, wasm_v128_or(wasm_f32x4_gt(x, b), wasm_v128_and(wasm_f32x4_eq(x, b), wasm_f32x4_lt(xi, bi))));
  return wasm_v128_or(nan_wins, num_wins);
}
// Stores the first n (0..4) lanes.
inline void store_first(float* p, f32x4 v, std::size_t n) {
  switch (n) {
    case 4: wasm_v128_store(p, v); break;
    case 3: wasm_v128_store64_lane(p, v, 0); wasm_v128_store32_lane(p + 2, v, 2); break;
    case 2: wasm_v128_store64_lane(p, v, 0); break;
    case 1: wasm_v128_store32_lane(p, v, 0); break;
    default: break;
  }
}
// Stores min(n, 4) lanes: a row's whole vectors and its last, partial one.
inline void store_upto(float* p, f32x4 v, std::size_t n) {
  if (n >= 4) {
    wasm_v128_store(p, v);
  } else {
    store_first(p, v, n);
  }
}
// For the convolution micro-kernels: one float broadcast from memory (a
// single vbroadcastss on x86 hosts).
inline f32x4 load_splat(const float* p) { return wasm_v128_load32_splat(p); }

// --- elementwise helpers (activations, broadcasting binaries) ---
// b < a ? b : a (one minps on x86): a NaN in a stays, a NaN in b is lost.
inline f32x4 pmin(f32x4 a, f32x4 b) { return wasm_f32x4_pmin(a, b); }
// Lane masks (all ones where true); false wherever a lane is NaN.
inline f32x4 less(f32x4 a, f32x4 b) { return wasm_f32x4_lt(a, b); }
inline f32x4 less_equal(f32x4 a, f32x4 b) { return wasm_f32x4_le(a, b); }

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

// --- pooling helpers ---
inline f32x4 even_lanes(f32x4 a, f32x4 b) { return f32x4{{a.v[0], a.v[2], b.v[0], b.v[2]}}; }
inline f32x4 set4(float a, float b, float c, float d) { return f32x4{{a, b, c, d}}; }
inline f32x4 where_nonzero(f32x4 mask, f32x4 x, f32x4 otherwise) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) r.v[i] = mask.v[i] != 0.0f ? x.v[i] : otherwise.v[i];
  return r;
}
inline void store_first(float* p, f32x4 v, std::size_t n) { std::memcpy(p, v.v, n * sizeof(float)); }
inline void store_upto(float* p, f32x4 v, std::size_t n) { std::memcpy(p, v.v, (n < 4 ? n : 4) * sizeof(float)); }
inline f32x4 max_nan(f32x4 acc, f32x4 x) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) {
    const float a = acc.v[i], b = x.v[i];
    r.v[i] = b != b ? b : (a < b ? b : a);
  }
  return r;
}
inline f32x4 odd_lanes(f32x4 a, f32x4 b) { return f32x4{{a.v[1], a.v[3], b.v[1], b.v[3]}}; }
inline f32x4 shift1(f32x4 a, f32x4 b) { return f32x4{{a.v[1], a.v[2], a.v[3], b.v[0]}}; }
inline f32x4 preceding(f32x4 prev, f32x4 x) { return f32x4{{prev.v[3], x.v[0], x.v[1], x.v[2]}}; }
inline f32x4 pmax(f32x4 a, f32x4 b) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) r.v[i] = a.v[i] < b.v[i] ? b.v[i] : a.v[i];
  return r;
}
inline bool any_nan(f32x4 v) { return v.v[0] != v.v[0] || v.v[1] != v.v[1] || v.v[2] != v.v[2] || v.v[3] != v.v[3]; }
// Masks are lanes of all-one bits (true) or zero bits (false), as in WebAssembly.
inline f32x4 greater_or_nan(f32x4 x, f32x4 best) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) {
    const std::uint32_t bits = (x.v[i] > best.v[i] || x.v[i] != x.v[i]) ? 0xFFFFFFFFu : 0u;
    std::memcpy(&r.v[i], &bits, sizeof bits);
  }
  return r;
}
inline f32x4 beats(f32x4 x, f32x4 xi, f32x4 b, f32x4 bi) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) {
    const float v = x.v[i], best = b.v[i];
    const bool win = v != v ? (best == best || xi.v[i] > bi.v[i])
                            : (best == best && (v > best || (v == best && xi.v[i] < bi.v[i])));
    const std::uint32_t bits = win ? 0xFFFFFFFFu : 0u;
    std::memcpy(&r.v[i], &bits, sizeof bits);
  }
  return r;
}
inline f32x4 select(f32x4 mask, f32x4 a, f32x4 b) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) {
    std::uint32_t m;
    std::memcpy(&m, &mask.v[i], sizeof m);
    r.v[i] = m != 0 ? a.v[i] : b.v[i];
  }
  return r;
}
inline f32x4 load_splat(const float* p) { return splat(*p); }
inline f32x4 pmin(f32x4 a, f32x4 b) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) r.v[i] = b.v[i] < a.v[i] ? b.v[i] : a.v[i];
  return r;
}
// Masks are lanes of all-one bits (true) or zero bits (false).
inline f32x4 compare(f32x4 a, f32x4 b, bool (*op)(float, float)) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) {
    const std::uint32_t bits = op(a.v[i], b.v[i]) ? 0xFFFFFFFFu : 0u;
    std::memcpy(&r.v[i], &bits, sizeof bits);
  }
  return r;
}
inline f32x4 less(f32x4 a, f32x4 b) {
  return compare(a, b, [](float x, float y) { return x < y; });
}
inline f32x4 less_equal(f32x4 a, f32x4 b) {
  return compare(a, b, [](float x, float y) { return x <= y; });
}

#endif

// p[0..n) = value in vector stores. The kernels are built without clang's
// auto-vectorizer, so a std::fill of a non-zero value would be scalar.
inline void fill(float* p, std::size_t n, float value) {
  const f32x4 v = splat(value);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) store(p + i, v);
  for (; i < n; ++i) p[i] = value;
}

}  // namespace nnwasm::simd
