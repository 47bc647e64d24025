// 3x3 stride-1 convolution by Winograd's F(4x4, 3x3), channels last (and
// channels first through channels-last copies, at the end).
//
// Each 4x4 block of output pixels (a tile) is computed from the 6x6 input
// patch under it: V = B^T d B (input transform, per input channel), then
// 36 independent products M[xi] = V[xi] * U[xi] over the channels, where
// U = G g G^T are the weights transformed once at pack time, then
// y = A^T M A (output transform, per output channel): 36 * Cin * Cout
// multiply-adds per tile instead of 144 * Cin * Cout. The 36 products are
// GEMMs (tiles x Cin) x (Cin x Cout), batched over a block of tiles, with a
// 4 x 8 register tile as in igemm.cc. Points 0, +-1, +-2 and infinity
// (Lavin and Gray; NNPACK, wincnn): the best-conditioned set for F(4, 3);
// the float error is 3e-6 to 1.3e-5 of the output's largest magnitude on
// ResNet/U-Net layers (the direct kernel's: ~1e-6).
//
// Per work item (a run of tiles times a run of 8-channel output blocks,
// detail::split_gemm): the item's tiles are transformed into per-thread
// scratch V[36][tiles][Cin]; then per output block, the 36 GEMMs write
// M[36][tiles][8], which the output transform turns into the block's
// output channels with bias and the clamp applied in registers.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "conv/conv.h"
#include "conv/internal.h"
#include "simd/vec.h"
#include "runtime/heap_array.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::conv {
namespace {

using namespace simd;

constexpr std::size_t NR = 8;     // output channels per block (and register tile)
constexpr std::size_t MR = 4;     // tiles per register tile
constexpr std::size_t kXi = 36;   // transformed positions, 6 x 6
// Transformed inputs of one item's tiles kept per thread: inside L2, so
// every output block re-reads them from cache.
constexpr std::size_t kTransformedInputBytes = 1024 * 1024;
constexpr std::size_t kMaxItemTiles = 32;
// Tile runs per thread below which the threads share one transformed input
// and split the output blocks finely.
constexpr std::size_t kItemsPerThread = 3;

// The 1D transforms, on vectors of 4 channels. in[i * is], out[i * os].
// B^T (6 x 6): rows of  4 0 -5 0 1 0 / 0 -4 -4 1 1 0 / 0 4 -4 -1 1 0 /
// 0 -2 -1 2 1 0 / 0 2 -1 -2 1 0 / 0 4 0 -5 0 1.
__attribute__((always_inline)) inline void input_1d(const f32x4* d, std::size_t is, f32x4* o, std::size_t os) {
  const f32x4 d0 = d[0], d1 = d[is], d2 = d[2 * is], d3 = d[3 * is], d4 = d[4 * is], d5 = d[5 * is];
  const f32x4 four = splat(4.0f), five = splat(5.0f), two = splat(2.0f);
  const f32x4 a = sub(d4, mul(four, d2)), b = sub(d3, mul(four, d1));  // d4 - 4 d2, d3 - 4 d1
  const f32x4 c = sub(d4, d2), e = mul(two, sub(d3, d1));
  o[0] = add(sub(mul(four, d0), mul(five, d2)), d4);
  o[os] = add(a, b);
  o[2 * os] = sub(a, b);
  o[3 * os] = add(c, e);
  o[4 * os] = sub(c, e);
  o[5 * os] = add(sub(mul(four, d1), mul(five, d3)), d5);
}

// A^T (4 x 6): rows of  1 1 1 1 1 0 / 0 1 -1 2 -2 0 / 0 1 1 4 4 0 /
// 0 1 -1 8 -8 1.
__attribute__((always_inline)) inline void output_1d(const f32x4* m, std::size_t is, f32x4* y) {
  const f32x4 m0 = m[0], m1 = m[is], m2 = m[2 * is], m3 = m[3 * is], m4 = m[4 * is], m5 = m[5 * is];
  const f32x4 p12 = add(m1, m2), n12 = sub(m1, m2), p34 = add(m3, m4), n34 = sub(m3, m4);
  y[0] = add(add(m0, p12), p34);
  y[1] = add(n12, mul(splat(2.0f), n34));
  y[2] = add(p12, mul(splat(4.0f), p34));
  y[3] = add(add(n12, mul(splat(8.0f), n34)), m5);
}

// G (6 x 3), in double at pack time, on two output channels at once: rows
// 1/4 0 0 / -1/6 -1/6 -1/6 / -1/6 1/6 -1/6 / 1/24 1/12 1/6 / 1/24 -1/12 1/6 /
// 0 0 1. Each lane rounds as scalar double code would (the same operations
// in the same order), and the result once more to float.
void weight_1d(const f64x2* g, std::size_t is, f64x2* o, std::size_t os) {
  const f64x2 g0 = g[0], g1 = g[is], g2 = g[2 * is];
  const f64x2 six = splatd(6), twelve = splatd(12), twenty_four = splatd(24);
  o[0] = divd(g0, splatd(4));
  o[os] = divd(negd(addd(addd(g0, g1), g2)), six);
  o[2 * os] = divd(negd(addd(subd(g0, g1), g2)), six);
  o[3 * os] = addd(addd(divd(g0, twenty_four), divd(g1, twelve)), divd(g2, six));
  o[4 * os] = addd(subd(divd(g0, twenty_four), divd(g1, twelve)), divd(g2, six));
  o[5 * os] = g2;
}

// c[i][0:8] = sum over k < kc of a[i * a_stride + k] * w[k][0:8], i < 4:
// igemm_tile's register tile (8 accumulators, 2 weight vectors, 4
// broadcasts: 14 registers), without bias or clamp.
void gemm_4x8(const float* a, std::size_t a_stride, const float* w, std::size_t kc, float* c) {
  const float* a0 = a;
  const float* a1 = a + a_stride;
  const float* a2 = a + 2 * a_stride;
  const float* a3 = a + 3 * a_stride;
  f32x4 c00 = zero(), c01 = zero(), c10 = zero(), c11 = zero(), c20 = zero(), c21 = zero(), c30 = zero(),
        c31 = zero();
  NNWASM_NO_UNROLL
  for (std::size_t k = 0; k < kc; ++k, w += NR) {
    const f32x4 b0 = load(w), b1 = load(w + 4);
    const f32x4 x0 = load_splat(a0 + k), x1 = load_splat(a1 + k), x2 = load_splat(a2 + k), x3 = load_splat(a3 + k);
    c00 = add(c00, mul(x0, b0)); c01 = add(c01, mul(x0, b1));
    c10 = add(c10, mul(x1, b0)); c11 = add(c11, mul(x1, b1));
    c20 = add(c20, mul(x2, b0)); c21 = add(c21, mul(x2, b1));
    c30 = add(c30, mul(x3, b0)); c31 = add(c31, mul(x3, b1));
  }
  store(c, c00); store(c + 4, c01);
  store(c + 8, c10); store(c + 12, c11);
  store(c + 16, c20); store(c + 20, c21);
  store(c + 24, c30); store(c + 28, c31);
}

// The output pass of the activations that are not clamps, out of line: it
// runs once per stored vector, and inlined it would double the kernel's size.
__attribute__((noinline)) void activate_outputs(float* o, std::size_t n, Activation act) {
  detail::output_pass(o, n, act);
}

std::size_t blocks_of(const ConvShape& s) { return (s.out_channels + NR - 1) / NR; }

// The run length, in groups and at most `most`, whose runs spread `groups`
// most evenly over `threads` threads taking them in turn: 49 groups in runs
// of 7 give one of 2 threads 4 runs and the other 3 (1.75x at best); runs
// of 6 split them 25 / 24.
std::size_t balanced_run(std::size_t groups, std::size_t most, std::size_t threads) {
  std::size_t best = most, best_load = SIZE_MAX;
  for (std::size_t len = most; len >= 1 && len * 2 >= most; --len) {
    const std::size_t runs = (groups + len - 1) / len;
    std::size_t load = 0;  // the busiest thread's groups
    for (std::size_t t = 0; t < threads; ++t) {
      std::size_t mine = 0;
      for (std::size_t r = t; r < runs; r += threads) mine += std::min(len, groups - r * len);
      load = std::max(load, mine);
    }
    if (load < best_load) best = len, best_load = load;
  }
  return best;
}

}  // namespace

