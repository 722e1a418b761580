/// A small, fast, seedable pseudo-random number generator (xoshiro256**, its state filled by
/// SplitMix64). The same seed yields the same sequence on every run and platform, which is what
/// makes generated workloads byte-identical for a given seed.
///
/// Not for cryptography. Bounded draws use ``next(below:)`` (Lemire's method) rather than the
/// standard library's `random(in:using:)`, whose algorithm is not promised to stay the same.
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// A generator whose whole sequence is determined by `seed`.
  public init(seed: UInt64) {
    var mixer = seed
    s0 = Self.splitMix(&mixer)
    s1 = Self.splitMix(&mixer)
    s2 = Self.splitMix(&mixer)
    s3 = Self.splitMix(&mixer)
  }

  /// One SplitMix64 step: advances `state` and returns a well-mixed 64-bit value.
  public static func splitMix(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return mix(state)
  }

  /// A stateless 64-bit finaliser (SplitMix64's): a cheap, well-distributed hash of `value`.
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotateLeft(s1 &* 5, 7) &* 9
    let shifted = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= shifted
    s3 = rotateLeft(s3, 45)
    return result
  }

  /// A uniform integer in `0..<bound`; `bound` must be positive.
  public mutating func next(below bound: Int) -> Int {
    precondition(bound > 0, "SeededRandom.next(below:) needs a positive bound, got \(bound)")
    let limit = UInt64(bound)
    var product = next().multipliedFullWidth(by: limit)
    if product.low < limit {
      let threshold = (0 &- limit) % limit
      while product.low < threshold {
        product = next().multipliedFullWidth(by: limit)
      }
    }
    return Int(product.high)
  }

  /// A uniform `Double` in `[0, 1)` with 53 random bits.
  public mutating func nextUnitDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value << count) | (value >> (64 - count))
  }
}
