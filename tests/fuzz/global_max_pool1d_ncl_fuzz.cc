// Fuzz target: pool::global_max_pool1d_ncl, input (batch, channels, length),
// with and without a (batch, length) mask, over arbitrary sizes (0
// included), against the scalar reference, at 2 threads and at 1
// (bit-identical); and hostile calls (null buffers, sizes whose products
// overflow) that must be refused without touching memory.
#include <algorithm>

#include "fuzz.h"
#include "pool/pool.h"
#include "reference.h"

using namespace nnwasm;
using namespace nnwasm::fuzz;

namespace {

const char* const kWhat = "global_max_pool1d_ncl";

void hostile(Input& in) {
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
  const Status s = pool::global_max_pool1d_ncl(xp, mp, yp, batch, channels, length);
  const bool harmless =
      no_elements({batch, channels}) || (which == 0 && no_elements({batch, length, channels}));
  expect_refused_unless(s, harmless, "global_max_pool1d_ncl accepted a hostile call");
  x.check_spare("hostile call wrote into the input");
  y.check_spare("hostile call wrote past its output");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  if (in.one_in(8)) {
    hostile(in);
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
      [&](float* out) { return pool::global_max_pool1d_ncl(x.data(), mp, out, batch, channels, length); },
      kWhat);
  expect_close(y, ref::global_max_pool1d(x.data(), mp, batch, length, channels, false), kWhat);
  x.check_spare("kernel wrote into its input's spare bytes");
  mask.check_spare("kernel wrote into its mask's spare bytes");
  return 0;
}
