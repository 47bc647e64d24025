#include "thread/pool.h"

#if defined(NNWASM_THREADS) && NNWASM_THREADS

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace nnwasm::thread {
namespace {

constexpr int kMaxThreads = 64;

// One job at a time: the main thread publishes it under the mutex, bumps the
// generation, and every worker whose index is below the job's thread count
// runs its share, then counts itself done.
struct Pool {
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable finished;
  std::vector<std::thread> workers;
  unsigned long generation = 0;
  bool stopping = false;

  RangeFn fn = nullptr;
  void* context = nullptr;
  std::size_t items = 0;
  int job_threads = 1;
  int pending = 0;  // workers still running the current job

  int active = 1;  // threads a parallel_for uses, caller included

  static void range_of(std::size_t items, int parts, int index, std::size_t* begin,
                       std::size_t* end) {
    *begin = items * static_cast<std::size_t>(index) / static_cast<std::size_t>(parts);
    *end = items * static_cast<std::size_t>(index + 1) / static_cast<std::size_t>(parts);
  }

  // index >= 1; the caller is thread 0. `seen` starts at the generation of
  // the last job published before this worker existed, so a worker started
  // by set_num_threads never runs that finished job again.
  void worker_loop(int index, unsigned long seen) {
    for (;;) {
      RangeFn job_fn;
      void* job_context;
      std::size_t job_items;
      int parts;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return stopping || generation != seen; });
        if (stopping) return;
        seen = generation;
        if (index >= job_threads) continue;
        job_fn = fn;
        job_context = context;
        job_items = items;
        parts = job_threads;
      }
      std::size_t begin, end;
      range_of(job_items, parts, index, &begin, &end);
      if (begin < end) job_fn(job_context, begin, end);
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (--pending == 0) finished.notify_one();
      }
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

  void run(std::size_t n, int parts, RangeFn f, void* ctx) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      fn = f;
      context = ctx;
      items = n;
      job_threads = parts;
      pending = parts - 1;
      ++generation;
    }
    wake.notify_all();
    std::size_t begin, end;
    range_of(n, parts, 0, &begin, &end);
    if (begin < end) f(ctx, begin, end);
    std::unique_lock<std::mutex> lock(mutex);
    finished.wait(lock, [&] { return pending == 0; });
  }

  ~Pool() { resize(1); }
};

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

static int g_thread_limit = kMaxThreads;

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

void parallel_for(std::size_t items, std::size_t item_bytes, RangeFn fn, void* context) {
  Pool& p = pool();
  int parts = p.active;
  if (static_cast<std::size_t>(parts) > items) parts = static_cast<int>(items);
  // Split only when every thread gets enough bytes to amortise the wake-up.
  // 64-bit product: item_bytes * items can pass 4 GiB on wasm32's size_t.
  if (parts > 1 && static_cast<unsigned long long>(item_bytes) * items / static_cast<unsigned>(parts) <
                       kMinBytesPerThread)
    parts = 1;
  if (parts <= 1) {
    if (items > 0) fn(context, 0, items);
    return;
  }
  p.run(items, parts, fn, context);
}

}  // namespace nnwasm::thread

#else  // Builds without threads: everything runs on the caller.

namespace nnwasm::thread {

int max_threads() { return 1; }
void limit_threads(int) {}
int set_num_threads(int) { return 1; }
int num_threads() { return 1; }
void parallel_for(std::size_t items, std::size_t, RangeFn fn, void* context) {
  if (items > 0) fn(context, 0, items);
}

}  // namespace nnwasm::thread

#endif
