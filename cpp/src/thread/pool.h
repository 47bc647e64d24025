// The one place that knows about threads: a persistent, parked worker pool
// and a parallel-for over it. Kernels describe their work as independent
// items; each item is computed by exactly one thread with the same code, so
// results do not depend on the thread count. Threads take chunks of items
// from a shared counter (dynamic chunking): a thread slowed by another
// process on its core takes fewer chunks instead of holding up the op.
#pragma once

#include <cstddef>
#include <utility>

namespace nnwasm::thread {

// Starts workers (or parks the ones past n, keeping their threads) so that
// `n` threads, the caller included, share each parallel_for. Returns the count in effect: n is clamped to
// [1, max_threads()]. Not thread-safe; call it between ops.
int set_num_threads(int n);
int num_threads();
// The most threads this build can run (1 in builds without threads).
int max_threads();
// Lowers max_threads() to n (at least 1). WebAssembly builds call it with the
// number of pre-started workers + 1: a pthread created beyond those cannot
// start until the browser's event loop turns, so waiting on it would hang.
void limit_threads(int n);

using RangeFn = void (*)(void* context, std::size_t begin, std::size_t end);

// Runs fn(context, begin, end) over [0, items) split into contiguous ranges
// (a few per thread), the calling thread taking part. Work worth less than
// `kMinBytesPerThread` (item_bytes * items / threads) runs inline: waking a
// worker costs microseconds, more than a small op takes.
void parallel_for(std::size_t items, std::size_t item_bytes, RangeFn fn, void* context);

template <class F>
void parallel_for(std::size_t items, std::size_t item_bytes, F&& f) {
  parallel_for(
      items, item_bytes,
      [](void* ctx, std::size_t begin, std::size_t end) { (*static_cast<F*>(ctx))(begin, end); },
      static_cast<void*>(&f));
}

// The same, for work with per-thread scratch (thread/scratch.h): fn also gets
// the index of the thread running the range, below `max_slots` (at most
// `max_slots` threads take part), so each thread uses its own scratch slot.
// `chunk` > 0 fixes the items per range (the last one shorter), also when
// everything runs on the caller; 0 lets the pool split.
struct Chunks {
  std::size_t items = 0;
  std::size_t chunk = 0;       // items per range; 0: a few ranges per thread
  std::size_t item_bytes = 0;  // memory traffic of one item, for the inline threshold
  int max_slots = 64;
};
using SlotRangeFn = void (*)(void* context, int slot, std::size_t begin, std::size_t end);
void parallel_for_slots(const Chunks& work, SlotRangeFn fn, void* context);
// The threads parallel_for_slots would run `work` on: the slots its scratch
// needs (thread/scratch.h).
int threads_for(const Chunks& work);

template <class F>
void parallel_for_slots(const Chunks& work, F&& f) {
  parallel_for_slots(
      work,
      [](void* ctx, int slot, std::size_t begin, std::size_t end) { (*static_cast<F*>(ctx))(slot, begin, end); },
      static_cast<void*>(&f));
}

// Below this much memory traffic per thread, splitting does not pay.
constexpr std::size_t kMinBytesPerThread = 96 * 1024;

}  // namespace nnwasm::thread
