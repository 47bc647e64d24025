// Channels-first (NCHW / NCL) convolution as a GEMM over output rows.
//
// Rows are output channels (weights packed once, MR channels per block with
// their bias first), columns are NR consecutive output pixels of one image,
// so each output row of a tile is one contiguous vector store into the
// channels-first output: no transposes of activations. For each block of NR
// pixels the K = cin * taps input values they need are gathered once into a
// small per-thread panel (vector copies where the pixels' windows are
// contiguous in the input, zeros for padding), then reused by every block of
// output channels.
//
// Register budget as in igemm.cc: 4 x 8 tiles, 8 accumulators, no spills.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "conv/conv.h"
#include "conv/internal.h"
#include "simd/vec.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::conv {
namespace {

using namespace simd;

constexpr std::size_t MR = kNchwMr;
constexpr std::size_t NR = kNchwNr;
static_assert(MR == 4 && NR == 8, "gemm_tile's body is written out for 4x8 tiles");

// c[i][0:nc] = clamp(bias[i] + sum_k w[k][i] * b[k][:]) for i < mr. Rows
// past mr have zero weights in the packed block and are not stored.
void gemm_tile(std::size_t mr, std::size_t nc, std::size_t K, const float* w, const float* b, float* c,
               std::size_t c_stride, f32x4 lo, f32x4 hi) {
  f32x4 acc[MR][2];
  for (std::size_t i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = load_splat(w + i);
  w += MR;
  NNWASM_NO_UNROLL
  for (std::size_t k = 0; k < K; ++k) {
    const f32x4 b0 = load(b), b1 = load(b + 4);
    b += NR;
    const f32x4 x0 = load_splat(w + 0), x1 = load_splat(w + 1), x2 = load_splat(w + 2), x3 = load_splat(w + 3);
    w += MR;
    acc[0][0] = add(acc[0][0], mul(x0, b0)); acc[0][1] = add(acc[0][1], mul(x0, b1));
    acc[1][0] = add(acc[1][0], mul(x1, b0)); acc[1][1] = add(acc[1][1], mul(x1, b1));
    acc[2][0] = add(acc[2][0], mul(x2, b0)); acc[2][1] = add(acc[2][1], mul(x2, b1));
    acc[3][0] = add(acc[3][0], mul(x3, b0)); acc[3][1] = add(acc[3][1], mul(x3, b1));
  }

  // pmax/pmin with the sum first: one instruction each, a NaN sum kept.
  for (std::size_t i = 0; i < MR; ++i) {
    acc[i][0] = pmin(pmax(acc[i][0], lo), hi);
    acc[i][1] = pmin(pmax(acc[i][1], lo), hi);
  }
  detail::store_tile_4x8(acc, mr, nc, c, c_stride);
}

// Gathers panel[k][j] = input value for K index k = c * taps + tap and the
// j-th of the np pixels starting at flat output pixel p0 of one image (zero
// for padding and for j >= np). `image` points at the group's first channel.
void gather_panel(const float* image, const ConvShape& s, std::size_t cin_g, std::size_t p0, std::size_t np,
                  float* panel) {
  const std::size_t kh = s.kernel_h, kw = s.kernel_w, H = s.in_h, W = s.in_w, plane = H * W;
  if (np == NR && kh == 1 && kw == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 &&
      s.pad_left == 0 && s.out_h == H && s.out_w == W) {
    // 1x1, stride 1, no padding: a panel row is 8 consecutive input values.
    for (std::size_t c = 0; c < cin_g; ++c, panel += NR) {
      const float* x = image + c * plane + p0;
      store(panel, load(x));
      store(panel + 4, load(x + 4));
    }
    return;
  }
  std::size_t oy[NR], ox[NR];
  for (std::size_t j = 0; j < NR; ++j) {
    const std::size_t p = p0 + std::min(j, np - 1);
    oy[j] = p / s.out_w, ox[j] = p % s.out_w;
  }
  const bool one_row = np == NR && oy[0] == oy[NR - 1];
  for (std::size_t c = 0; c < cin_g; ++c) {
    const float* x = image + c * plane;
    for (std::size_t ky = 0; ky < kh; ++ky) {
      for (std::size_t kx = 0; kx < kw; ++kx, panel += NR) {
        if (one_row) {
          const std::size_t iy = oy[0] * s.stride_h + ky * s.dilation_h - s.pad_top;  // wraps when above
          const std::size_t ix0 = ox[0] * s.stride_w + kx * s.dilation_w - s.pad_left;
          if (iy >= H) {
            store(panel, zero());
            store(panel + 4, zero());
            continue;
          }
          if (s.stride_w == 1 && ix0 < W && ix0 + NR <= W) {
            store(panel, load(x + iy * W + ix0));
            store(panel + 4, load(x + iy * W + ix0 + 4));
            continue;
          }
          for (std::size_t j = 0; j < NR; ++j) {
            const std::size_t ix = ix0 + j * s.stride_w;
            panel[j] = ix < W ? x[iy * W + ix] : 0.0f;
          }
          continue;
        }
        for (std::size_t j = 0; j < NR; ++j) {
          const std::size_t iy = oy[j] * s.stride_h + ky * s.dilation_h - s.pad_top;
          const std::size_t ix = ox[j] * s.stride_w + kx * s.dilation_w - s.pad_left;
          panel[j] = (j < np && iy < H && ix < W) ? x[iy * W + ix] : 0.0f;
        }
      }
    }
  }
}

}  // namespace

Status conv_nchw(const float* in, const float* packed, float* out, const ConvShape& s, Activation act) {
  bool empty;
  Status st = detail::check_conv(in, packed, out, s, act, &empty);
  if (st != Status::kOk || empty) return st;

  const std::size_t groups = s.groups, cin_g = s.in_channels / groups, cout_g = s.out_channels / groups;
  const std::size_t taps = s.kernel_h * s.kernel_w, K = cin_g * taps;
  const std::size_t pixels = s.out_h * s.out_w, panels = (pixels + NR - 1) / NR;
  const std::size_t blocks = (cout_g + MR - 1) / MR, block_floats = MR * (K + 1);
  const std::size_t plane = s.in_h * s.in_w;

  const detail::OutputClamp clamp(act);
  const f32x4 lo = clamp.lo, hi = clamp.hi;
  const bool pass = clamp.pass;

  // Per thread: the K x NR panel of gathered inputs.
  thread::ScratchPlan plan;
  const std::size_t panel_at = plan.add<float>(std::uint64_t{K} * NR);
  const std::size_t items = s.batch * groups * panels;
  thread::Chunks work{items, 4, detail::saturated_bytes({NR, K, cout_g, sizeof(float)})};
  thread::ScratchSlots scratch;
  if ((st = scratch.allocate(plan, &work)) != Status::kOk) return st;

  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    float* const panel = scratch.get<float>(slot, panel_at);
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t q = item % panels, g = (item / panels) % groups, n = item / (panels * groups);
      const std::size_t p0 = q * NR, np = std::min(NR, pixels - p0);
      gather_panel(in + (n * s.in_channels + g * cin_g) * plane, s, cin_g, p0, np, panel);
      float* c = out + (n * s.out_channels + g * cout_g) * pixels + p0;
      const float* w = packed + g * blocks * block_floats;
      for (std::size_t b = 0; b < blocks; ++b, w += block_floats) {
        const std::size_t mr = std::min(MR, cout_g - b * MR);
        gemm_tile(mr, np, K, w, panel, c + b * MR * pixels, pixels, lo, hi);
      }
      if (pass)
        for (std::size_t o = 0; o < cout_g; ++o) detail::output_pass(c + o * pixels, np, act);
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::conv
