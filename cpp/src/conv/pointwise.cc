// Channels-last 1x1 convolution as a plain GEMM: rows are output pixels,
// whose K = cin inputs are one input pixel's channels, contiguous in place.
// Stride 1 walks the input pixel by pixel; a strided 1x1 (ResNet's
// downsample) finds each tile's four rows by arithmetic. No indirection
// buffer, no zero row, no per-tap loop: at MobileNetV2's small K (16-32
// channels, 16-32 k steps per tile) the IGEMM spent a third of its time
// around its K loop (pointer tables, per-pixel divisions, NaN-exact
// min/max clamps of seven instructions each on x86).
//
// Register budget as in igemm.cc: a 4 x 8 tile, 8 accumulators, 2 weight
// vectors and 4 splats = 14 of V8's 15 xmm registers. 1-3 pixels (a 1x1
// after global pooling) run the Dense matrix-vector kernels, whose packed
// layout is this one (linear.h).
#include "conv/pointwise.h"

#include <algorithm>
#include <cstdint>

#include "conv/conv.h"
#include "conv/internal.h"
#include "linear/linear.h"
#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::conv {
namespace {

using namespace simd;

constexpr std::size_t MR = kNhwcMr;
constexpr std::size_t NR = kNhwcNr;
static_assert(MR == 4 && NR == 8, "pointwise_tile's body is written out for 4x8 tiles");
static_assert(NR == linear::kNr, "1-3 pixels reuse the linear kernels on the same packed blocks");
// Packed weights walked per pass over a chunk of tiles: well inside L2.
constexpr std::size_t kWeightSliceBytes = 128 * 1024;
// Tiles walked per pass over a weight slice: 32 output pixels, whose
// inputs stay in L1/L2 while the slice's blocks run over them.
constexpr std::size_t kRowChunkTiles = 8;

// c[i][0:nc] = clamp(w_bias + sum_k a_i[k] * w[k][:]) for i < mr; rows past
// mr alias the last one and are not stored.
void pointwise_tile(std::size_t mr, std::size_t nc, std::size_t k, const float* a0, const float* a1,
                    const float* a2, const float* a3, const float* w, float* c, std::size_t c_stride, f32x4 lo,
                    f32x4 hi) {
  f32x4 c00 = load(w), c01 = load(w + 4);
  f32x4 c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
  w += NR;
  NNWASM_NO_UNROLL
  for (std::size_t i = 0; i < k; ++i) {
    const f32x4 b0 = load(w), b1 = load(w + 4);
    w += NR;
    const f32x4 x0 = load_splat(a0 + i), x1 = load_splat(a1 + i), x2 = load_splat(a2 + i), x3 = load_splat(a3 + i);
    c00 = add(c00, mul(x0, b0)); c01 = add(c01, mul(x0, b1));
    c10 = add(c10, mul(x1, b0)); c11 = add(c11, mul(x1, b1));
    c20 = add(c20, mul(x2, b0)); c21 = add(c21, mul(x2, b1));
    c30 = add(c30, mul(x3, b0)); c31 = add(c31, mul(x3, b1));
  }
  // pmax/pmin with the sum first keep a NaN sum NaN: one instruction each.
  const f32x4 rows[MR][2] = {
      {pmin(pmax(c00, lo), hi), pmin(pmax(c01, lo), hi)},
      {pmin(pmax(c10, lo), hi), pmin(pmax(c11, lo), hi)},
      {pmin(pmax(c20, lo), hi), pmin(pmax(c21, lo), hi)},
      {pmin(pmax(c30, lo), hi), pmin(pmax(c31, lo), hi)},
  };
  detail::store_tile_4x8(rows, mr, nc, c, c_stride);
}

}  // namespace

bool pointwise_applies(const ConvShape& s) {
  return s.groups == 1 && s.kernel_h == 1 && s.kernel_w == 1 && s.pad_top == 0 && s.pad_left == 0 &&
         s.out_h >= 1 && s.out_w >= 1 && (s.out_h - 1) * s.stride_h < s.in_h &&
         (s.out_w - 1) * s.stride_w < s.in_w;
}

