import LedgerStorage
import Testing

/// Every event applied to every task state: the transition happens exactly when the lifecycle
/// allows it, and otherwise is refused with the state unchanged.
@Suite struct TaskStateTests {
  static let states: [TaskState] = Stage.allCases.flatMap { stage in
    JobStatus.allCases.flatMap { status in
      [0, 1, 2].map { attempts in
        TaskState(
          stage: stage, status: status, attempts: attempts, nextAttemptAt: status == .retrying ? 500 : nil,
          lastError: status == .failed || status == .retrying ? "boom" : nil,
          lastErrorKind: status == .failed || status == .retrying ? .transientIO : nil)
      }
    }
  }

  static let events: [TaskState.Event] =
    Stage.allCases.flatMap { stage -> [TaskState.Event] in
      [.begin(stage), .rewind(to: stage)]
        + [1, 2].flatMap { attempt -> [TaskState.Event] in
          [
            .succeed(stage, attempt: attempt),
            .fail(stage, attempt: attempt, kind: .corruptData, message: "bad", retryAt: nil),
            .fail(stage, attempt: attempt, kind: .contention, message: "busy", retryAt: 900),
          ]
        }
    } + [.interrupt, .operatorRetry]

  /// The lifecycle, stated independently of the implementation.
  static func allowed(_ from: TaskState, _ event: TaskState.Event) -> Bool {
    switch event {
    case .begin(let stage): stage == from.stage && (from.status == .pending || from.status == .retrying)
    case .succeed(let stage, let attempt): stage == from.stage && from.status == .running && attempt == from.attempts
    case .fail(let stage, let attempt, _, _, _):
      stage == from.stage && from.status == .running && attempt == from.attempts
    case .interrupt: from.status == .running
    case .operatorRetry: from.status == .failed || from.status == .retrying
    case .rewind(let stage): stage <= from.stage && from.status != .running && from.status != .done
    }
  }

  @Test func everyEventOnEveryStateIsAppliedOrRefused() throws {
    var applied = 0
    var refused = 0
    for from in Self.states {
      for event in Self.events {
        if Self.allowed(from, event) {
          let to = try from.applying(event)
          try Self.checkResult(from, event, to)
          applied += 1
        } else {
          let error = try #require(throws: TaskState.IllegalTransition.self) { try from.applying(event) }
          #expect(error.from == from && error.event == event)
          refused += 1
        }
      }
    }
    // 4 stages × 5 statuses × 3 attempt counts; 4 stages × 8 events + 2.
    #expect(applied + refused == 60 * 34)
    #expect(applied > 100 && refused > 1_000)
  }

  static func checkResult(_ from: TaskState, _ event: TaskState.Event, _ to: TaskState) throws {
    switch event {
    case .begin:
      #expect(to.status == .running && to.attempts == from.attempts + 1 && to.nextAttemptAt == nil)
      #expect(to.stage == from.stage && to.lastError == from.lastError)
    case .succeed(let stage, _):
      #expect(to.stage == (stage.next ?? stage))
      #expect(to.status == (stage == .index ? .done : .pending))
      #expect(to.attempts == 0 && to.nextAttemptAt == nil && to.lastError == nil && to.lastErrorKind == nil)
    case .fail(_, _, let kind, let message, let retryAt):
      #expect(to.status == (retryAt == nil ? .failed : .retrying) && to.nextAttemptAt == retryAt)
      #expect(to.lastError == message && to.lastErrorKind == kind)
      #expect(to.stage == from.stage && to.attempts == from.attempts)
    case .interrupt:
      #expect(
        to
          == TaskState(
            stage: from.stage, status: .pending, attempts: from.attempts, nextAttemptAt: from.nextAttemptAt,
            lastError: from.lastError, lastErrorKind: from.lastErrorKind))
    case .operatorRetry:
      #expect(to.status == .pending && to.attempts == 0 && to.nextAttemptAt == nil)
      #expect(to.stage == from.stage && to.lastError == from.lastError)
    case .rewind(let stage):
      #expect(to.stage == stage && to.status == .pending && to.attempts == 0)
      #expect(to.lastError == from.lastError && to.nextAttemptAt == from.nextAttemptAt)
    }
  }

  @Test func aJobShowsItsMostUrgentPartition() {
    let done = TaskState(stage: .index, status: .done)
    #expect(TaskState.aggregate([done, done]) == TaskState(stage: .index, status: .done))
    let retrying = TaskState(
      stage: .process, status: .retrying, attempts: 2, nextAttemptAt: 700, lastError: "busy", lastErrorKind: .contention
    )
    let failed = TaskState(stage: .index, status: .failed, attempts: 1, lastError: "bad", lastErrorKind: .corruptData)
    let pending = TaskState(stage: .prefetch)
    let running = TaskState(stage: .index, status: .running, attempts: 1)
    // The earliest stage still open; failed beats retrying beats running beats pending.
    #expect(
      TaskState.aggregate([done, retrying, failed, pending])
        == TaskState(
          stage: .prefetch, status: .failed, attempts: 2, nextAttemptAt: nil, lastError: "bad",
          lastErrorKind: .corruptData))
    #expect(
      TaskState.aggregate([retrying, running, done])
        == TaskState(
          stage: .process, status: .retrying, attempts: 2, nextAttemptAt: 700, lastError: "busy",
          lastErrorKind: .contention))
    #expect(
      TaskState.aggregate([running, pending, done]) == TaskState(stage: .prefetch, status: .running, attempts: 1))
    #expect(TaskState.aggregate([pending, done]) == TaskState(stage: .prefetch, status: .pending))
  }

  @Test func tasksNameTheirPartition() {
    #expect("\(TaskRef.reduce(3))" == "batch 3 reduce")
    #expect("\(TaskRef.partition(2, of: 3, .prefetch))" == "batch 3 partition 2 prefetch")
  }
}
