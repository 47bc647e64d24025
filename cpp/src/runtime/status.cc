#include "runtime/status.h"

namespace nnwasm {

const char* status_message(Status s) {
  switch (s) {
    case Status::kOk: return "ok";
    case Status::kNullPointer: return "a buffer pointer is null";
    case Status::kSizeOverflow: return "sizes overflow the addressable memory";
    case Status::kInvalidArgument: return "invalid argument";
    case Status::kOutsideHeap: return "a buffer address lies outside the WebAssembly heap";
    case Status::kOutOfMemory: return "out of memory for scratch buffers";
  }
  return "unknown status";
}

namespace {
std::size_t last_failed_bytes = 0;
}

void record_failed_allocation(std::size_t bytes) { last_failed_bytes = bytes; }
std::size_t failed_allocation_bytes() { return last_failed_bytes; }

}  // namespace nnwasm