namespace detail {

bool winograd_applies(const ConvShape& s) {
  return s.kernel_h == 3 && s.kernel_w == 3 && s.stride_h == 1 && s.stride_w == 1 && s.dilation_h == 1 &&
         s.dilation_w == 1 && s.groups == 1;
}

Status winograd_packed_size(const ConvShape& s, std::size_t* floats) {
  if (!winograd_applies(s)) return Status::kInvalidArgument;
  const std::size_t blocks = blocks_of(s);
  std::size_t gemm;
  if (!checked_product(&gemm, {kXi, blocks, NR, s.in_channels}) || gemm > SIZE_MAX - blocks * NR)
    return Status::kSizeOverflow;
  *floats = blocks * NR + gemm;
  return Status::kOk;
}

// Layout: bias (blocks * 8, zero-padded), then per block of 8 output
// channels, per transformed position xi, Cin rows of 8 transformed weights:
// a block's 36 GEMMs read one contiguous stream. Four output channels go
// through the transform at once (two f64x2 halves), and each xi's four
// values are one vector store.
void winograd_pack(const float* weights, WeightLayout layout, const float* bias, const ConvShape& s, float* packed,
                   const float* out_scale) {
  const std::size_t cin = s.in_channels, cout = s.out_channels, blocks = blocks_of(s);
  for (std::size_t o = 0; o < blocks * NR; ++o) packed[o] = (o < cout && bias != nullptr) ? bias[o] : 0.0f;
  float* const gemm = packed + blocks * NR;
  for (std::size_t b = 0; b < blocks; ++b)
    for (std::size_t i = 0; i < cin; ++i)
      for (std::size_t o0 = b * NR; o0 < b * NR + NR; o0 += 4) {
        float taps[9][4];  // g for output channels o0..o0+3 (zeros past cout)
        NNWASM_NO_UNROLL
        for (std::size_t lane = 0; lane < 4; ++lane) {
          const std::size_t o = o0 + lane;
          for (std::size_t tap = 0; tap < 9; ++tap) {
            float w = 0.0f;
            if (o < cout) {
              w = layout == WeightLayout::kOihw ? weights[(o * cin + i) * 9 + tap] : weights[(tap * cin + i) * cout + o];
              // Scaled in float, as a weight multiplied beforehand would be.
              if (out_scale != nullptr) w *= out_scale[o];
            }
            taps[tap][lane] = w;
          }
        }
        f64x2 u[2][kXi];  // lanes 0-1 and 2-3
        for (std::size_t half = 0; half < 2; ++half) {
          f64x2 g[9], t[18];
          for (std::size_t tap = 0; tap < 9; ++tap) {
            const f32x4 v = load(taps[tap]);
            g[tap] = half == 0 ? widen_low(v) : widen_high(v);
          }
          NNWASM_NO_UNROLL
          for (std::size_t kx = 0; kx < 3; ++kx) weight_1d(g + kx, 3, t + kx, 3);  // t[6][3] = G g
          NNWASM_NO_UNROLL
          for (std::size_t a = 0; a < 6; ++a) weight_1d(t + a * 3, 1, u[half] + a * 6, 1);  // u[6][6] = t G^T
        }
        float* const dst = gemm + (b * kXi * cin + i) * NR + (o0 - b * NR);
        const std::size_t live = o0 >= cout ? 0 : std::min<std::size_t>(4, cout - o0);
        NNWASM_NO_UNROLL
        for (std::size_t xi = 0; xi < kXi; ++xi) {
          float* const row = dst + xi * cin * NR;
          store(row, narrow(u[0][xi], u[1][xi]));
          // Lanes past cout stay +0 (the transform of zeros gives -0 in some).
          for (std::size_t lane = live; lane < 4; ++lane) row[lane] = 0.0f;
        }
      }
}

}  // namespace detail

