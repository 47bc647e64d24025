// Depthwise convolution, channels first (NCHW): one channel plane at a
// time. The plane is copied into a per-thread buffer with zero borders (so
// no tap ever needs a bounds check, and vectors may read a few columns past
// a row's end), then each output row is computed a few vectors of pixels at
// a time with the channel's weights broadcast. 3x3 layers, MobileNet's, have
// their own row kernels: stride 1 (unaligned loads for the shifted windows,
// two output rows sharing their input rows) and stride 2 (even/odd lanes of
// the input row, as XNNPACK's f32-dwconv2d-chw 3x3s2 kernels).
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
    store(y + ox, min(max(a0, lo), hi));
    store(y + ox + 4, min(max(a1, lo), hi));
    store(y + ox + 8, min(max(a2, lo), hi));
    store(y + ox + 12, min(max(a3, lo), hi));
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
    a = min(max(a, lo), hi);
    store_upto(y + ox, a, out_w - ox);
  }
}

// 3x3, dilation 1 along the row: the nine weights stay in registers, four
// independent accumulators of 4 pixels, unaligned loads for the shifted taps.
void dw_row_3x3(const float* r0, const float* r1, const float* r2, const float* wt, float bias,
                std::size_t out_w, float* y, f32x4 lo, f32x4 hi, std::size_t ox_start = 0) {
  const f32x4 w0 = splat(wt[0]), w1 = splat(wt[1]), w2 = splat(wt[2]);
  const f32x4 w3 = splat(wt[3]), w4 = splat(wt[4]), w5 = splat(wt[5]);
  const f32x4 w6 = splat(wt[6]), w7 = splat(wt[7]), w8 = splat(wt[8]);
  const f32x4 b = splat(bias);
  std::size_t ox = ox_start;
  // Tap (w, r, dx) into the accumulators of 4, 8 or 16 pixels from ox, and
  // the eight taps after w0 (which starts the accumulators), in one order
  // for every width so all widths give the same sums.
#define NNWASM_DW_TAP4(w, r, dx) a0 = add(a0, mul(w, load(r + ox + dx)));
#define NNWASM_DW_TAP8(w, r, dx) NNWASM_DW_TAP4(w, r, dx) a1 = add(a1, mul(w, load(r + ox + 4 + dx)));
#define NNWASM_DW_TAP16(w, r, dx)                 \
  NNWASM_DW_TAP8(w, r, dx)                        \
  a2 = add(a2, mul(w, load(r + ox + 8 + dx)));    \
  a3 = add(a3, mul(w, load(r + ox + 12 + dx)));
#define NNWASM_DW_3X3_TAPS(TAP)                                         \
  TAP(w1, r0, 1) TAP(w2, r0, 2) TAP(w3, r1, 0) TAP(w4, r1, 1) TAP(w5, r1, 2) \
  TAP(w6, r2, 0) TAP(w7, r2, 1) TAP(w8, r2, 2)
  // Four accumulators: each takes nine dependent adds, so fewer would leave
  // the adders waiting on latency.
  for (; ox + 16 <= out_w; ox += 16) {
    f32x4 a0 = add(b, mul(w0, load(r0 + ox)));
    f32x4 a1 = add(b, mul(w0, load(r0 + ox + 4)));
    f32x4 a2 = add(b, mul(w0, load(r0 + ox + 8)));
    f32x4 a3 = add(b, mul(w0, load(r0 + ox + 12)));
    NNWASM_DW_3X3_TAPS(NNWASM_DW_TAP16)
    store(y + ox, min(max(a0, lo), hi));
    store(y + ox + 4, min(max(a1, lo), hi));
    store(y + ox + 8, min(max(a2, lo), hi));
    store(y + ox + 12, min(max(a3, lo), hi));
  }
  for (; ox + 8 <= out_w; ox += 8) {
    f32x4 a0 = add(b, mul(w0, load(r0 + ox)));
    f32x4 a1 = add(b, mul(w0, load(r0 + ox + 4)));
    NNWASM_DW_3X3_TAPS(NNWASM_DW_TAP8)
    store(y + ox, min(max(a0, lo), hi));
    store(y + ox + 4, min(max(a1, lo), hi));
  }
  for (; ox < out_w; ox += 4) {  // the padded rows have 4 spare columns
    f32x4 a0 = add(b, mul(w0, load(r0 + ox)));
    NNWASM_DW_3X3_TAPS(NNWASM_DW_TAP4)
    a0 = min(max(a0, lo), hi);
    store_upto(y + ox, a0, out_w - ox);
  }
#undef NNWASM_DW_3X3_TAPS
#undef NNWASM_DW_TAP16
#undef NNWASM_DW_TAP8
#undef NNWASM_DW_TAP4
}

