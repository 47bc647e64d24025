// Depthwise convolution, channels last (NHWC).
//
// Weights are packed once (dwconv_nhwc_pack, cached on the weight tensor by
// js/ops/conv.js) per tile of 8 channels as [bias, tap 0, ..., tap T-1],
// eight floats each, zero past the last channel: one pointer walks a tile's
// weights at fixed offsets.
//
// 3x3, dilation 1, stride 1 or 2 (every MobileNet depthwise layer): a tile
// of 8 channels (two vectors) walks one output row, reading each input
// column (three rows, one vector each per 4 channels) once. An output is
// ((bias + p0) + p1) + p2, where p_k = (w0k x0 + w1k x1) + w2k x2 is the
// sum of window column k: at stride 1 each input column is column 2 of one
// output, 1 of the next and 0 of the one after, so three partial sums roll
// along the row and each column's vectors are loaded once instead of three
// times; the column sums are short trees, so the only add chain carried
// from column to column is one add long (a 9-add chain per output waited on
// add latency). Padding rows are a zero vector read with step 0, padding
// columns are zero vectors: no bounds checks inside a row. Clamps are
// pmax/pmin with the accumulator first (one instruction each, NaN kept),
// and none for a linear output.
//
// Other kernel sizes, strides and dilations: a tap loop over per-pixel
// input pointers (padding taps point at a zero row).
//
// Work items are (output row, block of channels), row-major: the items of
// one row read the same three input rows, which stay in L2 (block-major
// order re-read the whole input from L3 once per block: 56x56x144 stride 2
// ran 10% slower than the old kernel). Blocks are as wide as keeps three
// input rows of a block near 192 KiB, in L2 (144 channels at 112 pixels,
// at most 256: a 7x7x960 layer has 7 x 4 items for two threads; blocks
// sized for L1, 16 channels at 112 pixels, ran 112x112x96 stride 2 10%
// slower). Every output is computed by the same code whatever thread runs
// it.
#include <algorithm>
#include <cstdint>

