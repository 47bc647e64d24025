// The thread pool under set_num_threads changes: a worker started after a
// job ran must not run that finished job again (it did, with the job's
// dangling context: use-after-free and writes into freed outputs, found by
// the fuzz targets), and jobs keep running correctly across many changes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

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

TEST(ThreadPool, SetNumThreadsClamps) {
  EXPECT_EQ(thread::set_num_threads(0), 1);
  EXPECT_EQ(thread::set_num_threads(-5), 1);
  EXPECT_LE(thread::set_num_threads(1 << 30), thread::max_threads());
  EXPECT_EQ(thread::num_threads(), thread::max_threads());
  thread::set_num_threads(1);
}

}  // namespace
}  // namespace nnwasm
