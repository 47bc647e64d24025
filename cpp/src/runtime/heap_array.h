// An owning array from malloc for buffers an entry point sizes from its
// arguments (window tables, zero rows). Unlike std::vector, which aborts
// when an allocation fails in a build without exceptions, allocate() returns
// kOutOfMemory and records the bytes, so JS gets a clear Error and the
// module stays usable. Values start uninitialised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <type_traits>

#include "runtime/status.h"

namespace nnwasm {

template <class T>
class HeapArray {
  static_assert(std::is_trivially_copyable<T>::value, "HeapArray holds plain values");

 public:
  HeapArray() = default;
  ~HeapArray() { std::free(data_); }
  HeapArray(const HeapArray&) = delete;
  HeapArray& operator=(const HeapArray&) = delete;

  Status allocate(std::size_t n) {
    std::free(data_);
    data_ = nullptr;
    size_ = 0;
    const std::uint64_t bytes = std::uint64_t{n} * sizeof(T);
    if (bytes / sizeof(T) != n || bytes > (std::uint64_t{1} << 32) - 64) return Status::kSizeOverflow;
    data_ = static_cast<T*>(std::malloc(bytes == 0 ? 1 : static_cast<std::size_t>(bytes)));
    if (data_ == nullptr) {
      record_failed_allocation(static_cast<std::size_t>(bytes));
      return Status::kOutOfMemory;
    }
    size_ = n;
    return Status::kOk;
  }

  std::size_t size() const { return size_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace nnwasm
