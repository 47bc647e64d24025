// How the channels-last GEMM splits its output among threads
// (conv/internal.h split_gemm): every (row tile, column block) in exactly
// one work item, for many shapes and thread counts 1-8; small layers split
// into enough items for every thread; and the kernel on layers small enough
// that their columns get split, against the reference, at 1 to 4 threads.
#include <gtest/gtest.h>

#include <vector>

#include "conv/conv.h"
#include "conv/internal.h"
#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using conv::Activation;
using conv::ConvShape;
using conv::detail::GemmPart;
using conv::detail::GemmSplit;
using conv::detail::split_gemm;

TEST(GemmSplit, EveryTileAndBlockInExactlyOneItem) {
  for (int threads = 1; threads <= 8; ++threads)
    for (std::size_t tiles : {1, 2, 3, 7, 8, 9, 13, 16, 17, 49, 63, 64, 65, 196, 785})
      for (std::size_t row_chunk : {1, 3, 8})
        for (std::size_t blocks : {1, 2, 5, 8, 12, 18, 40, 120, 160}) {
          const GemmSplit sp = split_gemm(tiles, row_chunk, blocks, threads);
          std::vector<int> seen(tiles * blocks, 0);
          for (std::size_t item = 0; item < sp.items(); ++item) {
            const GemmPart p = sp.part(item);
            ASSERT_LT(p.tile_begin, p.tile_end) << "empty item " << item;
            ASSERT_LE(p.tile_end, tiles);
            ASSERT_LT(p.block_begin, p.block_end) << "empty item " << item;
            ASSERT_LE(p.block_end, blocks);
            for (std::size_t t = p.tile_begin; t < p.tile_end; ++t)
              for (std::size_t b = p.block_begin; b < p.block_end; ++b) ++seen[t * blocks + b];
          }
          for (std::size_t i = 0; i < seen.size(); ++i)
            ASSERT_EQ(seen[i], 1) << "tile " << i / blocks << " block " << i % blocks << " tiles=" << tiles
                                  << " chunk=" << row_chunk << " blocks=" << blocks << " threads=" << threads;
        }
}

TEST(GemmSplit, OneThreadKeepsWholeRows) {
  const GemmSplit sp = split_gemm(13, 8, 120, 1);
  EXPECT_EQ(sp.col_slices, 1u);
  EXPECT_EQ(sp.items(), 2u);
}

TEST(GemmSplit, SmallLayersSplitColumnsForEveryThread) {
  // MobileNet's 7x7x160 -> 960 (13 tiles of 4 pixels, 120 blocks of 8
  // channels): 2 row runs alone would share 8 : 5 tiles between 2 threads.
  const GemmSplit sp = split_gemm(13, 8, 120, 2);
  EXPECT_GE(sp.items(), 2 * conv::detail::kGemmItemsPerThread);
  EXPECT_GT(sp.col_slices, 1u);
  // Plenty of rows: columns stay whole (each tile reads its inputs once).
  const GemmSplit big = split_gemm(3136, 8, 12, 2);
  EXPECT_EQ(big.col_slices, 1u);
  EXPECT_EQ(big.items(), 392u);
  // As many items as there are (tile, block) pairs when those are few.
  const GemmSplit tiny = split_gemm(1, 8, 3, 4);
  EXPECT_EQ(tiny.items(), 3u);
}

TEST(GemmSplit, MoreThreadsSplitColumnsFurther) {
  // 7x7x160 -> 960 again (2 row runs): at 4 and 8 threads the columns split
  // further, so every thread still has several items to take.
  std::size_t last = 0;
  for (int threads : {2, 4, 8}) {
    const GemmSplit sp = split_gemm(13, 8, 120, threads);
    EXPECT_GE(sp.items(), 3u * static_cast<std::size_t>(threads)) << "threads=" << threads;
    EXPECT_GT(sp.items(), last) << "threads=" << threads;
    last = sp.items();
  }
  // 56x56 layers have rows enough for 8 threads: columns stay whole.
  EXPECT_EQ(split_gemm(3136, 8, 12, 8).col_slices, 1u);
}

// Layers whose columns get split (few pixels, many channels), with groups
// and an activation that runs in the output pass over each item's slice.
TEST(GemmSplit, KernelMatchesTheReferenceAtOneToFourThreads) {
  struct Case {
    std::size_t hw, cin, cout, k, groups;
    Activation act;
  };
  const Case cases[] = {
      {7, 40, 200, 1, 1, Activation::kLinear}, {7, 40, 203, 1, 1, Activation::kSigmoid},
      {5, 24, 96, 3, 1, Activation::kRelu6},   {7, 32, 96, 1, 2, Activation::kSilu},
      {3, 64, 160, 1, 1, Activation::kTanh},
  };
  std::uint32_t seed = 40;
  for (const Case& c : cases) {
    ConvShape s;
    s.in_channels = c.cin, s.out_channels = c.cout, s.in_h = s.in_w = s.out_h = s.out_w = c.hw;
    s.kernel_h = s.kernel_w = c.k, s.pad_top = s.pad_left = c.k / 2, s.groups = c.groups;
    const auto x = ref::random_floats(c.hw * c.hw * c.cin, seed++);
    const auto w = ref::random_floats(c.k * c.k * c.cin / c.groups * c.cout, seed++);
    const auto b = ref::random_floats(c.cout, seed++);
    std::size_t floats = 0;
    ASSERT_EQ(conv::packed_weights_size(s, conv::PackFor::kNhwc, &floats), Status::kOk);
    std::vector<float> packed(floats);
    ASSERT_EQ(conv::pack_weights(w.data(), conv::WeightLayout::kHwio, b.data(), s, conv::PackFor::kNhwc,
                                 packed.data()),
              Status::kOk);
    const auto want = ref::conv2d(x.data(), w.data(), conv::WeightLayout::kHwio, b.data(), s, c.act, true);
    std::vector<float> first;
    for (int threads = 1; threads <= 4; ++threads) {
      thread::set_num_threads(threads);
      std::vector<float> y(want.size(), -7.0f);
      ASSERT_EQ(conv::conv_nhwc(x.data(), packed.data(), y.data(), s, c.act), Status::kOk);
      for (std::size_t i = 0; i < y.size(); ++i)
        ASSERT_TRUE(ref::close(y[i], want[i], 1e-4f, 1e-5f))
            << "i=" << i << " got " << y[i] << " want " << want[i] << " threads=" << threads << " cout=" << c.cout;
      if (threads == 1) first = y;
      EXPECT_EQ(y, first) << "results differ between 1 and " << threads << " threads";
    }
    thread::set_num_threads(1);
  }
}

}  // namespace
}  // namespace nnwasm
