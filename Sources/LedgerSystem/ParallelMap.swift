import Dispatch
import Synchronization

/// Fork-join: runs `body(0..<count)` on every core and returns the results in index order.
///
/// The first error thrown (by index) is rethrown after every iteration has finished, so no
/// work is left running behind the caller. This is the one place the engine fans out.
public func parallelMap<T: Sendable>(
  _ count: Int, _ body: @Sendable (Int) throws -> T
) throws -> [T] {
  guard count > 0 else { return [] }
  if count == 1 { return [try body(0)] }
  let slots = Mutex<[Result<T, any Error>?]>(Array(repeating: nil, count: count))
  DispatchQueue.concurrentPerform(iterations: count) { index in
    let result = Result { try body(index) }
    slots.withLock { $0[index] = result }
  }
  return try slots.withLock { results in
    try results.map { slot in
      // Every index ran exactly once (concurrentPerform), so every slot is filled.
      guard let slot else { preconditionFailure("parallelMap: an iteration left no result") }
      return try slot.get()
    }
  }
}