Status conv_nhwc_winograd(const float* in, const float* packed, float* out, const ConvShape& s, Activation act) {
  bool empty;
  Status st = detail::check_conv(in, packed, out, s, act, &empty);
  if (st != Status::kOk || empty) return st;
  if (!detail::winograd_applies(s)) return Status::kInvalidArgument;

  const std::size_t cin = s.in_channels, cout = s.out_channels, blocks = blocks_of(s);
  const std::size_t cs = (cin + 3) / 4 * 4;  // channels per transformed row, whole vectors
  const std::size_t tiles_w = (s.out_w + 3) / 4, tiles_h = (s.out_h + 3) / 4, image_tiles = tiles_h * tiles_w;
  const std::size_t tiles = s.batch * image_tiles;
  const std::size_t budget = kTransformedInputBytes / (kXi * cs * sizeof(float)) / MR * MR;
  const std::size_t most_run_tiles =
      std::min(std::min(kMaxItemTiles, std::max(MR, budget)), (tiles + MR - 1) / MR * MR);

  const detail::OutputClamp clamp(act);
  const f32x4 lo = clamp.lo, hi = clamp.hi;
  const float* bias = packed;
  const float* gemm_weights = packed + blocks * NR;

  HeapArray<float> zero_row;  // what padding taps read
  if ((st = zero_row.allocate(cs)) != Status::kOk) return st;
  std::fill(zero_row.begin(), zero_row.end(), 0.0f);
  // Work items: runs of MR-tile groups (GemmSplit's rows) times runs of
  // output blocks. With tile runs enough for every thread, an item
  // transforms its own tiles into per-thread scratch and runs all blocks.
  // With fewer (ResNet's 28x28 and below), every tile is transformed once
  // into V shared by all threads, and split_gemm's finer (run, block slice)
  // items read it: giving each block slice its own transforms repeats them
  // (at 56x56x64, 3 slices per run cost a third of the single-thread time),
  // and a few coarse slices leave a thread idle at the end.
  const std::size_t groups = (tiles + MR - 1) / MR;
  const std::size_t threads = static_cast<std::size_t>(thread::num_threads());
  std::size_t chunk_groups = most_run_tiles / MR;
  const bool shared = threads > 1 && blocks > 1 && (groups + chunk_groups - 1) / chunk_groups < threads * kItemsPerThread;
  if (threads > 1 && !shared) chunk_groups = balanced_run(groups, chunk_groups, threads);
  const std::size_t item_tiles = chunk_groups * MR;
  const detail::GemmSplit gsplit = detail::split_gemm(groups, chunk_groups, blocks, shared ? static_cast<int>(threads) : 1);
  const std::size_t run_floats = kXi * item_tiles * cs;  // V of one tile run
  thread::ScratchPlan plan;
  const std::size_t v_at = shared ? 0 : plan.add<float>(run_floats);
  const std::size_t m_at = plan.add<float>(std::uint64_t{kXi} * item_tiles * NR);
  thread::Chunks work{gsplit.items(), 1,
                      detail::saturated_bytes({item_tiles, kXi, cs, cout, sizeof(float)}) / gsplit.col_slices};
  thread::ScratchSlots scratch, shared_v;
  if ((st = scratch.allocate(plan, &work)) != Status::kOk) return st;
  if (shared) {
    thread::ScratchPlan v_plan;
    v_plan.add<float>(std::uint64_t{run_floats} * gsplit.row_chunks);
    if ((st = shared_v.allocate(v_plan, 1)) != Status::kOk) return st;
  }

  // Rows [r0, r1) of the tile run that starts at tile t0 and is `rows` long,
  // channels [c0, c1) (whole vectors), into its V[36][rows][cs].
  const auto transform_inputs = [&](float* v, std::size_t t0, std::size_t r0, std::size_t r1, std::size_t rows,
                                    std::size_t c0, std::size_t c1) {
    const float* ptr[kXi];
    f32x4 u[kXi];
    const std::size_t xi_stride = rows * cs;  // V[xi][r][c]
    for (std::size_t r = r0; r < r1; ++r) {
      const std::size_t t = t0 + r;
      const std::size_t n = t / image_tiles, ty = t % image_tiles / tiles_w, tx = t % tiles_w;
      const float* image = in + n * s.in_h * s.in_w * cin;
      for (std::size_t i = 0; i < 6; ++i) {
        // Unsigned wrap-around makes "before the start" compare as too big.
        const std::size_t iy = ty * 4 + i - s.pad_top;
        for (std::size_t j = 0; j < 6; ++j) {
          const std::size_t ix = tx * 4 + j - s.pad_left;
          const bool inside = t < tiles && iy < s.in_h && ix < s.in_w;
          ptr[i * 6 + j] = inside ? image + (iy * s.in_w + ix) * cin : zero_row.data();
        }
      }
      // Lanes past cin (the last vector) read at most 12 bytes past a pixel
      // and land in V's padding columns, which the GEMMs never read.
      for (std::size_t c = c0; c < c1; c += 4) {
        NNWASM_NO_UNROLL
        for (std::size_t i = 0; i < 6; ++i) {  // along x, straight from the input
          const float* const* p = ptr + i * 6;
          const f32x4 d[6] = {load(p[0] + c), load(p[1] + c), load(p[2] + c),
                              load(p[3] + c), load(p[4] + c), load(p[5] + c)};
          input_1d(d, 1, u + i * 6, 1);
        }
        float* const vr = v + r * cs + c;
        NNWASM_NO_UNROLL
        for (std::size_t j = 0; j < 6; ++j) {  // along y, straight into V
          f32x4 o[6];
          input_1d(u + j, 6, o, 1);
          for (std::size_t a = 0; a < 6; ++a) store(vr + (a * 6 + j) * xi_stride, o[a]);
        }
      }
    }
  };

  // The 4x4 outputs of tile t0 + r for output block b from M[36][rows][8].
  const auto transform_outputs = [&](const float* m, std::size_t t0, std::size_t r, std::size_t rows,
                                     std::size_t b) {
    const std::size_t t = t0 + r;
    const std::size_t n = t / image_tiles, ty = t % image_tiles / tiles_w, tx = t % tiles_w;
    const std::size_t oh = std::min<std::size_t>(4, s.out_h - ty * 4), ow = std::min<std::size_t>(4, s.out_w - tx * 4);
    const std::size_t xi_stride = rows * NR;  // M[xi][r][8]
    f32x4 z[24], y[4];
    for (std::size_t half = 0; half < NR; half += 4) {
      const std::size_t c0 = b * NR + half;
      if (c0 >= cout) break;
      const std::size_t nc = std::min<std::size_t>(4, cout - c0);
      const float* const mr = m + r * NR + half;
      NNWASM_NO_UNROLL
      for (std::size_t a = 0; a < 6; ++a) {  // along x: z[6][4]
        const float* const row = mr + a * 6 * xi_stride;
        const f32x4 mv[6] = {load(row), load(row + xi_stride), load(row + 2 * xi_stride),
                             load(row + 3 * xi_stride), load(row + 4 * xi_stride), load(row + 5 * xi_stride)};
        output_1d(mv, 1, z + a * 4);
      }
      const f32x4 bv = load(bias + c0);
      float* const o0 = out + ((n * s.out_h + ty * 4) * s.out_w + tx * 4) * cout + c0;
      NNWASM_NO_UNROLL
      for (std::size_t q = 0; q < ow; ++q) {
        output_1d(z + q, 4, y);  // along y
        for (std::size_t p = 0; p < oh; ++p) {
          float* o = o0 + (p * s.out_w + q) * cout;
          const f32x4 v = pmin(pmax(add(y[p], bv), lo), hi);  // sum first: NaN kept
          if (nc == 4) store(o, v); else store_first(o, v, nc);
          if (clamp.pass) activate_outputs(o, nc, act);
        }
      }
    }
  };

  // Rows of tile run `run`: tiles >= `tiles` are zeros.
  const auto run_rows = [&](std::size_t run) {
    return (std::min(groups, (run + 1) * chunk_groups) - run * chunk_groups) * MR;
  };
  if (shared) {
    // Every tile's V once, by groups of MR tiles, and by channel slices
    // where the groups are fewer than 4 per thread (ResNet's 7x7 has one).
    float* const v_all = shared_v.get<float>(0, 0);
    const std::size_t vectors = cs / 4;
    const std::size_t slices = std::min(vectors, (threads * 4 + groups - 1) / groups);
    const std::size_t slice_vectors = (vectors + slices - 1) / slices;
    const std::size_t cslices = (vectors + slice_vectors - 1) / slice_vectors;
    thread::parallel_for(groups * cslices, MR * kXi * slice_vectors * 4 * 2 * sizeof(float),
                         [&](std::size_t begin, std::size_t end) {
      for (std::size_t item = begin; item < end; ++item) {
        const std::size_t g = item / cslices, c0 = item % cslices * slice_vectors * 4;
        const std::size_t run = g / chunk_groups, r0 = (g % chunk_groups) * MR;
        transform_inputs(v_all + run * run_floats, run * item_tiles, r0, r0 + MR, run_rows(run), c0,
                         std::min(cs, c0 + slice_vectors * 4));
      }
    });
  }
  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    float* const m = scratch.get<float>(slot, m_at);
    for (std::size_t item = begin; item < end; ++item) {
      const detail::GemmPart part = gsplit.part(item);
      const std::size_t run = part.tile_begin / chunk_groups;
      const std::size_t t0 = part.tile_begin * MR, t1 = std::min(tiles, part.tile_end * MR);
      const std::size_t rows = run_rows(run);
      float* v;
      if (shared) {
        v = shared_v.get<float>(0, 0) + run * run_floats;
      } else {
        v = scratch.get<float>(slot, v_at);
        transform_inputs(v, t0, 0, rows, rows, 0, cs);
      }
      for (std::size_t b = part.block_begin; b < part.block_end; ++b) {
        for (std::size_t k = 0; k < kXi; ++k) {
          const float* w = gemm_weights + (b * kXi + k) * cin * NR;
          for (std::size_t r = 0; r < rows; r += MR)
            gemm_4x8(v + (k * rows + r) * cs, cs, w, cin, m + (k * rows + r) * NR);
        }
        for (std::size_t r = 0; r < t1 - t0; ++r) transform_outputs(m, t0, r, rows, b);
      }
    }
  });
  return Status::kOk;
}

