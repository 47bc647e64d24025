#include "thread/pool.h"

#include <cstdint>

namespace nnwasm::thread {
namespace {

// Everything on the caller, chunk by chunk when the chunk size is fixed
// (kernels such as the IGEMM walk their weights once per chunk).
void run_inline(std::size_t n, std::size_t chunk, SlotRangeFn fn, void* ctx) {
  if (n == 0) return;
  if (chunk == 0 || chunk >= n) {
    fn(ctx, 0, 0, n);
    return;
  }
  for (std::size_t b = 0; b < n; b += chunk) fn(ctx, 0, b, n - b < chunk ? n : b + chunk);
}

struct PlainRange {
  RangeFn fn;
  void* context;
  static void call(void* self, int, std::size_t begin, std::size_t end) {
    const auto* r = static_cast<const PlainRange*>(self);
    r->fn(r->context, begin, end);
  }
};

}  // namespace
}  // namespace nnwasm::thread

#if defined(NNWASM_THREADS) && NNWASM_THREADS

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace nnwasm::thread {
namespace {

constexpr int kMaxThreads = 64;
constexpr std::size_t kChunksPerThread = 4;

// Range [begin, end) of chunk c out of `count`: fixed chunks of `chunk`
// items, or (chunk == 0) an even split of n. 64-bit products: n * c can
// pass 2^32 on wasm32.
inline void chunk_range(std::size_t n, std::size_t chunk, std::size_t count, std::size_t c, std::size_t* begin,
                        std::size_t* end) {
  if (chunk != 0) {
    *begin = c * chunk;
    *end = n - *begin < chunk ? n : *begin + chunk;
    return;
  }
  *begin = static_cast<std::size_t>(std::uint64_t{n} * c / count);
  *end = static_cast<std::size_t>(std::uint64_t{n} * (c + 1) / count);
}

// The claim counter holds the next chunk in 32 bits.
constexpr std::size_t kMaxChunks = 0xffffffffu;

// One job at a time: the main thread publishes it under the mutex, bumps the
// generation, and every worker whose index is below the job's thread count
// takes chunks of it from a shared counter. The caller waits for the chunks
// to be done, not for the workers to wake: a small op whose chunks the
// caller took all by itself returns at once.
struct Pool {
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable finished;
  std::vector<std::thread> workers;
  unsigned long generation = 0;
  bool stopping = false;

  SlotRangeFn fn = nullptr;
  void* context = nullptr;
  std::size_t items = 0;
  std::size_t chunk = 0;
  std::size_t chunks = 0;
  int job_threads = 1;
  // (job tag << 32) | next chunk. The tag makes a late worker, still holding
  // a finished job, find nothing to take instead of a chunk of the next job.
  std::atomic<std::uint64_t> claim{0};
  std::atomic<std::size_t> completed{0};

  int active = 1;  // threads a parallel_for uses, caller included

  bool take(std::uint32_t tag, std::size_t count, std::size_t* c) {
    std::uint64_t v = claim.load(std::memory_order_acquire);
    for (;;) {
      if ((v >> 32) != tag || (v & 0xffffffffu) >= count) return false;
      if (claim.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) {
        *c = static_cast<std::size_t>(v & 0xffffffffu);
        return true;
      }
    }
  }

  // Runs chunks taken from the shared counter until none are left. Each
  // item is still computed by one thread with the same code, so results do
  // not depend on who ran it.
  void drain(SlotRangeFn f, void* ctx, int slot, std::size_t n, std::size_t size, std::size_t count,
             std::uint32_t tag) {
    std::size_t c;
    while (take(tag, count, &c)) {
      std::size_t begin, end;
      chunk_range(n, size, count, c, &begin, &end);
      if (begin < end) f(ctx, slot, begin, end);
      if (completed.fetch_add(1, std::memory_order_acq_rel) + 1 == count) {
        std::lock_guard<std::mutex> lock(mutex);
        finished.notify_all();
      }
    }
  }

  // index >= 1; the caller is thread 0. `seen` starts at the generation of
  // the last job published before this worker existed, so a worker started
  // by set_num_threads never runs that finished job again.
  void worker_loop(int index, unsigned long seen) {
    for (;;) {
      SlotRangeFn job_fn;
      void* job_context;
      std::size_t job_items, job_chunk, job_chunks;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return stopping || generation != seen; });
        if (stopping) return;
        seen = generation;
        if (index >= job_threads) continue;
        job_fn = fn;
        job_context = context;
        job_items = items;
        job_chunk = chunk;
        job_chunks = chunks;
      }
      drain(job_fn, job_context, index, job_items, job_chunk, job_chunks, static_cast<std::uint32_t>(seen));
    }
  }

  void resize(int total) {  // total threads including the caller
    const int want = total - 1;
    if (static_cast<int>(workers.size()) > want) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        stopping = true;
      }
      wake.notify_all();
      for (auto& w : workers) w.join();
      workers.clear();
      stopping = false;
    }
    while (static_cast<int>(workers.size()) < want) {
      const int index = static_cast<int>(workers.size()) + 1;
      unsigned long current;
      {
        std::lock_guard<std::mutex> lock(mutex);
        current = generation;
      }
      workers.emplace_back([this, index, current] { worker_loop(index, current); });
    }
    active = total;
  }

  void run(std::size_t n, std::size_t size, std::size_t count, int parts, SlotRangeFn f, void* ctx) {
    std::uint32_t tag;
    {
      std::lock_guard<std::mutex> lock(mutex);
      fn = f;
      context = ctx;
      items = n;
      chunk = size;
      chunks = count;
      job_threads = parts;
      ++generation;
      tag = static_cast<std::uint32_t>(generation);
      completed.store(0, std::memory_order_relaxed);
      claim.store(std::uint64_t{tag} << 32, std::memory_order_release);
    }
    wake.notify_all();
    // The chunks the caller runs keep their loop state on its stack just
    // below this frame, while the workers read the op's parameters from the
    // frames above it. Two cache lines of gap keep them off shared lines: a
    // worker re-reading a line the caller kept writing made 3x3/2 pooling
    // slower on 2 threads than on 1.
    [[maybe_unused]] alignas(64) volatile unsigned char gap[128];
    gap[0] = 0;
    drain(f, ctx, 0, n, size, count, tag);
    std::unique_lock<std::mutex> lock(mutex);
    finished.wait(lock, [&] { return completed.load(std::memory_order_acquire) == count; });
  }

  ~Pool() { resize(1); }
};

