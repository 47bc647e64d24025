// Status codes returned by every C++ entry point. Kernels never throw; the
// bindings turn a non-OK status into a JS Error naming the op.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace nnwasm {

enum class Status : int {
  kOk = 0,
  kNullPointer = 1,    // a required buffer was null
  kSizeOverflow = 2,   // a product of sizes does not fit in memory
  kInvalidArgument = 3,
  kOutsideHeap = 4,    // a buffer address from JS is not inside the tensor heap (bindings/heap_check.h)
  kOutOfMemory = 5,    // scratch memory could not be allocated; failed_allocation_bytes() says how much
};

// Kernels allocate scratch on the calling thread before any parallel work;
// when that fails they record the size here and return kOutOfMemory, so the
// Error can name the bytes. Single-threaded: only callers of entry points
// touch it.
void record_failed_allocation(std::size_t bytes);
std::size_t failed_allocation_bytes();

const char* status_message(Status s);

// a * b * c ... as element counts, or false if the product passes the
// addressable float count (so a size computed from JS cannot wrap around).
// A zero factor makes the product 0 wherever it stands, as a tensor with a
// 0 dimension is empty whatever its other dimensions.
inline bool checked_product(std::size_t* out, std::initializer_list<std::size_t> factors) {
  for (std::size_t f : factors) {
    if (f == 0) {
      *out = 0;
      return true;
    }
  }
  std::uint64_t p = 1;
  constexpr std::uint64_t kMaxFloats = (std::uint64_t{1} << 32) / sizeof(float);
  for (std::size_t f : factors) {
    if (f != 0 && p > kMaxFloats / f) return false;
    p *= f;
  }
  if (p > kMaxFloats) return false;
  *out = static_cast<std::size_t>(p);
  return true;
}

}  // namespace nnwasm
