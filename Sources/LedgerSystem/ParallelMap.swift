import Dispatch
import Synchronization

/// Fork-join: runs `body(0..<count)` on every core and returns the results in index order.
///
/// The first error thrown (by index) is rethrown after every iteration has finished, so no
/// work is left running behind the caller. This is the one place the engine fans out.
/// `completed` is called after each iteration with how many have finished so far (for
/// progress reports).
public func parallelMap<T: Sendable>(
  _ count: Int, completed: @Sendable (Int) -> Void = { _ in }, _ body: @Sendable (Int) throws -> T
) throws -> [T] {
  guard count > 0 else { return [] }
  let slots = Mutex<(results: [Result<T, any Error>?], done: Int)>((Array(repeating: nil, count: count), 0))
  DispatchQueue.concurrentPerform(iterations: count) { index in
    let result = Result { try body(index) }
    let done = slots.withLock { slots in
      slots.results[index] = result
      slots.done += 1
      return slots.done
    }
    completed(done)
  }
  return try slots.withLock { slots in
    try slots.results.map { slot in
      // Every index ran exactly once (concurrentPerform), so every slot is filled.
      guard let slot else { preconditionFailure("parallelMap: an iteration left no result") }
      return try slot.get()
    }
  }
}
