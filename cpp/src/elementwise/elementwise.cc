// One pass over the output in pieces of contiguous rows: each piece finds
// its operands' offsets once, then runs a SIMD loop whose shape (both
// vectors, or one splat) was fixed by the innermost strides.
#include "elementwise/elementwise.h"

#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::elementwise {

namespace {

using simd::f32x4;

// A row longer than this is split into pieces so a single long row still
// spreads over the threads.
constexpr std::size_t kPiece = 8192;

template <BinaryOp Op>
inline f32x4 lanes(f32x4 a, f32x4 b) {
  if constexpr (Op == BinaryOp::kAdd) return simd::add(a, b);
  if constexpr (Op == BinaryOp::kSub) return simd::sub(a, b);
  if constexpr (Op == BinaryOp::kMul) return simd::mul(a, b);
  if constexpr (Op == BinaryOp::kDiv) return simd::div(a, b);
  if constexpr (Op == BinaryOp::kMaximum) return simd::max(a, b);
  if constexpr (Op == BinaryOp::kMinimum) return simd::min(a, b);
  // a NaN x fails x > 0 and gives alpha * NaN.
  return simd::select(simd::less(simd::zero(), a), a, simd::mul(a, b));
}

template <BinaryOp Op>
inline float one(float a, float b) {
  if constexpr (Op == BinaryOp::kAdd) return a + b;
  if constexpr (Op == BinaryOp::kSub) return a - b;
  if constexpr (Op == BinaryOp::kMul) return a * b;
  if constexpr (Op == BinaryOp::kDiv) return a / b;
  if constexpr (Op == BinaryOp::kMaximum) return a != a ? a : (b != b ? b : (a > b ? a : b));
  if constexpr (Op == BinaryOp::kMinimum) return a != a ? a : (b != b ? b : (a < b ? a : b));
  return a > 0.0f ? a : a * b;
}

// n outputs from a (stride sa: 0 or 1) and b (stride sb).
template <BinaryOp Op>
void row(const float* a, std::size_t sa, const float* b, std::size_t sb, float* out, std::size_t n) {
  std::size_t i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 8 <= n; i += 8) {
      const f32x4 x0 = lanes<Op>(simd::load(a + i), simd::load(b + i));
      const f32x4 x1 = lanes<Op>(simd::load(a + i + 4), simd::load(b + i + 4));
      simd::store(out + i, x0);
      simd::store(out + i + 4, x1);
    }
    for (; i + 4 <= n; i += 4) simd::store(out + i, lanes<Op>(simd::load(a + i), simd::load(b + i)));
    for (; i < n; ++i) out[i] = one<Op>(a[i], b[i]);
  } else if (sa == 1) {
    const f32x4 vb = simd::splat(*b);
    for (; i + 8 <= n; i += 8) {
      const f32x4 x0 = lanes<Op>(simd::load(a + i), vb), x1 = lanes<Op>(simd::load(a + i + 4), vb);
      simd::store(out + i, x0);
      simd::store(out + i + 4, x1);
    }
    for (; i + 4 <= n; i += 4) simd::store(out + i, lanes<Op>(simd::load(a + i), vb));
    for (; i < n; ++i) out[i] = one<Op>(a[i], *b);
  } else if (sb == 1) {
    const f32x4 va = simd::splat(*a);
    for (; i + 8 <= n; i += 8) {
      const f32x4 x0 = lanes<Op>(va, simd::load(b + i)), x1 = lanes<Op>(va, simd::load(b + i + 4));
      simd::store(out + i, x0);
      simd::store(out + i + 4, x1);
    }
    for (; i + 4 <= n; i += 4) simd::store(out + i, lanes<Op>(va, simd::load(b + i)));
    for (; i < n; ++i) out[i] = one<Op>(*a, b[i]);
  } else {
    const float v = one<Op>(*a, *b);
    for (; i < n; ++i) out[i] = v;
  }
}

// Largest offset + 1 the strides reach, or false when it passes `count`.
bool strides_fit(const Broadcast& g, const std::size_t* stride, std::size_t count) {
  std::size_t last = 0;
  for (std::size_t d = 0; d < g.rank; ++d) {
    std::size_t reach;
    if (!checked_product(&reach, {g.shape[d] - 1, stride[d]})) return false;
    if (reach > count) return false;
    last += reach;
  }
  return last < count;
}

