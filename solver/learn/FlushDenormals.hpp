#pragma once
// Subnormal floats flushed to zero for a scope. A policy that grows confident drives some
// probabilities, and the gradients through them, below float's smallest normal number (1.2e-38);
// arithmetic on such subnormals takes the slow microcode path on x86 (tens of times slower), and
// an RSPG iteration on lq took 60 % longer after 100 iterations than before. Their values are far
// below anything a result depends on, so they are read and written as zero while the scope lives,
// and the thread's previous floating-point mode is restored when it ends.
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace mfg {

class FlushDenormals {
 public:
#if defined(__SSE__) || defined(__x86_64__)
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero); }
  ~FlushDenormals() { _mm_setcsr(saved_); }
#else
  FlushDenormals() = default;
#endif
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
#if defined(__SSE__) || defined(__x86_64__)
  static constexpr unsigned kFlushToZero = 0x8000;      // MXCSR.FTZ: subnormal results become 0
  static constexpr unsigned kDenormalsAreZero = 0x0040;  // MXCSR.DAZ: subnormal inputs read as 0
  unsigned saved_;
#endif
};

}  // namespace mfg
