// Fuzz target: pool::adaptive_avg_pool1d_ncl over arbitrary rows, lengths
// and output lengths (including 0 and output > input), against the scalar
// reference, at 2 threads and at 1 (bit-identical); and hostile calls (null
// buffers, sizes whose products overflow) that must be refused without
// touching memory.
#include <algorithm>

#include "fuzz.h"
#include "pool/pool.h"
#include "reference.h"  // tests/cpp/reference.h

using namespace nnwasm;
using namespace nnwasm::fuzz;

namespace {

void hostile(Input& in) {
  std::size_t rows = in.size(0, 8), length = in.size(0, kHostileMax), out_length = in.size(0, kHostileMax);
  const int which = in.byte() % 5;
  const bool huge = which >= 2;
  Buffer x(huge ? 0 : rows * length), y(huge ? 0 : rows * out_length);
  const float* xp = which == 0 ? nullptr : x.data();
  float* yp = which == 1 ? nullptr : y.data();
  if (which == 2) rows = huge_size(in);
  if (which == 3) length = huge_size(in);
  if (which == 4) out_length = huge_size(in);
  // Huge sizes come with empty buffers: a read or write the kernel should
  // not make is caught by ASan or by the canaries in their spare bytes.
  const Status s = pool::adaptive_avg_pool1d_ncl(xp, yp, rows, length, out_length);
  const bool harmless = no_elements({rows, out_length}) || (which == 0 && no_elements({rows, length}));
  expect_refused_unless(s, harmless, "adaptive_avg_pool1d_ncl accepted a hostile call");
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
  const std::size_t rows = in.size(0, 64);
  const std::size_t cap = kMaxElements / std::max<std::size_t>(rows, 1);
  const std::size_t length = std::min(in.size(0, 4096), cap);
  const std::size_t out_length = std::min(in.size(0, 4096), cap);
  const bool compare_threads = in.one_in(8);
  in.seed_values(in.u32());

  Buffer x(rows * length);
  in.fill(x.v, x.count);
  const char* what = "adaptive_avg_pool1d_ncl";
  if (length == 0 && rows * out_length != 0) {  // every window would be empty
    Buffer y(rows * out_length);
    expect_status(pool::adaptive_avg_pool1d_ncl(x.data(), y.data(), rows, length, out_length),
                  Status::kInvalidArgument, what);
    y.check_spare(what);
    return 0;
  }
  const Buffer y = run_kernel(
      compare_threads, rows * out_length,
      [&](float* out) { return pool::adaptive_avg_pool1d_ncl(x.data(), out, rows, length, out_length); },
      what);
  expect_close(y, ref::adaptive_avg_pool1d_ncl(x.data(), rows, length, out_length), what);
  x.check_spare("kernel wrote into its input's spare bytes");
  return 0;
}
