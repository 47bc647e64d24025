// Channels-last direct convolution for 1-4 input channels.
//
// With so few channels an input row's pixels are one short contiguous run
// of floats, and a kernel row's taps (kw pixels x cin channels) are kw*cin
// adjacent floats, the same order as the packed weights' K (tap * cin + c).
// So a tile of 4 output pixels along a row reads each kernel row through ONE
// pointer per pixel, 4 pixels stride*cin floats apart, and walks kw*cin
// steps in one loop: no indirection table (which the IGEMM rebuilds per tile
// of 4 pixels, 4 * taps pointers, more work than the tile's few multiplies
// when cin is 3) and no loop per tap over 3 channels.
//
// Rows above or below the input read a zero row; the few output pixels whose
// window crosses the left or right edge read a per-thread patch of their
// window with zeros in it. Both multiply zeros like the IGEMM's zero row, so
// the sums are the IGEMM's, term for term in the same order.
//
// Work items are segments of an output row (so a 1D signal, one long row,
// still splits over threads); within one, each block of 8 output channels
// runs over the segment's pixels while its packed weights stay in L1.
// Registers: 4 pixels x 8 channels = 8 accumulators, 2 weight vectors and 4
// broadcast inputs, the IGEMM's 14 (V8 gives 15).
#include "conv/conv_small_cin.h"

#include <algorithm>
#include <cstdint>

#include "conv/internal.h"
#include "runtime/heap_array.h"
#include "simd/vec.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::conv {
namespace {

using namespace simd;

constexpr std::size_t MR = 4;        // output pixels per tile
constexpr std::size_t NR = kNhwcNr;  // output channels per tile: the packed block width
constexpr std::size_t kMaxCin = 4;
// Output pixels per work item, about (rounded to whole tiles).
constexpr std::size_t kSegmentPixels = 64;

// c[i][0:nc] = clamp(bias + sum over ky < kh, k < kwc of rows[ky][x0 + i*step + k] * w[ky*kwc + k][:])
// for pixels i < np (1..4). Pixels past np alias the last one and are not
// stored, so the loop never branches on np.
void row_tile(std::size_t np, std::size_t nc, const float* const* rows, std::size_t kh, std::size_t x0,
              std::size_t step, std::size_t kwc, const float* w, float* c, std::size_t c_stride, f32x4 lo,
              f32x4 hi) {
  f32x4 c00 = load(w), c01 = load(w + 4);
  f32x4 c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
  w += NR;
  const std::size_t d1 = (np > 1 ? 1 : 0) * step;
  const std::size_t d2 = (np > 2 ? 2 : np - 1) * step;
  const std::size_t d3 = (np - 1) * step;

  for (std::size_t ky = 0; ky < kh; ++ky) {
    const float* a0 = rows[ky] + x0;
    const float* a1 = a0 + d1;
    const float* a2 = a0 + d2;
    const float* a3 = a0 + d3;
    NNWASM_NO_UNROLL
    for (std::size_t k = 0; k < kwc; ++k) {
      const f32x4 b0 = load(w), b1 = load(w + 4);
      w += NR;
      const f32x4 x0v = load_splat(a0 + k), x1 = load_splat(a1 + k), x2 = load_splat(a2 + k), x3 = load_splat(a3 + k);
      c00 = add(c00, mul(x0v, b0)); c01 = add(c01, mul(x0v, b1));
      c10 = add(c10, mul(x1, b0)); c11 = add(c11, mul(x1, b1));
      c20 = add(c20, mul(x2, b0)); c21 = add(c21, mul(x2, b1));
      c30 = add(c30, mul(x3, b0)); c31 = add(c31, mul(x3, b1));
    }
  }

  // pmax/pmin with the sum first: one instruction each (f32x4.max/min are
  // about eight on x86), a NaN sum kept, as in the IGEMM.
  const f32x4 tile[MR][2] = {
      {pmin(pmax(c00, lo), hi), pmin(pmax(c01, lo), hi)},
      {pmin(pmax(c10, lo), hi), pmin(pmax(c11, lo), hi)},
      {pmin(pmax(c20, lo), hi), pmin(pmax(c21, lo), hi)},
      {pmin(pmax(c30, lo), hi), pmin(pmax(c31, lo), hi)},
  };
  detail::store_tile_4x8(tile, np, nc, c, c_stride);
}

static_assert(MR == 4 && NR == 8, "row_tile's body is written out for 4x8 tiles");

}  // namespace

bool small_cin_applies(const ConvShape& s) {
  return s.groups == 1 && s.in_channels <= kMaxCin && s.dilation_w == 1;
}

