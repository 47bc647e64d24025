// Embind wrappers get buffer addresses from JS as plain numbers. A wrong
// number must not let a kernel touch memory outside the tensor heap: an
// out-of-bounds access traps, and a trap on a worker thread takes the whole
// page down; a write below the heap base corrupts the stack or statics.
// One cheap check per buffer, before the kernel runs:
//   if (!heap_check::fits(in, {rows, length}) || ...) return heap_check::kOutsideHeap;
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "runtime/status.h"

extern "C" unsigned char __heap_base;  // first address malloc hands out (wasm-ld)

namespace heap_check {

constexpr int kOutsideHeap = static_cast<int>(nnwasm::Status::kOutsideHeap);

// True when the `dims` product of floats at p (plus the 16 spare bytes a
// kernel may read) lies between the heap base and the end of memory, or
// when p is 0 or the product overflows: the kernel itself refuses those
// with its own status (null pointer, size overflow).
inline bool fits(std::uintptr_t p, std::initializer_list<std::size_t> dims) {
  if (p == 0) return true;
  std::size_t count;
  if (!nnwasm::checked_product(&count, dims)) return true;
  const std::uint64_t memory_end = static_cast<std::uint64_t>(__builtin_wasm_memory_size(0)) * 65536;
  const std::uint64_t end = static_cast<std::uint64_t>(p) + std::uint64_t{count} * sizeof(float) + 16;
  return p >= reinterpret_cast<std::uintptr_t>(&__heap_base) && end <= memory_end;
}

}  // namespace heap_check
