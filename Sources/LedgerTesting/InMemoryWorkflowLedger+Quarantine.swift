import LedgerStorage

extension InMemoryWorkflowLedger {
  /// Sets `input` of failed job `job` aside and sends the job back to reduce without it (see
  /// ``WorkflowLedger/quarantine(input:job:at:)``).
  public func quarantine(input: Int64, job: UInt64, at now: Int64) throws {
    try state.withLock { s in
      guard let j = s.jobIndex(job) else { throw LedgerError.unknownJob(job) }
      let record = s.jobs[j].record
      let past = s.jobs[j].partitions.contains { $0.stage != .prefetch || $0.status == .done }
      guard [.failed, .retrying].contains(record.status), [.reduce, .prefetch].contains(record.stage), !past else {
        throw LedgerError.cannotQuarantine(
          job: job, status: record.status.rawValue,
          stage: past && record.status != .done ? "process (some partitions)" : record.stage.rawValue)
      }
      guard let i = s.batchIndex(input), s.batches[i].job == job else {
        throw LedgerError.notAnInput(input: input, job: job)
      }
      s.batches[i].job = nil
      s.batches[i].quarantinedAt = now
      s.jobs[j].record.inputs.removeAll { $0 == input }
      s.jobs[j].record.stage = .reduce
      s.jobs[j].record.status = .pending
      s.jobs[j].record.attempts = 0
      s.jobs[j].record.nextAttemptAt = nil
      s.jobs[j].partitions = []
      s.jobs[j].plan(s.batches.filter { $0.job == job })
    }
  }

  /// Marks an ungrouped input as set aside; false when it is grouped, set aside or unknown.
  public func holdBack(input: Int64, at now: Int64) throws -> Bool {
    state.withLock { s in
      guard let i = s.batchIndex(input), s.batches[i].job == nil, s.batches[i].quarantinedAt == nil else {
        return false
      }
      s.batches[i].quarantinedAt = now
      return true
    }
  }

  /// Releases a quarantined input; false when it was not quarantined.
  public func release(input: Int64) throws -> Bool {
    state.withLock { s in
      guard let i = s.batchIndex(input), s.batches[i].quarantinedAt != nil else { return false }
      s.batches[i].quarantinedAt = nil
      return true
    }
  }

  /// Quarantined inputs, in id order.
  public func quarantinedInputBatches() throws -> [InputBatchRecord] {
    state.withLock { s in s.batches.filter { $0.quarantinedAt != nil } }
  }
}
