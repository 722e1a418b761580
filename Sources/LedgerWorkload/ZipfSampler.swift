import LedgerDomain

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Draws ranks `1...count` with Zipf probabilities `P(k) ∝ 1 / k^exponent`: rank 1 is the most
/// frequent, and frequencies fall with rank. Uses rejection-inversion sampling (Hörmann and
/// Derflinger, 1996), so memory and time per draw are constant however large `count` is — a
/// workload over ten million orders needs no ten-million-entry table.
///
/// Floating point is used only to choose a rank, never for money.
public struct ZipfSampler: Sendable, Equatable {
  /// How many ranks there are.
  public let count: Int
  /// The skew: 0 would be uniform; around 1 is typical of order popularity.
  public let exponent: Double
  private let hIntegralX1: Double
  private let hIntegralCount: Double
  private let squeeze: Double

  /// A sampler over ranks `1...count`. `count` must be at least 1 and `exponent` positive and
  /// finite (a programming error otherwise: validate user input first).
  public init(count: Int, exponent: Double) {
    precondition(count >= 1, "ZipfSampler needs at least one rank, got \(count)")
    precondition(exponent > 0 && exponent.isFinite, "ZipfSampler needs a positive exponent")
    self.count = count
    self.exponent = exponent
    hIntegralX1 = Self.hIntegral(1.5, exponent) - 1
    hIntegralCount = Self.hIntegral(Double(count) + 0.5, exponent)
    squeeze =
      2 - Self.hIntegralInverse(Self.hIntegral(2.5, exponent) - Self.h(2, exponent), exponent)
  }

  /// The next rank, in `1...count`.
  public func sample(using random: inout SeededRandom) -> Int {
    while true {
      let u = hIntegralCount + random.nextUnitDouble() * (hIntegralX1 - hIntegralCount)
      let x = Self.hIntegralInverse(u, exponent)
      var k = Int((x + 0.5).rounded(.down))
      if k < 1 { k = 1 } else if k > count { k = count }
      let kd = Double(k)
      if kd - x <= squeeze || u >= Self.hIntegral(kd + 0.5, exponent) - Self.h(kd, exponent) {
        return k
      }
    }
  }

  /// The exact probability of `rank` (for tests and reports): `rank^-s / Σ k^-s`.
  public func probability(ofRank rank: Int) -> Double {
    var total = 0.0
    for k in stride(from: count, through: 1, by: -1) { total += Self.h(Double(k), exponent) }
    return Self.h(Double(rank), exponent) / total
  }

  private static func h(_ x: Double, _ s: Double) -> Double { exp(-s * log(x)) }

  private static func hIntegral(_ x: Double, _ s: Double) -> Double {
    let logX = log(x)
    return helper2((1 - s) * logX) * logX
  }

  private static func hIntegralInverse(_ x: Double, _ s: Double) -> Double {
    var t = x * (1 - s)
    if t < -1 { t = -1 }
    return exp(helper1(t) * x)
  }

  /// `log1p(x) / x`, continuous at 0.
  private static func helper1(_ x: Double) -> Double {
    abs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
  }

  /// `expm1(x) / x`, continuous at 0.
  private static func helper2(_ x: Double) -> Double {
    abs(x) > 1e-8 ? expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3.0) * (1 + 0.25 * x))
  }
}
