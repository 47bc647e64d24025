// Fuzz target: pool::avg_pool2d_nchw over arbitrary sizes and window geometry
// (PyTorch's and Keras's), against ref::window_pool2d; the shared body is
// tests/fuzz/window_pool_driver.h.
#include "window_pool_driver.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nnwasm::fuzz::fuzz_window_pool(data, size, nnwasm::fuzz::WindowKind::kAvgNchw);
}
