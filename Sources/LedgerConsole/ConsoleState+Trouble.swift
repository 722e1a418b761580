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
      for job in jobs {
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

  /// Selects the next failed or retrying batch after the selection (wrapping around).
  mutating func jumpToTrouble() {
    let troubled = jobs.indices.filter { index in
      jobs[index].state == .failed || jobs[index].state == .retrying
    }
    guard !troubled.isEmpty else {
      post("no failed or retrying batch", role: .info)
      return
    }
    let current = selectedIndex ?? -1
    let next = troubled.first { $0 > current } ?? troubled[0]
    selectedSeq = next == jobs.count - 1 ? nil : jobs[next].seq
    backStack = []
    screen = .lines
  }
}
