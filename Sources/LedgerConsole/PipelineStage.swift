/// The four stages of a stateful batch, in pipeline order (SPEC §4).
public enum PipelineStage: Int, Sendable, CaseIterable, Hashable {
  case stateless, prefetch, process, index

  /// The column title of this stage.
  public var title: String {
    switch self {
    case .stateless: "stateless"
    case .prefetch: "prefetch"
    case .process: "process"
    case .index: "index"
    }
  }
}
