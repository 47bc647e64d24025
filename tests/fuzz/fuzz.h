// Shared by the libFuzzer targets (tests/fuzz/<kernel>_fuzz.cc): decodes
// shapes, options and values from the fuzz bytes, allocates buffers the way
// the JS Tensor does (exact size + 16 spare bytes a kernel may read, never
// write), and checks results against the scalar references.
//
// A target is one LLVMFuzzerTestOneInput that:
//   1. one input in eight makes a hostile call instead: a null buffer or a
//      size whose products overflow (huge_size), which the kernel must
//      refuse without touching memory (expect_refused_unless; ASan and the
//      canaries catch any access),
//   2. otherwise decodes its sizes with Input::size (bounded by
//      kMaxElements: every run stays fast) and whether to compare thread
//      counts (Input::one_in(8)), fills the input (Input::fill),
//   3. runs the kernel (run_kernel: at 2 threads, and when asked also at 1
//      thread, bit-identical), compares with the reference (expect_close)
//      and aborts on a difference; libFuzzer keeps the input.
// Build and run: `npm run fuzz` (scripts/fuzz.mjs).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <vector>

#include "reference.h"  // tests/cpp/reference.h
#include "runtime/status.h"
#include "thread/pool.h"

namespace nnwasm::fuzz {

// Reads the fuzz bytes front to back; once they run out every read returns
// zero-based defaults, so any prefix of an input is a valid input too.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }

  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | byte();
    return v;
  }

  bool flag() { return byte() & 1; }

  // True one time in n; false once the bytes have run out.
  bool one_in(int n) { return byte() % n == n - 1; }

  // An integer in [lo, hi]; three times in four from one byte (small
  // values find the tail bugs and run fast), else from four.
  std::size_t size(std::size_t lo, std::size_t hi) {
    const std::uint32_t raw = (byte() & 0xC0) == 0xC0 ? u32() : byte();
    return lo + raw % (hi - lo + 1);
  }

  // Float values: mostly multiples of 1/16 in [-7.5, 7.5] (sums of them stay
  // exact, so only the final division may round); some bytes are 0, -0,
  // +-Inf or NaN. Past the end of the bytes, a seeded LCG keeps values
  // varied without growing the input.
  float value() {
    if (pos_ >= size_) {
      lcg_ = lcg_ * 1664525u + 1013904223u;
      return static_cast<float>(static_cast<int>(lcg_ >> 24) - 120) / 16.0f;
    }
    const std::uint8_t b = byte();
    switch (b) {
      case 250: return -0.0f;
      case 251: return std::numeric_limits<float>::infinity();
      case 252: return -std::numeric_limits<float>::infinity();
      case 253: return std::numeric_limits<float>::quiet_NaN();
      case 254: return 0.0f;
      case 255: return 1.0f;
      default: return static_cast<float>(static_cast<int>(b) - 120) / 16.0f;
    }
  }

  // Finite-only values (for kernels whose references cannot order NaN/Inf).
  float finite_value() {
    const float v = value();
    return std::isfinite(v) ? v : 0.5f;
  }

  void fill(std::vector<float>& v, std::size_t count, bool specials = true) {
    for (std::size_t i = 0; i < count; ++i) v[i] = specials ? value() : finite_value();
  }

  // 0/1 mask values (with an occasional other nonzero, which also keeps).
  void fill_mask(std::vector<float>& v, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint8_t b = byte();
      v[i] = b % 3 == 0 ? 0.0f : (b % 7 == 0 ? -2.5f : 1.0f);
    }
  }

  void seed_values(std::uint32_t seed) { lcg_ = seed; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  std::uint32_t lcg_ = 12345;
};

// A size that makes any product with a nonzero size overflow the 4 GiB
// heap (and on 64-bit hosts, size_t itself for some pairs).
inline std::size_t huge_size(Input& in) {
  switch (in.byte() % 4) {
    case 0: return std::numeric_limits<std::size_t>::max();
    case 1: return std::size_t{1} << 31;
    case 2: return (std::size_t{1} << 30) + 1;
    default: return std::numeric_limits<std::size_t>::max() / 3 + 7;
  }
}

