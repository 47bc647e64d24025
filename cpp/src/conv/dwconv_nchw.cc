// Depthwise convolution, channels first (NCHW): one channel plane at a
// time. The plane is copied into a per-thread buffer with zero borders (so
// no tap ever needs a bounds check, and vectors may read a few columns past
// a row's end), then each output row is computed a few vectors of pixels at
// a time with the channel's weights broadcast. 3x3 layers, MobileNet's, have
// their own plane kernels, the nine weights splatted once per channel:
// stride 1 (unaligned loads for the shifted windows) and stride 2 (even/odd
// lanes of the input row, as XNNPACK's f32-dwconv2d-chw 3x3s2 kernels).
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "conv/conv.h"
#include "conv/dwconv.h"
#include "conv/internal.h"
#include "simd/vec.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::conv {

namespace detail {

Status check_depthwise(const float* in, const float* weights, WeightLayout layout, const float* out,
                       const ConvShape& s, Activation act) {
  Status st = check_shape(s);
  if (st != Status::kOk) return st;
  if (s.groups != s.in_channels || s.out_channels != s.in_channels) return Status::kInvalidArgument;
  if (layout != WeightLayout::kOihw && layout != WeightLayout::kHwio) return Status::kInvalidArgument;
  bool empty;
  return check_conv(in, weights, out, s, act, &empty);
}

}  // namespace detail

