import Foundation

/// Seeded kill delays spread over a whole run: half drawn log-uniformly (many kills in the
/// first milliseconds: startup, inbox scan, job creation), half uniformly (reduce, process and
/// index late in the run), from `minimum` to the duration of an uninterrupted run.
struct KillSchedule: Sendable {
  private var state: UInt64
  let minimum: Double
  let maximum: Double

  init(seed: UInt64, minimum: Double = 0.003, maximum: Double) {
    state = seed
    self.minimum = minimum
    self.maximum = max(maximum, minimum * 2)
  }

  /// The next delay in seconds.
  mutating func nextDelay() -> Double {
    let u = nextUnit()
    if nextUnit() < 0.5 {
      return minimum * pow(maximum / minimum, u)
    }
    return minimum + u * (maximum - minimum)
  }

  /// SplitMix64, in [0, 1).
  private mutating func nextUnit() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) / Double(UInt64(1) << 53)
  }
}
