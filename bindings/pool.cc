// Embind glue for the pooling kernels (cpp/src/pool/pool.h): one binding
// per entry point, each taking the heap address of its parameter block
// (bindings/abi.h). Option checking with readable errors is js/ops/'s job.
#include <cstdint>

#include "abi.h"
#include "heap_check.h"
#include "pool/pool.h"

namespace {

using abi::u32;
using nnwasm::pool::Window2d;

struct AdaptiveAvgPool1dNcl {
  u32 words, input, output, rows, length, out_length;
  static constexpr char kFields[] = "input,output,rows,length,out_length";
};

int adaptive_avg_pool1d_ncl(std::uintptr_t block) {
  AdaptiveAvgPool1dNcl a;
  if (const int st = abi::read(block, &a)) return st;
  if (!heap_check::fits(a.input, {a.rows, a.length}) || !heap_check::fits(a.output, {a.rows, a.out_length}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::pool::adaptive_avg_pool1d_ncl(abi::in(a.input), abi::out(a.output), a.rows, a.length,
                                                           a.out_length));
}

struct AdaptiveAvgPool2dNchw {
  u32 words, input, output, planes, in_h, in_w, out_h, out_w;
  static constexpr char kFields[] = "input,output,planes,in_h,in_w,out_h,out_w";
};

int adaptive_avg_pool2d_nchw(std::uintptr_t block) {
  AdaptiveAvgPool2dNchw a;
  if (const int st = abi::read(block, &a)) return st;
  if (!heap_check::fits(a.input, {a.planes, a.in_h, a.in_w}) ||
      !heap_check::fits(a.output, {a.planes, a.out_h, a.out_w}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::pool::adaptive_avg_pool2d_nchw(abi::in(a.input), abi::out(a.output), a.planes, a.in_h,
                                                            a.in_w, a.out_h, a.out_w));
}

struct AdaptiveMaxPool2dNchw {
  u32 words, input, output, indices, planes, in_h, in_w, out_h, out_w;
  static constexpr char kFields[] = "input,output,indices,planes,in_h,in_w,out_h,out_w";
};

int adaptive_max_pool2d_nchw(std::uintptr_t block) {
  AdaptiveMaxPool2dNchw a;
  if (const int st = abi::read(block, &a)) return st;
  if (!heap_check::fits(a.input, {a.planes, a.in_h, a.in_w}) ||
      !heap_check::fits(a.output, {a.planes, a.out_h, a.out_w}) ||
      !heap_check::fits(a.indices, {a.planes, a.out_h, a.out_w}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::pool::adaptive_max_pool2d_nchw(abi::in(a.input), abi::out(a.output), abi::out(a.indices),
                                                            a.planes, a.in_h, a.in_w, a.out_h, a.out_w));
}

// Global pooling over steps; `mask` is 0 or (batch, length).
struct GlobalPool1dNcl {
  u32 words, input, mask, output, batch, channels, length;
  static constexpr char kFields[] = "input,mask,output,batch,channels,length";
};

struct GlobalPool1dNlc {
  u32 words, input, mask, output, batch, length, channels;
  static constexpr char kFields[] = "input,mask,output,batch,length,channels";
};

using GlobalFn = nnwasm::Status (*)(const float*, const float*, float*, std::size_t, std::size_t, std::size_t);

template <GlobalFn Fn>
int global_pool1d_ncl(std::uintptr_t block) {
  GlobalPool1dNcl a;
  if (const int st = abi::read(block, &a)) return st;
  if (!heap_check::fits(a.input, {a.batch, a.channels, a.length}) || !heap_check::fits(a.mask, {a.batch, a.length}) ||
      !heap_check::fits(a.output, {a.batch, a.channels}))
    return heap_check::kOutsideHeap;
  return abi::status(Fn(abi::in(a.input), abi::in(a.mask), abi::out(a.output), a.batch, a.channels, a.length));
}

template <GlobalFn Fn>
int global_pool1d_nlc(std::uintptr_t block) {
  GlobalPool1dNlc a;
  if (const int st = abi::read(block, &a)) return st;
  if (!heap_check::fits(a.input, {a.batch, a.length, a.channels}) || !heap_check::fits(a.mask, {a.batch, a.length}) ||
      !heap_check::fits(a.output, {a.batch, a.channels}))
    return heap_check::kOutsideHeap;
  return abi::status(Fn(abi::in(a.input), abi::in(a.mask), abi::out(a.output), a.batch, a.length, a.channels));
}

// Window2d as words, in one field list shared by the four window entries.
#define NNWASM_WINDOW_FIELDS                                                                                   \
  "in_h,in_w,out_h,out_w,kernel_h,kernel_w,stride_h,stride_w,dilation_h,dilation_w,pad_top,pad_left,pad_bottom," \
  "pad_right,count_include_pad,divisor_override:f32"

struct WindowWords {
  u32 in_h, in_w, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w;
  u32 pad_top, pad_left, pad_bottom, pad_right, count_include_pad;
  float divisor_override;

  Window2d window() const {
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
    w.pad_bottom = pad_bottom;
    w.pad_right = pad_right;
    w.count_include_pad = count_include_pad != 0;
    w.divisor_override = divisor_override;
    return w;
  }
};

struct AvgPool2dNchw {
  u32 words, input, output, planes;
  WindowWords w;
  static constexpr char kFields[] = "input,output,planes," NNWASM_WINDOW_FIELDS;
};

struct MaxPool2dNchw {
  u32 words, input, output, indices, planes;
  WindowWords w;
  static constexpr char kFields[] = "input,output,indices,planes," NNWASM_WINDOW_FIELDS;
};

// NHWC: each pixel holds `channels` values.
struct Pool2dNhwc {
  u32 words, input, output, batch, channels;
  WindowWords w;
  static constexpr char kFields[] = "input,output,batch,channels," NNWASM_WINDOW_FIELDS;
};

#undef NNWASM_WINDOW_FIELDS

int avg_pool2d_nchw(std::uintptr_t block) {
  AvgPool2dNchw a;
  if (const int st = abi::read(block, &a)) return st;
  if (!heap_check::fits(a.input, {a.planes, a.w.in_h, a.w.in_w}) ||
      !heap_check::fits(a.output, {a.planes, a.w.out_h, a.w.out_w}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::pool::avg_pool2d_nchw(abi::in(a.input), abi::out(a.output), a.planes, a.w.window()));
}

int max_pool2d_nchw(std::uintptr_t block) {
  MaxPool2dNchw a;
  if (const int st = abi::read(block, &a)) return st;
  if (!heap_check::fits(a.input, {a.planes, a.w.in_h, a.w.in_w}) ||
      !heap_check::fits(a.output, {a.planes, a.w.out_h, a.w.out_w}) ||
      !heap_check::fits(a.indices, {a.planes, a.w.out_h, a.w.out_w}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::pool::max_pool2d_nchw(abi::in(a.input), abi::out(a.output), abi::out(a.indices),
                                                   a.planes, a.w.window()));
}

using NhwcFn = nnwasm::Status (*)(const float*, float*, std::size_t, std::size_t, const Window2d&);

template <NhwcFn Fn>
int pool2d_nhwc(std::uintptr_t block) {
  Pool2dNhwc a;
  if (const int st = abi::read(block, &a)) return st;
  if (!heap_check::fits(a.input, {a.batch, a.w.in_h, a.w.in_w, a.channels}) ||
      !heap_check::fits(a.output, {a.batch, a.w.out_h, a.w.out_w, a.channels}))
    return heap_check::kOutsideHeap;
  return abi::status(Fn(abi::in(a.input), abi::out(a.output), a.batch, a.channels, a.w.window()));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_pool) {
  namespace pool = nnwasm::pool;
  abi::entry<AdaptiveAvgPool1dNcl, &adaptive_avg_pool1d_ncl>("adaptiveAvgPool1dNcl");
  abi::entry<AdaptiveAvgPool2dNchw, &adaptive_avg_pool2d_nchw>("adaptiveAvgPool2dNchw");
  abi::entry<AdaptiveMaxPool2dNchw, &adaptive_max_pool2d_nchw>("adaptiveMaxPool2dNchw");
  abi::entry<GlobalPool1dNcl, &global_pool1d_ncl<&pool::global_avg_pool1d_ncl>>("globalAvgPool1dNcl");
  abi::entry<GlobalPool1dNlc, &global_pool1d_nlc<&pool::global_avg_pool1d_nlc>>("globalAvgPool1dNlc");
  abi::entry<GlobalPool1dNcl, &global_pool1d_ncl<&pool::global_max_pool1d_ncl>>("globalMaxPool1dNcl");
  abi::entry<GlobalPool1dNlc, &global_pool1d_nlc<&pool::global_max_pool1d_nlc>>("globalMaxPool1dNlc");
  abi::entry<AvgPool2dNchw, &avg_pool2d_nchw>("avgPool2dNchw");
  abi::entry<MaxPool2dNchw, &max_pool2d_nchw>("maxPool2dNchw");
  abi::entry<Pool2dNhwc, &pool2d_nhwc<&pool::avg_pool2d_nhwc>>("avgPool2dNhwc");
  abi::entry<Pool2dNhwc, &pool2d_nhwc<&pool::max_pool2d_nhwc>>("maxPool2dNhwc");
}
