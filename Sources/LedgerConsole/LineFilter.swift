/// Which batches the line view lists: all, only those in trouble, or those of one source.
public enum LineFilter: Sendable, Equatable {
  case all
  /// Failed or retrying batches.
  case trouble
  /// Batches with an input from this source.
  case source(String)

  /// Whether `job` is listed.
  public func matches(_ job: JobRow) -> Bool {
    switch self {
    case .all: true
    case .trouble: job.state == .failed || job.state == .retrying
    case .source(let source): job.inputs.contains { $0.hasPrefix(source + "/") }
    }
  }

  /// What the line view says while the filter is on (`nil` for all).
  public var label: String? {
    switch self {
    case .all: nil
    case .trouble: "failed or retrying"
    case .source(let source): "source \(source)"
    }
  }

  /// The next filter after this one: all, trouble, then each source of `jobs` by name.
  public func next(sources jobs: [JobRow]) -> LineFilter {
    let sources = Set(jobs.flatMap { $0.inputs.compactMap { $0.split(separator: "/").first.map(String.init) } })
      .sorted()
    switch self {
    case .all: return .trouble
    case .trouble: return sources.first.map(LineFilter.source) ?? .all
    case .source(let current):
      guard let index = sources.firstIndex(of: current), index + 1 < sources.count else { return .all }
      return .source(sources[index + 1])
    }
  }
}
