/// The error taxonomy of stage attempts. Each kind has its own retry policy.
public enum FailureKind: String, Sendable, CaseIterable, Codable {
  /// I/O that may succeed on a later try (EIO, ENOSPC cleared, a file briefly unavailable).
  case transientIO = "transient-io"
  /// Contention: SQLite busy/locked, a lock held by another process.
  case contention
  /// Stored data failed verification (checksum, truncated record): needs an operator.
  case corruptData = "corrupt-data"
  /// A broken invariant: a bug; retrying will not help.
  case internalError = "internal"
  /// Injected by the fault injector (tests and demo); transient unless marked permanent.
  case injected
  /// Injected permanent fault: waits for an operator.
  case injectedPermanent = "injected-permanent"
}
