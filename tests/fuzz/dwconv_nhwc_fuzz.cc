// Fuzz target: conv::dwconv_nhwc over
// arbitrary shapes, groups, strides, dilations, padding, both weight layouts,
// bias or none and every activation, against ref::conv2d; the shared body
// is tests/fuzz/conv_driver.h.
#include "conv_driver.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nnwasm::fuzz::fuzz_conv(data, size, nnwasm::fuzz::ConvKind::kDwNhwc);
}
