// Embind glue for the convolution kernels: heap offsets and sizes in, a
// status code out. Shapes and options are checked, with readable errors, in
// js/ops/conv.js.
#include <emscripten/bind.h>

#include <cstdint>

#include "conv/conv.h"
#include "heap_check.h"

namespace {

using nnwasm::conv::Activation;
using nnwasm::conv::ConvShape;
using nnwasm::conv::PackFor;
using nnwasm::conv::WeightLayout;

const float* f32(std::uintptr_t p) { return reinterpret_cast<const float*>(p); }
float* f32_out(std::uintptr_t p) { return reinterpret_cast<float*>(p); }

constexpr int kBadShape = static_cast<int>(nnwasm::Status::kInvalidArgument);

// The shape crosses as 17 numbers in a small Int32 heap array (JS writes it
// once per call): batch, in_channels, in_h, in_w, out_channels, out_h, out_w,
// kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top,
// pad_left, groups. Negative values are refused. Returns 0 or the status.
int read_shape(std::uintptr_t p, ConvShape* s) {
  if (!heap_check::fits(p, {16})) return heap_check::kOutsideHeap;  // 16 int32: the size of 16 floats
  const std::int32_t* v = reinterpret_cast<const std::int32_t*>(p);
  if (v == nullptr) return kBadShape;
  for (int i = 0; i < 16; ++i)
    if (v[i] < 0) return kBadShape;
  std::size_t* fields[] = {&s->batch, &s->in_channels, &s->in_h, &s->in_w, &s->out_channels, &s->out_h,
                           &s->out_w, &s->kernel_h, &s->kernel_w, &s->stride_h, &s->stride_w,
                           &s->dilation_h, &s->dilation_w, &s->pad_top, &s->pad_left, &s->groups};
  for (int i = 0; i < 16; ++i) *fields[i] = static_cast<std::size_t>(v[i]);
  return 0;
}

// The buffers of a shape: input, output (layout-independent counts), each
// group's weights, bias, and the packed weights for `target` (when the
// shape is valid; otherwise the kernel refuses it before reading any).
bool conv_buffers_fit(const ConvShape& s, std::uintptr_t in, std::uintptr_t out, std::uintptr_t weights,
                      std::uintptr_t bias, std::uintptr_t packed, PackFor target) {
  const std::size_t cin_g = s.groups == 0 ? 0 : s.in_channels / s.groups;
  std::size_t packed_count = 0;
  if (packed != 0 && nnwasm::conv::packed_weights_size(s, target, &packed_count) != nnwasm::Status::kOk)
    packed_count = 0;
  return heap_check::fits(in, {s.batch, s.in_channels, s.in_h, s.in_w}) &&
         heap_check::fits(out, {s.batch, s.out_channels, s.out_h, s.out_w}) &&
         heap_check::fits(weights, {s.out_channels, cin_g, s.kernel_h, s.kernel_w}) &&
         heap_check::fits(bias, {s.out_channels}) && heap_check::fits(packed, {packed_count});
}

double packed_weights_size(std::uintptr_t shape, int target) {
  ConvShape s;
  std::size_t n = 0;
  if (read_shape(shape, &s) != 0) return -1;
  if (nnwasm::conv::packed_weights_size(s, static_cast<PackFor>(target), &n) != nnwasm::Status::kOk) return -1;
  return static_cast<double>(n);
}

int pack_weights(std::uintptr_t weights, int layout, std::uintptr_t bias, std::uintptr_t shape, int target,
                 std::uintptr_t packed) {
  ConvShape s;
  if (const int st = read_shape(shape, &s)) return st;
  if (!conv_buffers_fit(s, 0, 0, weights, bias, packed, static_cast<PackFor>(target))) return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::conv::pack_weights(f32(weights), static_cast<WeightLayout>(layout), f32(bias), s,
                                                     static_cast<PackFor>(target), f32_out(packed)));
}

int conv_nhwc(std::uintptr_t in, std::uintptr_t packed, std::uintptr_t out, std::uintptr_t shape, int act) {
  ConvShape s;
  if (const int st = read_shape(shape, &s)) return st;
  if (!conv_buffers_fit(s, in, out, 0, 0, packed, PackFor::kNhwc)) return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::conv::conv_nhwc(f32(in), f32(packed), f32_out(out), s, static_cast<Activation>(act)));
}

int conv_nchw(std::uintptr_t in, std::uintptr_t packed, std::uintptr_t out, std::uintptr_t shape, int act) {
  ConvShape s;
  if (const int st = read_shape(shape, &s)) return st;
  if (!conv_buffers_fit(s, in, out, 0, 0, packed, PackFor::kNchw)) return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::conv::conv_nchw(f32(in), f32(packed), f32_out(out), s, static_cast<Activation>(act)));
}

int dwconv_nhwc(std::uintptr_t in, std::uintptr_t weights, int layout, std::uintptr_t bias, std::uintptr_t out,
                std::uintptr_t shape, int act) {
  ConvShape s;
  if (const int st = read_shape(shape, &s)) return st;
  if (!conv_buffers_fit(s, in, out, weights, bias, 0, PackFor::kNhwc)) return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::conv::dwconv_nhwc(f32(in), f32(weights), static_cast<WeightLayout>(layout), f32(bias),
                                                    f32_out(out), s, static_cast<Activation>(act)));
}

int dwconv_nchw(std::uintptr_t in, std::uintptr_t weights, int layout, std::uintptr_t bias, std::uintptr_t out,
                std::uintptr_t shape, int act) {
  ConvShape s;
  if (const int st = read_shape(shape, &s)) return st;
  if (!conv_buffers_fit(s, in, out, weights, bias, 0, PackFor::kNchw)) return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::conv::dwconv_nchw(f32(in), f32(weights), static_cast<WeightLayout>(layout), f32(bias),
                                                    f32_out(out), s, static_cast<Activation>(act)));
}

int activate(std::uintptr_t x, std::size_t n, int act) {
  if (!heap_check::fits(x, {n})) return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::conv::activate(f32_out(x), n, static_cast<Activation>(act)));
}

int softmax_rows(std::uintptr_t x, std::size_t rows, std::size_t n) {
  if (!heap_check::fits(x, {rows, n})) return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::conv::softmax_rows(f32_out(x), rows, n));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_conv) {
  using namespace emscripten;
  function("convPackedSize", &packed_weights_size);
  function("convPackWeights", &pack_weights);
  function("convNhwc", &conv_nhwc);
  function("convNchw", &conv_nchw);
  function("dwconvNhwc", &dwconv_nhwc);
  function("dwconvNchw", &dwconv_nchw);
  function("activate", &activate);
  function("softmaxRows", &softmax_rows);
}
