import LedgerStorage

extension InMemoryWorkflowLedger {
  /// Every attempt of a job, in the order they began (none for an unknown job).
  public func stageRuns(job: UInt64) throws -> [StageRunRecord] {
    state.withLock { s in s.jobIndex(job).map { s.jobs[$0].runs } ?? [] }
  }

  /// Every attempt of each of `jobs` that exists, by job.
  public func stageRuns(jobs: [UInt64]) throws -> [UInt64: [StageRunRecord]] {
    state.withLock { s in
      var out: [UInt64: [StageRunRecord]] = [:]
      for job in jobs {
        if let i = s.jobIndex(job), !s.jobs[i].runs.isEmpty { out[job] = s.jobs[i].runs }
      }
      return out
    }
  }

  /// Per source: every registered interval, ordered by start (then id), and whether the job
  /// that took it is `done` (false while ungrouped).
  public func sourceIntervals() throws -> [String: [(from: Int64, to: Int64, done: Bool)]] {
    state.withLock { s in
      // SQLite's `ORDER BY source, from_s`: sources by their bytes; ties in order of id.
      let ordered = s.batches.map { (source: Array($0.batch.source.utf8), record: $0) }
        .sorted { a, b in
          if a.source != b.source { return a.source.lexicographicallyPrecedes(b.source) }
          if a.record.batch.from != b.record.batch.from {
            return a.record.batch.from < b.record.batch.from
          }
          return a.record.id < b.record.id
        }
      var out: [String: [(from: Int64, to: Int64, done: Bool)]] = [:]
      for (_, record) in ordered {
        let job = record.job.flatMap { s.jobIndex($0) }
        let done = job.map { s.jobs[$0].record.status == .done } ?? false
        out[record.batch.source, default: []].append(
          (from: record.batch.from, to: record.batch.to, done: done))
      }
      return out
    }
  }

  /// The newest `limit` refused files, oldest first (all of them when `limit` is negative, as
  /// SQLite's `LIMIT -1`).
  public func refusals(limit: Int) throws -> [RefusedFileRecord] {
    state.withLock { s in Self.newest(limit, of: s.refusals) }
  }

  /// Appends an operator-feed event.
  public func appendEvent(_ event: LedgerEvent) throws {
    state.withLock { $0.events.append(event) }
  }

  /// The newest `limit` feed events, oldest first (all of them when `limit` is negative, as
  /// SQLite's `LIMIT -1`).
  public func recentEvents(limit: Int) throws -> [LedgerEvent] {
    state.withLock { s in Self.newest(limit, of: s.events) }
  }

  /// Records a compaction pass.
  public func recordCompaction(_ record: CompactionRecord) throws {
    state.withLock { $0.compactions.append(record) }
  }

  /// The compaction pass recorded last, if any.
  public func lastCompaction() throws -> CompactionRecord? {
    state.withLock { $0.compactions.last }
  }

  /// The last `limit` of `items`; every item when `limit` is negative.
  private static func newest<Item>(_ limit: Int, of items: [Item]) -> [Item] {
    limit < 0 ? items : Array(items.suffix(limit))
  }
}