#include "conv/conv.h"
#include "conv/dwconv.h"
#include "conv/internal.h"
#include "simd/vec.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::conv {
namespace {

using namespace simd;

constexpr std::size_t kTile = kDwNhwcTile;

// What padding reads: rows outside the input (step 0) and the generic
// kernel's padding taps (a block at most).
alignas(16) const float kZeroRow[kDwNhwcMaxBlock] = {};

#define NNWASM_INLINE __attribute__((always_inline)) inline
// The row kernels' helpers: inlined, so the tile's vectors never live in memory.
#define NNWASM_INLINE_LAMBDA __attribute__((always_inline))

// ---- the 3x3 row kernels -----------------------------------------------------

// V vectors of channels (V = 2: a full tile; V = 1: 4 channels, or `lanes`
// < 4 with Partial, read and written without touching the next pixel).
template <int V, bool Partial>
struct Lanes {
  std::size_t lanes;
  NNWASM_INLINE f32x4 load_at(const float* p) const {
    if constexpr (Partial) return load_first(p, lanes, 0.0f);
    return load(p);
  }
  NNWASM_INLINE void store_at(float* p, f32x4 v) const {
    if constexpr (Partial) {
      store_first(p, v, lanes);
    } else {
      store(p, v);
    }
  }
};

// One input column: rows 0..2, V vectors each.
template <int V>
struct Column {
  f32x4 x[3][V];
};

// One output row's three input rows: pointers at column 0 (the tile's first
// channel) and their steps per column in floats (C, or 0 for a zero row).
struct Rows3 {
  const float* r[3];
  std::size_t step[3];
};

template <int V, bool Partial>
NNWASM_INLINE void load_column(const Rows3& rows, std::size_t ix, const Lanes<V, Partial>& io, Column<V>* c) {
  for (int r = 0; r < 3; ++r)
    for (int v = 0; v < V; ++v) c->x[r][v] = io.load_at(rows.r[r] + ix * rows.step[r] + 4 * v);
}

template <int V>
NNWASM_INLINE void zero_column(Column<V>* c) {
  for (int r = 0; r < 3; ++r)
    for (int v = 0; v < V; ++v) c->x[r][v] = zero();
}

// p[v] = (w0k x0 + w1k x1) + w2k x2 for window column k; w: the tile's
// packed weights (tap t at kTile * (t + 1)).
template <int V>
NNWASM_INLINE void column_sum(const float* w, int k, const Column<V>& c, f32x4 (&p)[V]) {
  for (int v = 0; v < V; ++v) {
    const f32x4 a = mul(c.x[0][v], load(w + kTile * (1 + k) + 4 * v));
    const f32x4 b = mul(c.x[1][v], load(w + kTile * (4 + k) + 4 * v));
    const f32x4 d = mul(c.x[2][v], load(w + kTile * (7 + k) + 4 * v));
    p[v] = add(add(a, b), d);
  }
}

template <bool Clamp>
NNWASM_INLINE f32x4 finish(f32x4 a, f32x4 lo, f32x4 hi) {
  if constexpr (Clamp) return pmin(pmax(a, lo), hi);
  return a;
}

// The window columns an output row's pixels read: ix = ox * stride - pl + k.
// Column ix is inside the input when ix < W (unsigned wrap makes a column
// left of the input huge).
struct RowGeometry {
  std::size_t W, OW, pl, C;
};

// Stride 1: three partial sums roll along the row (see the file comment).
// (Its weights, unlike stride 2's, are re-read per pixel: hoisted out of
// the loop by restrict, as there, they ran 5 % faster at 1 thread but
// 3-15 % slower at 2, spilled by V8.)
template <int V, bool Partial, bool Clamp>
void row_3x3s1(const Rows3& rows, const RowGeometry& g, const float* w, float* y, const Lanes<V, Partial>& io,
               f32x4 lo, f32x4 hi) {
  Column<V> c;
  f32x4 p[V], a[V], b[V];
  // Columns -pl and -pl + 1 start outputs 0 and 1.
  const auto col = [&](std::size_t ix) NNWASM_INLINE_LAMBDA {
    if (ix < g.W) {
      load_column(rows, ix, io, &c);
    } else {
      zero_column(&c);
    }
  };
  col(0 - g.pl);
  column_sum(w, 0, c, p);
  for (int v = 0; v < V; ++v) a[v] = add(load(w + 4 * v), p[v]);
  col(1 - g.pl);
  column_sum(w, 1, c, p);
  for (int v = 0; v < V; ++v) a[v] = add(a[v], p[v]);
  column_sum(w, 0, c, p);
  for (int v = 0; v < V; ++v) b[v] = add(load(w + 4 * v), p[v]);
  const auto step = [&](std::size_t ox) NNWASM_INLINE_LAMBDA {
    column_sum(w, 2, c, p);
    for (int v = 0; v < V; ++v) io.store_at(y + ox * g.C + 4 * v, finish<Clamp>(add(a[v], p[v]), lo, hi));
    column_sum(w, 1, c, p);
    for (int v = 0; v < V; ++v) a[v] = add(b[v], p[v]);
    column_sum(w, 0, c, p);
    for (int v = 0; v < V; ++v) b[v] = add(load(w + 4 * v), p[v]);
  };
  // Outputs whose last column ix = ox - pl + 2 is inside [0, W): [o0, o1).
  const std::size_t o0 = std::min(g.OW, g.pl > 2 ? g.pl - 2 : 0);
  const std::size_t o1 = std::max(o0, std::min(g.OW, g.W + g.pl >= 2 ? g.W + g.pl - 2 : 0));
  std::size_t ox = 0;
  for (; ox < o0; ++ox) {
    col(ox + 2 - g.pl);
    step(ox);
  }
  if (ox < o1) {
    const float* q[3];
    for (int r = 0; r < 3; ++r) q[r] = rows.r[r] + (ox + 2 - g.pl) * rows.step[r];
    for (; ox < o1; ++ox) {
      for (int r = 0; r < 3; ++r) {
        for (int v = 0; v < V; ++v) c.x[r][v] = io.load_at(q[r] + 4 * v);
        q[r] += rows.step[r];
      }
      step(ox);
    }
  }
  for (; ox < g.OW; ++ox) {
    zero_column(&c);
    step(ox);
  }
}

// Stride 2: output ox reads columns 2ox - pl + {0, 1, 2}; its column 2 is
// the next output's column 0, so one partial sum carries over. w and y
// are restrict: the weight loads then leave the pixel loop (a store
// through y could otherwise change them; re-read per pixel they cost
// 10-25 % at 1 and 2 threads).
template <int V, bool Partial, bool Clamp>
void row_3x3s2(const Rows3& rows, const RowGeometry& g, const float* __restrict w, float* __restrict y,
               const Lanes<V, Partial>& io, f32x4 lo, f32x4 hi) {
  Column<V> c;
  f32x4 p[V], a[V], o[V];
  const auto col = [&](std::size_t ix) NNWASM_INLINE_LAMBDA {
    if (ix < g.W) {
      load_column(rows, ix, io, &c);
    } else {
      zero_column(&c);
    }
  };
  col(0 - g.pl);
  column_sum(w, 0, c, p);
  for (int v = 0; v < V; ++v) a[v] = add(load(w + 4 * v), p[v]);
  const auto finish_pixel = [&](std::size_t ox) NNWASM_INLINE_LAMBDA {
    // c holds column 2 of ox.
    column_sum(w, 2, c, p);
    for (int v = 0; v < V; ++v) io.store_at(y + ox * g.C + 4 * v, finish<Clamp>(add(o[v], p[v]), lo, hi));
    column_sum(w, 0, c, p);
    for (int v = 0; v < V; ++v) a[v] = add(load(w + 4 * v), p[v]);
  };
  // Outputs whose columns 1 and 2 are both inside: 2ox + 1 >= pl and
  // 2ox + 2 - pl < W.
  const std::size_t o0 = std::min(g.OW, g.pl > 1 ? (g.pl - 1 + 1) / 2 : 0);
  const std::size_t o1 = std::max(o0, std::min(g.OW, g.W + g.pl >= 2 ? (g.W + g.pl - 2 + 1) / 2 : 0));
  std::size_t ox = 0;
  const auto slow = [&](std::size_t x) NNWASM_INLINE_LAMBDA {
    col(2 * x + 1 - g.pl);
    column_sum(w, 1, c, p);
    for (int v = 0; v < V; ++v) o[v] = add(a[v], p[v]);
    col(2 * x + 2 - g.pl);
    finish_pixel(x);
  };
  for (; ox < o0; ++ox) slow(ox);
  if (ox < o1) {
    const float* q[3];
    for (int r = 0; r < 3; ++r) q[r] = rows.r[r] + (2 * ox + 1 - g.pl) * rows.step[r];
    for (; ox < o1; ++ox) {
      for (int r = 0; r < 3; ++r)
        for (int v = 0; v < V; ++v) c.x[r][v] = io.load_at(q[r] + 4 * v);
      column_sum(w, 1, c, p);
      for (int v = 0; v < V; ++v) o[v] = add(a[v], p[v]);
      for (int r = 0; r < 3; ++r) {
        for (int v = 0; v < V; ++v) c.x[r][v] = io.load_at(q[r] + rows.step[r] + 4 * v);
        q[r] += 2 * rows.step[r];
      }
      finish_pixel(ox);
    }
  }
  for (; ox < g.OW; ++ox) slow(ox);
}

template <bool Clamp>
void tiles_3x3(std::size_t stride, const Rows3& rows, const RowGeometry& g, std::size_t channels, const float* w,
               float* y, f32x4 lo, f32x4 hi) {
  std::size_t c = 0;
  Rows3 at = rows;
  const auto shift = [&](std::size_t n) {
    for (int r = 0; r < 3; ++r) at.r[r] += at.step[r] != 0 ? n : 0;
  };
  for (; c + kTile <= channels; c += kTile, shift(kTile), w += kTile * 10, y += kTile) {
    const Lanes<2, false> io{4};
    if (stride == 1) {
      row_3x3s1<2, false, Clamp>(at, g, w, y, io, lo, hi);
    } else {
      row_3x3s2<2, false, Clamp>(at, g, w, y, io, lo, hi);
    }
  }
  if (c + 4 <= channels) {
    const Lanes<1, false> io{4};
    if (stride == 1) {
      row_3x3s1<1, false, Clamp>(at, g, w, y, io, lo, hi);
    } else {
      row_3x3s2<1, false, Clamp>(at, g, w, y, io, lo, hi);
    }
    c += 4, shift(4), w += 4, y += 4;
  }
  if (c < channels) {
    const Lanes<1, true> io{channels - c};
    if (stride == 1) {
      row_3x3s1<1, true, Clamp>(at, g, w, y, io, lo, hi);
    } else {
      row_3x3s2<1, true, Clamp>(at, g, w, y, io, lo, hi);
    }
  }
}

// ---- the generic tap-loop kernel --------------------------------------------

// One output pixel, `channels` channels: taps[t] is tap t's input pixel at
// the first channel (or the zero row); w the packed tiles.
void dw_pixel(std::size_t channels, const float* const* taps, std::size_t tap_count, const float* w, float* y,
              f32x4 lo, f32x4 hi) {
  const std::size_t tile_floats = kTile * (tap_count + 1);
  std::size_t c = 0;
  for (; c + kTile <= channels; c += kTile, w += tile_floats) {
    f32x4 a0 = load(w), a1 = load(w + 4);
    const float* wt = w + kTile;
    for (std::size_t t = 0; t < tap_count; ++t, wt += kTile) {
      const float* p = taps[t] + c;
      a0 = add(a0, mul(load(p), load(wt)));
      a1 = add(a1, mul(load(p + 4), load(wt + 4)));
    }
    store(y + c, pmin(pmax(a0, lo), hi));
    store(y + c + 4, pmin(pmax(a1, lo), hi));
  }
  // The last 1..7 channels: within the tile's lanes, never past channel C.
  for (std::size_t j = 0; c + j < channels; j += 4) {
    const std::size_t n = std::min<std::size_t>(4, channels - c - j);
    f32x4 a = load(w + j);
    for (std::size_t t = 0; t < tap_count; ++t)
      a = add(a, mul(load_first(taps[t] + c + j, n, 0.0f), load(w + kTile * (t + 1) + j)));
    store_first(y + c + j, pmin(pmax(a, lo), hi), n);
  }
}

Status run_generic(const float* in, const float* packed, float* out, const ConvShape& s, Activation act,
                   std::size_t block) {
  const std::size_t C = s.in_channels, H = s.in_h, W = s.in_w, OH = s.out_h, OW = s.out_w;
  const std::size_t kh = s.kernel_h, kw = s.kernel_w, taps = kh * kw;
  const std::size_t blocks = (C + block - 1) / block, rows = s.batch * OH;
  const detail::OutputClamp clamp_to(act);
  const f32x4 lo = clamp_to.lo, hi = clamp_to.hi;

  thread::ScratchPlan plan;
  const std::size_t taps_at = plan.add<const float*>(taps);
  thread::Chunks work{blocks * rows, 0, detail::saturated_bytes({OW, std::min(C, block), taps + 1, sizeof(float)})};
  thread::ScratchSlots scratch;
  Status st = scratch.allocate(plan, &work);
  if (st != Status::kOk) return st;

  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    const float** const tap = scratch.get<const float*>(slot, taps_at);
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t row = item / blocks, b = item % blocks;
      const std::size_t n = row / OH, oy = row % OH;
      const std::size_t c0 = b * block, channels = std::min(block, C - c0);
      const float* image = in + n * H * W * C + c0;
      const float* w = packed + c0 * (taps + 1);
      float* y = out + row * OW * C + c0;
      for (std::size_t ox = 0; ox < OW; ++ox, y += C) {
        // Unsigned wrap-around: a tap above or left of the input gives an
        // index >= H or >= W, as one below or right of it does.
        for (std::size_t ky = 0; ky < kh; ++ky) {
          const std::size_t iy = oy * s.stride_h + ky * s.dilation_h - s.pad_top;
          for (std::size_t kx = 0; kx < kw; ++kx) {
            const std::size_t ix = ox * s.stride_w + kx * s.dilation_w - s.pad_left;
            tap[ky * kw + kx] = iy < H && ix < W ? image + (iy * W + ix) * C : kZeroRow;
          }
        }
        dw_pixel(channels, tap, taps, w, y, lo, hi);
        if (clamp_to.pass) detail::output_pass(y, channels, act);
      }
    }
  });
  return Status::kOk;
}