Pool& pool() {
  static Pool instance;
  return instance;
}

int g_thread_limit = kMaxThreads;

}  // namespace

int max_threads() {
  const unsigned hw = std::thread::hardware_concurrency();
  int n = hw == 0 ? 1 : static_cast<int>(hw);
  if (n > g_thread_limit) n = g_thread_limit;
  return n;
}

void limit_threads(int n) {
  g_thread_limit = n < 1 ? 1 : (n > kMaxThreads ? kMaxThreads : n);
  if (pool().active > g_thread_limit) pool().resize(g_thread_limit);
}

int set_num_threads(int n) {
  if (n < 1) n = 1;
  if (n > max_threads()) n = max_threads();
  pool().resize(n);
  return n;
}

int num_threads() { return pool().active; }

namespace {

// The chunk size in effect, the chunks there are to take, and the threads
// that take part.
struct Split {
  std::size_t chunk, available;
  int parts;
};

Split split(const Chunks& work, int active) {
  const std::size_t n = work.items;
  Split sp{work.chunk, 0, 1};
  if (sp.chunk != 0 && n != 0 && (n - 1) / sp.chunk >= kMaxChunks) sp.chunk = (n - 1) / kMaxChunks + 1;
  sp.available = sp.chunk == 0 ? n : (n == 0 ? 0 : (n - 1) / sp.chunk + 1);
  std::size_t parts = static_cast<std::size_t>(std::min(active, std::max(work.max_slots, 1)));
  if (parts > sp.available) parts = sp.available;
  // Split only when every thread gets enough bytes to amortise the wake-up.
  // 64-bit product: item_bytes * items can pass 4 GiB on wasm32's size_t.
  if (parts > 1 && static_cast<unsigned long long>(work.item_bytes) * n / parts < kMinBytesPerThread) parts = 1;
  sp.parts = parts < 1 ? 1 : static_cast<int>(parts);
  return sp;
}

}  // namespace

int threads_for(const Chunks& work) { return split(work, pool().active).parts; }

void parallel_for_slots(const Chunks& work, SlotRangeFn fn, void* context) {
  Pool& p = pool();
  const Split sp = split(work, p.active);
  if (sp.parts <= 1) return run_inline(work.items, sp.chunk, fn, context);
  // Unfixed: a few chunks per thread, enough to rebalance, few enough that
  // per-chunk setup in the kernels stays negligible.
  const std::size_t count =
      sp.chunk != 0 ? sp.available : std::min(work.items, static_cast<std::size_t>(sp.parts) * kChunksPerThread);
  p.run(work.items, sp.chunk, count, sp.parts, fn, context);
}

void parallel_for(std::size_t items, std::size_t item_bytes, RangeFn fn, void* context) {
  PlainRange range{fn, context};
  parallel_for_slots(Chunks{items, 0, item_bytes, kMaxThreads}, &PlainRange::call, &range);
}

}  // namespace nnwasm::thread

#else  // Builds without threads: everything runs on the caller.

namespace nnwasm::thread {

int max_threads() { return 1; }
void limit_threads(int) {}
int set_num_threads(int) { return 1; }
int num_threads() { return 1; }
int threads_for(const Chunks&) { return 1; }
void parallel_for_slots(const Chunks& work, SlotRangeFn fn, void* context) {
  run_inline(work.items, work.chunk, fn, context);
}
void parallel_for(std::size_t items, std::size_t, RangeFn fn, void* context) {
  PlainRange range{fn, context};
  run_inline(items, 0, &PlainRange::call, &range);
}

}  // namespace nnwasm::thread

#endif
