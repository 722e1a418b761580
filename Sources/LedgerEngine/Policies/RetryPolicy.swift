import LedgerStorage

/// Exponential backoff with jitter, per failure kind (SPEC §4).
///
/// `delay(attempt:)` for attempt n (1-based, the attempt that just failed) is
/// `min(cap, base · 2^(n-1))` scaled by a jitter factor in `[1 - jitter, 1]` ("equal jitter"
/// variant), so retries of many batches do not synchronise. After `maxAttempts` failed attempts
/// the batch waits in `failed` for an operator.
public struct RetryPolicy: Sendable, Equatable {
  public var maxAttempts: Int
  public var baseDelay: Duration
  public var maxDelay: Duration
  /// Fraction of the delay that is randomised, 0…1.
  public var jitter: Double

  public init(maxAttempts: Int, baseDelay: Duration, maxDelay: Duration, jitter: Double = 0.5) {
    self.maxAttempts = maxAttempts
    self.baseDelay = baseDelay
    self.maxDelay = maxDelay
    self.jitter = jitter
  }

  /// Never retried automatically.
  public static let operatorOnly = RetryPolicy(
    maxAttempts: 1, baseDelay: .zero, maxDelay: .zero, jitter: 0)

  /// What to do after attempt `attempt` failed: retry after a delay, or wait for an operator.
  public func decision(afterFailedAttempt attempt: Int, random: Double) -> RetryDecision {
    guard attempt < maxAttempts else { return .giveUp }
    let exponent = min(attempt - 1, 30)
    let raw = baseDelay * (1 << exponent)
    let capped = min(raw, maxDelay)
    let factor = 1 - jitter * min(max(random, 0), 1)
    return .retry(after: capped * factor)
  }

  /// The policy for each failure kind.
  public static func forKind(_ kind: FailureKind) -> RetryPolicy {
    switch kind {
    case .transientIO: RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(200), maxDelay: .seconds(30))
    case .contention: RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(50), maxDelay: .seconds(5))
    case .injected: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(5))
    case .corruptData, .internalError, .injectedPermanent: .operatorOnly
    }
  }
}

/// The outcome of consulting a ``RetryPolicy``.
public enum RetryDecision: Sendable, Equatable {
  case retry(after: Duration)
  case giveUp
}
