// Fuzz target: conv::activate (every activation, in place, over arbitrary
// lengths) and conv::softmax_rows (arbitrary rows x n), against
// ref::activation / ref::softmax_rows, at 2 threads and at 1
// (bit-identical); invalid activations must give kInvalidArgument; hostile
// calls (a null buffer, sizes whose product overflows) must be refused
// without touching memory.
#include <algorithm>
#include <cstring>

#include "conv/conv.h"
#include "fuzz.h"
#include "reference.h"  // tests/cpp/reference.h

using namespace nnwasm;
using namespace nnwasm::fuzz;

namespace {

void hostile(Input& in) {
  const bool softmax = in.flag();
  std::size_t rows = in.size(0, 8), n = in.size(0, kHostileMax);
  const int which = in.byte() % 3;
  const bool huge = which >= 1;
  Buffer x(huge ? 0 : rows * n);
  std::fill(x.v.begin(), x.v.begin() + static_cast<std::ptrdiff_t>(x.count), 0.25f);
  float* xp = which == 0 ? nullptr : x.data();
  if (which == 1) rows = huge_size(in);
  if (which == 2) n = huge_size(in);
  // activate takes one length: the huge size itself (which 1 or 2).
  const Status s = softmax ? conv::softmax_rows(xp, rows, n)
                           : conv::activate(xp, which == 1 ? rows : which == 2 ? n : rows * n,
                                            conv::Activation::kSigmoid);
  const bool harmless = softmax ? no_elements({rows, n})
                                : (which == 1 ? rows == 0 : which == 2 ? n == 0 : no_elements({rows, n}));
  expect_refused_unless(s, harmless, "activate/softmax_rows accepted a hostile call");
  if (x.count != 0 && x.v[0] != 0.25f && which != 0) die("hostile call wrote into its buffer");
  x.check_spare("hostile call wrote past its buffer");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  if (in.one_in(8)) {
    hostile(in);
    return 0;
  }
  const bool softmax = in.flag();
  const std::size_t rows = in.size(0, 64);
  const std::size_t n = std::min(in.size(0, 4096), kMaxElements / std::max<std::size_t>(rows, 1));
  const int act_byte = in.byte();
  const bool invalid = in.one_in(16);
  const auto act = static_cast<conv::Activation>(invalid ? static_cast<int>(conv::Activation::kCount) + act_byte
                                                         : act_byte % static_cast<int>(conv::Activation::kCount));
  const bool specials = !softmax || in.flag();  // softmax over +-Inf/NaN rows: NaN in both, checked too
  const bool compare_threads = in.one_in(8);
  in.seed_values(in.u32());

  Buffer x(rows * n);
  in.fill(x.v, x.count, specials);
  const char* what = softmax ? "softmax_rows" : "activate";
  if (!softmax && invalid) {
    Buffer y(rows * n);
    std::memcpy(y.data(), x.data(), x.count * sizeof(float));
    expect_status(conv::activate(y.data(), y.count, act), Status::kInvalidArgument, what);
    if (std::memcmp(y.data(), x.data(), x.count * sizeof(float)) != 0) die("a refused activate wrote");
    return 0;
  }
  const Buffer y = run_kernel(
      compare_threads, rows * n,
      [&](float* out) {
        std::memcpy(out, x.data(), x.count * sizeof(float));  // both work in place
        return softmax ? conv::softmax_rows(out, rows, n) : conv::activate(out, rows * n, act);
      },
      what);
  if (softmax) {
    expect_close(y, ref::softmax_rows(x.data(), rows, n), what);
  } else {
    std::vector<float> want(x.count);
    for (std::size_t i = 0; i < x.count; ++i) want[i] = static_cast<float>(ref::activation(x.v[i], act));
    expect_close(y, want, what);
  }
  return 0;
}
