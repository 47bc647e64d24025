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
#include <chrono>
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

// How long a thread busy-waits before it parks on a condition variable: a
// worker after its last chunk (for the next job), the caller for the chunks
// still running on workers. Waking a parked thread goes through a futex
// (Atomics.wait / notify in WebAssembly) and the OS scheduler: tens of
// microseconds and more on a loaded machine, a large part of a 0.1 ms
// layer; MobileNet's depthwise layers ran slower on 2 threads than on 1.
// A network's layers follow each other closely, so a worker still spinning
// from the last layer takes the next one at once. (pthreadpool, under
// XNNPACK, spins in the same way.) 100 us covers the gap between two
// layers' kernel calls (the JS between them: tens of microseconds); longer
// spins cost on a machine with more runnable threads than cores, where a
// spinning thread burns the time slices its preempted partner needs: at
// 1 ms, Dense (64,1024) -> 1000 at 2 threads ran 6.3 ms vs 3.7-3.8 ms with
// 100 us or with parking at once (same process, load average 4-5 on 2 cores).
constexpr auto kSpin = std::chrono::microseconds(100);
// Spin iterations between clock reads (a clock read is a call out to JS in
// WebAssembly).
constexpr int kSpinsPerClockRead = 256;

// Busy-waits until done() or kSpin has passed; returns done().
template <class Done>
bool spin_until(Done&& done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int i = 0; i < kSpinsPerClockRead; ++i)
      if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

// One job at a time. The caller publishes it through a sequence lock (`seq`
// odd while the job's fields are written; the fields are relaxed atomics so
// a worker reading a job being replaced is no data race, and it retries),
// and every worker whose index is below the job's thread count takes
// chunks of it from a shared counter. The caller waits for the chunks to be
// done, not for the workers to wake: a small op whose chunks the caller took
// all by itself returns at once.
struct Pool {
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable finished;
  std::vector<std::thread> workers;
  std::atomic<bool> stopping{false};
  // Threads parked on `wake` / `finished`: notify only when there are some.
  std::atomic<int> parked_workers{0};
  std::atomic<bool> caller_parked{false};

  // The job: written by the caller only, between two bumps of seq.
  std::atomic<std::uint32_t> seq{0};
  std::atomic<SlotRangeFn> fn{nullptr};
  std::atomic<void*> context{nullptr};
  std::atomic<std::size_t> items{0};
  std::atomic<std::size_t> chunk{0};
  std::atomic<std::size_t> chunks{0};
  std::atomic<int> job_threads{1};