Status run_3x3(const float* in, const float* packed, float* out, const ConvShape& s, Activation act,
               std::size_t block) {
  const std::size_t C = s.in_channels, H = s.in_h, W = s.in_w, OH = s.out_h, OW = s.out_w;
  const std::size_t blocks = (C + block - 1) / block, rows = s.batch * OH;
  const detail::OutputClamp clamp_to(act);
  const bool clamp = act == Activation::kRelu || act == Activation::kRelu6;
  const f32x4 lo = clamp_to.lo, hi = clamp_to.hi;
  const RowGeometry g{W, OW, s.pad_left, C};
  const std::size_t stride = s.stride_w, sh = s.stride_h;  // any row stride: rows are picked per output row
  // Bytes an item moves: three input rows' worth of its block at most, and
  // one output row.
  thread::Chunks work{blocks * rows, 0, detail::saturated_bytes({W + OW, std::min(C, block), 2 * sizeof(float)})};
  thread::parallel_for_slots(work, [&](int, std::size_t begin, std::size_t end) {
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t row = item / blocks, b = item % blocks;
      const std::size_t n = row / OH, oy = row % OH;
      const std::size_t c0 = b * block, channels = std::min(block, C - c0);
      const float* image = in + n * H * W * C + c0;
      Rows3 r;
      for (std::size_t ky = 0; ky < 3; ++ky) {
        const std::size_t iy = oy * sh + ky - s.pad_top;  // wraps above the input
        const bool inside = iy < H;
        r.r[ky] = inside ? image + iy * W * C : kZeroRow;
        r.step[ky] = inside ? C : 0;
      }
      const float* w = packed + c0 * 10;
      float* y = out + row * OW * C + c0;
      if (clamp) {
        tiles_3x3<true>(stride, r, g, channels, w, y, lo, hi);
      } else {
        tiles_3x3<false>(stride, r, g, channels, w, y, lo, hi);
      }
      if (clamp_to.pass)
        for (std::size_t ox = 0; ox < OW; ++ox) detail::output_pass(y + ox * C, channels, act);
    }
  });
  return Status::kOk;
}

