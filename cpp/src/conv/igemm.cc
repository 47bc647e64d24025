// Channels-last (NHWC / NLC) convolution as an indirect GEMM.
//
// Output pixels are GEMM rows, output channels columns. A tile of MR pixels
// reads its input through MR pointers per kernel tap (the indirection), each
// pointing at an input pixel's channels, or at a zero row for padding, so
// there is no im2col copy: K = taps * cin is walked as taps x contiguous cin.
// The MR x NR accumulators stay in registers for the whole K; bias comes
// first in the packed weights; the clamp (linear/relu/relu6) is applied
// before the store, other activations right after it while the tile is hot.
//
// Register budget: V8 gives SIMD code 15 xmm registers and its scheduler
// issues every load of a loop iteration before the arithmetic. MR=4, NR=8
// holds 8 accumulators, 2 weight vectors and 4 broadcast inputs = 14, so
// nothing spills (5x8 with k unrolled by 2 spilled ~14 vectors per step and
// ran at half the speed); 8 independent accumulators still cover the f32
// add latency.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "conv/conv.h"
#include "conv/conv_small_cin.h"  // small-cin hook
#include "conv/pointwise.h"  // pointwise hook
#include "conv/internal.h"
#include "simd/vec.h"
#include "runtime/heap_array.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::conv {
namespace {

using namespace simd;

constexpr std::size_t MR = kNhwcMr;
constexpr std::size_t NR = kNhwcNr;
// Packed weights walked per pass over a chunk of tiles: well inside L2.
constexpr std::size_t kWeightSliceBytes = 128 * 1024;
// Tiles per work item: 32 output rows, a few microseconds of work each.
constexpr std::size_t kRowChunkTiles = 8;

// c[i][0:nc] = clamp(w_bias + sum over taps t, k < kc of a[t*MR + i][k] * w[t][k][:]).
// Rows i >= mr are computed from aliased pointers (the driver repeats the
// last row) and not stored, so the loops never branch on mr.
void igemm_tile(std::size_t mr, std::size_t nc, std::size_t kc, std::size_t taps, const float* const* a,
                const float* w, float* c, std::size_t c_stride, f32x4 lo, f32x4 hi) {
  // Named accumulators, not an array: with an array clang kept them in
  // linear memory and stored all 8 back on every k step.
  f32x4 c00 = load(w), c01 = load(w + 4);
  f32x4 c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
  w += NR;

  for (std::size_t t = 0; t < taps; ++t, a += MR) {
    const float* a0 = a[0];
    const float* a1 = a[1];
    const float* a2 = a[2];
    const float* a3 = a[3];
    NNWASM_NO_UNROLL
    for (std::size_t k = 0; k < kc; ++k) {
      const f32x4 b0 = load(w), b1 = load(w + 4);
      w += NR;
      const f32x4 x0 = load_splat(a0 + k), x1 = load_splat(a1 + k), x2 = load_splat(a2 + k), x3 = load_splat(a3 + k);
      c00 = add(c00, mul(x0, b0)); c01 = add(c01, mul(x0, b1));
      c10 = add(c10, mul(x1, b0)); c11 = add(c11, mul(x1, b1));
      c20 = add(c20, mul(x2, b0)); c21 = add(c21, mul(x2, b1));
      c30 = add(c30, mul(x3, b0)); c31 = add(c31, mul(x3, b1));
    }
  }

  // pmax/pmin with the sum first keep a NaN sum NaN in one instruction
  // each (wasm's NaN-exact min/max are seven on x86).
  const f32x4 rows[MR][2] = {
      {pmin(pmax(c00, lo), hi), pmin(pmax(c01, lo), hi)},
      {pmin(pmax(c10, lo), hi), pmin(pmax(c11, lo), hi)},
      {pmin(pmax(c20, lo), hi), pmin(pmax(c21, lo), hi)},
      {pmin(pmax(c30, lo), hi), pmin(pmax(c31, lo), hi)},
  };
  detail::store_tile_4x8(rows, mr, nc, c, c_stride);
}

static_assert(MR == 4 && NR == 8, "igemm_tile's body is written out for 4x8 tiles");

}  // namespace

