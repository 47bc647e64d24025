// Plain scalar reference implementations the kernel tests compare against,
// and helpers to build inputs. Written for clarity, not speed.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace nnwasm::testing {

// Deterministic inputs: a small LCG so native and WebAssembly runs see the
// same numbers.
inline std::vector<float> random_floats(std::size_t n, std::uint32_t seed) {
  std::vector<float> v(n);
  std::uint32_t s = seed * 2654435761u + 1;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f;
  }
  return v;
}

// The relative + absolute tolerance float sums of different order stay in.
inline bool close(float got, float want, float rtol = 2e-5f, float atol = 1e-5f) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= atol + rtol * std::fabs(want);
}

}  // namespace nnwasm::testing
