// Embind glue for the pooling kernels: heap offsets and sizes in, a status
// code out. Argument checking with readable errors is done in js/ops/.
#include <emscripten/bind.h>

#include <cstdint>

#include "heap_check.h"
#include "pool/pool.h"

namespace {

using nnwasm::pool::Window2d;

const float* f32(std::uintptr_t p) { return reinterpret_cast<const float*>(p); }
float* f32_out(std::uintptr_t p) { return reinterpret_cast<float*>(p); }

int adaptive_avg_pool1d_ncl(std::uintptr_t in, std::uintptr_t out, std::size_t rows, std::size_t length,
                            std::size_t out_length) {
  if (!heap_check::fits(in, {rows, length}) || !heap_check::fits(out, {rows, out_length})) return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::pool::adaptive_avg_pool1d_ncl(f32(in), f32_out(out), rows, length, out_length));
}

int adaptive_avg_pool2d_nchw(std::uintptr_t in, std::uintptr_t out, std::size_t planes, std::size_t in_h,
                             std::size_t in_w, std::size_t out_h, std::size_t out_w) {
  if (!heap_check::fits(in, {planes, in_h, in_w}) || !heap_check::fits(out, {planes, out_h, out_w}))
    return heap_check::kOutsideHeap;
  return static_cast<int>(
      nnwasm::pool::adaptive_avg_pool2d_nchw(f32(in), f32_out(out), planes, in_h, in_w, out_h, out_w));
}

int adaptive_max_pool2d_nchw(std::uintptr_t in, std::uintptr_t out, std::uintptr_t indices, std::size_t planes,
                             std::size_t in_h, std::size_t in_w, std::size_t out_h, std::size_t out_w) {
  if (!heap_check::fits(in, {planes, in_h, in_w}) || !heap_check::fits(out, {planes, out_h, out_w}) ||
      !heap_check::fits(indices, {planes, out_h, out_w}))
    return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::pool::adaptive_max_pool2d_nchw(f32(in), f32_out(out), f32_out(indices), planes,
                                                                 in_h, in_w, out_h, out_w));
}

int global_avg_pool1d_ncl(std::uintptr_t in, std::uintptr_t mask, std::uintptr_t out, std::size_t batch,
                          std::size_t channels, std::size_t length) {
  if (!heap_check::fits(in, {batch, channels, length}) || !heap_check::fits(mask, {batch, length}) ||
      !heap_check::fits(out, {batch, channels}))
    return heap_check::kOutsideHeap;
  return static_cast<int>(
      nnwasm::pool::global_avg_pool1d_ncl(f32(in), f32(mask), f32_out(out), batch, channels, length));
}

int global_avg_pool1d_nlc(std::uintptr_t in, std::uintptr_t mask, std::uintptr_t out, std::size_t batch,
                          std::size_t length, std::size_t channels) {
  if (!heap_check::fits(in, {batch, length, channels}) || !heap_check::fits(mask, {batch, length}) ||
      !heap_check::fits(out, {batch, channels}))
    return heap_check::kOutsideHeap;
  return static_cast<int>(
      nnwasm::pool::global_avg_pool1d_nlc(f32(in), f32(mask), f32_out(out), batch, length, channels));
}

int global_max_pool1d_ncl(std::uintptr_t in, std::uintptr_t mask, std::uintptr_t out, std::size_t batch,
                          std::size_t channels, std::size_t length) {
  if (!heap_check::fits(in, {batch, channels, length}) || !heap_check::fits(mask, {batch, length}) ||
      !heap_check::fits(out, {batch, channels}))
    return heap_check::kOutsideHeap;
  return static_cast<int>(
      nnwasm::pool::global_max_pool1d_ncl(f32(in), f32(mask), f32_out(out), batch, channels, length));
}

int global_max_pool1d_nlc(std::uintptr_t in, std::uintptr_t mask, std::uintptr_t out, std::size_t batch,
                          std::size_t length, std::size_t channels) {
  if (!heap_check::fits(in, {batch, length, channels}) || !heap_check::fits(mask, {batch, length}) ||
      !heap_check::fits(out, {batch, channels}))
    return heap_check::kOutsideHeap;
  return static_cast<int>(
      nnwasm::pool::global_max_pool1d_nlc(f32(in), f32(mask), f32_out(out), batch, length, channels));
}

