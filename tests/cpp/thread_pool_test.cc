// The thread pool under set_num_threads changes: a worker started after a
// job ran must not run that finished job again (it did, with the job's
// dangling context: use-after-free and writes into freed outputs, found by
// the fuzz targets), and jobs keep running correctly across many changes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "thread/pool.h"

namespace nnwasm {
namespace {

TEST(ThreadPool, NewWorkerDoesNotRerunTheLastJob) {
  if (thread::set_num_threads(2) < 2) GTEST_SKIP() << "one hardware thread";
  std::atomic<int> calls{0};
  // (parallel_for takes its function by forwarding reference and needs an
  // rvalue: an lvalue lambda would make F a reference type.)
  auto count = [&] { return [&](std::size_t, std::size_t) { calls.fetch_add(1); }; };
  // Two items worth a full split each: both threads take one.
  thread::parallel_for(2, 4 * thread::kMinBytesPerThread, count());
  ASSERT_EQ(calls.load(), 2);
  thread::set_num_threads(1);
  thread::set_num_threads(2);  // starts a fresh worker
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(calls.load(), 2) << "the new worker ran the previous job again";
  thread::parallel_for(2, 4 * thread::kMinBytesPerThread, count());
  EXPECT_EQ(calls.load(), 4);
  thread::set_num_threads(1);
}

TEST(ThreadPool, EveryItemRunsOnceAcrossThreadCountChanges) {
  std::atomic<long> sum{0};
  for (int round = 0; round < 200; ++round) {
    thread::set_num_threads(1 + round % 2);
    const std::size_t items = 1 + static_cast<std::size_t>(round) * 7 % 61;
    sum.store(0);
    thread::parallel_for(items, thread::kMinBytesPerThread, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) sum.fetch_add(static_cast<long>(i) + 1);
    });
    ASSERT_EQ(sum.load(), static_cast<long>(items * (items + 1) / 2)) << "round " << round;
  }
  thread::set_num_threads(1);
}

// Back-to-back jobs of every size and chunking, as a network's layers come:
// the workers still spin from the last job and take the next at once (the
// job is handed over through a sequence lock). Every item must run exactly
// once, on a slot below the job's max_slots, at 1 to 4 threads.
TEST(ThreadPool, BackToBackJobsRunEveryItemOnce) {
  std::vector<std::atomic<int>> runs(300);
  for (int threads = 1; threads <= 4; ++threads) {
    thread::set_num_threads(threads);
    for (int job = 0; job < 1500; ++job) {
      const std::size_t items = 1 + static_cast<std::size_t>(job) * 37 % 300;
      thread::Chunks work{items, static_cast<std::size_t>(job % 4) * (1 + job % 7), thread::kMinBytesPerThread,
                          1 + job % 3};
      for (std::size_t i = 0; i < items; ++i) runs[i].store(0);
      std::atomic<int> bad_slot{0};
      thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
        if (slot < 0 || slot >= work.max_slots) bad_slot.fetch_add(1);
        for (std::size_t i = begin; i < end; ++i) runs[i].fetch_add(1);
      });
      ASSERT_EQ(bad_slot.load(), 0) << "job " << job << " threads " << threads;
      for (std::size_t i = 0; i < items; ++i)
        ASSERT_EQ(runs[i].load(), 1) << "item " << i << " of job " << job << " at " << threads << " threads";
    }
  }
  thread::set_num_threads(1);
}

// The slow paths: workers that stopped spinning and parked between jobs,
// and a caller that parks while a worker finishes a long chunk.
TEST(ThreadPool, ParkedWorkersAndCallerWakeUp) {
  if (thread::set_num_threads(2) < 2) GTEST_SKIP() << "one hardware thread";
  for (int round = 0; round < 6; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(round % 2 ? 20 : 0));
    std::atomic<int> calls{0};
    thread::parallel_for(2, 4 * thread::kMinBytesPerThread, [&](std::size_t begin, std::size_t end) {
      if (begin == 1) std::this_thread::sleep_for(std::chrono::milliseconds(round < 3 ? 5 : 0));
      calls.fetch_add(static_cast<int>(end - begin));
    });
    EXPECT_EQ(calls.load(), 2) << "round " << round;
  }
  thread::set_num_threads(1);
}

// Lowering the count parks the workers past it and raising it resumes them:
// the first job after 1 -> 2 runs on both threads at once (a resumed worker
// must join a job published before it woke), and a job at 1 thread runs on
// the caller alone.
TEST(ThreadPool, LoweredThenRaisedResumesTheWorker) {
  if (thread::set_num_threads(2) < 2) GTEST_SKIP() << "one hardware thread";
  for (int round = 0; round < 20; ++round) {
    thread::set_num_threads(1);
    int inline_slot = -1;
    thread::Chunks one{2, 1, 4 * thread::kMinBytesPerThread};
    thread::parallel_for_slots(one, [&](int slot, std::size_t, std::size_t) { inline_slot = std::max(inline_slot, slot); });
    ASSERT_EQ(inline_slot, 0) << "round " << round;
    thread::set_num_threads(2);
    // Item 0 waits (up to 2 s) for item 1 to start: only a second thread can
    // start it meanwhile.
    std::atomic<bool> second_started{false};
    std::atomic<int> first_slot{-1}, second_slot{-1};
    thread::Chunks two{2, 1, 4 * thread::kMinBytesPerThread};
    thread::parallel_for_slots(two, [&](int slot, std::size_t begin, std::size_t) {
      if (begin == 1) {
        second_slot.store(slot);
        second_started.store(true);
        return;
      }
      first_slot.store(slot);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      while (!second_started.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    });
    // The thread that took item 0 waited for item 1: had it been alone, it
    // would have run item 1 too, on its own slot, 2 s later.
    ASSERT_TRUE(second_started.load());
    EXPECT_NE(first_slot.load(), second_slot.load()) << "round " << round << ": one thread ran both items";
  }
  thread::set_num_threads(1);
}

TEST(ThreadPool, SetNumThreadsClamps) {
  EXPECT_EQ(thread::set_num_threads(0), 1);
  EXPECT_EQ(thread::set_num_threads(-5), 1);
  EXPECT_LE(thread::set_num_threads(1 << 30), thread::max_threads());
  EXPECT_EQ(thread::num_threads(), thread::max_threads());
  thread::set_num_threads(1);
}

}  // namespace
}  // namespace nnwasm
