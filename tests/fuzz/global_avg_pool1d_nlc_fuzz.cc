// Fuzz target: pool::global_avg_pool1d_nlc, input (batch, length, channels), with and without a mask;
// the shared body is tests/fuzz/global_pool_driver.h.
#include "global_pool_driver.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nnwasm::fuzz::fuzz_global_pool(data, size, nnwasm::fuzz::GlobalKind::kAvgNlc);
}