// The window geometry as flat numbers, in Window2d's field order.
Window2d window(std::size_t in_h, std::size_t in_w, std::size_t out_h, std::size_t out_w, std::size_t kernel_h,
                std::size_t kernel_w, std::size_t stride_h, std::size_t stride_w, std::size_t dilation_h,
                std::size_t dilation_w, std::size_t pad_top, std::size_t pad_left, bool count_include_pad,
                std::size_t pad_bottom, std::size_t pad_right, float divisor_override) {
  Window2d w;
  w.in_h = in_h;
  w.in_w = in_w;
  w.out_h = out_h;
  w.out_w = out_w;
  w.kernel_h = kernel_h;
  w.kernel_w = kernel_w;
  w.stride_h = stride_h;
  w.stride_w = stride_w;
  w.dilation_h = dilation_h;
  w.dilation_w = dilation_w;
  w.pad_top = pad_top;
  w.pad_left = pad_left;
  w.count_include_pad = count_include_pad;
  w.pad_bottom = pad_bottom;
  w.pad_right = pad_right;
  w.divisor_override = divisor_override;
  return w;
}

// kind: 0 avg NCHW, 1 max NCHW, 2 avg NHWC, 3 max NHWC. `outer` is planes
// (N*C) for NCHW and the batch for NHWC.
int window_pool2d(int kind, std::uintptr_t in, std::uintptr_t out, std::uintptr_t indices, std::size_t outer,
                  std::size_t channels, std::size_t in_h, std::size_t in_w, std::size_t out_h, std::size_t out_w,
                  std::size_t kernel_h, std::size_t kernel_w, std::size_t stride_h, std::size_t stride_w,
                  std::size_t dilation_h, std::size_t dilation_w, std::size_t pad_top, std::size_t pad_left,
                  bool count_include_pad, std::size_t pad_bottom, std::size_t pad_right, float divisor_override) {
  const std::size_t per_pixel = kind >= 2 ? channels : 1;  // NHWC holds `channels` values per pixel
  if (!heap_check::fits(in, {outer, in_h, in_w, per_pixel}) || !heap_check::fits(out, {outer, out_h, out_w, per_pixel}) ||
      !heap_check::fits(indices, {outer, out_h, out_w}))
    return heap_check::kOutsideHeap;
  const Window2d w = window(in_h, in_w, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w,
                            pad_top, pad_left, count_include_pad, pad_bottom, pad_right, divisor_override);
  nnwasm::Status s;
  switch (kind) {
    case 0: s = nnwasm::pool::avg_pool2d_nchw(f32(in), f32_out(out), outer, w); break;
    case 1: s = nnwasm::pool::max_pool2d_nchw(f32(in), f32_out(out), f32_out(indices), outer, w); break;
    case 2: s = nnwasm::pool::avg_pool2d_nhwc(f32(in), f32_out(out), outer, channels, w); break;
    case 3: s = nnwasm::pool::max_pool2d_nhwc(f32(in), f32_out(out), outer, channels, w); break;
    default: s = nnwasm::Status::kInvalidArgument; break;
  }
  return static_cast<int>(s);
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_pool) {
  using namespace emscripten;
  function("adaptiveAvgPool1dNcl", &adaptive_avg_pool1d_ncl);
  function("adaptiveAvgPool2dNchw", &adaptive_avg_pool2d_nchw);
  function("adaptiveMaxPool2dNchw", &adaptive_max_pool2d_nchw);
  function("globalAvgPool1dNcl", &global_avg_pool1d_ncl);
  function("globalAvgPool1dNlc", &global_avg_pool1d_nlc);
  function("globalMaxPool1dNcl", &global_max_pool1d_ncl);
  function("globalMaxPool1dNlc", &global_max_pool1d_nlc);
  function("windowPool2d", &window_pool2d);
}
