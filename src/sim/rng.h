// The simulator's random numbers: splitmix64, seeded so that the same options give the same files.
#pragma once

#include <cmath>
#include <cstdint>

namespace aips::sim {

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed, uint64_t stream = 0x632BE59BD9B4E019ull)
      : s(seed * 0x9E3779B97F4A7C15ull + stream) {}
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  uint64_t Below(uint64_t n) { return n ? Next() % n : 0; }
  bool Chance(double p) { return Uniform() < p; }
  // Exponential delay in whole days with the given mean.
  int Delay(double mean) { return static_cast<int>(-std::log(1.0 - Uniform()) * mean); }
  // A standard normal draw (Box-Muller; two uniforms).
  double Normal() {
    const double r = std::sqrt(-2.0 * std::log(1.0 - Uniform()));
    return r * std::cos(6.283185307179586 * Uniform());
  }
};

}  // namespace aips::sim
