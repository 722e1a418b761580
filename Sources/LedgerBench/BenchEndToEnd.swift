import Foundation
import LedgerEngine
import LedgerOperations
import LedgerStorage
import Synchronization

/// Scenarios 2, 3 and 7 inside one process: run the engine until idle over a prepared data
/// directory (state loaded, batch in the inbox) and report wall time, CPU, per-stage timings from
/// the workflow ledger and the process's peak memory. `ledgerline bench` runs it in a child
/// process per measurement so that each peak is separate.
public enum BenchEndToEnd {
  /// What follows the batch once the line is idle, timed apart from it.
  public enum Compaction: String, Sendable, CaseIterable {
    /// Nothing.
    case off
    /// One compaction pass whether due or not (scenario 2: what a pass costs at this state).
    case forced
    /// The pass `ledgerline run --until-idle` ends with, run only when due (scenario 7).
    case ifDue = "if-due"
  }

  /// What one run measured.
  public struct Result: Sendable, Equatable {
    public var wallSeconds: Double = 0
    public var cpuSeconds: Double = 0
    public var jobs: Int = 0
    public var events: Int64 = 0
    public var keys: Int64 = 0
    public var artifactsWritten: Int64 = 0
    /// Milliseconds per stage, summed over the run's jobs (from `JobRecord.timings`).
    public var stageMillis: [Stage: Int64] = [:]
    /// Peak RSS (`ru_maxrss`) and `VmHWM` when the pipeline went idle, bytes.
    public var peakRSS: Int64 = 0
    public var highWaterMark: Int64 = 0
    /// The compaction pass after the batch (`Engine.compactIfQuiescent`): seconds and the
    /// process's peak RSS after it (bytes); both 0 when not run.
    public var compactionSeconds: Double = 0
    public var peakAfterCompaction: Int64 = 0
    /// Resident memory before the run, bytes (`VmHWM` at start).
    public var startRSS: Int64 = 0
    /// `VmHWM` (bytes) when each stage began: the peak reached by the stages before it.
    public var highWaterAtStageStart: [Stage: Int64] = [:]
    /// Whether the figures come from a separate child process.
    public var separateProcess = false
    /// CPU-seconds of the compaction pass, and whether one ran (`.ifDue` may find none due).
    public var compactionCPUSeconds: Double = 0
    public var compactionRan = false
    /// What the pass scanned (parts, bytes) and reclaimed (bytes): its cost follows the garbage.
    public var compactionExaminedParts = 0
    public var compactionExaminedBytes: Int64 = 0
    public var compactionReclaimedBytes: Int64 = 0

    /// `key value` lines (the child's output file).
    public var encoded: String {
      var lines = [
        "wall \(wallSeconds)", "cpu \(cpuSeconds)", "jobs \(jobs)", "events \(events)", "keys \(keys)",
        "artifacts \(artifactsWritten)", "peak \(peakRSS)", "hwm \(highWaterMark)", "start \(startRSS)",
        "compaction \(compactionSeconds)", "compaction.peak \(peakAfterCompaction)",
        "compaction.cpu \(compactionCPUSeconds)", "compaction.ran \(compactionRan ? 1 : 0)",
        "compaction.examined \(compactionExaminedParts)", "compaction.examinedBytes \(compactionExaminedBytes)",
        "compaction.reclaimed \(compactionReclaimedBytes)",
      ]
      for stage in Stage.allCases {
        lines.append("stage.\(stage.rawValue) \(stageMillis[stage] ?? 0)")
        lines.append("hwm.\(stage.rawValue) \(highWaterAtStageStart[stage] ?? 0)")
      }
      return lines.joined(separator: "\n") + "\n"
    }

