// Scalar references for the fuzz targets, in double, written from PyTorch's
// and Keras's definitions (not from the kernels). One function per kernel
// entry point, same argument order, so a target reads as "kernel == ref".
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace nnwasm::fuzz::ref {

// PyTorch adaptive_avg_pool1d windows: [floor(i*L/O), ceil((i+1)*L/O)).
inline std::vector<float> adaptive_avg_pool1d_ncl(const float* in, std::size_t rows, std::size_t L,
                                                  std::size_t O) {
  std::vector<float> out(rows * O);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t i = 0; i < O; ++i) {
      const std::size_t s = i * L / O, e = ((i + 1) * L + O - 1) / O;
      double sum = 0;
      for (std::size_t k = s; k < e; ++k) sum += in[r * L + k];
      out[r * O + i] = static_cast<float>(sum / static_cast<double>(e - s));
    }
  return out;
}

// Keras GlobalAveragePooling1D: mean over steps l of x[n, l, c] (nlc) or
// x[n, c, l] (ncl), leaving out steps whose mask[n, l] is 0; no steps -> NaN.
inline std::vector<float> global_avg_pool1d(const float* in, const float* mask, std::size_t N,
                                            std::size_t L, std::size_t C, bool channels_last) {
  std::vector<float> out(N * C);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t c = 0; c < C; ++c) {
      double sum = 0;
      std::size_t count = 0;
      for (std::size_t l = 0; l < L; ++l) {
        if (mask != nullptr && mask[n * L + l] == 0.0f) continue;
        sum += channels_last ? in[(n * L + l) * C + c] : in[(n * C + c) * L + l];
        ++count;
      }
      out[n * C + c] = count == 0 ? std::numeric_limits<float>::quiet_NaN()
                                  : static_cast<float>(sum / static_cast<double>(count));
    }
  return out;
}

}  // namespace nnwasm::fuzz::ref
