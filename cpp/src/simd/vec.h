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


// --- bit-level helpers (the transcendental functions below) ---
// Lanes viewed as 32-bit integers: the same v128, no conversion.
inline f32x4 splat_bits(std::uint32_t bits) { return wasm_i32x4_splat(static_cast<std::int32_t>(bits)); }
inline f32x4 add_i32(f32x4 a, f32x4 b) { return wasm_i32x4_add(a, b); }
inline f32x4 sub_i32(f32x4 a, f32x4 b) { return wasm_i32x4_sub(a, b); }
inline f32x4 shl_i32(f32x4 a, int n) { return wasm_i32x4_shl(a, n); }
// Arithmetic (sign-filling) shift.
inline f32x4 shr_i32(f32x4 a, int n) { return wasm_i32x4_shr(a, n); }
inline f32x4 bit_and(f32x4 a, f32x4 b) { return wasm_v128_and(a, b); }
inline f32x4 bit_or(f32x4 a, f32x4 b) { return wasm_v128_or(a, b); }
// a & ~b.
inline f32x4 bit_andnot(f32x4 a, f32x4 b) { return wasm_v128_andnot(a, b); }
inline f32x4 abs(f32x4 a) { return wasm_f32x4_abs(a); }
inline f32x4 greater(f32x4 a, f32x4 b) { return wasm_f32x4_gt(a, b); }

// --- f64x2: two doubles, for transforms at pack time that round once (in
// WebAssembly the same v128 type as f32x4, hence the d-suffixed names) ---
using f64x2 = v128_t;
inline f64x2 addd(f64x2 a, f64x2 b) { return wasm_f64x2_add(a, b); }
inline f64x2 subd(f64x2 a, f64x2 b) { return wasm_f64x2_sub(a, b); }
inline f64x2 muld(f64x2 a, f64x2 b) { return wasm_f64x2_mul(a, b); }
inline f64x2 divd(f64x2 a, f64x2 b) { return wasm_f64x2_div(a, b); }
inline f64x2 negd(f64x2 a) { return wasm_f64x2_neg(a); }
inline f64x2 splatd(double x) { return wasm_f64x2_splat(x); }
// Lanes 0-1 / 2-3 of v, widened exactly.
inline f64x2 widen_low(f32x4 v) { return wasm_f64x2_promote_low_f32x4(v); }
inline f64x2 widen_high(f32x4 v) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3)); }
// {lo0, lo1, hi0, hi1}, each rounded to float (round to nearest even).
inline f32x4 narrow(f64x2 lo, f64x2 hi) {
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5);
}

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


// --- bit-level helpers (the transcendental functions below) ---
// Lanes hold raw 32-bit patterns where a function treats them as integers;
// memcpy keeps every bit (no float arithmetic touches them).
inline std::uint32_t lane_bits(const f32x4& a, int i) {
  std::uint32_t u;
  std::memcpy(&u, &a.v[i], sizeof u);
  return u;
}
inline void set_lane_bits(f32x4& a, int i, std::uint32_t u) { std::memcpy(&a.v[i], &u, sizeof u); }
inline f32x4 splat_bits(std::uint32_t bits) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) set_lane_bits(r, i, bits);
  return r;
}
#define NNWASM_BITWISE(name, expr)                               \
  inline f32x4 name(f32x4 a, f32x4 b) {                          \
    f32x4 r;                                                     \
    for (int i = 0; i < 4; ++i) {                                \
      const std::uint32_t x = lane_bits(a, i), y = lane_bits(b, i); \
      set_lane_bits(r, i, (expr));                               \
    }                                                            \
    return r;                                                    \
  }
// Unsigned wrap-around arithmetic: the same bits as wasm's i32x4 add/sub.
NNWASM_BITWISE(add_i32, x + y)
NNWASM_BITWISE(sub_i32, x - y)
NNWASM_BITWISE(bit_and, x & y)
NNWASM_BITWISE(bit_or, x | y)
NNWASM_BITWISE(bit_andnot, x & ~y)
#undef NNWASM_BITWISE
inline f32x4 shl_i32(f32x4 a, int n) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) set_lane_bits(r, i, lane_bits(a, i) << n);
  return r;
}
// Arithmetic shift written without shifting a negative number (well defined
// in C++17 for any n in [0, 31]).
inline f32x4 shr_i32(f32x4 a, int n) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) {
    const std::uint32_t u = lane_bits(a, i);
    const std::uint32_t fill = (u >> 31) != 0 ? ~(~std::uint32_t{0} >> n) : 0u;
    set_lane_bits(r, i, (u >> n) | fill);
  }
  return r;
}
inline f32x4 abs(f32x4 a) { return bit_and(a, splat_bits(0x7FFFFFFFu)); }
inline f32x4 greater(f32x4 a, f32x4 b) {
  return compare(a, b, [](float x, float y) { return x > y; });
}

struct f64x2 {
  double v[2];
};
#define NNWASM_F64X2_OP(name, op)                \
  inline f64x2 name(f64x2 a, f64x2 b) {           \
    return f64x2{{a.v[0] op b.v[0], a.v[1] op b.v[1]}}; \
  }
