// Per-thread scratch for one parallel region (thread::parallel_for_slots).
// The entry point plans the arrays one thread needs, allocates one slot per
// thread on the calling thread before the region (workers never allocate),
// and each range finds its thread's arrays by slot index. When memory is
// short the slots shrink to fewer threads, down to one; when even one slot
// cannot be had, its size is recorded and the op returns kOutOfMemory, so
// JS can name the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "runtime/status.h"
#include "thread/pool.h"

namespace nnwasm::thread {

// The arrays of one slot. Every array starts on a 64-byte cache line of its
// own: two threads' rows sharing a line bounce it between the cores on every
// write (false sharing); with plain std::vector rows the 3x3/2 NCHW pooling
// ran no faster on 2 threads than on 1, both threads busy. Sizes add up in
// 64 bits, so a count from JS cannot wrap around.
class ScratchPlan {
 public:
  // Reserves `count` values of T; returns their byte offset in a slot.
  template <class T>
  std::size_t add(std::uint64_t count) {
    const std::uint64_t offset = bytes_;
    if (overflow_ || count > kMaxSlotBytes / sizeof(T) ||
        (bytes_ += (count * sizeof(T) + 63) / 64 * 64) > kMaxSlotBytes) {
      overflow_ = true;
      return 0;
    }
    return static_cast<std::size_t>(offset);
  }
  std::uint64_t slot_bytes() const { return bytes_; }
  // Whether one slot would pass the address space (the op is refused with
  // kSizeOverflow, as for any size that cannot fit).
  bool overflowed() const { return overflow_; }

  // Just under 4 GiB: the most a WebAssembly heap can hold, and below
  // SIZE_MAX on wasm32.
  static constexpr std::uint64_t kMaxSlotBytes = (std::uint64_t{1} << 32) - 64;

 private:
  std::uint64_t bytes_ = 0;
  bool overflow_ = false;
};

class ScratchSlots {
 public:
  ScratchSlots() = default;
  ~ScratchSlots() { std::free(data_); }
  ScratchSlots(const ScratchSlots&) = delete;
  ScratchSlots& operator=(const ScratchSlots&) = delete;

  // One slot for each thread that would run `work`, fewer if memory is
  // short; work->max_slots becomes the slots there are.
  Status allocate(const ScratchPlan& plan, Chunks* work) {
    const Status s = allocate(plan, threads_for(*work));
    work->max_slots = slots_;
    return s;
  }

  // One slot for each of `threads`, fewer if memory is short.
  Status allocate(const ScratchPlan& plan, int threads) {
    if (plan.overflowed()) return Status::kSizeOverflow;
    const std::uint64_t bytes = plan.slot_bytes() == 0 ? 64 : plan.slot_bytes();
    for (int n = threads < 1 ? 1 : threads; n >= 1; n = n > 2 ? n / 2 : n - 1) {
      const std::uint64_t total = bytes * static_cast<std::uint64_t>(n);
      if (total > ScratchPlan::kMaxSlotBytes) continue;
      data_ = static_cast<unsigned char*>(std::aligned_alloc(64, static_cast<std::size_t>(total)));
      if (data_ != nullptr) {
        slot_bytes_ = static_cast<std::size_t>(bytes);
        slots_ = n;
        return Status::kOk;
      }
    }
    record_failed_allocation(static_cast<std::size_t>(bytes));
    return Status::kOutOfMemory;
  }

  int slots() const { return slots_; }

  // The array planned at `offset` in slot `slot` (< slots()).
  template <class T>
  T* get(int slot, std::size_t offset) const {
    return reinterpret_cast<T*>(data_ + static_cast<std::size_t>(slot) * slot_bytes_ + offset);
  }

 private:
  unsigned char* data_ = nullptr;
  std::size_t slot_bytes_ = 0;
  int slots_ = 0;
};

}  // namespace nnwasm::thread
