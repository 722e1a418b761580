import LedgerEngine
import Synchronization

/// A clock tests move by hand; `sleep(until:)` jumps straight to the deadline.
public final class ManualClock: WallClock {
  private let now: Mutex<Int64>

  public init(startMillis: Int64 = 1_790_000_000_000) {
    now = Mutex(startMillis)
  }

  public func nowMillis() -> Int64 { now.withLock { $0 } }

  public func sleep(until deadline: Int64) {
    now.withLock { $0 = max($0, deadline) }
  }

  /// Waiting costs nothing: the engine jumps this clock to its next retry deadline.
  public var isSimulated: Bool { true }

  /// Moves time forward.
  public func advance(byMillis delta: Int64) {
    now.withLock { $0 += delta }
  }
}