Status conv_nhwc_small_cin(const float* in, const float* packed, float* out, const ConvShape& s, Activation act) {
  bool empty;
  Status st = detail::check_conv(in, packed, out, s, act, &empty);
  if (st != Status::kOk || empty) return st;
  if (!small_cin_applies(s)) return Status::kInvalidArgument;

  const std::size_t cin = s.in_channels, cout = s.out_channels;
  const std::size_t kh = s.kernel_h, kw = s.kernel_w, kwc = kw * cin;
  const std::size_t sh = s.stride_h, sw = s.stride_w, dh = s.dilation_h;
  const std::size_t row_floats = s.in_w * cin;
  const std::size_t blocks = (cout + NR - 1) / NR;
  const std::size_t block_floats = NR * (kh * kwc + 1);

  // Output pixels whose window lies inside the input row: [ox_lo, ox_hi).
  const std::size_t ox_lo = std::min(s.out_w, (s.pad_left + sw - 1) / sw);
  std::size_t ox_hi = s.in_w + s.pad_left >= kw ? std::min(s.out_w, (s.in_w + s.pad_left - kw) / sw + 1) : 0;
  ox_hi = std::max(ox_hi, ox_lo);

  const detail::OutputClamp clamp(act);
  const f32x4 lo = clamp.lo, hi = clamp.hi;

  // The zero row, only when some kernel row falls above or below the input.
  HeapArray<float> zero;
  const bool rows_outside = s.pad_top > 0 || (s.out_h - 1) * sh + (kh - 1) * dh >= s.in_h + s.pad_top;
  if (rows_outside) {
    if ((st = zero.allocate(row_floats)) != Status::kOk) return st;
    std::fill(zero.begin(), zero.end(), 0.0f);
  }

  // Per thread: the kernel rows' pointers, and an edge pixel's window.
  thread::ScratchPlan plan;
  const std::size_t rows_at = plan.add<const float*>(2 * std::uint64_t{kh});
  const std::size_t patch_at = plan.add<float>(std::uint64_t{kh} * kwc);
  const std::size_t segments0 = (s.out_w + kSegmentPixels - 1) / kSegmentPixels;
  const std::size_t segment_w = ((s.out_w + segments0 - 1) / segments0 + MR - 1) / MR * MR;
  const std::size_t segments = (s.out_w + segment_w - 1) / segment_w;
  const std::size_t out_rows = s.batch * s.out_h;
  std::size_t items;
  if (!checked_product(&items, {out_rows, segments})) return Status::kSizeOverflow;
  thread::Chunks work{items, 1, detail::saturated_bytes({segment_w, kh, kwc, cout, sizeof(float)})};
  thread::ScratchSlots scratch;
  if ((st = scratch.allocate(plan, &work)) != Status::kOk) return st;

  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    const float** const rows = scratch.get<const float*>(slot, rows_at);
    const float** const patch_rows = rows + kh;
    float* const patch = scratch.get<float>(slot, patch_at);
    for (std::size_t ky = 0; ky < kh; ++ky) patch_rows[ky] = patch + ky * kwc;

    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t r = item / segments, seg = item % segments;
      const std::size_t n = r / s.out_h, oy = r % s.out_h;
      const std::size_t p0 = seg * segment_w, p1 = std::min(s.out_w, p0 + segment_w);
      const float* const image = in + n * s.in_h * row_floats;
      for (std::size_t ky = 0; ky < kh; ++ky) {
        // Unsigned wrap-around makes "above the input" compare as too big.
        const std::size_t iy = oy * sh + ky * dh - s.pad_top;
        rows[ky] = iy < s.in_h ? image + iy * row_floats : zero.data();
      }
      float* const out_row = out + r * s.out_w * cout;

      // The inside run of the segment, block by block.
      const std::size_t a = std::max(p0, ox_lo), b = std::min(p1, ox_hi);
      if (a < b) {
        const float* w = packed;
        for (std::size_t blk = 0; blk < blocks; ++blk, w += block_floats) {
          const std::size_t nc = std::min(NR, cout - blk * NR);
          for (std::size_t ox = a; ox < b; ox += MR) {
            row_tile(std::min(MR, b - ox), nc, rows, kh, (ox * sw - s.pad_left) * cin, sw * cin, kwc, w,
                     out_row + ox * cout + blk * NR, cout, lo, hi);
          }
        }
      }
      // Edge pixels, one at a time through a zero-padded copy of the window.
      for (std::size_t ox = p0; ox < p1; ++ox) {
        if (ox >= a && ox < b) continue;
        for (std::size_t ky = 0; ky < kh; ++ky) {
          const float* src = rows[ky];
          for (std::size_t kx = 0; kx < kw; ++kx) {
            const std::size_t ix = ox * sw + kx - s.pad_left;
            for (std::size_t c = 0; c < cin; ++c)
              patch[ky * kwc + kx * cin + c] = ix < s.in_w ? src[ix * cin + c] : 0.0f;
          }
        }
        const float* w = packed;
        for (std::size_t blk = 0; blk < blocks; ++blk, w += block_floats) {
          row_tile(1, std::min(NR, cout - blk * NR), patch_rows, kh, 0, 0, kwc, w,
                   out_row + ox * cout + blk * NR, cout, lo, hi);
        }
      }
      if (clamp.pass) detail::output_pass(out_row + p0 * cout, (p1 - p0) * cout, act);
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::conv
