#include "runtime/status.h"

namespace nnwasm {

const char* status_message(Status s) {
  switch (s) {
    case Status::kOk: return "ok";
    case Status::kNullPointer: return "a buffer pointer is null";
    case Status::kSizeOverflow: return "sizes overflow the addressable memory";
    case Status::kInvalidArgument: return "invalid argument";
    case Status::kOutsideHeap: return "a buffer address lies outside the WebAssembly heap";
  }
  return "unknown status";
}

}  // namespace nnwasm