Status check_packed_call(const float* in, const float* packed, const float* out, const ConvShape& s,
                         Activation act) {
  return detail::check_depthwise(in, packed, WeightLayout::kHwio, out, s, act);
}

}  // namespace

std::size_t dwconv_nhwc_block(std::size_t in_w) {
  // Three input rows of the block near 192 KiB, in whole tiles.
  const std::size_t fit = in_w == 0 ? kDwNhwcMaxBlock : 16384 / in_w;
  return std::clamp<std::size_t>(fit / kTile * kTile, kTile, kDwNhwcMaxBlock);
}

Status dwconv_nhwc_packed_size(const ConvShape& s, std::size_t* floats) {
  if (floats == nullptr) return Status::kNullPointer;
  Status st = detail::check_shape(s);
  if (st != Status::kOk) return st;
  if (s.groups != s.in_channels || s.out_channels != s.in_channels) return Status::kInvalidArgument;
  const std::size_t tiles = (s.in_channels + kTile - 1) / kTile;
  if (!checked_product(floats, {tiles, kTile, s.kernel_h * s.kernel_w + 1})) return Status::kSizeOverflow;
  return Status::kOk;
}

Status dwconv_nhwc_pack(const float* weights, const float* bias, const ConvShape& s, float* packed,
                        const float* out_scale) {
  std::size_t floats;
  Status st = dwconv_nhwc_packed_size(s, &floats);
  if (st != Status::kOk) return st;
  if (weights == nullptr || packed == nullptr) return Status::kNullPointer;
  // Keras's (kh, kw, 1, C) weights (times out_scale) and the bias (zeros
  // when null) into the per-tile streams; channels past C are zero.
  const std::size_t C = s.in_channels, taps = s.kernel_h * s.kernel_w;
  for (std::size_t c0 = 0; c0 < C; c0 += kTile) {
    float* p = packed + c0 * (taps + 1);
    const std::size_t n = std::min(kTile, C - c0);
    for (std::size_t j = 0; j < kTile; ++j) p[j] = bias != nullptr && j < n ? bias[c0 + j] : 0.0f;
    for (std::size_t t = 0; t < taps; ++t) {
      const float* w = weights + t * C + c0;
      float* dst = p + kTile * (t + 1);
      if (n == kTile) {
        // Whole vectors (the build does not auto-vectorise).
        for (std::size_t j = 0; j < kTile; j += 4)
          store(dst + j, out_scale != nullptr ? mul(load(w + j), load(out_scale + c0 + j)) : load(w + j));
        continue;
      }
      for (std::size_t j = 0; j < kTile; ++j) {
        const float v = j < n ? w[j] : 0.0f;
        dst[j] = out_scale != nullptr && j < n ? v * out_scale[c0 + j] : v;
      }
    }
  }
  return Status::kOk;
}

