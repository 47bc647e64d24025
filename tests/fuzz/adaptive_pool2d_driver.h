// Shared body of the two adaptive 2D pooling fuzz targets
// (tests/fuzz/adaptive_{avg,max}_pool2d_nchw_fuzz.cc): arbitrary planes,
// input and output sizes (0 included, output larger than input too),
// against ref::adaptive_pool2d_nchw, at 2 threads and at 1 (bit-identical);
// and hostile calls (null buffers, sizes whose products overflow) that must
// be refused without touching memory.
#pragma once

#include <algorithm>

#include "fuzz.h"
#include "pool/pool.h"
#include "reference.h"  // tests/cpp/reference.h

namespace nnwasm::fuzz {

template <bool kMax>
Status call_adaptive_pool2d(const float* in, float* out, float* indices, std::size_t planes, std::size_t in_h,
                            std::size_t in_w, std::size_t out_h, std::size_t out_w) {
  if constexpr (kMax) return pool::adaptive_max_pool2d_nchw(in, out, indices, planes, in_h, in_w, out_h, out_w);
  (void)indices;
  return pool::adaptive_avg_pool2d_nchw(in, out, planes, in_h, in_w, out_h, out_w);
}

template <bool kMax>
void adaptive_pool2d_hostile(Input& in) {
  std::size_t planes = in.size(0, 8), in_h = in.size(0, 16), in_w = in.size(0, 16), out_h = in.size(0, 16),
              out_w = in.size(0, 16);
  const bool with_indices = kMax && in.flag();
  const int which = in.byte() % 7;
  const bool huge = which >= 2;
  Buffer x(huge ? 0 : planes * in_h * in_w), y(huge ? 0 : planes * out_h * out_w),
      idx(huge || !with_indices ? 0 : planes * out_h * out_w);
  const float* xp = which == 0 ? nullptr : x.data();
  float* yp = which == 1 ? nullptr : y.data();
  if (which == 2) planes = huge_size(in);
  if (which == 3) in_h = huge_size(in);
  if (which == 4) in_w = huge_size(in);
  if (which == 5) out_h = huge_size(in);
  if (which == 6) out_w = huge_size(in);
  const Status s =
      call_adaptive_pool2d<kMax>(xp, yp, with_indices ? idx.data() : nullptr, planes, in_h, in_w, out_h, out_w);
  expect_refused_unless(s, no_elements({planes, out_h, out_w}), "adaptive pool2d accepted a hostile call");
  x.check_spare("hostile call wrote into the input");
  y.check_spare("hostile call wrote past its output");
  idx.check_spare("hostile call wrote past its indices");
}

// kMax: adaptive_max_pool2d_nchw (with indices one time in two), else adaptive_avg_pool2d_nchw.
template <bool kMax>
int fuzz_adaptive_pool2d(const std::uint8_t* data, std::size_t size) {
  const char* const kWhat = kMax ? "adaptive_max_pool2d_nchw" : "adaptive_avg_pool2d_nchw";
  Input in(data, size);
  if (in.one_in(8)) {
    adaptive_pool2d_hostile<kMax>(in);
    return 0;
  }
  const std::size_t planes = in.size(0, 32);
  const std::size_t cap = kMaxElements / 2 / std::max<std::size_t>(planes, 1);
  const std::size_t in_h = std::min(in.size(0, 200), cap);
  const std::size_t in_w = std::min(in.size(0, 200), cap / std::max<std::size_t>(in_h, 1));
  const std::size_t out_h = std::min(in.size(0, 2 * in_h + 3), cap);
  const std::size_t out_w = std::min(in.size(0, 2 * in_w + 3), cap / std::max<std::size_t>(out_h, 1));
  const bool with_indices = kMax && in.flag();
  const bool compare_threads = in.one_in(8);
  in.seed_values(in.u32());

  Buffer x(planes * in_h * in_w);
  in.fill(x.v, x.count);
  const std::size_t out_count = planes * out_h * out_w;
  if ((in_h == 0 || in_w == 0) && out_count != 0) {  // every window would be empty
    Buffer y(out_count);
    expect_status(call_adaptive_pool2d<kMax>(x.data(), y.data(), nullptr, planes, in_h, in_w, out_h, out_w),
                  Status::kInvalidArgument, kWhat);
    y.check_spare(kWhat);
    return 0;
  }
  Buffer idx(with_indices ? out_count : 0);
  const Buffer y = run_kernel(
      compare_threads, out_count,
      [&](float* out) {
        return call_adaptive_pool2d<kMax>(x.data(), out, with_indices ? idx.data() : nullptr, planes, in_h, in_w, out_h,
                                          out_w);
      },
      kWhat);
  std::vector<float> want_indices;
  expect_close(y,
               ref::adaptive_pool2d_nchw(x.data(), planes, in_h, in_w, out_h, out_w, kMax,
                                         with_indices ? &want_indices : nullptr),
               kWhat);
  if (with_indices) expect_close(idx, want_indices, "adaptive_max_pool2d_nchw indices");
  x.check_spare("kernel wrote into its input's spare bytes");
  return 0;
}

}  // namespace nnwasm::fuzz
