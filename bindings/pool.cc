// Embind glue for the pooling kernels: heap offsets and sizes in, a status
// code out. Argument checking with readable errors is done in js/ops/.
#include <emscripten/bind.h>

#include <cstdint>

#include "heap_check.h"
#include "pool/pool.h"

namespace {

const float* f32(std::uintptr_t p) { return reinterpret_cast<const float*>(p); }
float* f32_out(std::uintptr_t p) { return reinterpret_cast<float*>(p); }

int adaptive_avg_pool1d_ncl(std::uintptr_t in, std::uintptr_t out, std::size_t rows, std::size_t length,
                            std::size_t out_length) {
  if (!heap_check::fits(in, {rows, length}) || !heap_check::fits(out, {rows, out_length})) return heap_check::kOutsideHeap;
  return static_cast<int>(nnwasm::pool::adaptive_avg_pool1d_ncl(f32(in), f32_out(out), rows, length, out_length));
}

int global_avg_pool1d_ncl(std::uintptr_t in, std::uintptr_t mask, std::uintptr_t out, std::size_t batch,
                          std::size_t channels, std::size_t length) {
  if (!heap_check::fits(in, {batch, channels, length}) || !heap_check::fits(mask, {batch, length}) ||
      !heap_check::fits(out, {batch, channels}))
    return heap_check::kOutsideHeap;
  return static_cast<int>(
      nnwasm::pool::global_avg_pool1d_ncl(f32(in), f32(mask), f32_out(out), batch, channels, length));
}

int global_avg_pool1d_nlc(std::uintptr_t in, std::uintptr_t mask, std::uintptr_t out, std::size_t batch,
                          std::size_t length, std::size_t channels) {
  if (!heap_check::fits(in, {batch, length, channels}) || !heap_check::fits(mask, {batch, length}) ||
      !heap_check::fits(out, {batch, channels}))
    return heap_check::kOutsideHeap;
  return static_cast<int>(
      nnwasm::pool::global_avg_pool1d_nlc(f32(in), f32(mask), f32_out(out), batch, length, channels));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_pool) {
  using namespace emscripten;
  function("adaptiveAvgPool1dNcl", &adaptive_avg_pool1d_ncl);
  function("globalAvgPool1dNcl", &global_avg_pool1d_ncl);
  function("globalAvgPool1dNlc", &global_avg_pool1d_nlc);
}
