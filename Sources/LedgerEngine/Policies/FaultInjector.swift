import LedgerStorage

/// Deterministic fault injection for tests and the demo (SPEC §4, issue 3).
///
/// Configured by `--inject-faults SPEC` or `LEDGERLINE_FAULTS=SPEC`, where SPEC is a
/// comma-separated list of rules `stage:probability` (transient, e.g. `process:0.2`),
/// `stage:job=N` (transient, once per attempt number 1 of job N), or `stage:job=N:permanent`.
/// Whether a fault fires is a pure function of (seed, stage, job, attempt): reproducible. A
/// permanent fault sends the batch to `failed`; it fires once per batch and stage, so the
/// operator's `retry` then succeeds.
public struct FaultInjector: Sendable, Equatable {
  /// One injection rule.
  public struct Rule: Sendable, Equatable {
    public var stage: Stage
    public var probability: Double
    public var job: UInt64?
    public var permanent: Bool
  }

  public var rules: [Rule]
  public var seed: UInt64

  public init(rules: [Rule] = [], seed: UInt64 = 0x5EED) {
    self.rules = rules
    self.seed = seed
  }

  /// No faults.
  public static let none = FaultInjector()

  /// Parses a SPEC string; the error message quotes the offending rule.
  public static func parse(_ spec: String, seed: UInt64 = 0x5EED) -> Result<FaultInjector, FaultSpecError> {
    var rules: [Rule] = []
    for raw in spec.split(separator: ",").map({ String($0).trimmingSpaces() }) where !raw.isEmpty {
      let parts = raw.split(separator: ":").map(String.init)
      guard parts.count >= 2, let stage = Stage(rawValue: parts[0]) else {
        return .failure(
          FaultSpecError(
            rule: raw,
            detail:
              "expected stage:probability or stage:job=N[:permanent] with stage one of reduce, prefetch, process, index"
          ))
      }
      if parts[1].hasPrefix("job="), let job = UInt64(parts[1].dropFirst(4)) {
        let permanent = parts.count > 2 && parts[2] == "permanent"
        rules.append(Rule(stage: stage, probability: 1, job: job, permanent: permanent))
      } else if let p = Double(parts[1]), p >= 0, p <= 1 {
        rules.append(
          Rule(stage: stage, probability: p, job: nil, permanent: parts.count > 2 && parts[2] == "permanent"))
      } else {
        return .failure(FaultSpecError(rule: raw, detail: "probability must be a number in 0…1, or job=N"))
      }
    }
    return .success(FaultInjector(rules: rules, seed: seed))
  }

  /// The fault to raise for this attempt, if any.
  public func fault(stage: Stage, job: UInt64, attempt: Int) -> StageFailure? {
    for rule in rules where rule.stage == stage {
      if let target = rule.job {
        guard target == job, rule.permanent || attempt == 1 else { continue }
      } else if unitRandom(stage: stage, job: job, attempt: attempt) >= rule.probability {
        continue
      }
      return StageFailure(
        kind: rule.permanent ? .injectedPermanent : .injected, stage: stage,
        message: "injected \(rule.permanent ? "permanent" : "transient") fault (job \(job), attempt \(attempt))")
    }
    return nil
  }

  private func unitRandom(stage: Stage, job: UInt64, attempt: Int) -> Double {
    var x = seed ^ (job &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(attempt) &* 0xBF58_476D_1CE4_E5B9)
    for byte in stage.rawValue.utf8 { x = (x ^ UInt64(byte)) &* 0x100_0000_01B3 }
    x ^= x >> 33
    x = x &* 0xFF51_AFD7_ED55_8CCD
    x ^= x >> 33
    return Double(x >> 11) / Double(1 << 53)
  }
}

/// A fault-injection SPEC that does not parse.
public struct FaultSpecError: Error, Sendable, CustomStringConvertible {
  public var rule: String
  public var detail: String
  public var description: String { "fault-injection rule \"\(rule)\" is not valid: \(detail)" }
}

extension String {
  fileprivate func trimmingSpaces() -> String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