template <BinaryOp Op>
void run(const float* a, const float* b, float* out, const Broadcast& g) {
  const std::size_t r = g.rank;
  const std::size_t inner = g.shape[r - 1];
  std::size_t rows = 1;
  for (std::size_t d = 0; d + 1 < r; ++d) rows *= g.shape[d];
  const std::size_t pieces = (inner + kPiece - 1) / kPiece;
  const std::size_t piece_len = inner < kPiece ? inner : kPiece;
  const std::size_t sa = g.a_stride[r - 1], sb = g.b_stride[r - 1];
  thread::parallel_for(rows * pieces, 3 * sizeof(float) * piece_len, [&](std::size_t begin, std::size_t end) {
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t rw = item / pieces, start = (item % pieces) * kPiece;
      const std::size_t n = inner - start < kPiece ? inner - start : kPiece;
      std::size_t ao = 0, bo = 0, rest = rw;
      for (std::size_t d = r - 1; d-- > 0;) {
        const std::size_t i = rest % g.shape[d];
        rest /= g.shape[d];
        ao += i * g.a_stride[d];
        bo += i * g.b_stride[d];
      }
      row<Op>(a + ao + start * sa, sa, b + bo + start * sb, sb, out + rw * inner + start, n);
    }
  });
}

}  // namespace

Status binary(const float* a, const float* b, float* out, const Broadcast& g, BinaryOp op) {
  if (static_cast<int>(op) < 0 || static_cast<int>(op) >= static_cast<int>(BinaryOp::kCount))
    return Status::kInvalidArgument;
  if (g.rank == 0 || g.rank > kMaxRank) return Status::kInvalidArgument;
  std::size_t total = 1;
  for (std::size_t d = 0; d < g.rank; ++d)
    if (!checked_product(&total, {total, g.shape[d]})) return Status::kSizeOverflow;
  if (total == 0) return Status::kOk;
  const std::size_t sa = g.a_stride[g.rank - 1], sb = g.b_stride[g.rank - 1];
  if (sa > 1 || sb > 1) return Status::kInvalidArgument;
  if (!strides_fit(g, g.a_stride, g.a_count) || !strides_fit(g, g.b_stride, g.b_count)) return Status::kInvalidArgument;
  if (a == nullptr || b == nullptr || out == nullptr) return Status::kNullPointer;
  switch (op) {
    case BinaryOp::kAdd: run<BinaryOp::kAdd>(a, b, out, g); break;
    case BinaryOp::kSub: run<BinaryOp::kSub>(a, b, out, g); break;
    case BinaryOp::kMul: run<BinaryOp::kMul>(a, b, out, g); break;
    case BinaryOp::kDiv: run<BinaryOp::kDiv>(a, b, out, g); break;
    case BinaryOp::kMaximum: run<BinaryOp::kMaximum>(a, b, out, g); break;
    case BinaryOp::kMinimum: run<BinaryOp::kMinimum>(a, b, out, g); break;
    default: run<BinaryOp::kPrelu>(a, b, out, g); break;
  }
  return Status::kOk;
}

Status affine(const float* in, float* out, std::size_t n, float scale, float shift) {
  std::size_t total;
  if (!checked_product(&total, {n})) return Status::kSizeOverflow;
  if (n == 0) return Status::kOk;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  const std::size_t blocks = (n + 15) / 16;
  thread::parallel_for(blocks, 16 * 2 * sizeof(float), [&](std::size_t begin, std::size_t end) {
    const std::size_t lo = begin * 16, hi = end * 16 < n ? end * 16 : n;
    const f32x4 s = simd::splat(scale), t = simd::splat(shift);
    std::size_t i = lo;
    for (; i + 8 <= hi; i += 8) {
      const f32x4 x0 = simd::add(simd::mul(simd::load(in + i), s), t);
      const f32x4 x1 = simd::add(simd::mul(simd::load(in + i + 4), s), t);
      simd::store(out + i, x0);
      simd::store(out + i + 4, x1);
    }
    for (; i + 4 <= hi; i += 4) simd::store(out + i, simd::add(simd::mul(simd::load(in + i), s), t));
    for (; i < hi; ++i) out[i] = in[i] * scale + shift;
  });
  return Status::kOk;
}

}  // namespace nnwasm::elementwise
