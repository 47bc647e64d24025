// ConvShape as the words of a parameter block, shared by the convolution
// and transposed-convolution bindings (one field list, one conversion).
#pragma once

#include "abi.h"
#include "conv/conv.h"

namespace nnwasm_bindings {

using abi::u32;
using nnwasm::conv::ConvShape;

#define NNWASM_SHAPE_FIELDS                                                                                    \
  "batch,in_channels,in_h,in_w,out_channels,out_h,out_w,kernel_h,kernel_w,stride_h,stride_w,dilation_h," \
  "dilation_w,pad_top,pad_left,groups"

struct ShapeWords {
  u32 batch, in_channels, in_h, in_w, out_channels, out_h, out_w, kernel_h, kernel_w;
  u32 stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left, groups;

  ConvShape shape() const {
    ConvShape s;
    s.batch = batch;
    s.in_channels = in_channels;
    s.in_h = in_h;
    s.in_w = in_w;
    s.out_channels = out_channels;
    s.out_h = out_h;
    s.out_w = out_w;
    s.kernel_h = kernel_h;
    s.kernel_w = kernel_w;
    s.stride_h = stride_h;
    s.stride_w = stride_w;
    s.dilation_h = dilation_h;
    s.dilation_w = dilation_w;
    s.pad_top = pad_top;
    s.pad_left = pad_left;
    s.groups = groups;
    return s;
  }
};

}  // namespace nnwasm_bindings