// Channels first: the input transposed to channels last, the kernel above,
// the output transposed back. The transposes move each activation once
// (memory-bound, a few percent of the convolution's time) and keep one
// kernel for both layouts.
namespace {

// dst[n][j][i] = src[n][i][j] for i < rows, j < cols, in 32 x 32 blocks
// (both sides touch whole cache lines), split over threads by row blocks.
void transpose_batches(const float* src, float* dst, std::size_t batch, std::size_t rows, std::size_t cols) {
  constexpr std::size_t B = 32;
  const std::size_t row_blocks = (rows + B - 1) / B;
  thread::parallel_for(batch * row_blocks, B * cols * 2 * sizeof(float), [&](std::size_t begin, std::size_t end) {
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t n = item / row_blocks, i0 = item % row_blocks * B, i1 = std::min(rows, i0 + B);
      const float* a = src + n * rows * cols;
      float* b = dst + n * rows * cols;
      for (std::size_t j0 = 0; j0 < cols; j0 += B) {
        const std::size_t j1 = std::min(cols, j0 + B);
        for (std::size_t i = i0; i < i1; ++i)
          for (std::size_t j = j0; j < j1; ++j) b[j * rows + i] = a[i * cols + j];
      }
    }
  });
}

}  // namespace

Status conv_nchw_winograd(const float* in, const float* packed, float* out, const ConvShape& s, Activation act) {
  bool empty;
  Status st = detail::check_conv(in, packed, out, s, act, &empty);
  if (st != Status::kOk || empty) return st;
  if (!detail::winograd_applies(s)) return Status::kInvalidArgument;
  const std::size_t in_hw = s.in_h * s.in_w, out_hw = s.out_h * s.out_w;
  HeapArray<float> x, y;
  // + 4: the kernel may read a vector's tail past the last pixel.
  if ((st = x.allocate(s.batch * in_hw * s.in_channels + 4)) != Status::kOk) return st;
  if ((st = y.allocate(s.batch * out_hw * s.out_channels)) != Status::kOk) return st;
  transpose_batches(in, x.data(), s.batch, s.in_channels, in_hw);
  if ((st = conv_nhwc_winograd(x.data(), packed, y.data(), s, act)) != Status::kOk) return st;
  transpose_batches(y.data(), out, s.batch, out_hw, s.out_channels);
  return Status::kOk;
}

}  // namespace nnwasm::conv
