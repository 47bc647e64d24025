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
// Register budget: V8 gives SIMD code 15 xmm registers. MR=5, NR=8 holds 10
// accumulators, 2 weight vectors, 1 broadcast input and 1 product = 14, the
// most independent accumulators that fit without spilling (f32 add latency
// needs about 8-10 in flight to keep both adders busy).
#include <algorithm>
#include <cstring>

#include "conv/conv.h"
#include "conv/internal.h"
#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::conv {
namespace {

using namespace simd;

constexpr std::size_t MR = kNhwcMr;
constexpr std::size_t NR = kNhwcNr;
constexpr std::size_t NV = NR / 4;
// Packed weights walked per pass over a chunk of tiles: well inside L2.
constexpr std::size_t kWeightSliceBytes = 128 * 1024;

// c[i][0:nc] = clamp(w_bias + sum over taps t, k < kc of a[t*MR + i][k] * w[t][k][:]).
// Rows i >= mr are computed from aliased pointers (the driver repeats the
// last row) and not stored, so the loops never branch on mr.
void igemm_tile(std::size_t mr, std::size_t nc, std::size_t kc, std::size_t taps, const float* const* a,
                const float* w, float* c, std::size_t c_stride, f32x4 lo, f32x4 hi) {
  f32x4 acc[MR][NV];
  for (std::size_t v = 0; v < NV; ++v) acc[0][v] = load(w + 4 * v);
  for (std::size_t i = 1; i < MR; ++i)
    for (std::size_t v = 0; v < NV; ++v) acc[i][v] = acc[0][v];
  w += NR;

  for (std::size_t t = 0; t < taps; ++t, a += MR) {
    const float* a0 = a[0];
    const float* a1 = a[1];
    const float* a2 = a[2];
    const float* a3 = a[3];
    const float* a4 = a[4];
    std::size_t k = kc;
    for (; k >= 2; k -= 2) {
      const f32x4 b00 = load(w), b01 = load(w + 4);
      const f32x4 b10 = load(w + 8), b11 = load(w + 12);
      w += 2 * NR;
      f32x4 x;
      x = load_splat(a0); acc[0][0] = add(acc[0][0], mul(x, b00)); acc[0][1] = add(acc[0][1], mul(x, b01));
      x = load_splat(a1); acc[1][0] = add(acc[1][0], mul(x, b00)); acc[1][1] = add(acc[1][1], mul(x, b01));
      x = load_splat(a2); acc[2][0] = add(acc[2][0], mul(x, b00)); acc[2][1] = add(acc[2][1], mul(x, b01));
      x = load_splat(a3); acc[3][0] = add(acc[3][0], mul(x, b00)); acc[3][1] = add(acc[3][1], mul(x, b01));
      x = load_splat(a4); acc[4][0] = add(acc[4][0], mul(x, b00)); acc[4][1] = add(acc[4][1], mul(x, b01));
      x = load_splat(a0 + 1); acc[0][0] = add(acc[0][0], mul(x, b10)); acc[0][1] = add(acc[0][1], mul(x, b11));
      x = load_splat(a1 + 1); acc[1][0] = add(acc[1][0], mul(x, b10)); acc[1][1] = add(acc[1][1], mul(x, b11));
      x = load_splat(a2 + 1); acc[2][0] = add(acc[2][0], mul(x, b10)); acc[2][1] = add(acc[2][1], mul(x, b11));
      x = load_splat(a3 + 1); acc[3][0] = add(acc[3][0], mul(x, b10)); acc[3][1] = add(acc[3][1], mul(x, b11));
      x = load_splat(a4 + 1); acc[4][0] = add(acc[4][0], mul(x, b10)); acc[4][1] = add(acc[4][1], mul(x, b11));
      a0 += 2, a1 += 2, a2 += 2, a3 += 2, a4 += 2;
    }
    if (k != 0) {
      const f32x4 b0 = load(w), b1 = load(w + 4);
      w += NR;
      f32x4 x;
      x = load_splat(a0); acc[0][0] = add(acc[0][0], mul(x, b0)); acc[0][1] = add(acc[0][1], mul(x, b1));
      x = load_splat(a1); acc[1][0] = add(acc[1][0], mul(x, b0)); acc[1][1] = add(acc[1][1], mul(x, b1));
      x = load_splat(a2); acc[2][0] = add(acc[2][0], mul(x, b0)); acc[2][1] = add(acc[2][1], mul(x, b1));
      x = load_splat(a3); acc[3][0] = add(acc[3][0], mul(x, b0)); acc[3][1] = add(acc[3][1], mul(x, b1));
      x = load_splat(a4); acc[4][0] = add(acc[4][0], mul(x, b0)); acc[4][1] = add(acc[4][1], mul(x, b1));
    }
  }

  for (std::size_t i = 0; i < MR; ++i)
    for (std::size_t v = 0; v < NV; ++v) acc[i][v] = min(max(acc[i][v], lo), hi);

  if (nc == NR) {
    for (std::size_t i = 0; i < MR; ++i) {
      if (i >= mr) break;
      float* ci = c + i * c_stride;
      for (std::size_t v = 0; v < NV; ++v) store(ci + 4 * v, acc[i][v]);
    }
    return;
  }
  // Column tail (the last block of a group's channels): through a small
  // buffer so the accumulators are never indexed at run time.
  float row[NR];
  for (std::size_t i = 0; i < MR; ++i) {
    if (i >= mr) break;
    for (std::size_t v = 0; v < NV; ++v) store(row + 4 * v, acc[i][v]);
    std::memcpy(c + i * c_stride, row, nc * sizeof(float));
  }
}

static_assert(MR == 5 && NR == 8, "igemm_tile's body is written out for 5x8 tiles");

}  // namespace

