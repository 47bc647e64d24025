// 3x3 windows at stride 2 (max_pool2d(3, 2, 1) of ResNet's stem, Keras
// 'same' 3x3/2), both layouts: the driver over output rows shared by
// k3s2_nchw.cc and k3s2_nhwc.cc, which supply the row kernels.
//
// Columns first: each input row is pooled along W once, read front to back,
// into a ring of three pooled rows, and each output row combines three ring
// rows. Inside the plane the two new input rows of an output row are pooled
// and combined in one pass (two read streams). Reading a window's three rows
// side by side, as the general paths do, ran at half the memory speed once
// the input no longer fit in cache.
//
// Max pooling first runs with pmax (one instruction, but it drops a NaN in its
// second operand) while adding the loaded vectors into a probe: a NaN in the
// input makes the probe NaN, and the rows are then pooled again with the
// NaN-propagating max. (Infinities of both signs also make it NaN: a
// needless but correct redo.)
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "pool/ops.h"
#include "pool/window/axis.h"
#include "simd/vec.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::pool {

// An axis's windows as plain pointers, for the row kernels' structs, which
// every thread copies (see pool_rows_k3s2).
struct WindowTaps {
  const std::int64_t *first, *count;
  std::size_t n;
  explicit WindowTaps(const AxisWindows& a) : first(a.first.data()), count(a.count.data()), n(a.first.size()) {}
};

// The combining op of the fast and exact passes: pmax, or Op's own.
template <class Op, bool kFast>
inline simd::f32x4 combine(simd::f32x4 a, simd::f32x4 b) {
  if constexpr (kFast) {
    return simd::pmax(a, b);
  } else {
    return Op::apply(a, b);
  }
}

// Layout supplies the row kernels, for pooled rows of `width` floats and
// output rows of `out_row` floats (inv: 1 / divisor per output column):
//   pool_row<kFast>(src, dst): one input row pooled along W
//   pool_pair<kAverage, kFast>(s1, s2, h0, h2, inv, y): input rows s1 and s2
//       pooled along W (s2's into h2) and combined with h0 into output row y
//   combine_rows<kAverage, kFast>(h0, h1, h2, inv, y)
// The fast passes (max only) return whether they must be redone exactly.
template <class Op, bool kAverage, class Layout>
Status pool_rows_k3s2(const float* in, float* out, std::size_t planes, std::size_t in_h, std::size_t row_floats,
                      std::size_t out_row, std::size_t width, const AxisWindows& rows, const AxisWindows& cols,
                      const Layout& layout) {
  constexpr bool kMax = std::is_same<Op, MaxOp>::value;
  const std::size_t out_w = cols.outputs();
  thread::ScratchPlan plan;
  const std::size_t ring_at = plan.add<float>(std::uint64_t{3} * width);
  const std::size_t pad_at = plan.add<float>(width);
  const std::size_t inv_at = plan.add<float>(kAverage ? std::uint64_t{out_w} + 4 : 0);
  thread::Chunks work{planes * rows.outputs(), 0, 3 * row_floats * sizeof(float)};
  thread::ScratchSlots scratch;
  const Status status = scratch.allocate(plan, &work);
  if (status != Status::kOk) return status;

  struct Geometry {
    const float* in;
    float* out;
    std::size_t out_h, out_w, row_floats, out_row, width;
    std::int64_t top, H;
    const float *row_size, *col_size;
    const thread::ScratchSlots* scratch;
    std::size_t ring_at, pad_at, inv_at;
    Layout layout;
  };
  const Geometry shared{in, out, rows.outputs(), out_w, row_floats, out_row, width,
                        -static_cast<std::int64_t>(rows.pad_begin), static_cast<std::int64_t>(in_h),
                        rows.size.data(), cols.size.data(), &scratch, ring_at, pad_at, inv_at, layout};
  thread::parallel_for_slots(work, [&shared](int thread_slot, std::size_t begin, std::size_t end) {
    // A private copy: the calling thread writes its own loop state on the
    // stack lines next to `shared`, and a worker reading them on every row
    // bounced those lines between the cores (2 threads ran slower than 1).
    const Geometry g = shared;
    const Layout& layout = g.layout;
    const std::size_t out_h = g.out_h, out_w = g.out_w, row_floats = g.row_floats, width = g.width;
    const std::int64_t top = g.top, H = g.H;
    const float* in = g.in;
    float* out = g.out;
    float* const ring = g.scratch->template get<float>(thread_slot, g.ring_at);
    float* const pad_row = g.scratch->template get<float>(thread_slot, g.pad_at);
    float* const inv = g.scratch->template get<float>(thread_slot, g.inv_at);
    simd::fill(ring, 3 * width, Op::identity());
    simd::fill(pad_row, width, Op::identity());
    if (kAverage) simd::fill(inv, out_w + 4, 1.0f);
    float inv_size = -1.0f;
    // Which input row each ring slot holds, and whether it was pooled the
    // exact way (it may hold a NaN, so rows combining it go the exact way).
    std::int64_t slot_row[3] = {-1, -1, -1};
    bool slot_nan[3] = {false, false, false};
    std::size_t cur_plane = ~std::size_t{0};
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t plane = item / out_h, oh = item % out_h;
      const float* x = in + plane * static_cast<std::size_t>(H) * row_floats;
      if (plane != cur_plane) {
        cur_plane = plane;
        slot_row[0] = slot_row[1] = slot_row[2] = -1;
      }
      if (kAverage && g.row_size[oh] != inv_size) {
        inv_size = g.row_size[oh];
        for (std::size_t o = 0; o < out_w; ++o) inv[o] = 1.0f / (inv_size * g.col_size[o]);
      }
      // Input row r pooled along W: from the ring, or into it (rows outside
      // the plane are the padding row).
      bool nan = false;
      const auto pooled = [&](std::int64_t r) -> const float* {
        if (r < 0 || r >= H) return pad_row;
        const std::size_t slot = static_cast<std::size_t>(r % 3);
        float* dst = ring + slot * width;
        if (slot_row[slot] != r) {
          const float* src = x + static_cast<std::size_t>(r) * row_floats;
          bool redo = !kMax;
          if constexpr (kMax) redo = layout.template pool_row<true>(src, dst);
          if (redo) layout.template pool_row<false>(src, dst);
          slot_row[slot] = r;
          slot_nan[slot] = redo;
        }
        nan |= slot_nan[slot];
        return dst;
      };
      float* y = out + item * g.out_row;
      const std::int64_t r0 = static_cast<std::int64_t>(2 * oh) + top;
      const float* h0 = pooled(r0);
      if (r0 + 1 >= 0 && r0 + 2 < H) {
        const float* s1 = x + static_cast<std::size_t>(r0 + 1) * row_floats;
        const float* s2 = s1 + row_floats;
        const std::size_t slot = static_cast<std::size_t>((r0 + 2) % 3);
        float* h2 = ring + slot * width;
        bool redo = !kMax || nan;
        if constexpr (kMax) {
          if (!redo) redo = layout.template pool_pair<false, true>(s1, s2, h0, h2, inv, y);
        }
        if (redo) layout.template pool_pair<kAverage, false>(s1, s2, h0, h2, inv, y);
        slot_row[slot] = r0 + 2;
        slot_nan[slot] = redo;
        continue;
      }
      const float* h1 = pooled(r0 + 1);
      const float* h2 = pooled(r0 + 2);
      if (kMax && !nan) {
        layout.template combine_rows<false, kMax>(h0, h1, h2, inv, y);
      } else {
        layout.template combine_rows<kAverage, false>(h0, h1, h2, inv, y);
      }
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::pool
