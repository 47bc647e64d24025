// avg_pool2d and max_pool2d (and their 1D forms, height 1), both layouts:
// the entry points. Each checks its arguments, builds the windows of both
// axes, and chooses the path for them (pool/window/paths.h).
#include "pool/ops.h"
#include "pool/pool.h"
#include "pool/window/axis.h"
#include "pool/window/paths.h"

namespace nnwasm::pool {
namespace {

// `indices` (max only) is null or receives the winners' flat indices.
template <class Op>
Status pool_nchw(const float* in, float* out, float* indices, std::size_t planes, const Window2d& window) {
  bool empty;
  Status s = check_planes(in, out, planes, window.in_h, window.in_w, window.out_h, window.out_w, &empty);
  if (s != Status::kOk || empty) return s;
  AxisWindows rows, cols;
  if ((s = window_axes(window, &rows, &cols)) != Status::kOk) return s;
  if (indices != nullptr) return argmax_nchw(in, out, indices, planes, window.in_h, window.in_w, rows, cols);
  if (k3s2_fits_nchw(rows, cols, window.in_w))
    return k3s2_nchw<Op>(in, out, planes, window.in_h, window.in_w, rows, cols);
  return rows_nchw<Op>(in, out, planes, window.in_h, window.in_w, rows, cols,
                       column_pass(rows, cols, window.in_h, window.in_w));
}

template <class Op>
Status pool_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels, const Window2d& window) {
  bool empty;
  Status s = check_pixels(in, out, batch, channels, window, &empty);
  if (s != Status::kOk || empty) return s;
  AxisWindows rows, cols;
  if ((s = window_axes(window, &rows, &cols)) != Status::kOk) return s;
  if (k3s2_fits_nhwc(rows, cols, channels)) return k3s2_nhwc<Op>(in, out, batch, channels, window, rows, cols);
  if (separable_fits_nhwc(window)) return separable_nhwc<Op>(in, out, batch, channels, window, rows, cols);
  return indirect_nhwc<Op>(in, out, batch, channels, window, rows, cols);
}

}  // namespace

Status avg_pool2d_nchw(const float* in, float* out, std::size_t planes, const Window2d& window) {
  return pool_nchw<SumOp>(in, out, nullptr, planes, window);
}

Status max_pool2d_nchw(const float* in, float* out, float* indices, std::size_t planes, const Window2d& window) {
  return pool_nchw<MaxOp>(in, out, indices, planes, window);
}

Status avg_pool2d_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels,
                       const Window2d& window) {
  return pool_nhwc<SumOp>(in, out, batch, channels, window);
}

Status max_pool2d_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels,
                       const Window2d& window) {
  return pool_nhwc<MaxOp>(in, out, batch, channels, window);
}

}  // namespace nnwasm::pool