  // (job tag << 32) | next chunk, on a cache line of its own with the
  // completion count (both change once per chunk; the job's fields above
  // are read once per job). The tag makes a late worker, still holding a
  // finished job, find nothing to take instead of a chunk of the next job.
  alignas(64) std::atomic<std::uint64_t> claim{0};
  std::atomic<std::size_t> completed{0};
  // Threads a parallel_for uses, caller included. Workers at index >= it
  // stay parked on `resumed` (set_num_threads lowered it): they keep their
  // threads, so raising it again is immediate, and they take no part in (or
  // spin after) any job.
  alignas(64) std::atomic<int> active{1};
  std::condition_variable resumed;
  std::uint32_t resumed_at = 0;  // seq when the count last changed (under mutex)

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
      if (completed.fetch_add(1, std::memory_order_seq_cst) + 1 == count &&
          caller_parked.load(std::memory_order_seq_cst)) {
        std::lock_guard<std::mutex> lock(mutex);
        finished.notify_all();
      }
    }
  }

  // A job newer than `seen` has been published (or the pool stops).
  bool has_news(std::uint32_t seen) const {
    const std::uint32_t s = seq.load(std::memory_order_seq_cst);
    return stopping.load(std::memory_order_acquire) || (s != seen && (s & 1) == 0);
  }

  // index >= 1; the caller is thread 0. `seen` starts at the sequence of
  // the last job published before this worker existed, so a worker started
  // by set_num_threads never runs that finished job again.
  void worker_loop(int index, std::uint32_t seen) {
    for (;;) {
      if (index >= active.load(std::memory_order_acquire)) {
        std::unique_lock<std::mutex> lock(mutex);
        resumed.wait(lock, [&] {
          return stopping.load(std::memory_order_acquire) || index < active.load(std::memory_order_acquire);
        });
        // Jobs published since the count was raised are news, also those
        // published before this thread woke; earlier ones are not.
        seen = resumed_at;
        if (stopping.load(std::memory_order_acquire)) return;
        continue;
      }
      if (!spin_until([&] { return has_news(seen) || index >= active.load(std::memory_order_relaxed); })) {
        std::unique_lock<std::mutex> lock(mutex);
        parked_workers.fetch_add(1, std::memory_order_seq_cst);
        wake.wait(lock, [&] { return has_news(seen) || index >= active.load(std::memory_order_relaxed); });
        parked_workers.fetch_sub(1, std::memory_order_relaxed);
      }
      if (stopping.load(std::memory_order_acquire)) return;
      // Read the job; if the caller replaced it meanwhile, read again.
      const std::uint32_t s = seq.load(std::memory_order_acquire);
      if ((s & 1) != 0 || s == seen) continue;
      const SlotRangeFn job_fn = fn.load(std::memory_order_relaxed);
      void* const job_context = context.load(std::memory_order_relaxed);
      const std::size_t job_items = items.load(std::memory_order_relaxed);
      const std::size_t job_chunk = chunk.load(std::memory_order_relaxed);
      const std::size_t job_chunks = chunks.load(std::memory_order_relaxed);
      const int threads = job_threads.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (seq.load(std::memory_order_relaxed) != s) continue;
      seen = s;
      if (index >= threads) continue;
      drain(job_fn, job_context, index, job_items, job_chunk, job_chunks, s);
    }
  }

  // Total threads including the caller. Lowering parks the workers past it
  // and raising resumes them, starting threads only past those there are:
  // going 2 -> 1 -> 2 joins and starts no thread (in WebAssembly a start
  // takes a Web Worker from Emscripten's pool), so a caller can switch per
  // op, as the layer sweep does to time each layer on 1 and 2 threads.
  void resize(int total) {
    const int want = total - 1;
    {
      std::lock_guard<std::mutex> lock(mutex);
      active.store(total, std::memory_order_seq_cst);
      resumed_at = seq.load(std::memory_order_acquire);
    }
    resumed.notify_all();
    wake.notify_all();  // spinning or parked on `wake`, a worker past `total` moves to `resumed`
    while (static_cast<int>(workers.size()) < want) {
      const int index = static_cast<int>(workers.size()) + 1;
      const std::uint32_t current = seq.load(std::memory_order_acquire);
      workers.emplace_back([this, index, current] { worker_loop(index, current); });
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping.store(true, std::memory_order_seq_cst);
    }
    wake.notify_all();
    resumed.notify_all();
    for (auto& w : workers) w.join();
    workers.clear();
    stopping.store(false, std::memory_order_seq_cst);
    active.store(1, std::memory_order_seq_cst);
  }

  void run(std::size_t n, std::size_t size, std::size_t count, int parts, SlotRangeFn f, void* ctx) {
    // Sequence lock: odd while the fields change. Every chunk of the last
    // job is done, so no worker takes from it any more; one still reading
    // its fields sees the sequence move and reads again.
    const std::uint32_t s = seq.load(std::memory_order_relaxed);
    seq.store(s + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    fn.store(f, std::memory_order_relaxed);
    context.store(ctx, std::memory_order_relaxed);
    items.store(n, std::memory_order_relaxed);
    chunk.store(size, std::memory_order_relaxed);
    chunks.store(count, std::memory_order_relaxed);
    job_threads.store(parts, std::memory_order_relaxed);
    const std::uint32_t tag = s + 2;
    completed.store(0, std::memory_order_relaxed);
    claim.store(std::uint64_t{tag} << 32, std::memory_order_relaxed);
    seq.store(tag, std::memory_order_seq_cst);
    // A worker parks after incrementing parked_workers under the mutex and
    // checking seq: either it sees the new job, or we see it parked.
    if (parked_workers.load(std::memory_order_seq_cst) > 0) {
      { std::lock_guard<std::mutex> lock(mutex); }
      wake.notify_all();
    }
    // The chunks the caller runs keep their loop state on its stack just
    // below this frame, while the workers read the op's parameters from the
    // frames above it. Two cache lines of gap keep them off shared lines: a
    // worker re-reading a line the caller kept writing made 3x3/2 pooling
    // slower on 2 threads than on 1.
    [[maybe_unused]] alignas(64) volatile unsigned char gap[128];
    gap[0] = 0;
    drain(f, ctx, 0, n, size, count, tag);
    const auto done = [&] { return completed.load(std::memory_order_seq_cst) == count; };
    if (spin_until(done)) return;
    std::unique_lock<std::mutex> lock(mutex);
    caller_parked.store(true, std::memory_order_seq_cst);
    finished.wait(lock, done);
    caller_parked.store(false, std::memory_order_relaxed);
  }

  ~Pool() { stop(); }
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
  if (pool().active.load(std::memory_order_relaxed) > g_thread_limit) pool().resize(g_thread_limit);
}

int set_num_threads(int n) {
  if (n < 1) n = 1;
  if (n > max_threads()) n = max_threads();
  pool().resize(n);
  return n;
}

int num_threads() { return pool().active.load(std::memory_order_relaxed); }

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

int threads_for(const Chunks& work) { return split(work, pool().active.load(std::memory_order_relaxed)).parts; }

void parallel_for_slots(const Chunks& work, SlotRangeFn fn, void* context) {
  Pool& p = pool();
  const Split sp = split(work, p.active.load(std::memory_order_relaxed));
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