[[noreturn]] inline void die(const char* what) {
  std::fprintf(stderr, "fuzz: %s\n", what);
  std::abort();
}

// A buffer as Tensor.empty makes it: `count` floats + 16 readable spare
// bytes. The spare floats hold a canary the kernel must not overwrite.
struct Buffer {
  static constexpr std::size_t kSpare = 4;
  static constexpr float kCanary = -12345.5f;
  std::vector<float> v;
  std::size_t count;

  explicit Buffer(std::size_t n, float init = kCanary) : v(n + kSpare, init), count(n) {}
  float* data() { return v.data(); }
  const float* data() const { return v.data(); }
  float& operator[](std::size_t i) { return v[i]; }
  void check_spare(const char* what) const {
    for (std::size_t i = count; i < count + kSpare; ++i)
      if (std::memcmp(&v[i], &kCanary, sizeof(float)) != 0) die(what);
  }
};

// Aborts (libFuzzer keeps the crashing input) at the first value that is
// not close to the reference.
inline void expect_close(const Buffer& got, const std::vector<float>& want, const char* what) {
  if (got.count != want.size()) die("output size differs from the reference");
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!ref::close(got.v[i], want[i])) {
      std::fprintf(stderr, "fuzz: %s: index %zu of %zu: got %.9g, want %.9g\n", what, i, want.size(),
                   static_cast<double>(got.v[i]), static_cast<double>(want[i]));
      std::abort();
    }
  }
  got.check_spare("kernel wrote past the end of its output");
}

inline void expect_status(Status got, Status want, const char* what) {
  if (got != want) {
    std::fprintf(stderr, "fuzz: %s: status %d, want %d\n", what, static_cast<int>(got),
                 static_cast<int>(want));
    std::abort();
  }
}

// Runs `kernel(out)` at 2 threads (work too small to split runs inline on
// the caller). With `compare_threads` (one input in eight: starting and
// stopping a worker costs milliseconds on a busy machine) it also runs it
// at 1 thread into a second buffer and requires the two to agree bit for
// bit: each item is computed by one thread with the same code. Returns the
// 2-thread result. kernel(out) returns a Status.
template <class Kernel>
Buffer run_kernel(bool compare_threads, std::size_t out_count, Kernel&& kernel, const char* what) {
  Buffer two(out_count);
  if (compare_threads) {
    Buffer one(out_count);
    thread::set_num_threads(1);
    expect_status(kernel(one.data()), Status::kOk, what);
    thread::set_num_threads(2);
    expect_status(kernel(two.data()), Status::kOk, what);
    if (std::memcmp(one.data(), two.data(), one.v.size() * sizeof(float)) != 0)
      die("results differ between 1 and 2 threads");
  } else {
    if (thread::num_threads() != 2) thread::set_num_threads(2);
    expect_status(kernel(two.data()), Status::kOk, what);
  }
  return two;
}

// A hostile call may succeed only when it is harmless after all: the null
// buffer holds no elements, or the output is empty (nothing to write). Any
// other success would mean garbage or a wild write. Dimensions multiply in
// 128 bits, so an overflowing product is never mistaken for a small one.
inline bool no_elements(std::initializer_list<std::size_t> dims) {
  for (std::size_t d : dims)
    if (d == 0) return true;
  return false;
}

inline void expect_refused_unless(Status got, bool harmless, const char* what) {
  if (got == Status::kOk && !harmless) die(what);
}

// Dimensions small enough to allocate for real (hostile calls that null one
// buffer pass properly sized others, so a legal call cannot overflow them).
constexpr std::size_t kHostileMax = 64;

// Caps the elements a run touches so the fuzzer stays at thousands of runs
// a second, while still reaching the 2-thread split (96 KiB per thread).
constexpr std::size_t kMaxElements = 1 << 16;

}  // namespace nnwasm::fuzz
