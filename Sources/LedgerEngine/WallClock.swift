import Foundation

/// Wall-clock time for the ledger (milliseconds since the epoch) and waiting. Injected so
/// tests of retries and backoff never sleep.
public protocol WallClock: Sendable {
  /// Now, in milliseconds since the epoch.
  func nowMillis() -> Int64
  /// Waits until `deadline` (ms since epoch); the system clock waits at most one second per call.
  func sleep(until deadline: Int64)
  /// A simulated clock (tests): waiting costs nothing, so when no work can run before a retry
  /// deadline the engine jumps the clock there instead of reporting idle.
  var isSimulated: Bool { get }
}

extension WallClock {
  /// Real clocks are not simulated.
  public var isSimulated: Bool { false }
}

/// The real clock.
public struct SystemClock: WallClock {
  public init() {}

  public func nowMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
  }

  public func sleep(until deadline: Int64) {
    let delta = deadline - nowMillis()
    if delta > 0 { usleep(useconds_t(min(delta, 1000) * 1000)) }
  }
}
