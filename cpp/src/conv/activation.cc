// Activations as separate passes: for outputs computed elsewhere (a JS
// function cannot be fused) and softmax, which needs a whole row.
#include <cmath>

#include "conv/conv.h"
#include "conv/internal.h"
#include "thread/pool.h"

namespace nnwasm::conv {

Status activate(float* x, std::size_t n, Activation act) {
  if (!detail::valid_activation(act)) return Status::kInvalidArgument;
  std::size_t total;
  if (!checked_product(&total, {n})) return Status::kSizeOverflow;  // more floats than memory holds
  if (n == 0 || act == Activation::kLinear) return Status::kOk;
  if (x == nullptr) return Status::kNullPointer;
  thread::parallel_for(n, sizeof(float) * 8, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) x[i] = detail::activate_one(x[i], act);
  });
  return Status::kOk;
}

// exp(x - max) / sum, as Keras: subtracting the row's max keeps exp finite.
Status softmax_rows(float* x, std::size_t rows, std::size_t n) {
  std::size_t total;
  if (!checked_product(&total, {rows, n})) return Status::kSizeOverflow;
  if (total == 0) return Status::kOk;
  if (x == nullptr) return Status::kNullPointer;
  thread::parallel_for(rows, n * sizeof(float) * 8, [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      float* row = x + r * n;
      float m = row[0];
      for (std::size_t i = 1; i < n; ++i) m = (row[i] > m || row[i] != row[i]) ? row[i] : m;
      float sum = 0.0f;
      for (std::size_t i = 0; i < n; ++i) sum += (row[i] = std::exp(row[i] - m));
      for (std::size_t i = 0; i < n; ++i) row[i] /= sum;
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::conv
