// The fixture of the kernel tests that run at several thread counts:
// INSTANTIATE_TEST_SUITE_P(Threads, Suite, ::testing::Values(1, 2)) runs
// each test with the pool at GetParam() threads, and leaves it at 1.
#pragma once

#include <gtest/gtest.h>

#include "thread/pool.h"

namespace nnwasm {

class ThreadCountTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { thread::set_num_threads(GetParam()); }
  void TearDown() override { thread::set_num_threads(1); }
};

}  // namespace nnwasm