    /// Parses `encoded`; nil when a field is missing or malformed.
    public static func decode(_ text: String) -> Result? {
      var fields: [String: String] = [:]
      for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ", maxSplits: 1)
        if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
      }
      guard let wall = fields["wall"].flatMap(Double.init), let cpu = fields["cpu"].flatMap(Double.init),
        let jobs = fields["jobs"].flatMap(Int.init), let events = fields["events"].flatMap(Int64.init),
        let keys = fields["keys"].flatMap(Int64.init), let artifacts = fields["artifacts"].flatMap(Int64.init),
        let peak = fields["peak"].flatMap(Int64.init), let hwm = fields["hwm"].flatMap(Int64.init),
        let start = fields["start"].flatMap(Int64.init),
        let compaction = fields["compaction"].flatMap(Double.init),
        let compactionPeak = fields["compaction.peak"].flatMap(Int64.init),
        let compactionCPU = fields["compaction.cpu"].flatMap(Double.init),
        let compactionRan = fields["compaction.ran"].flatMap(Int.init)
      else { return nil }
      var result = Result(
        wallSeconds: wall, cpuSeconds: cpu, jobs: jobs, events: events, keys: keys, artifactsWritten: artifacts,
        peakRSS: peak, highWaterMark: hwm, compactionSeconds: compaction, peakAfterCompaction: compactionPeak,
        startRSS: start, separateProcess: true, compactionCPUSeconds: compactionCPU,
        compactionRan: compactionRan != 0)
      result.compactionExaminedParts = fields["compaction.examined"].flatMap(Int.init) ?? 0
      result.compactionExaminedBytes = fields["compaction.examinedBytes"].flatMap(Int64.init) ?? 0
      result.compactionReclaimedBytes = fields["compaction.reclaimed"].flatMap(Int64.init) ?? 0
      for stage in Stage.allCases {
        result.stageMillis[stage] = fields["stage.\(stage.rawValue)"].flatMap(Int64.init) ?? 0
        result.highWaterAtStageStart[stage] = fields["hwm.\(stage.rawValue)"].flatMap(Int64.init) ?? 0
      }
      return result
    }
  }

  /// Runs the engine until idle over `root` as one stateful batch (the whole inbox in one job),
  /// with automatic compaction off; then the `compaction` step, timed apart.
  public static func run(root: String, backend: StoreBackend = .sqlite, compaction: Compaction = .forced) throws
    -> Result
  {
    var result = Result()
    result.startRSS = BenchMeter.highWaterMarkBytes()
    let workspace = try Workspace(root: root, mode: .engine, backend: backend)
    let context = workspace.context
    var options = EngineOptions()
    options.backlog = BacklogPolicy(maxInputs: 100_000, maxBytes: Int64.max)
    options.compactEvery = 0
    let marks = Mutex<[Stage: Int64]>([:])
    options.beforeTask = { task in
      let hwm = BenchMeter.highWaterMarkBytes()
      marks.withLock { $0[task.stage] = max($0[task.stage] ?? 0, hwm) }
    }
    let engine = Engine(context: context, options: options)
    let earlier = try context.ledger.recentJobs(limit: 1).last?.seq ?? 0
    let before = BenchMeter.sample()
    let report = try engine.runUntilIdle()
    let after = BenchMeter.sample()
    if let failed = report.failed.first {
      throw BenchError.engineFailed(
        scenario: "end-to-end (\(root))", detail: "batch \(failed.seq): \(failed.lastError ?? "?")")
    }
    result.wallSeconds = after.wallSeconds(since: before)
    result.cpuSeconds = after.cpuSeconds(since: before)
    for job in try context.ledger.recentJobs(limit: 1_000) where job.seq > earlier {
      result.jobs += 1
      result.events += job.counts.events
      result.keys += job.counts.keys
      result.artifactsWritten += job.counts.artifactsWritten
      for (stage, timing) in job.timings {
        if let start = timing.startedAt, let end = timing.endedAt {
          result.stageMillis[stage, default: 0] += end - start
        }
      }
    }
    result.highWaterAtStageStart = marks.withLock { $0 }
    result.peakRSS = BenchMeter.peakRSSBytes()
    result.highWaterMark = BenchMeter.highWaterMarkBytes()
    if compaction != .off {
      let start = BenchMeter.sample()
      let pass = try engine.compactIfQuiescent(force: compaction == .forced)
      let end = BenchMeter.sample()
      result.compactionSeconds = end.wallSeconds(since: start)
      result.compactionCPUSeconds = end.cpuSeconds(since: start)
      result.compactionRan = pass != nil
      result.compactionExaminedParts = pass?.examinedParts ?? 0
      result.compactionExaminedBytes = pass?.examinedBytes ?? 0
      result.compactionReclaimedBytes = pass?.reclaimedBytes ?? 0
      result.peakAfterCompaction = BenchMeter.peakRSSBytes()
    }
    return result
  }
}