namespace {

using namespace simd;

// One output row of a channel, stride 1 along the row. rows[ky] points at
// the padded input row for tap row ky (at the output row's first window).
void dw_row_stride1(const float* const* rows, const float* wt, std::size_t kh, std::size_t kw,
                    std::size_t dw, float bias, std::size_t out_w, float* y, f32x4 lo, f32x4 hi) {
  const f32x4 b = splat(bias);
  std::size_t ox = 0;
  for (; ox + 16 <= out_w; ox += 16) {
    f32x4 a0 = b, a1 = b, a2 = b, a3 = b;
    const float* w = wt;
    for (std::size_t ky = 0; ky < kh; ++ky) {
      const float* x = rows[ky] + ox;
      for (std::size_t kx = 0; kx < kw; ++kx, ++w, x += dw) {
        const f32x4 wv = load_splat(w);
        a0 = add(a0, mul(wv, load(x)));
        a1 = add(a1, mul(wv, load(x + 4)));
        a2 = add(a2, mul(wv, load(x + 8)));
        a3 = add(a3, mul(wv, load(x + 12)));
      }
    }
    // pmax/pmin with the sum first: one instruction each, a NaN sum kept.
    store(y + ox, pmin(pmax(a0, lo), hi));
    store(y + ox + 4, pmin(pmax(a1, lo), hi));
    store(y + ox + 8, pmin(pmax(a2, lo), hi));
    store(y + ox + 12, pmin(pmax(a3, lo), hi));
  }
  // The padded rows have 4 spare columns, so the last vector may read past
  // the row's end; only the valid lanes are stored.
  for (; ox < out_w; ox += 4) {
    f32x4 a = b;
    const float* w = wt;
    for (std::size_t ky = 0; ky < kh; ++ky) {
      const float* x = rows[ky] + ox;
      for (std::size_t kx = 0; kx < kw; ++kx, ++w, x += dw) a = add(a, mul(load_splat(w), load(x)));
    }
    a = pmin(pmax(a, lo), hi);
    store_upto(y + ox, a, out_w - ox);
  }
}

// The nine weights of a 3x3 channel, splatted once per plane (they stay in
// registers across its rows; splatting them per row cost as much as the
// arithmetic of a 7-pixel row), and the bias.
struct Taps3x3 {
  f32x4 w[9];
  f32x4 b;
};

template <bool Clamp>
__attribute__((always_inline)) inline f32x4 finish(f32x4 a, f32x4 lo, f32x4 hi) {
  // pmax/pmin with the sum first: one instruction each, a NaN sum kept.
  if constexpr (Clamp) return pmin(pmax(a, lo), hi);
  return a;
}

// 3x3, stride 1 and dilation 1 along the row, over a whole padded plane:
// output row oy reads padded rows oy * row_step + {0, 1, 2} * tap_step.
// Two vectors of 4 pixels at a time (independent sums), then one; the
// padded rows have spare zero columns, so the last vector may read past a
// row's end and stores only its valid lanes. Every width sums the taps in
// the order w0..w8.
template <bool Clamp>
void plane_3x3s1(const float* P, std::size_t row_step, std::size_t tap_step, std::size_t OH, std::size_t OW,
                 const Taps3x3& t, float* y, f32x4 lo, f32x4 hi) {
  for (std::size_t oy = 0; oy < OH; ++oy, y += OW) {
    const float* r0 = P + oy * row_step;
    const float* r1 = r0 + tap_step;
    const float* r2 = r1 + tap_step;
    std::size_t ox = 0;
#define NNWASM_DW_TAPS(A, OFF)                                                                   \
  A = add(t.b, mul(t.w[0], load(r0 + ox + OFF)));                                              \
  A = add(A, mul(t.w[1], load(r0 + ox + OFF + 1)));                                            \
  A = add(A, mul(t.w[2], load(r0 + ox + OFF + 2)));                                            \
  A = add(A, mul(t.w[3], load(r1 + ox + OFF)));                                                \
  A = add(A, mul(t.w[4], load(r1 + ox + OFF + 1)));                                            \
  A = add(A, mul(t.w[5], load(r1 + ox + OFF + 2)));                                            \
  A = add(A, mul(t.w[6], load(r2 + ox + OFF)));                                                \
  A = add(A, mul(t.w[7], load(r2 + ox + OFF + 1)));                                            \
  A = add(A, mul(t.w[8], load(r2 + ox + OFF + 2)));
    for (; ox + 8 <= OW; ox += 8) {
      f32x4 a0, a1;
      NNWASM_DW_TAPS(a0, 0)
      NNWASM_DW_TAPS(a1, 4)
      store(y + ox, finish<Clamp>(a0, lo, hi));
      store(y + ox + 4, finish<Clamp>(a1, lo, hi));
    }
    for (; ox < OW; ox += 4) {
      f32x4 a0;
      NNWASM_DW_TAPS(a0, 0)
      store_upto(y + ox, finish<Clamp>(a0, lo, hi), OW - ox);
    }
#undef NNWASM_DW_TAPS
  }
}

// kLaneMask + 4 - n: n lanes of ones, then zeros (keeps the first n lanes).
alignas(16) const std::uint32_t kLaneMask[8] = {~0u, ~0u, ~0u, ~0u, 0u, 0u, 0u, 0u};

// A row into the padded plane. The last 1..3 floats go as one vector whose
// other lanes are 0: they land on the row's right padding (or its spare
// columns), which is zero anyway. `over_read`: at least 3 floats follow the
// source row in the input (the next rows of the plane), so that vector is a
// plain load, masked; otherwise (the last rows) it reads only the row.
void copy_row(float* dst, const float* src, std::size_t n, bool over_read) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    store(dst + i, load(src + i));
    store(dst + i + 4, load(src + i + 4));
  }
  for (; i + 4 <= n; i += 4) store(dst + i, load(src + i));
  if (i == n) return;
  if (over_read) {
    store(dst + i, bit_and(load(src + i), load(reinterpret_cast<const float*>(kLaneMask + 4 - (n - i)))));
  } else {
    store(dst + i, load_first(src + i, n - i, 0.0f));
  }
}

