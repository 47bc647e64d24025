// Shared body of the four global-pooling fuzz targets (avg/max x NCL/NLC,
// tests/fuzz/global_{avg,max}_pool1d_{ncl,nlc}_fuzz.cc): arbitrary sizes (0
// included), with and without a (batch, length) mask, against the scalar
// reference, at 2 threads and at 1 (bit-identical); and hostile calls (null
// buffers, sizes whose products overflow) that must be refused without
// touching memory.
#pragma once

#include <algorithm>

#include "fuzz.h"
#include "pool/pool.h"
#include "reference.h"  // tests/cpp/reference.h

namespace nnwasm::fuzz {

enum class GlobalKind { kAvgNcl, kAvgNlc, kMaxNcl, kMaxNlc };

inline const char* global_pool_name(GlobalKind k) {
  switch (k) {
    case GlobalKind::kAvgNcl: return "global_avg_pool1d_ncl";
    case GlobalKind::kAvgNlc: return "global_avg_pool1d_nlc";
    case GlobalKind::kMaxNcl: return "global_max_pool1d_ncl";
    default: return "global_max_pool1d_nlc";
  }
}

// Each kernel in its own argument order; sizes given as (batch, length, channels).
inline Status call_global_pool(GlobalKind k, const float* in, const float* mask, float* out, std::size_t batch,
                               std::size_t length, std::size_t channels) {
  switch (k) {
    case GlobalKind::kAvgNcl: return pool::global_avg_pool1d_ncl(in, mask, out, batch, channels, length);
    case GlobalKind::kAvgNlc: return pool::global_avg_pool1d_nlc(in, mask, out, batch, length, channels);
    case GlobalKind::kMaxNcl: return pool::global_max_pool1d_ncl(in, mask, out, batch, channels, length);
    default: return pool::global_max_pool1d_nlc(in, mask, out, batch, length, channels);
  }
}

inline void global_pool_hostile(Input& in, GlobalKind kind) {
  std::size_t batch = in.size(0, 8), length = in.size(0, kHostileMax), channels = in.size(0, kHostileMax);
  const bool masked = in.flag();
  const int which = in.byte() % 5;
  const bool huge = which >= 2;
  Buffer x(huge ? 0 : batch * length * channels), mask(huge || !masked ? 0 : batch * length, 1.0f),
      y(huge ? 0 : batch * channels);
  const float* xp = which == 0 ? nullptr : x.data();
  const float* mp = masked ? mask.data() : nullptr;
  float* yp = which == 1 ? nullptr : y.data();
  if (which == 2) batch = huge_size(in);
  if (which == 3) length = huge_size(in);
  if (which == 4) channels = huge_size(in);
  // Huge sizes come with empty buffers: a read or write the kernel should
  // not make is caught by ASan or by the canaries in their spare bytes.
  const Status s = call_global_pool(kind, xp, mp, yp, batch, length, channels);
  const bool harmless =
      no_elements({batch, channels}) || (which == 0 && no_elements({batch, length, channels}));
  expect_refused_unless(s, harmless, "a global pooling kernel accepted a hostile call");
  x.check_spare("hostile call wrote into the input");
  y.check_spare("hostile call wrote past its output");
}

inline int fuzz_global_pool(const std::uint8_t* data, std::size_t size, GlobalKind kind) {
  const char* const what = global_pool_name(kind);
  Input in(data, size);
  if (in.one_in(8)) {
    global_pool_hostile(in, kind);
    return 0;
  }
  const bool masked = in.flag();
  const std::size_t batch = in.size(0, 16);
  const std::size_t channels = std::min(in.size(0, 1024), kMaxElements / std::max<std::size_t>(batch, 1));
  const std::size_t length =
      std::min(in.size(0, 2048), kMaxElements / std::max<std::size_t>(batch * channels, 1));
  const bool compare_threads = in.one_in(8);
  in.seed_values(in.u32());

  Buffer mask(masked ? batch * length : 0);
  if (masked) in.fill_mask(mask.v, mask.count);
  Buffer x(batch * length * channels);
  in.fill(x.v, x.count);
  const float* mp = masked ? mask.data() : nullptr;
  const Buffer y = run_kernel(
      compare_threads, batch * channels,
      [&](float* out) { return call_global_pool(kind, x.data(), mp, out, batch, length, channels); }, what);
  const bool last = kind == GlobalKind::kAvgNlc || kind == GlobalKind::kMaxNlc;
  const bool max = kind == GlobalKind::kMaxNcl || kind == GlobalKind::kMaxNlc;
  expect_close(y,
               max ? ref::global_max_pool1d(x.data(), mp, batch, length, channels, last)
                   : ref::global_avg_pool1d(x.data(), mp, batch, length, channels, last),
               what);
  x.check_spare("kernel wrote into its input's spare bytes");
  mask.check_spare("kernel wrote into its mask's spare bytes");
  return 0;
}

}  // namespace nnwasm::fuzz
