/// Trouble first: which batch holds the line up, and a key to go there.
extension ConsoleState {
  /// A batch that needs attention: the first failed one (it blocks every later batch at its
  /// stage), else the first retrying one.
  public struct Trouble: Sendable, Equatable {
    public var seq: UInt64
    public var stage: PipelineStage
    public var failed: Bool
  }

  /// The batch that holds the line up, if any.
  public var trouble: Trouble? {
    for wanted in [true, false] {
      for job in allJobs {
        for stage in PipelineStage.allCases {
          switch job.cell(stage) {
          case .failed where wanted: return Trouble(seq: job.seq, stage: stage, failed: true)
          case .retrying where !wanted: return Trouble(seq: job.seq, stage: stage, failed: false)
          default: continue
          }
        }
      }
    }
    return nil
  }

  /// Selects the next failed or retrying batch after the selection (wrapping around); a filter
  /// that hides it is turned off.
  mutating func jumpToTrouble() {
    let all = allJobs
    let troubled = all.filter { $0.state == .failed || $0.state == .retrying }
    guard !troubled.isEmpty else {
      post("no failed or retrying batch", role: .info)
      return
    }
    let current = selectedJob?.seq ?? 0
    let target = troubled.first { $0.seq > current } ?? troubled[0]
    if !lineFilter.matches(target) { lineFilter = .all }
    selectedSeq = target.seq == jobs.last?.seq ? nil : target.seq
    backStack = []
    screen = .lines
  }
}