// 3x3, stride 2, dilation 1 along the row, over a whole padded plane:
// output pixel ox reads columns 2ox, 2ox+1, 2ox+2. Of eight input floats
// from 2ox, the even lanes are tap 0 of four pixels and the odd lanes tap 1;
// tap 2 is the even lanes shifted by one with the next vector's first
// float. Reads reach 11 floats past the last vector's first window (the
// padded rows have 12 spare).
template <bool Clamp>
void plane_3x3s2(const float* P, std::size_t row_step, std::size_t tap_step, std::size_t OH, std::size_t OW,
                 const Taps3x3& t, float* y, f32x4 lo, f32x4 hi) {
  for (std::size_t oy = 0; oy < OH; ++oy, y += OW) {
    const float* r0 = P + oy * row_step;
    const float* r1 = r0 + tap_step;
    const float* r2 = r1 + tap_step;
    std::size_t ox = 0;
    for (; ox + 8 <= OW; ox += 8) {
      f32x4 a0 = t.b, a1 = t.b;
#define NNWASM_DW_S2_ROW8(r, wa, wb, wc)                                      \
  {                                                                          \
    const float* p = r + 2 * ox;                                             \
    const f32x4 x0 = load(p), x1 = load(p + 4), x2 = load(p + 8);            \
    const f32x4 x3 = load(p + 12), x4 = load(p + 16);                        \
    const f32x4 e0 = even_lanes(x0, x1), e1 = even_lanes(x2, x3);            \
    a0 = add(a0, mul(wa, e0));                                               \
    a1 = add(a1, mul(wa, e1));                                               \
    a0 = add(a0, mul(wb, odd_lanes(x0, x1)));                                \
    a1 = add(a1, mul(wb, odd_lanes(x2, x3)));                                \
    a0 = add(a0, mul(wc, shift1(e0, x2)));                                   \
    a1 = add(a1, mul(wc, shift1(e1, x4)));                                   \
  }
      NNWASM_DW_S2_ROW8(r0, t.w[0], t.w[1], t.w[2])
      NNWASM_DW_S2_ROW8(r1, t.w[3], t.w[4], t.w[5])
      NNWASM_DW_S2_ROW8(r2, t.w[6], t.w[7], t.w[8])
#undef NNWASM_DW_S2_ROW8
      store(y + ox, finish<Clamp>(a0, lo, hi));
      store(y + ox + 4, finish<Clamp>(a1, lo, hi));
    }
    for (; ox < OW; ox += 4) {
      f32x4 a = t.b;
#define NNWASM_DW_S2_ROW4(r, wa, wb, wc)                                      \
  {                                                                          \
    const float* p = r + 2 * ox;                                             \
    const f32x4 x0 = load(p), x1 = load(p + 4), x2 = load(p + 8);            \
    const f32x4 e = even_lanes(x0, x1);                                      \
    a = add(a, mul(wa, e));                                                  \
    a = add(a, mul(wb, odd_lanes(x0, x1)));                                  \
    a = add(a, mul(wc, shift1(e, x2)));                                      \
  }
      NNWASM_DW_S2_ROW4(r0, t.w[0], t.w[1], t.w[2])
      NNWASM_DW_S2_ROW4(r1, t.w[3], t.w[4], t.w[5])
      NNWASM_DW_S2_ROW4(r2, t.w[6], t.w[7], t.w[8])
#undef NNWASM_DW_S2_ROW4
      store_upto(y + ox, finish<Clamp>(a, lo, hi), OW - ox);
    }
  }
}

}  // namespace