// Two output rows of a 3x3, stride 1, dilation 1 depthwise at once: input
// rows r1 and r2 serve both, so their loads feed two accumulators each:
// four independent chains of 4 pixels, the 9 weights in registers.
void dw_rows2_3x3(const float* r0, const float* r1, const float* r2, const float* r3, const float* wt,
                  float bias, std::size_t out_w, float* y0, float* y1, f32x4 lo, f32x4 hi) {
  const f32x4 w0 = splat(wt[0]), w1 = splat(wt[1]), w2 = splat(wt[2]);
  const f32x4 w3 = splat(wt[3]), w4 = splat(wt[4]), w5 = splat(wt[5]);
  const f32x4 w6 = splat(wt[6]), w7 = splat(wt[7]), w8 = splat(wt[8]);
  const f32x4 b = splat(bias);
  std::size_t ox = 0;
  for (; ox + 8 <= out_w; ox += 8) {
    f32x4 a0 = b, a1 = b, c0 = b, c1 = b;  // a: row y0, c: row y1
    f32x4 x, z;
    // Tap (ky, dx): row y0 reads r_ky, row y1 reads r_{ky+1}.
    for (int dx = 0; dx < 3; ++dx) {
      const f32x4 ta = dx == 0 ? w0 : (dx == 1 ? w1 : w2);
      const f32x4 tb = dx == 0 ? w3 : (dx == 1 ? w4 : w5);
      const f32x4 tc = dx == 0 ? w6 : (dx == 1 ? w7 : w8);
      x = load(r0 + ox + dx), z = load(r0 + ox + 4 + dx);
      a0 = add(a0, mul(ta, x)), a1 = add(a1, mul(ta, z));
      x = load(r1 + ox + dx), z = load(r1 + ox + 4 + dx);
      a0 = add(a0, mul(tb, x)), a1 = add(a1, mul(tb, z));
      c0 = add(c0, mul(ta, x)), c1 = add(c1, mul(ta, z));
      x = load(r2 + ox + dx), z = load(r2 + ox + 4 + dx);
      a0 = add(a0, mul(tc, x)), a1 = add(a1, mul(tc, z));
      c0 = add(c0, mul(tb, x)), c1 = add(c1, mul(tb, z));
      x = load(r3 + ox + dx), z = load(r3 + ox + 4 + dx);
      c0 = add(c0, mul(tc, x)), c1 = add(c1, mul(tc, z));
    }
    store(y0 + ox, min(max(a0, lo), hi));
    store(y0 + ox + 4, min(max(a1, lo), hi));
    store(y1 + ox, min(max(c0, lo), hi));
    store(y1 + ox + 4, min(max(c1, lo), hi));
  }
  if (ox < out_w) {
    dw_row_3x3(r0, r1, r2, wt, bias, out_w, y0, lo, hi, ox);
    dw_row_3x3(r1, r2, r3, wt, bias, out_w, y1, lo, hi, ox);
  }
}

void copy_row(float* dst, const float* src, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    store(dst + i, load(src + i));
    store(dst + i + 4, load(src + i + 4));
  }
  for (; i < n; ++i) dst[i] = src[i];
}

