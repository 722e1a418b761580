import LedgerStorage
import LedgerSystem

/// Which part files hold a job's accepted outputs. Reduce and process name their files by the
/// attempt that writes them (``PartNames/run(process:attempt:)``), so an attempt that stalled past
/// its lease (a zombie) and resumes writes, and removes, only files of its own. A consumer reads
/// the files of the attempt the ledger accepted: the last one whose outcome is `ok`.
struct StageOutputs {
  let context: EngineContext
  let job: UInt64
  private let runs: [StageRunRecord]
  /// How many ranges the job's reduce is planned as.
  private let rangeCount: Int

  /// The outputs of `job` as its attempts in the ledger now name them.
  init(context: EngineContext, job: UInt64) throws {
    self.context = context
    self.job = job
    runs = try context.ledger.stageRuns(job: job)
    rangeCount = try context.ledger.reduceRanges(job: job).count
  }

  /// The run name of the successful attempt of `stage` (of `partition`, for a partition task; of
  /// range `range`, when given, for reduce).
  func accepted(_ stage: Stage, partition: Int?, range: Int? = nil) -> String? {
    runs.last {
      $0.stage == stage && $0.partition == partition && $0.outcome == "ok" && (range == nil || $0.range == range)
    }
    .map { PartNames.run(process: $0.process, attempt: $0.attempt) }
  }

  /// The ranges of a reduce planned as several ranges (their successful runs, in range order), or
  /// nil for a reduce of one.
  private var rangeRuns: [String]? {
    guard rangeCount > 1 else { return nil }
    return (0..<rangeCount).map { k in
      PartNames.rangeRun(accepted(.reduce, partition: nil, range: k) ?? "", range: k)
    }
  }

  /// Reduce's parts for partition `p`, one per input range in range order (the successful
  /// reduce's; a store's from before attempts named their outputs when only that one exists).
  func stateless(partition p: Int) -> [String] {
    if let ranges = rangeRuns { return ranges.map { PartNames.stateless(job: job, partition: p, run: $0) } }
    return [
      resolve(
        PartNames.stateless(job: job, partition: p, run: accepted(.reduce, partition: nil)),
        legacy: PartNames.stateless(job: job, partition: p))
    ]
  }

  /// Process's manifest for partition `p`; nil when no process attempt succeeded.
  func manifest(partition p: Int) -> String? {
    guard let run = accepted(.process, partition: p) else { return nil }
    return resolve(
      PartNames.manifest(job: job, partition: p, run: run), legacy: PartNames.manifest(job: job, partition: p))
  }

  /// Once partition `p` is indexed, what no one reads any more: every reduce part of it, every
  /// manifest of it, and the artifact parts of its process attempts that did not succeed (never
  /// the accepted attempt's, whatever the name of another).
  func leftovers(partition p: Int) -> [String] {
    var names = [PartNames.stateless(job: job, partition: p), PartNames.manifest(job: job, partition: p)]
    for run in runs where run.partition == p || run.stage == .reduce {
      let name = PartNames.run(process: run.process, attempt: run.attempt)
      switch run.stage {
      case .reduce:
        names.append(PartNames.stateless(job: job, partition: p, run: name))
        if let k = run.range {
          names.append(PartNames.stateless(job: job, partition: p, run: PartNames.rangeRun(name, range: k)))
        }
      case .process:
        names.append(PartNames.manifest(job: job, partition: p, run: name))
        // An operator's retry numbers attempts from 1 again: a failed attempt may share its name
        // with the accepted one, whose artifacts the key index points at.
        if run.outcome != "ok", name != accepted(.process, partition: p) {
          names.append(PartNames.artifacts(job: job, partition: p, run: name))
        }
      case .prefetch, .index:
        break
      }
    }
    return names
  }

  private func resolve(_ named: String, legacy: String) -> String {
    let parts = context.paths.parts
    if !FileSystem.exists("\(parts)/\(named)"), FileSystem.exists("\(parts)/\(legacy)") { return legacy }
    return named
  }
}
