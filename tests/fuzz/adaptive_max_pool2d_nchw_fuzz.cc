// Fuzz target: pool::adaptive_max_pool2d_nchw; the shared body is
// tests/fuzz/adaptive_pool2d_driver.h.
#include "adaptive_pool2d_driver.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nnwasm::fuzz::fuzz_adaptive_pool2d<true>(data, size);
}
