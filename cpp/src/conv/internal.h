// Helpers shared by the convolution kernel files: argument checks and the
// activation output pass. (Threads and per-thread scratch: thread/.)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>

#include "activation/activation.h"
#include "conv/conv.h"
#include "simd/vec.h"

// Keeps a loop rolled: the GEMM micro-kernels' K loops, where two steps per
// iteration would need 4 more registers than V8 gives (spills). GCC (the
// native test build) has no such pragma.
#if defined(__clang__)
#define NNWASM_NO_UNROLL _Pragma("clang loop unroll(disable)")
#else
#define NNWASM_NO_UNROLL
#endif

namespace nnwasm::conv::detail {

// Sizes must be positive (batch may be 0), channels divisible by groups, and
// every element count must fit in memory.
inline Status check_shape(const ConvShape& s) {
  if (s.groups == 0 || s.in_channels == 0 || s.out_channels == 0 || s.in_h == 0 || s.in_w == 0 ||
      s.out_h == 0 || s.out_w == 0 || s.kernel_h == 0 || s.kernel_w == 0 || s.stride_h == 0 ||
      s.stride_w == 0 || s.dilation_h == 0 || s.dilation_w == 0)
    return Status::kInvalidArgument;
  if (s.in_channels % s.groups != 0 || s.out_channels % s.groups != 0) return Status::kInvalidArgument;
  std::size_t n;
  if (!checked_product(&n, {s.batch, s.in_channels, s.in_h, s.in_w}) ||
      !checked_product(&n, {s.batch, s.out_channels, s.out_h, s.out_w}) ||
      !checked_product(&n, {s.out_channels, s.in_channels, s.kernel_h, s.kernel_w}) ||
      !checked_product(&n, {s.stride_h, s.out_h + s.dilation_h * s.kernel_h + s.pad_top}) ||
      !checked_product(&n, {s.stride_w, s.out_w + s.dilation_w * s.kernel_w + s.pad_left}))
    return Status::kSizeOverflow;
  return Status::kOk;
}

// A work estimate in bytes for thread::Chunks (how finely to split), as a
// product that saturates instead of wrapping on wasm32's 32-bit size_t.
inline std::size_t saturated_bytes(std::initializer_list<std::size_t> factors) {
  std::uint64_t p = 1;
  for (std::size_t f : factors) {
    if (f != 0 && p > std::numeric_limits<std::size_t>::max() / f) return std::numeric_limits<std::size_t>::max();
    p *= f;
  }
  return static_cast<std::size_t>(p);
}

// A GEMM's output split into work items for thread::parallel_for_slots:
// each item is a run of row tiles times a run of column blocks. Rows first;
// columns are split too only when the row runs are too few to keep every
// thread busy: a 7x7 layer has 13 tiles of 4 pixels, 2 runs of 8 tiles,
// which two threads share 8 : 5 (and the last 1x1 of MobileNet has 160
// column blocks to share instead). Splitting columns re-reads a tile's
// inputs once per slice, not the weights, which are the larger operand in
// such layers. Every output element belongs to exactly one item and is
// computed with the same code whatever the split, so results do not depend
// on the thread count.
struct GemmPart {
  std::size_t tile_begin, tile_end, block_begin, block_end;
};

struct GemmSplit {
  std::size_t tiles = 0, row_chunk = 1, row_chunks = 0;
  std::size_t blocks = 0, col_slice = 1, col_slices = 1;
  std::size_t items() const { return row_chunks * col_slices; }
  // Item i: row run i / col_slices, column slice i % col_slices (the slices
  // of one row run follow each other, so its inputs stay in cache).
  GemmPart part(std::size_t item) const {
    const std::size_t r = item / col_slices, c = item % col_slices;
    const std::size_t t0 = r * row_chunk, b0 = c * col_slice;
    return {t0, std::min(tiles, t0 + row_chunk), b0, std::min(blocks, b0 + col_slice)};
  }
};

// Items per thread a split aims at: enough for the shared counter to even
// out a thread slowed by another process, few enough to keep per-item setup
// (indirection, a pass over a weight slice) small.
constexpr std::size_t kGemmItemsPerThread = 8;

inline GemmSplit split_gemm(std::size_t tiles, std::size_t row_chunk, std::size_t blocks, int threads) {
  GemmSplit sp;
  sp.tiles = tiles;
  sp.blocks = blocks;
  sp.row_chunk = row_chunk < 1 ? 1 : row_chunk;
  sp.row_chunks = tiles == 0 ? 0 : (tiles - 1) / sp.row_chunk + 1;
  sp.col_slice = blocks < 1 ? 1 : blocks;
  sp.col_slices = 1;
  if (threads <= 1 || sp.row_chunks == 0 || blocks <= 1) return sp;
  const std::size_t target = static_cast<std::size_t>(threads) * kGemmItemsPerThread;
  if (sp.row_chunks >= target) return sp;
  const std::size_t want = std::min(blocks, (target + sp.row_chunks - 1) / sp.row_chunks);
  sp.col_slice = (blocks + want - 1) / want;
  sp.col_slices = (blocks + sp.col_slice - 1) / sp.col_slice;
  return sp;
}

inline bool valid_activation(Activation a) {
  return static_cast<int>(a) >= 0 && static_cast<int>(a) < static_cast<int>(Activation::kCount);
}

// The checks of every convolution entry point: shape, activation, and the
// three buffers unless the batch is empty (*empty: nothing to do).
inline Status check_conv(const float* in, const float* weights, const float* out, const ConvShape& s,
                         Activation act, bool* empty) {
  const Status st = check_shape(s);
  if (st != Status::kOk) return st;
  if (!valid_activation(act)) return Status::kInvalidArgument;
  *empty = s.batch == 0;
  if (!*empty && (in == nullptr || weights == nullptr || out == nullptr)) return Status::kNullPointer;
  return Status::kOk;
}

// The clamp the micro-kernels apply in registers: [lo, hi] for linear, relu
// and relu6; the identity clamp for the others (their pass comes after).
inline void clamp_bounds(Activation a, float* lo, float* hi) {
  *lo = -std::numeric_limits<float>::infinity();
  *hi = std::numeric_limits<float>::infinity();
  if (a == Activation::kRelu || a == Activation::kRelu6) *lo = 0.0f;
  if (a == Activation::kRelu6) *hi = 6.0f;
}

inline bool needs_output_pass(Activation a) {
  return a != Activation::kLinear && a != Activation::kRelu && a != Activation::kRelu6;
}

// What the micro-kernels apply to their results: the clamp in registers,
// and whether an output pass follows.
struct OutputClamp {
  simd::f32x4 lo, hi;
  bool pass;
  explicit OutputClamp(Activation a) : pass(needs_output_pass(a)) {
    float l, h;
    clamp_bounds(a, &l, &h);
    lo = simd::splat(l);
    hi = simd::splat(h);
  }
};

// The elementwise kernel's kind and parameters for a Keras activation
// (ELU's alpha 1, softplus without PyTorch's threshold), so a fused output
// pass runs the same SIMD lanes as the Activation layer.
inline activation::Kind activation_kind(Activation a, activation::Params* p) {
  *p = activation::Params{};
  switch (a) {
    case Activation::kRelu: return activation::Kind::kRelu;
    case Activation::kRelu6: return activation::Kind::kRelu6;
    case Activation::kSigmoid: return activation::Kind::kSigmoid;
    case Activation::kTanh: return activation::Kind::kTanh;
    case Activation::kElu: p->a = 1.0f; return activation::Kind::kElu;
    case Activation::kSelu: return activation::Kind::kSelu;
    case Activation::kGelu: return activation::Kind::kGelu;
    case Activation::kSilu: return activation::Kind::kSilu;
    case Activation::kSoftplus:
      p->a = 1.0f;
      p->b = std::numeric_limits<float>::infinity();
      return activation::Kind::kSoftplus;
    case Activation::kSoftsign: return activation::Kind::kSoftsign;
    case Activation::kHardSigmoid: return activation::Kind::kHardsigmoid;
    default: return activation::Kind::kLinear;
  }
}

// Stores rows i < mr of a 4 x 8 tile of results (two vectors a row), the
// first nc <= 8 columns of each, rows c_stride floats apart: the store of
// both GEMM micro-kernels. Inlined, so the tile stays in registers.
__attribute__((always_inline)) inline void store_tile_4x8(const simd::f32x4 (&tile)[4][2], std::size_t mr,
                                                          std::size_t nc, float* c, std::size_t c_stride) {
  if (nc == 8) {
    for (std::size_t i = 0; i < 4; ++i) {
      if (i >= mr) break;
      simd::store(c + i * c_stride, tile[i][0]);
      simd::store(c + i * c_stride + 4, tile[i][1]);
    }
    return;
  }
  // Column tail (the last block of a group's channels): through a small
  // buffer.
  float row[8];
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= mr) break;
    simd::store(row, tile[i][0]);
    simd::store(row + 4, tile[i][1]);
    std::memcpy(c + i * c_stride, row, nc * sizeof(float));
  }
}

// x = act(x) over n floats on this thread (a finished output tile).
inline void output_pass(float* x, std::size_t n, Activation a) {
  activation::Params p;
  const activation::Kind k = activation_kind(a, &p);
  activation::apply_serial(x, x, n, k, p);
}

// The Winograd kernel's shapes (3x3, stride 1, dilation 1, groups 1) and
// its packing (winograd.cc), reached through pack.cc's entry points.
bool winograd_applies(const ConvShape& s);
Status winograd_packed_size(const ConvShape& s, std::size_t* floats);
void winograd_pack(const float* weights, WeightLayout layout, const float* bias, const ConvShape& s, float* packed,
                   const float* out_scale);

}  // namespace nnwasm::conv::detail