Status dwconv_nhwc_packed(const float* in, const float* packed, float* out, const ConvShape& s, Activation act) {
  Status st = check_packed_call(in, packed, out, s, act);
  if (st != Status::kOk || s.batch == 0) return st;
  const std::size_t block = dwconv_nhwc_block(s.in_w);
  if (s.kernel_h == 3 && s.kernel_w == 3 && s.dilation_h == 1 && s.dilation_w == 1 &&
      (s.stride_w == 1 || s.stride_w == 2))
    return run_3x3(in, packed, out, s, act, block);
  return run_generic(in, packed, out, s, act, block);
}

Status dwconv_nhwc(const float* in, const float* weights, WeightLayout layout, const float* bias, float* out,
                   const ConvShape& s, Activation act) {
  Status st = detail::check_depthwise(in, weights, layout, out, s, act);
  if (st != Status::kOk || s.batch == 0) return st;
  if (layout != WeightLayout::kHwio) return Status::kInvalidArgument;  // the documented contract (conv.h)
  // Packed per call (the JS front packs once, dwconv_nhwc_pack, and calls
  // dwconv_nhwc_packed).
  std::size_t floats;
  if ((st = dwconv_nhwc_packed_size(s, &floats)) != Status::kOk) return st;
  thread::ScratchPlan plan;
  const std::size_t packed_at = plan.add<float>(floats);
  thread::ScratchSlots packed;
  if ((st = packed.allocate(plan, 1)) != Status::kOk) return st;
  float* const w = packed.get<float>(0, packed_at);
  if ((st = dwconv_nhwc_pack(weights, bias, s, w)) != Status::kOk) return st;
  return dwconv_nhwc_packed(in, w, out, s, act);
}

}  // namespace nnwasm::conv
