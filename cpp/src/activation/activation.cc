// Every activation runs as SIMD lanes: the clamp-like ones (relu, relu6,
// leaky, hard*, Keras ReLU, softsign) at memory speed, the transcendental
// ones (elu, selu, silu, sigmoid, tanh, both gelus, softplus) through
// simd::exp / expm1 / sigmoid / tanh / erf / log1p_unit, a few ulp from
// libm. A range's last, partial vector runs the same lanes, so a value's
// result does not depend on where it lies.
#include "activation/activation.h"

#include <cmath>

#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::activation {

namespace {

using simd::f32x4;

constexpr float kSeluAlpha = 1.6732632423543772f;
constexpr float kSeluScale = 1.0507009873554805f;

// Cost of one value in bytes of memory traffic, for the thread split.
std::size_t value_cost(Kind k) {
  switch (k) {
    case Kind::kLinear:
    case Kind::kRelu:
    case Kind::kRelu6:
    case Kind::kLeakyRelu:
    case Kind::kHardswish:
    case Kind::kHardsigmoid:
    case Kind::kSoftsign:
    case Kind::kKerasRelu: return 2 * sizeof(float);  // a load and a store
    default: return 8 * sizeof(float);                // a vector exp per 4 values
  }
}

// pmax(x, 0) keeps a NaN x (x < 0 is false), as does pmin(., 6).
template <Kind K>
inline f32x4 lanes(f32x4 x, Params p) {
  const f32x4 zero = simd::zero();
  if constexpr (K == Kind::kRelu) return simd::pmax(x, zero);
  if constexpr (K == Kind::kRelu6) return simd::pmin(simd::pmax(x, zero), simd::splat(6.0f));
  if constexpr (K == Kind::kLeakyRelu) {
    // x > 0 ? x : slope * x; a NaN x fails the test and stays NaN.
    return simd::select(simd::less(zero, x), x, simd::mul(x, simd::splat(p.a)));
  }
  if constexpr (K == Kind::kHardswish || K == Kind::kHardsigmoid) {
    const f32x4 r6 = simd::pmin(simd::pmax(simd::add(x, simd::splat(3.0f)), zero), simd::splat(6.0f));
    const f32x4 y = simd::mul(r6, simd::splat(1.0f / 6.0f));
    return K == Kind::kHardswish ? simd::mul(x, y) : y;
  }
  if constexpr (K == Kind::kElu || K == Kind::kSelu) {
    // x > 0 ? x : alpha * expm1(x); a NaN x takes the expm1 side, which keeps it.
    const f32x4 alpha = simd::splat(K == Kind::kElu ? p.a : kSeluAlpha);
    const f32x4 y = simd::select(simd::greater(x, zero), x, simd::mul(alpha, simd::expm1_nonpositive(x)));
    return K == Kind::kElu ? y : simd::mul(simd::splat(kSeluScale), y);
  }
  if constexpr (K == Kind::kSigmoid) return simd::sigmoid(x);
  // x * sigmoid(x): -Inf gives -Inf * 0 = NaN, as PyTorch's x / (1 + exp(-x)).
  if constexpr (K == Kind::kSilu) return simd::mul(x, simd::sigmoid(x));
  if constexpr (K == Kind::kTanh) return simd::tanh(x);
  if constexpr (K == Kind::kGeluTanh) {
    // 0.5 x (1 + tanh(u)) = x sigmoid(2u): the same function, accurate for
    // negative x where 1 + tanh(u) would cancel.
    const f32x4 cube = simd::mul(simd::mul(x, x), x);
    const f32x4 u = simd::mul(simd::splat(0.7978845608028654f), simd::add(x, simd::mul(simd::splat(0.044715f), cube)));
    return simd::mul(x, simd::sigmoid(simd::add(u, u)));
  }
  if constexpr (K == Kind::kGelu) {
    // 0.5 x (1 + erf(x / sqrt 2)), PyTorch's formula (-Inf gives NaN, as there).
    const f32x4 e = simd::erf(simd::mul(x, simd::splat(0.70710678118654752f)));
    return simd::mul(simd::mul(simd::splat(0.5f), x), simd::add(simd::splat(1.0f), e));
  }
  if constexpr (K == Kind::kSoftplus) {
    // PyTorch: x where beta x > threshold, else log1p(exp(beta x)) / beta,
    // computed as max(bx, 0) + log1p(exp(-|bx|)) so exp cannot overflow.
    const f32x4 bx = simd::mul(x, simd::splat(p.a));
    const f32x4 sp = simd::add(simd::pmax(bx, zero), simd::log1p_unit(simd::exp(simd::sub(zero, simd::abs(bx)))));
    return simd::select(simd::greater(bx, simd::splat(p.b)), x, simd::div(sp, simd::splat(p.a)));
  }
  if constexpr (K == Kind::kSoftsign) return simd::div(x, simd::add(simd::splat(1.0f), simd::abs(x)));
  if constexpr (K == Kind::kKerasRelu) {
    const f32x4 t = simd::splat(p.b), top = simd::splat(p.c);
    const f32x4 below = simd::mul(simd::splat(p.a), simd::sub(x, t));
    const f32x4 y = simd::select(simd::less_equal(t, x), x, below);
    return simd::select(simd::less_equal(top, x), top, y);
  }
  return x;
}

template <Kind K>
void run_simd(const float* in, float* out, std::size_t n, Params p) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const f32x4 a = lanes<K>(simd::load(in + i), p), b = lanes<K>(simd::load(in + i + 4), p);
    const f32x4 c = lanes<K>(simd::load(in + i + 8), p), d = lanes<K>(simd::load(in + i + 12), p);
    simd::store(out + i, a);
    simd::store(out + i + 4, b);
    simd::store(out + i + 8, c);
    simd::store(out + i + 12, d);
  }
  for (; i + 4 <= n; i += 4) simd::store(out + i, lanes<K>(simd::load(in + i), p));
  if (i < n) simd::store_first(out + i, lanes<K>(simd::load_first(in + i, n - i, 0.0f), p), n - i);
}

