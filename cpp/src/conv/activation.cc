// Activations as separate passes: for outputs computed elsewhere (a JS
// function cannot be fused) and softmax, which needs a whole row.
#include "activation/activation.h"
#include "conv/conv.h"
#include "conv/internal.h"
#include "softmax/softmax.h"

namespace nnwasm::conv {

Status activate(float* x, std::size_t n, Activation act) {
  if (!detail::valid_activation(act)) return Status::kInvalidArgument;
  std::size_t total;
  if (!checked_product(&total, {n})) return Status::kSizeOverflow;  // more floats than memory holds
  if (n == 0 || act == Activation::kLinear) return Status::kOk;
  if (x == nullptr) return Status::kNullPointer;
  activation::Params p;
  const activation::Kind k = detail::activation_kind(act, &p);
  return activation::apply(x, x, n, k, p);
}

// exp(x - max) / sum, as Keras: the softmax kernel's rows, in place.
Status softmax_rows(float* x, std::size_t rows, std::size_t n) {
  std::size_t total;
  if (!checked_product(&total, {rows, n})) return Status::kSizeOverflow;
  if (total == 0) return Status::kOk;
  if (x == nullptr) return Status::kNullPointer;
  return softmax::softmax(x, x, rows, n, 1, false);
}

}  // namespace nnwasm::conv