Status conv_nhwc_pointwise(const float* in, const float* packed, float* out, const ConvShape& s, Activation act) {
  bool empty;
  const Status st = detail::check_conv(in, packed, out, s, act, &empty);
  if (st != Status::kOk || empty) return st;
  if (!pointwise_applies(s)) return Status::kInvalidArgument;

  const std::size_t K = s.in_channels, cout = s.out_channels;
  const std::size_t pixels = s.out_h * s.out_w, M = s.batch * pixels;
  // Stride 1 over the whole input: row m is input pixel m.
  const bool in_place = s.stride_h == 1 && s.stride_w == 1 && s.out_h == s.in_h && s.out_w == s.in_w;
  if (in_place && M <= 3) {
    return linear::linear(in, packed, out, M, K, cout, act);
  }
  const std::size_t blocks = (cout + NR - 1) / NR, block_floats = NR * (K + 1);
  const std::size_t tiles = (M + MR - 1) / MR;
  const detail::OutputClamp clamp(act);
  const f32x4 lo = clamp.lo, hi = clamp.hi;

  // Work items: runs of whole row chunks, about kGemmItemsPerThread per
  // thread (a 112x112 layer has 392 chunks of 8 tiles: one claim each
  // would make 392 round trips of the pool's shared counter between the
  // cores); layers with few rows split their columns too (split_gemm).
  const int threads = thread::num_threads();
  const std::size_t chunks = (tiles + kRowChunkTiles - 1) / kRowChunkTiles;
  const std::size_t want_items = static_cast<std::size_t>(threads) * detail::kGemmItemsPerThread;
  const std::size_t item_tiles = kRowChunkTiles * std::max<std::size_t>(1, chunks / want_items);
  const detail::GemmSplit split = detail::split_gemm(tiles, item_tiles, blocks, threads);
  const thread::Chunks work{split.items(), 1,
                            detail::saturated_bytes({split.row_chunk * MR, K, cout, sizeof(float)}) / split.col_slices};
  const std::size_t slice_blocks = std::max<std::size_t>(1, kWeightSliceBytes / (block_floats * sizeof(float)));
  const auto row = [&](std::size_t m) -> const float* {
    if (in_place) return in + m * K;
    const std::size_t n = m / pixels, p = m % pixels, oy = p / s.out_w, ox = p % s.out_w;
    return in + ((n * s.in_h + oy * s.stride_h) * s.in_w + ox * s.stride_w) * K;
  };
  thread::parallel_for_slots(work, [&](int, std::size_t begin, std::size_t end) {
    for (std::size_t item = begin; item < end; ++item) {
      const detail::GemmPart part = split.part(item);
      const std::size_t c0 = part.block_begin * NR, c1 = std::min(cout, part.block_end * NR);
      for (std::size_t t0 = part.tile_begin; t0 < part.tile_end; t0 += kRowChunkTiles) {
        const std::size_t t1 = std::min(part.tile_end, t0 + kRowChunkTiles);
        for (std::size_t b0 = part.block_begin; b0 < part.block_end; b0 += slice_blocks) {
          const std::size_t b1 = std::min(part.block_end, b0 + slice_blocks);
          for (std::size_t tile = t0; tile < t1; ++tile) {
            const std::size_t m0 = tile * MR, mr = std::min(MR, M - m0);
            const float* a0 = row(m0);
            const float* a1 = row(m0 + std::min<std::size_t>(1, mr - 1));
            const float* a2 = row(m0 + std::min<std::size_t>(2, mr - 1));
            const float* a3 = row(m0 + std::min<std::size_t>(3, mr - 1));
            const float* w = packed + b0 * block_floats;
            float* c = out + m0 * cout + b0 * NR;
            for (std::size_t b = b0; b < b1; ++b, w += block_floats, c += NR)
              pointwise_tile(mr, std::min(NR, cout - b * NR), K, a0, a1, a2, a3, w, c, cout, lo, hi);
          }
        }
        // Other activations: over the chunk's outputs while they are hot.
        if (clamp.pass) {
          const std::size_t m0 = t0 * MR, m1 = std::min(M, t1 * MR);
          if (c0 == 0 && c1 == cout) {
            detail::output_pass(out + m0 * cout, (m1 - m0) * cout, act);
          } else {
            for (std::size_t m = m0; m < m1; ++m) detail::output_pass(out + m * cout + c0, c1 - c0, act);
          }
        }
      }
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::conv