Status dwconv_nchw(const float* in, const float* weights, WeightLayout layout, const float* bias, float* out,
                   const ConvShape& s, Activation act) {
  Status st = detail::check_depthwise(in, weights, layout, out, s, act);
  if (st != Status::kOk || s.batch == 0) return st;
  const std::size_t C = s.in_channels, H = s.in_h, W = s.in_w, OH = s.out_h, OW = s.out_w;
  const std::size_t kh = s.kernel_h, kw = s.kernel_w, taps = kh * kw;
  // The padded plane spans every row and column a window can touch.
  const std::size_t rows_needed = (OH - 1) * s.stride_h + (kh - 1) * s.dilation_h + 1;
  const std::size_t cols_needed = (OW - 1) * s.stride_w + (kw - 1) * s.dilation_w + 1;
  const std::size_t PH = std::max(rows_needed, s.pad_top + H);
  // 12 spare zero columns: the stride-2 kernel's last vector reads 11 floats
  // past its first window, the stride-1 kernels' 3.
  const std::size_t PW = std::max(cols_needed, s.pad_left + W) + 12;
  std::size_t plane_floats;
  if (!checked_product(&plane_floats, {PH, PW}) || !checked_product(&plane_floats, {PH, PW + taps + kh}))
    return Status::kSizeOverflow;
  const detail::OutputClamp clamp(act);
  const f32x4 lo = clamp.lo, hi = clamp.hi;
  const bool pass = clamp.pass;
  const bool clamps = act == Activation::kRelu || act == Activation::kRelu6;

  // Per thread: the padded plane, the channel's taps and kh row pointers.
  thread::ScratchPlan plan;
  const std::size_t padded_at = plan.add<float>(std::uint64_t{PH} * PW);
  const std::size_t taps_at = plan.add<float>(taps);
  const std::size_t rows_at = plan.add<const float*>(kh);
  const std::size_t zeroed_at = plan.add<std::uint32_t>(1);
  // The pool picks the chunks (a few per thread): fixed chunks of 2 planes
  // made 480 claims of the shared counter on a 7x7x960 layer, each a cache
  // line moved between the cores.
  thread::Chunks work{s.batch * C, 0, detail::saturated_bytes({H * W + OH * OW, sizeof(float), taps}) / 2};
  thread::ScratchSlots scratch;
  if ((st = scratch.allocate(plan, &work)) != Status::kOk) return st;
  // Only the interior changes from plane to plane; the borders stay 0. Each
  // thread zeroes its own plane when it first runs (on the caller, the
  // planes of all threads took as long as a small layer's share of work).
  for (int t = 0; t < scratch.slots(); ++t) *scratch.get<std::uint32_t>(t, zeroed_at) = 0;

  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    float* const padded = scratch.get<float>(slot, padded_at);
    std::uint32_t* const zeroed = scratch.get<std::uint32_t>(slot, zeroed_at);
    if (*zeroed == 0) {
      std::memset(padded, 0, PH * PW * sizeof(float));
      *zeroed = 1;
    }
    float* const wt = scratch.get<float>(slot, taps_at);
    const float** const rows = scratch.get<const float*>(slot, rows_at);
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t c = item % C;
      const float* x = in + item * H * W;
      float* y = out + item * OH * OW;
      for (std::size_t t = 0; t < taps; ++t)
        wt[t] = layout == WeightLayout::kOihw ? weights[c * taps + t] : weights[t * C + c];
      const float b = bias == nullptr ? 0.0f : bias[c];
      for (std::size_t iy = 0; iy < H; ++iy)
        copy_row(padded + (s.pad_top + iy) * PW + s.pad_left, x + iy * W, W, (H - 1 - iy) * W >= 3);
      const bool is3x3 = kh == 3 && kw == 3 && s.dilation_w == 1;
      if (is3x3 && (s.stride_w == 1 || s.stride_w == 2)) {
        Taps3x3 t;
        for (int i = 0; i < 9; ++i) t.w[i] = splat(wt[i]);
        t.b = splat(b);
        const std::size_t row_step = s.stride_h * PW, tap_step = s.dilation_h * PW;
        if (s.stride_w == 1) {
          if (clamps) plane_3x3s1<true>(padded, row_step, tap_step, OH, OW, t, y, lo, hi);
          else plane_3x3s1<false>(padded, row_step, tap_step, OH, OW, t, y, lo, hi);
        } else {
          if (clamps) plane_3x3s2<true>(padded, row_step, tap_step, OH, OW, t, y, lo, hi);
          else plane_3x3s2<false>(padded, row_step, tap_step, OH, OW, t, y, lo, hi);
        }
      } else {
        for (std::size_t oy = 0; oy < OH; ++oy) {
          if (s.stride_w == 1) {
            for (std::size_t ky = 0; ky < kh; ++ky) rows[ky] = padded + (oy * s.stride_h + ky * s.dilation_h) * PW;
            dw_row_stride1(rows, wt, kh, kw, s.dilation_w, b, OW, y + oy * OW, lo, hi);
          } else {
            for (std::size_t ox = 0; ox < OW; ++ox) {
              float acc = b;
              for (std::size_t ky = 0; ky < kh; ++ky) {
                const float* r = padded + (oy * s.stride_h + ky * s.dilation_h) * PW + ox * s.stride_w;
                for (std::size_t kx = 0; kx < kw; ++kx) acc += wt[ky * kw + kx] * r[kx * s.dilation_w];
              }
              y[oy * OW + ox] = lane(pmin(pmax(splat(acc), lo), hi), 0);
            }
          }
        }
      }
      if (pass) detail::output_pass(y, OH * OW, act);
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::conv
