/// A cheap value copy of what the engine is doing, taken about ten times a second.
public struct ConsoleSnapshot: Sendable, Equatable {
  /// The data directory the engine runs on.
  public var dataDirectory: String
  /// Engine state text: running, idle, stopping, stopped.
  public var engineState: String
  /// Whether the engine/console is read-only.
  public var readOnly: Bool
  /// Wall time the snapshot was taken, seconds since the epoch.
  public var takenAt: Int64
  /// Events per second.
  public var throughput: Int
  /// Pending input batches.
  public var backlog: Int
  /// Recent backlog depths, oldest first (for the sparkline).
  public var backlogHistory: [Int]
  /// Per-source completeness.
  public var completeness: [SourceCompleteness]
  /// Stateful batches, newest last.
  public var jobs: [JobRow]
  /// Recent events for the event pane, oldest first.
  public var feed: [FeedItem]

  /// Creates a snapshot.
  public init(
    dataDirectory: String, engineState: String, readOnly: Bool = false, takenAt: Int64,
    throughput: Int = 0, backlog: Int = 0, backlogHistory: [Int] = [],
    completeness: [SourceCompleteness] = [], jobs: [JobRow] = [], feed: [FeedItem] = []
  ) {
    self.dataDirectory = dataDirectory
    self.engineState = engineState
    self.readOnly = readOnly
    self.takenAt = takenAt
    self.throughput = throughput
    self.backlog = backlog
    self.backlogHistory = backlogHistory
    self.completeness = completeness
    self.jobs = jobs
    self.feed = feed
  }
}
