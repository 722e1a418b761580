import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Fault injection below the engine: fails the N-th write, fsync, rename, link or remove that
/// ``FileSystem`` makes under a path prefix, with a chosen `errno` (ENOSPC, EIO…), exactly as
/// the kernel would report it. Rules are scoped by prefix so a test's faults never reach another
/// test's files; with no rule installed the check is one relaxed atomic load.
public final class FileSystemFaults: Sendable {
  /// The calls a rule can fail.
  public enum Operation: String, Sendable, CaseIterable {
    case write, fsync, rename, link, remove
  }

  /// The process's injector, consulted by ``FileSystem``.
  public static let shared = FileSystemFaults()

  struct Rule: Sendable {
    var id: Int
    var prefix: String
    var operations: Set<Operation>
    var failAt: Int
    var errno: Int32
    var seen = 0
    var failed = false
  }

  private let active = Atomic<Int>(0)
  private let rules = Mutex<(next: Int, list: [Rule])>((1, []))

  /// A handle on an installed rule.
  public struct RuleHandle: Sendable, Hashable {
    let id: Int
  }

  /// Fails the `failAt`-th (1-based) call among `operations` on paths under `prefix` with
  /// `errno`; the calls before and after it succeed. `failAt: .max` only counts.
  public func inject(
    under prefix: String, operations: Set<Operation> = Set(Operation.allCases), failAt: Int, errno: Int32
  ) -> RuleHandle {
    let id = rules.withLock { state in
      let id = state.next
      state.next += 1
      state.list.append(Rule(id: id, prefix: prefix, operations: operations, failAt: failAt, errno: errno))
      return id
    }
    active.add(1, ordering: .relaxed)
    return RuleHandle(id: id)
  }

  /// Removes a rule; returns how many matching calls it saw and whether it failed one.
  @discardableResult
  public func remove(_ handle: RuleHandle) -> (seen: Int, failed: Bool) {
    let rule = rules.withLock { state -> Rule? in
      guard let index = state.list.firstIndex(where: { $0.id == handle.id }) else { return nil }
      return state.list.remove(at: index)
    }
    guard let rule else { return (0, false) }
    active.subtract(1, ordering: .relaxed)
    return (rule.seen, rule.failed)
  }

  /// Throws the injected error when this call is the one a rule fails.
  func check(_ operation: Operation, path: String) throws(FileSystemError) {
    guard active.load(ordering: .relaxed) > 0 else { return }
    let injected: Int32? = rules.withLock { state in
      for index in state.list.indices
      where state.list[index].operations.contains(operation) && path.hasPrefix(state.list[index].prefix) {
        state.list[index].seen += 1
        if state.list[index].seen == state.list[index].failAt {
          state.list[index].failed = true
          return state.list[index].errno
        }
      }
      return nil
    }
    if let injected {
      throw FileSystemError(operation: "\(operation.rawValue) (injected)", path: path, errno: injected)
    }
  }
}