Status conv_nhwc(const float* in, const float* packed, float* out, const ConvShape& s, Activation act) {
  Status st = detail::check_shape(s);
  if (st != Status::kOk) return st;
  if (!detail::valid_activation(act)) return Status::kInvalidArgument;
  if (s.batch == 0) return Status::kOk;
  if (in == nullptr || packed == nullptr || out == nullptr) return Status::kNullPointer;

  const std::size_t cin = s.in_channels, cout = s.out_channels, groups = s.groups;
  const std::size_t cin_g = cin / groups, cout_g = cout / groups;
  const std::size_t kh = s.kernel_h, kw = s.kernel_w, taps = kh * kw;
  const std::size_t pixels = s.out_h * s.out_w, M = s.batch * pixels;
  const std::size_t blocks = (cout_g + NR - 1) / NR;
  const std::size_t block_floats = NR * (taps * cin_g + 1);
  const std::size_t tiles = (M + MR - 1) / MR;

  float lo_f, hi_f;
  detail::clamp_bounds(act, &lo_f, &hi_f);
  const f32x4 lo = splat(lo_f), hi = splat(hi_f);
  const bool pass = detail::needs_output_pass(act);

  // The zero row padding taps read (K per tap = cin_g floats).
  float* zero = static_cast<float*>(std::calloc(cin_g + 4, sizeof(float)));
  detail::ScratchSlots<const float*> indirection(static_cast<std::size_t>(thread::num_threads()), taps * MR);
  if (zero == nullptr || !indirection.ok()) {
    std::free(zero);
    return Status::kSizeOverflow;
  }

  const std::size_t tile_cost = MR * taps * cin_g * cout * sizeof(float);
  // The tiles of a chunk walk the packed weights a slice at a time, so a
  // slice read from memory serves every tile of the chunk from cache even
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
          ind[(ky * kw + kx) * MR + i] = inside ? image + (iy * s.in_w + ix) * cin : zero;
        }
      }
    }
  };
  // Chunks of 8 tiles: 40 output rows, a few microseconds of work each.
  detail::dynamic_for(tiles, 8, tile_cost, [&] { return indirection.take(); },
                      [&](const float** ind, std::size_t begin, std::size_t end) {
    for (std::size_t g = 0; g < groups; ++g) {
      for (std::size_t b0 = 0; b0 < blocks; b0 += slice_blocks) {
        const std::size_t b1 = std::min(blocks, b0 + slice_blocks);
        for (std::size_t tile = begin; tile < end; ++tile) {
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
      const std::size_t m0 = begin * MR, m1 = std::min(M, end * MR);
      detail::output_pass(out + m0 * cout, (m1 - m0) * cout, act);
    }
  });
  std::free(zero);
  return Status::kOk;
}

}  // namespace nnwasm::conv
