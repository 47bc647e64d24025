// Embind glue for the runtime: heap blocks for tensors, threads, status text.
// These are not op entry points, so they take plain numbers (pointers as
// heap byte offsets) rather than a parameter block (bindings/README.md).
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "heap_check.h"
#include "runtime/status.h"
#include "thread/pool.h"

namespace {

// Tensor storage: 16-byte aligned for SIMD loads, with 16 spare bytes so a
// kernel may read (never write) one vector past the end. Returns 0 when the
// heap cannot grow that far; JS turns that into an Error.
std::uintptr_t tensor_alloc(double bytes) {
  if (!(bytes >= 0) || bytes > 4294967295.0 - 64) return 0;
  const std::size_t size = (static_cast<std::size_t>(bytes) + 16 + 15) & ~std::size_t{15};
  void* p = std::aligned_alloc(16, size);
  // dlmalloc asks sbrk for less than 2 GiB at a time (HALF_MAX_SIZE_T), so
  // a block of 2 GiB or more cannot grow the heap in one request. Two
  // half-size blocks can; freed, they join the heap's free top (this
  // dlmalloc never trims), from which the whole block is then cut.
  constexpr std::size_t kHalfAddressSpace = std::size_t{1} << 31;
  // A pthread starting meanwhile (Emscripten 3.1.6 allocates a thread's TLS
  // on the thread itself) can take a small block off the free top between
  // the frees and the allocation; then the top is short, so try again.
  const auto brk = reinterpret_cast<std::uintptr_t>(sbrk(0));
  const bool may_fit = size >= kHalfAddressSpace - 65536 && size <= emscripten_get_heap_max() - brk;
  for (int attempt = 0; p == nullptr && may_fit && attempt < 3; ++attempt) {
    // volatile: the compiler would otherwise drop a malloc whose block is
    // only freed.
    void* volatile a = std::malloc(size / 2);
    void* volatile b = a == nullptr ? nullptr : std::malloc(size - size / 2);
    std::free(b);
    std::free(a);
    p = std::aligned_alloc(16, size);
  }
  return reinterpret_cast<std::uintptr_t>(p);
}

// Only addresses tensor_alloc could have returned (16-byte aligned, in the
// heap); anything else is ignored rather than corrupting the allocator.
void tensor_free(std::uintptr_t ptr) {
  if (ptr % 16 != 0 || !heap_check::fits(ptr, {})) return;
  std::free(reinterpret_cast<void*>(ptr));
}

// Returns false (copies nothing) when either range is not inside the heap.
bool tensor_copy(std::uintptr_t dst, std::uintptr_t src, std::size_t bytes) {
  if (bytes != 0 && (dst == 0 || src == 0)) return false;
  if (bytes % sizeof(float) != 0 || !heap_check::fits(dst, {bytes / sizeof(float)}) ||
      !heap_check::fits(src, {bytes / sizeof(float)}))
    return false;
  std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), bytes);
  return true;
}

std::string status_text(int status) { return nnwasm::status_message(static_cast<nnwasm::Status>(status)); }

// The size of the scratch allocation behind the last kOutOfMemory, for the
// Error js/runtime.js makes of it.
double failed_allocation_bytes() { return static_cast<double>(nnwasm::failed_allocation_bytes()); }

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_runtime) {
  using namespace emscripten;
  function("tensorAlloc", &tensor_alloc);
  function("tensorFree", &tensor_free);
  function("tensorCopy", &tensor_copy);
  function("statusText", &status_text);
  function("failedAllocationBytes", &failed_allocation_bytes);
  function("setNumThreads", &nnwasm::thread::set_num_threads);
  function("numThreads", &nnwasm::thread::num_threads);
  function("maxThreads", &nnwasm::thread::max_threads);
  function("limitThreads", &nnwasm::thread::limit_threads);
}
