// One output row (the last dim) at a time: the row's source row is found
// once from the other dims' maps, then its middle is one memcpy and only
// the padded edges are mapped value by value.
#include "pad/pad.h"

#include <cstring>

#include "thread/pool.h"

namespace nnwasm::pad {

namespace {

using Index = std::int64_t;

// The input index output index o reads along a dim of n inputs, or -1 for
// the fill value (constant mode, or any index outside [0, n)).
inline Index source(Index o, Index before, Index n, Mode mode) {
  Index i = o - before;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case Mode::kReflect: i = i < 0 ? -i : 2 * (n - 1) - i; break;
    case Mode::kReplicate: i = i < 0 ? 0 : n - 1; break;
    case Mode::kCircular: i = i < 0 ? i + n : i - n; break;
    default: return -1;
  }
  return i >= 0 && i < n ? i : -1;
}

bool check(const PadShape& s, Mode mode, std::size_t* in_total, std::size_t* out_total) {
  *in_total = *out_total = 1;
  for (std::size_t d = 0; d < s.rank; ++d) {
    if (!checked_product(in_total, {*in_total, s.in[d]}) || !checked_product(out_total, {*out_total, s.out[d]}))
      return false;
  }
  return true;
}

}  // namespace

Status pad(const float* in, float* out, const PadShape& s, Mode mode, float value) {
  if (s.rank == 0 || s.rank > kMaxRank) return Status::kInvalidArgument;
  if (static_cast<int>(mode) < 0 || static_cast<int>(mode) > 3) return Status::kInvalidArgument;
  std::size_t in_total, out_total;
  if (!check(s, mode, &in_total, &out_total)) return Status::kSizeOverflow;
  constexpr Index kLimit = Index{1} << 31;
  for (std::size_t d = 0; d < s.rank; ++d) {
    if (s.before[d] <= -kLimit || s.before[d] >= kLimit) return Status::kInvalidArgument;
    if (out_total == 0) continue;
    const Index n = static_cast<Index>(s.in[d]), o = static_cast<Index>(s.out[d]);
    if (mode == Mode::kConstant) continue;
    // Non-constant modes must map both ends (and so, piecewise, every index) inside.
    if (n == 0 || source(0, s.before[d], n, mode) < 0 || source(o - 1, s.before[d], n, mode) < 0)
      return Status::kInvalidArgument;
  }
  if (out_total == 0) return Status::kOk;
  if (out == nullptr || (in_total != 0 && in == nullptr)) return Status::kNullPointer;
  const std::size_t r = s.rank, w = s.out[r - 1];
  const Index n_last = static_cast<Index>(s.in[r - 1]), b_last = s.before[r - 1];
  const std::size_t rows = out_total / w;
  // The middle run [lo, hi) of the row copies input [lo - before, hi - before).
  const Index lo_i = b_last > 0 ? b_last : 0;
  const Index hi_i = b_last + n_last < static_cast<Index>(w) ? b_last + n_last : static_cast<Index>(w);
  const std::size_t lo = static_cast<std::size_t>(lo_i), hi = hi_i > lo_i ? static_cast<std::size_t>(hi_i) : lo;
  thread::parallel_for(rows, 2 * sizeof(float) * w, [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      float* dst = out + row * w;
      // Source row from the other dims, innermost first.
      std::size_t rest = row, src_row = 0, step = 1;
      bool fill = false;
      for (std::size_t d = r - 1; d-- > 0;) {
        const Index o = static_cast<Index>(rest % s.out[d]);
        rest /= s.out[d];
        const Index i = source(o, s.before[d], static_cast<Index>(s.in[d]), mode);
        if (i < 0) {
          fill = true;
          break;
        }
        src_row += static_cast<std::size_t>(i) * step;
        step *= s.in[d];
      }
      if (fill || n_last == 0) {
        for (std::size_t j = 0; j < w; ++j) dst[j] = value;
        continue;
      }
      const float* src = in + src_row * s.in[r - 1];
      for (std::size_t j = 0; j < lo; ++j) {
        const Index i = source(static_cast<Index>(j), b_last, n_last, mode);
        dst[j] = i < 0 ? value : src[i];
      }
      if (hi > lo) std::memcpy(dst + lo, src + (static_cast<Index>(lo) - b_last), (hi - lo) * sizeof(float));
      for (std::size_t j = hi; j < w; ++j) {
        const Index i = source(static_cast<Index>(j), b_last, n_last, mode);
        dst[j] = i < 0 ? value : src[i];
      }
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::pad
