// The one calling convention between js/ops and the C++ entry points.
//
// Each C++ entry point has exactly one binding, `int name(params)`, whose
// only argument is the heap address of its parameter block: a struct of
// 32-bit words, `words` first (the block's length in words, checked here),
// then named fields. Addresses, sizes and flags are uint32 (wasm32
// addresses are 32-bit); scalars are float. The struct lists its field names
// once, in order, in `kFields` ("input,output,batch,...,value:f32"); the
// binding exports that string as `<name>Fields`, and js/ops/abi.js writes
// blocks by field name from it, so the order is written down only here.
//
// A binding: read the block, check each buffer against the heap (and each
// enum word against its range), call the kernel, return its Status as an
// int. Nothing else. An entry that answers with a number writes it into an
// output field of the block (abi::write_back), which JS reads back.
//   struct FooParams { uint32 words, input, output, n; static constexpr char kFields[] = "input,output,n"; };
//   int foo(std::uintptr_t p) {
//     FooParams a;
//     if (const int st = abi::read(p, &a)) return st;
//     if (!heap_check::fits(a.input, {a.n}) || ...) return heap_check::kOutsideHeap;
//     return abi::status(nnwasm::foo(abi::in(a.input), abi::out(a.output), a.n));
//   }
//   EMSCRIPTEN_BINDINGS(nnwasm_foo) { abi::entry<FooParams, &foo>("foo"); }
#pragma once

#include <emscripten/bind.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "heap_check.h"
#include "runtime/status.h"

namespace abi {

using u32 = std::uint32_t;

constexpr int kBadBlock = static_cast<int>(nnwasm::Status::kInvalidArgument);

// Number of comma-separated names in a field list.
constexpr std::size_t field_count(const char* s) {
  std::size_t n = *s ? 1 : 0;
  for (; *s; ++s) n += *s == ',';
  return n;
}

// Copies the block at `addr` into *p (so workers never read JS-owned words
// that the next call may rewrite) after checking that it lies in the heap
// and says it has exactly as many words as P.
template <class P>
int read(std::uintptr_t addr, P* p) {
  static_assert(std::is_trivially_copyable_v<P> && sizeof(P) % 4 == 0, "parameter blocks are 32-bit words");
  static_assert(field_count(P::kFields) + 1 == sizeof(P) / 4, "kFields must name every field after `words`");
  if (addr == 0 || addr % 4 != 0 || !heap_check::fits(addr, {sizeof(P) / 4})) return heap_check::kOutsideHeap;
  std::memcpy(p, reinterpret_cast<const void*>(addr), sizeof(P));
  return p->words == sizeof(P) / 4 ? 0 : kBadBlock;
}

// For the rare entry that answers with numbers (convPackedSize): copies *p
// back over the block at `addr`, which abi::read has checked.
template <class P>
void write_back(std::uintptr_t addr, const P& p) {
  std::memcpy(reinterpret_cast<void*>(addr), &p, sizeof(P));
}

inline const float* in(u32 addr) { return reinterpret_cast<const float*>(static_cast<std::uintptr_t>(addr)); }
inline float* out(u32 addr) { return reinterpret_cast<float*>(static_cast<std::uintptr_t>(addr)); }
inline int status(nnwasm::Status s) { return static_cast<int>(s); }

template <class P>
std::string fields() {
  return P::kFields;
}

// Registers the entry point `name` and its field list `nameFields`.
template <class P, int (*Fn)(std::uintptr_t)>
void entry(const char* name) {
  emscripten::function(name, Fn);
  emscripten::function((std::string(name) + "Fields").c_str(), &fields<P>);
}

}  // namespace abi