Status conv_nhwc(const float* in, const float* packed, float* out, const ConvShape& s, Activation act) {
  bool empty;
  Status st = detail::check_conv(in, packed, out, s, act, &empty);
  if (st != Status::kOk || empty) return st;
  // Path choice (small-cin hook): 1-4 input channels run the direct kernel.
  if (small_cin_applies(s)) return conv_nhwc_small_cin(in, packed, out, s, act);
  // Path choice (pointwise hook): 1x1 without padding reads its rows in place.
  if (pointwise_applies(s)) return conv_nhwc_pointwise(in, packed, out, s, act);

  const std::size_t cin = s.in_channels, cout = s.out_channels, groups = s.groups;
  const std::size_t cin_g = cin / groups, cout_g = cout / groups;
  const std::size_t kh = s.kernel_h, kw = s.kernel_w, taps = kh * kw;
  const std::size_t pixels = s.out_h * s.out_w, M = s.batch * pixels;
  const std::size_t blocks = (cout_g + NR - 1) / NR;
  const std::size_t block_floats = NR * (taps * cin_g + 1);
  const std::size_t tiles = (M + MR - 1) / MR;

  const detail::OutputClamp clamp(act);
  const f32x4 lo = clamp.lo, hi = clamp.hi;
  const bool pass = clamp.pass;

  // The zero row padding taps read (K per tap = cin_g floats), shared by
  // every thread; per thread, a tile's indirection pointers.
  HeapArray<float> zero;
  if ((st = zero.allocate(cin_g + 4)) != Status::kOk) return st;
  std::fill(zero.begin(), zero.end(), 0.0f);
  thread::ScratchPlan plan;
  const std::size_t indirection_at = plan.add<const float*>(std::uint64_t{taps} * MR);
  const detail::GemmSplit split =
      detail::split_gemm(tiles, kRowChunkTiles, blocks, thread::num_threads());
  thread::Chunks work{split.items(), 1,
                      detail::saturated_bytes({split.row_chunk * MR, taps, cin_g, cout, sizeof(float)}) /
                          split.col_slices};
  thread::ScratchSlots scratch;
  if ((st = scratch.allocate(plan, &work)) != Status::kOk) return st;

  // The tiles of an item walk the packed weights a slice at a time, so a
  // slice read from memory serves every tile of the item from cache even
  // when all the weights would not fit in it.
  const std::size_t slice_blocks = std::max<std::size_t>(1, kWeightSliceBytes / (block_floats * sizeof(float)));
  const auto build_indirection = [&](const float** ind, std::size_t m0, std::size_t mr, std::size_t g) {
    for (std::size_t i = 0; i < MR; ++i) {
      const std::size_t m = m0 + std::min(i, mr - 1);
      const std::size_t n = m / pixels, p = m % pixels;
      const std::size_t oy = p / s.out_w, ox = p % s.out_w;
      const float* image = in + n * s.in_h * s.in_w * cin + g * cin_g;
      for (std::size_t ky = 0; ky < kh; ++ky) {
        // Unsigned wrap-around makes "before the start" compare as too big.
        const std::size_t iy = oy * s.stride_h + ky * s.dilation_h - s.pad_top;
        for (std::size_t kx = 0; kx < kw; ++kx) {
          const std::size_t ix = ox * s.stride_w + kx * s.dilation_w - s.pad_left;
          const bool inside = iy < s.in_h && ix < s.in_w;
          ind[(ky * kw + kx) * MR + i] = inside ? image + (iy * s.in_w + ix) * cin : zero.data();
        }
      }
    }
  };
  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    const float** const ind = scratch.get<const float*>(slot, indirection_at);
    for (std::size_t item = begin; item < end; ++item) {
      const detail::GemmPart part = split.part(item);
      for (std::size_t g = 0; g < groups; ++g) {
        for (std::size_t b0 = part.block_begin; b0 < part.block_end; b0 += slice_blocks) {
          const std::size_t b1 = std::min(part.block_end, b0 + slice_blocks);
          for (std::size_t tile = part.tile_begin; tile < part.tile_end; ++tile) {
            const std::size_t m0 = tile * MR, mr = std::min(MR, M - m0);
            build_indirection(ind, m0, mr, g);
            const float* w = packed + (g * blocks + b0) * block_floats;
            for (std::size_t b = b0; b < b1; ++b, w += block_floats) {
              const std::size_t nc = std::min(NR, cout_g - b * NR);
              igemm_tile(mr, nc, cin_g, taps, ind, w, out + m0 * cout + g * cout_g + b * NR, cout, lo, hi);
            }
          }
        }
      }
      if (pass) {
        const std::size_t m0 = part.tile_begin * MR, m1 = std::min(M, part.tile_end * MR);
        const std::size_t c0 = part.block_begin * NR, c1 = std::min(cout_g, part.block_end * NR);
        if (c0 == 0 && c1 == cout_g && groups == 1) {
          detail::output_pass(out + m0 * cout, (m1 - m0) * cout, act);
        } else {
          for (std::size_t m = m0; m < m1; ++m)
            for (std::size_t g = 0; g < groups; ++g) detail::output_pass(out + m * cout + g * cout_g + c0, c1 - c0, act);
        }
      }
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::conv