// 3x3, stride 2, dilation 1 along the row: output pixel ox reads input
// columns 2ox, 2ox+1, 2ox+2. Of eight input floats from 2ox, the even lanes
// are tap 0 of four pixels and the odd lanes tap 1; tap 2 is the even lanes
// shifted by one with the next vector's first float. Reads reach 11 floats
// past the last vector's first window (the padded rows have 12 spare).
void dw_row_3x3s2(const float* r0, const float* r1, const float* r2, const float* wt, float bias,
                  std::size_t out_w, float* y, f32x4 lo, f32x4 hi) {
  const f32x4 w0 = splat(wt[0]), w1 = splat(wt[1]), w2 = splat(wt[2]);
  const f32x4 w3 = splat(wt[3]), w4 = splat(wt[4]), w5 = splat(wt[5]);
  const f32x4 w6 = splat(wt[6]), w7 = splat(wt[7]), w8 = splat(wt[8]);
  const f32x4 b = splat(bias);
  std::size_t ox = 0;
  // Eight pixels in two independent accumulators; the taps in the order
  // w0..w8 as in the stride-1 kernels.
  for (; ox + 8 <= out_w; ox += 8) {
    f32x4 a0 = b, a1 = b;
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
    NNWASM_DW_S2_ROW8(r0, w0, w1, w2)
    NNWASM_DW_S2_ROW8(r1, w3, w4, w5)
    NNWASM_DW_S2_ROW8(r2, w6, w7, w8)
#undef NNWASM_DW_S2_ROW8
    store(y + ox, min(max(a0, lo), hi));
    store(y + ox + 4, min(max(a1, lo), hi));
  }
  for (; ox < out_w; ox += 4) {
    f32x4 a = b;
#define NNWASM_DW_S2_ROW4(r, wa, wb, wc)                                      \
  {                                                                          \
    const float* p = r + 2 * ox;                                             \
    const f32x4 x0 = load(p), x1 = load(p + 4), x2 = load(p + 8);            \
    const f32x4 e = even_lanes(x0, x1);                                      \
    a = add(a, mul(wa, e));                                                  \
    a = add(a, mul(wb, odd_lanes(x0, x1)));                                  \
    a = add(a, mul(wc, shift1(e, x2)));                                      \
  }
    NNWASM_DW_S2_ROW4(r0, w0, w1, w2)
    NNWASM_DW_S2_ROW4(r1, w3, w4, w5)
    NNWASM_DW_S2_ROW4(r2, w6, w7, w8)
#undef NNWASM_DW_S2_ROW4
    store_upto(y + ox, min(max(a, lo), hi), out_w - ox);
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

  // Per thread: the padded plane, the channel's taps and kh row pointers.
  thread::ScratchPlan plan;
  const std::size_t padded_at = plan.add<float>(std::uint64_t{PH} * PW);
  const std::size_t taps_at = plan.add<float>(taps);
  const std::size_t rows_at = plan.add<const float*>(kh);
  const std::size_t zeroed_at = plan.add<std::uint32_t>(1);
  thread::Chunks work{s.batch * C, 2, detail::saturated_bytes({H * W + OH * OW, sizeof(float), taps}) / 2};
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
        copy_row(padded + (s.pad_top + iy) * PW + s.pad_left, x + iy * W, W);
      std::size_t oy = 0;
      if (kh == 3 && kw == 3 && s.stride_h == 1 && s.stride_w == 1 && s.dilation_h == 1 && s.dilation_w == 1) {
        for (; oy + 2 <= OH; oy += 2) {
          const float* r = padded + oy * PW;
          dw_rows2_3x3(r, r + PW, r + 2 * PW, r + 3 * PW, wt, b, OW, y + oy * OW, y + (oy + 1) * OW, lo, hi);
        }
      }
      for (; oy < OH; ++oy) {
        if (s.stride_w == 1) {
          for (std::size_t ky = 0; ky < kh; ++ky) rows[ky] = padded + (oy * s.stride_h + ky * s.dilation_h) * PW;
          if (kh == 3 && kw == 3 && s.dilation_w == 1)
            dw_row_3x3(rows[0], rows[1], rows[2], wt, b, OW, y + oy * OW, lo, hi);
          else
            dw_row_stride1(rows, wt, kh, kw, s.dilation_w, b, OW, y + oy * OW, lo, hi);
        } else if (kh == 3 && kw == 3 && s.stride_w == 2 && s.dilation_w == 1) {
          const float* r = padded + oy * s.stride_h * PW;
          dw_row_3x3s2(r, r + s.dilation_h * PW, r + 2 * s.dilation_h * PW, wt, b, OW, y + oy * OW, lo, hi);
        } else {
          for (std::size_t ox = 0; ox < OW; ++ox) {
            float acc = b;
            for (std::size_t ky = 0; ky < kh; ++ky) {
              const float* r = padded + (oy * s.stride_h + ky * s.dilation_h) * PW + ox * s.stride_w;
              for (std::size_t kx = 0; kx < kw; ++kx) acc += wt[ky * kw + kx] * r[kx * s.dilation_w];
            }
            y[oy * OW + ox] = lane(min(max(splat(acc), lo), hi), 0);
          }
        }
      }
      if (pass) detail::output_pass(y, OH * OW, act);
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::conv