NNWASM_F64X2_OP(addd, +)
NNWASM_F64X2_OP(subd, -)
NNWASM_F64X2_OP(muld, *)
NNWASM_F64X2_OP(divd, /)
#undef NNWASM_F64X2_OP
inline f64x2 negd(f64x2 a) { return f64x2{{-a.v[0], -a.v[1]}}; }
inline f64x2 splatd(double x) { return f64x2{{x, x}}; }
inline f64x2 widen_low(f32x4 v) { return f64x2{{v.v[0], v.v[1]}}; }
inline f64x2 widen_high(f32x4 v) { return f64x2{{v.v[2], v.v[3]}}; }
inline f32x4 narrow(f64x2 lo, f64x2 hi) {
  return f32x4{{static_cast<float>(lo.v[0]), static_cast<float>(lo.v[1]), static_cast<float>(hi.v[0]),
                static_cast<float>(hi.v[1])}};
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

// The first n (0..4) floats of p in the low lanes, `fill` in the others:
// a row's last, partial vector, without reading past its end.
inline f32x4 load_first(const float* p, std::size_t n, float fill) {
  float lanes[4] = {fill, fill, fill, fill};
  std::memcpy(lanes, p, (n < 4 ? n : 4) * sizeof(float));
  return load(lanes);
}

// --- transcendental functions, one algorithm for every build ---
// Written with the helpers above only, so the native build runs exactly the
// arithmetic the SIMD128 build runs (no FMA in either), lane for lane.

// e^x to within 2 ulp over the whole float range, denormal results included,
// with IEEE limits: NaN -> NaN, +Inf and overflow (x > 88.72) -> +Inf,
// -Inf and underflow (x < -103.97) -> 0. Range reduction x = n ln2 + t,
// |t| <= ln2/2, with ln2 split in a short high part (n * hi is exact) and a
// low part; e^t from a degree-5 minimax polynomial; 2^n made from exponent
// bits as two factors 2^h * 2^(n-h), each a normal float for every n in
// [-151, 128], so results near FLT_MAX and the denormals need no cutoffs.
inline f32x4 exp(f32x4 x) {
  // pmax/pmin keep a NaN x (it compares false), and the clamps keep the
  // integer n in range; the scaling itself overflows or underflows.
  x = pmin(pmax(x, splat(-105.0f)), splat(89.0f));
  const f32x4 magic = splat(0x1.8p23f);  // adding it rounds to an integer, stored in the low bits
  f32x4 n = add(mul(x, splat(0x1.715476p+0f)), magic);
  const f32x4 n_int = sub_i32(n, splat_bits(0x4B400000u));
  n = sub(n, magic);
  f32x4 t = add(mul(n, splat(-0x1.62E400p-1f)), x);
  t = add(mul(n, splat(-0x1.7F7D1Cp-20f)), t);
  f32x4 p = add(mul(splat(0x1.0F9F9Cp-7f), t), splat(0x1.573A1Ap-5f));
  p = add(mul(p, t), splat(0x1.555A80p-3f));
  p = add(mul(p, t), splat(0x1.FFFDC6p-2f));
  p = add(mul(p, t), splat(0x1.FFFFF6p-1f));
  const f32x4 half = shr_i32(n_int, 1);
  const f32x4 bias = splat_bits(127u);
  const f32x4 scale_a = shl_i32(add_i32(half, bias), 23);
  const f32x4 scale_b = shl_i32(add_i32(sub_i32(n_int, half), bias), 23);
  // e^x = 2^n (1 + t p): (t 2^h) p + 2^h, then the second factor, which
  // rounds only when the result is a denormal or overflows.
  const f32x4 f = add(mul(mul(t, scale_a), p), scale_a);
  return mul(f, scale_b);
}

// e^x - 1 for x <= 0 (x > 0 is taken as 0), to a few ulp, keeping the
// relative accuracy of small |x|: 2^n (1 + t + t^2 q(t)) - 1 summed as
// (2^n - 1) + (2^n t + 2^n t^2 q), where 2^n - 1 is exact. Below -17.33 the
// result is -1 in float. NaN -> NaN, -Inf -> -1.
inline f32x4 expm1_nonpositive(f32x4 x) {
  const f32x4 z = pmin(pmax(x, splat(-0x1.154246p+4f)), zero());
  // The low bits of this magic number hold 127 + n: shifting them up gives 2^n.
  const f32x4 magic = splat(0x1.8000FEp23f);
  f32x4 n = add(mul(z, splat(0x1.715476p+0f)), magic);
  f32x4 s = shl_i32(n, 23);
  n = sub(n, magic);
  f32x4 t = add(mul(n, splat(-0x1.62E440p-1f)), z);
  t = add(mul(n, splat(0x1.0105C6p-21f)), t);
  f32x4 p = add(mul(splat(0x1.6b7338p-10f), t), splat(0x1.12278Ep-7f));
  p = add(mul(p, t), splat(0x1.555716p-5f));
  p = add(mul(p, t), splat(0x1.5554B0p-3f));
  p = add(mul(p, t), splat(0x1.FFFFFEp-2f));
  p = mul(p, t);
  t = mul(t, s);
  s = sub(s, splat(1.0f));
  p = add(mul(p, t), t);
  return add(p, s);
}

// 1 / (1 + e^-x), accurate in relative terms on both sides: with
// e = e^-|x| (never overflows), f = e / (1 + e) is sigmoid(-|x|), and
// sigmoid(x) = 1 - f for x > 0. NaN -> NaN, -Inf -> 0, +Inf -> 1.
inline f32x4 sigmoid(f32x4 x) {
  const f32x4 e = exp(sub(zero(), abs(x)));
  const f32x4 f = div(e, add(splat(1.0f), e));
  return select(greater(x, zero()), sub(splat(1.0f), f), f);
}

// tanh(x) = sign(x) * -m / (2 + m) with m = e^(-2|x|) - 1 in (-1, 0]:
// no cancellation for small |x|, exactly +-1 for large. NaN -> NaN,
// +-Inf -> +-1, -0 -> -0.
inline f32x4 tanh(f32x4 x) {
  const f32x4 ax = abs(x);
  const f32x4 m = expm1_nonpositive(mul(ax, splat(-2.0f)));
  // abs: the quotient's sign is not the answer's (m = +-0 for x = +-0).
  const f32x4 y = abs(div(sub(zero(), m), add(splat(2.0f), m)));
  const f32x4 sign = splat_bits(0x80000000u);
  return bit_or(y, bit_and(x, sign));
}

// erf(x) as a rational function x P(x^2) / Q(x^2) on [-4, 4] (Eigen's
// float erf), within 6 ulp of libm's; |x| >= 4 gives +-1, which erf is in
// float. NaN -> NaN (the clamps keep it), +-Inf -> +-1.
inline f32x4 erf(f32x4 x) {
  x = pmin(pmax(x, splat(-4.0f)), splat(4.0f));
  const f32x4 x2 = mul(x, x);
  f32x4 p = add(mul(x2, splat(-2.72614225801306e-10f)), splat(2.77068142495902e-08f));
  p = add(mul(x2, p), splat(-2.10102402082508e-06f));
  p = add(mul(x2, p), splat(-5.69250639462346e-05f));
  p = add(mul(x2, p), splat(-7.34990630326855e-04f));
  p = add(mul(x2, p), splat(-2.95459980854025e-03f));
  p = add(mul(x2, p), splat(-1.60960333262415e-02f));
  f32x4 q = add(mul(x2, splat(-1.45660718464996e-05f)), splat(-2.13374055278905e-04f));
  q = add(mul(x2, q), splat(-1.68282697438203e-03f));
  q = add(mul(x2, q), splat(-7.37332916720468e-03f));
  q = add(mul(x2, q), splat(-1.42647390514189e-02f));
  // The quotient first: x p would lose bits to denormals for tiny x.
  return mul(div(p, q), x);
}

// log(1 + u) for u in [0, 1] (softplus's log1p(e^-|x|)), within 1 ulp and
// exactly u where 1 + u rounds to 1: w = 1 + u rounded, c = u - (w - 1) its
// rounding error (exact), and log1p(u) = log(w) + c / w, with log(w) =
// k ln2 + log(m), m = w or w / 2 in [sqrt(1/2), sqrt(2)], from Cephes'
// logf polynomial in f = m - 1. NaN -> NaN.
inline f32x4 log1p_unit(f32x4 u) {
  const f32x4 one = splat(1.0f);
  const f32x4 w = add(one, u);
  const f32x4 c = sub(u, sub(w, one));
  const f32x4 halve = greater(w, splat(1.41421356f));
  const f32x4 f = sub(select(halve, mul(w, splat(0.5f)), w), one);
  const f32x4 z = mul(f, f);
  f32x4 p = add(mul(splat(7.0376836292e-2f), f), splat(-1.1514610310e-1f));
  p = add(mul(p, f), splat(1.1676998740e-1f));
  p = add(mul(p, f), splat(-1.2420140846e-1f));
  p = add(mul(p, f), splat(1.4249322787e-1f));
  p = add(mul(p, f), splat(-1.6668057665e-1f));
  p = add(mul(p, f), splat(2.0000714765e-1f));
  p = add(mul(p, f), splat(-2.4999993993e-1f));
  p = add(mul(p, f), splat(3.3333331174e-1f));
  // ln2 in two parts, the high one exact in few bits (Cephes' split).
  const f32x4 k_hi = bit_and(halve, splat(0.693359375f)), k_lo = bit_and(halve, splat(-2.12194440e-4f));
  f32x4 y = add(mul(mul(f, z), p), k_lo);
  y = sub(y, mul(splat(0.5f), z));
  return add(add(add(f, y), k_hi), div(c, w));
}

}  // namespace nnwasm::simd