void run_range(const float* in, float* out, std::size_t n, Kind kind, Params p) {
  switch (kind) {
    case Kind::kLinear:
      if (in != out) run_simd<Kind::kLinear>(in, out, n, p);
      return;
    case Kind::kRelu: return run_simd<Kind::kRelu>(in, out, n, p);
    case Kind::kRelu6: return run_simd<Kind::kRelu6>(in, out, n, p);
    case Kind::kLeakyRelu: return run_simd<Kind::kLeakyRelu>(in, out, n, p);
    case Kind::kHardswish: return run_simd<Kind::kHardswish>(in, out, n, p);
    case Kind::kHardsigmoid: return run_simd<Kind::kHardsigmoid>(in, out, n, p);
    case Kind::kKerasRelu: return run_simd<Kind::kKerasRelu>(in, out, n, p);
    case Kind::kElu: return run_simd<Kind::kElu>(in, out, n, p);
    case Kind::kSelu: return run_simd<Kind::kSelu>(in, out, n, p);
    case Kind::kSigmoid: return run_simd<Kind::kSigmoid>(in, out, n, p);
    case Kind::kSilu: return run_simd<Kind::kSilu>(in, out, n, p);
    case Kind::kTanh: return run_simd<Kind::kTanh>(in, out, n, p);
    case Kind::kGeluTanh: return run_simd<Kind::kGeluTanh>(in, out, n, p);
    case Kind::kSoftsign: return run_simd<Kind::kSoftsign>(in, out, n, p);
    case Kind::kGelu: return run_simd<Kind::kGelu>(in, out, n, p);
    case Kind::kSoftplus: return run_simd<Kind::kSoftplus>(in, out, n, p);
    default:
      for (std::size_t i = 0; i < n; ++i) out[i] = apply_one(in[i], kind, p);
      return;
  }
}

}  // namespace

void apply_serial(const float* in, float* out, std::size_t n, Kind kind, Params p) { run_range(in, out, n, kind, p); }

float apply_one(float x, Kind kind, Params p) {
  switch (kind) {
    case Kind::kRelu: return x < 0.0f ? 0.0f : x;
    case Kind::kRelu6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case Kind::kLeakyRelu: return x > 0.0f ? x : x * p.a;
    case Kind::kElu: return x > 0.0f ? x : p.a * std::expm1(x);
    case Kind::kSelu: return kSeluScale * (x > 0.0f ? x : kSeluAlpha * std::expm1(x));
    case Kind::kGelu: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
    case Kind::kGeluTanh: {
      const float inner = 0.7978845608028654f * (x + 0.044715f * x * x * x);
      return 0.5f * x * (1.0f + std::tanh(inner));
    }
    case Kind::kSilu: return x / (1.0f + std::exp(-x));
    case Kind::kHardswish:
    case Kind::kHardsigmoid: {
      const float s = x + 3.0f;
      const float r6 = s < 0.0f ? 0.0f : (s > 6.0f ? 6.0f : s);
      const float y = r6 * (1.0f / 6.0f);
      return kind == Kind::kHardswish ? x * y : y;
    }
    case Kind::kSigmoid: return 1.0f / (1.0f + std::exp(-x));
    case Kind::kTanh: return std::tanh(x);
    case Kind::kSoftplus: {
      // PyTorch: x where beta * x > threshold; log1p(exp(bx)) / beta written
      // so that exp cannot overflow for a large threshold.
      const float bx = x * p.a;
      if (bx > p.b) return x;
      const float sp = bx > 0.0f ? bx + std::log1p(std::exp(-bx)) : std::log1p(std::exp(bx));
      return sp / p.a;
    }
    case Kind::kSoftsign: return x / (1.0f + std::fabs(x));
    case Kind::kKerasRelu:
      if (x >= p.c) return p.c;
      if (x >= p.b) return x;
      return p.a * (x - p.b);
    default: return x;
  }
}

Status apply(const float* in, float* out, std::size_t n, Kind kind, Params p) {
  if (static_cast<int>(kind) < 0 || static_cast<int>(kind) >= static_cast<int>(Kind::kCount))
    return Status::kInvalidArgument;
  std::size_t total;
  if (!checked_product(&total, {n})) return Status::kSizeOverflow;
  if (n == 0) return Status::kOk;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  // Ranges in blocks of 16 floats keep every thread on whole vectors.
  const std::size_t blocks = (n + 15) / 16;
  // Fixed chunks of kChunkBlocks blocks (64 KiB of input) instead of the
  // pool's few per thread: at memory speed a quarter of a thread's share
  // is tens of microseconds, about what a worker takes to wake, so with
  // coarse chunks the caller took one more than its half and the other
  // thread sat idle at the end (ReLU6 on 9 MiB: 2 threads 0.90x of tfjs).
  constexpr std::size_t kChunkBlocks = 1024;
  const thread::Chunks work{blocks, kChunkBlocks, 16 * value_cost(kind), 64};
  thread::parallel_for_slots(work, [&](int, std::size_t begin, std::size_t end) {
    const std::size_t lo = begin * 16, hi = end * 16 < n ? end * 16 : n;
    run_range(in + lo, out + lo, hi - lo, kind, p);
  });
  return Status::kOk;
}

}  // namespace nnwasm::activation
