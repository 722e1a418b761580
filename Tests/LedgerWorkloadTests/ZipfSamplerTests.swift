import LedgerDomain
import Testing

@testable import LedgerWorkload

struct ZipfSamplerTests {
  private func frequencies(count: Int, exponent: Double, draws: Int, seed: UInt64) -> [Int] {
    let sampler = ZipfSampler(count: count, exponent: exponent)
    var random = SeededRandom(seed: seed)
    var counts = Array(repeating: 0, count: count + 1)
    for _ in 0..<draws { counts[sampler.sample(using: &random)] += 1 }
    return counts
  }

  @Test func rankOneIsMostFrequentAndFrequenciesFallWithRank() {
    let counts = frequencies(count: 1000, exponent: 1.1, draws: 200_000, seed: 7)
    #expect(counts[0] == 0)
    #expect(counts[1] == counts.max())
    for rank in 1..<12 {
      #expect(counts[rank] > counts[rank + 1], "rank \(rank) vs \(rank + 1)")
    }
  }

  @Test(arguments: [0.8, 1.1, 2.0])
  func frequenciesMatchZipfProbabilities(exponent: Double) {
    let draws = 200_000
    let sampler = ZipfSampler(count: 500, exponent: exponent)
    let counts = frequencies(count: 500, exponent: exponent, draws: draws, seed: 11)
    for rank in 1...5 {
      let observed = Double(counts[rank]) / Double(draws)
      let expected = sampler.probability(ofRank: rank)
      #expect(abs(observed - expected) < 0.004, "rank \(rank): \(observed) vs \(expected)")
    }
  }

  @Test func sameSeedGivesTheSameRanks() {
    let sampler = ZipfSampler(count: 100, exponent: 1.1)
    var first = SeededRandom(seed: 42)
    var second = SeededRandom(seed: 42)
    let a = (0..<1000).map { _ in sampler.sample(using: &first) }
    let b = (0..<1000).map { _ in sampler.sample(using: &second) }
    #expect(a == b)
    var third = SeededRandom(seed: 43)
    #expect(a != (0..<1000).map { _ in sampler.sample(using: &third) })
  }

  @Test func ranksForSeed42ArePinned() {
    let sampler = ZipfSampler(count: 100, exponent: 1.1)
    var random = SeededRandom(seed: 42)
    let ranks = (0..<12).map { _ in sampler.sample(using: &random) }
    #expect(ranks == [58, 10, 2, 1, 1, 1, 2, 1, 2, 4, 2, 17])
  }

  /// With a support of three ranks every rank is drawn, in proportion (rank k's share is
  /// k^-2 / 1.3611); a sampler that clamped or skipped ranks would miss these shares.
  @Test func everyRankOfASmallSupportIsDrawnInProportion() {
    let counts = frequencies(count: 3, exponent: 2.0, draws: 60_000, seed: 3)
    let shares = counts.dropFirst().map { Double($0) / 60_000 }
    let expected = [1.0, 0.25, 1.0 / 9].map { $0 / (1 + 0.25 + 1.0 / 9) }
    for (share, want) in zip(shares, expected) {
      #expect(abs(share - want) < 0.01, "\(shares) vs \(expected)")
    }
  }

  /// Over ten million ranks the tail is reached: 23.1% of the probability mass
  /// (exponent 1.1) lies beyond rank 10,000.
  @Test func theTailOfALargeSupportIsReached() {
    let sampler = ZipfSampler(count: 10_000_000, exponent: 1.1)
    var random = SeededRandom(seed: 3)
    let ranks = (0..<20_000).map { _ in sampler.sample(using: &random) }
    let beyond = ranks.filter { $0 > 10_000 }.count
    #expect(beyond > 4_300 && beyond < 5_000, "\(beyond) of 20,000 draws beyond rank 10,000")
    #expect(ranks.max() ?? 0 > 1_000_000)
  }

  @Test func probabilitiesSumToOne() {
    let sampler = ZipfSampler(count: 200, exponent: 1.1)
    let total = (1...200).map { sampler.probability(ofRank: $0) }.reduce(0, +)
    #expect(abs(total - 1) < 1e-9)
  }

  @Test func matchesTheXoshiro256StarStarReferenceSeededBySplitMix64() {
    // Reference values from Vigna's C code: SplitMix64(42) fills the state, then xoshiro256**.
    var random = SeededRandom(seed: 42)
    let values = (0..<4).map { _ in random.next() }
    #expect(values == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1])
  }

  @Test func boundedDrawsStayBelowTheBoundAndCoverIt() {
    var random = SeededRandom(seed: 5)
    var seen = Array(repeating: 0, count: 7)
    for _ in 0..<7_000 { seen[random.next(below: 7)] += 1 }
    #expect(seen.allSatisfy { $0 > 800 && $0 < 1_200 })
  }

  @Test func unitDoublesStayInTheHalfOpenUnitInterval() {
    var random = SeededRandom(seed: 9)
    for _ in 0..<10_000 {
      let value = random.nextUnitDouble()
      #expect(value >= 0 && value < 1)
    }
  }
}
