import LedgerDomain
import LedgerEngine
import LedgerStorage

extension StatusReport {
  /// The report as one JSON object.
  public func json() -> String {
    JSONText.object([
      ("backlog", JSONText.object([
        ("pending_input_batches", String(backlogDepth)), ("pending_bytes", String(backlogBytes)),
      ])),
      ("artifacts", String(artifacts)),
      ("storage", JSONText.object([
        ("total_bytes", String(storedBytes)),
        ("live_bytes_at_last_compaction", lastCompaction.map { String($0.liveBytes) } ?? "null"),
        ("last_compaction_at", lastCompaction.map { JSONText.quote(Self.instant($0.at)) } ?? "null"),
        ("last_compaction_reclaimed_bytes", lastCompaction.map { String($0.totalBytesBefore - $0.totalBytesAfter) } ?? "null"),
      ])),
      ("retrying", String(jobs.filter { $0.status == .retrying }.count)),
      ("failed", String(jobs.filter { $0.status == .failed }.count)),
      ("batches", JSONText.array(jobs.map(jobJSON))),
      ("sources", JSONText.array(sources.map(sourceJSON))),
      ("refused_files", JSONText.array(refusals.map { r in
        JSONText.object([
          ("source", JSONText.quote(r.source)), ("name", JSONText.quote(r.name)),
          ("reason", JSONText.quote(r.reason)), ("path", JSONText.quote(r.path)),
          ("at", JSONText.quote(Self.instant(r.at))),
        ])
      })),
      ("events", JSONText.array(events.map { e in
        JSONText.object([
          ("at", JSONText.quote(Self.instant(e.at))), ("kind", JSONText.quote(e.kind.rawValue)),
          ("batch", e.job.map { String($0) } ?? "null"), ("text", JSONText.quote(e.text)),
        ])
      })),
    ])
  }

  private func jobJSON(_ job: JobRecord) -> String {
    let c = job.counts
    return JSONText.object([
      ("batch", String(job.seq)),
      ("inputs", JSONText.array(job.inputs.compactMap { inputs[$0] }.map { i in
        JSONText.object([
          ("source", JSONText.quote(i.batch.source)), ("name", JSONText.quote(i.batch.name)),
          ("from", JSONText.quote(BatchInstant(secondsSinceEpoch: i.batch.from).rfc3339)),
          ("to", JSONText.quote(BatchInstant(secondsSinceEpoch: i.batch.to).rfc3339)),
          ("bytes", String(i.batch.bytes)),
        ])
      })),
      ("stage", JSONText.quote(job.stage.rawValue)), ("status", JSONText.quote(job.status.rawValue)),
      ("stages", JSONText.object(Stage.allCases.map { ($0.rawValue, JSONText.quote(Self.stageState(job, $0))) })),
      ("attempts", String(job.attempts)),
      ("total_attempts", String(job.totalAttempts)),
      ("next_attempt_at", job.nextAttemptAt.map { JSONText.quote(Self.instant($0)) } ?? "null"),
      ("last_error", job.lastError.map(JSONText.quote) ?? "null"),
      ("error_kind", job.lastErrorKind.map { JSONText.quote($0.rawValue) } ?? "null"),
      ("counts", JSONText.object([
        ("input_bytes", String(c.inputBytes)), ("events", String(c.events)), ("keys", String(c.keys)),
        ("rejects", String(c.rejects)), ("duplicates", String(c.duplicates)),
        ("lines_applied", String(c.linesApplied)), ("artifacts_written", String(c.artifactsWritten)),
        ("bytes_written", String(c.bytesWritten)),
      ])),
      ("timings_ms", JSONText.object(Stage.allCases.compactMap { stage in
        guard let t = job.timings[stage], let start = t.startedAt, let end = t.endedAt else { return nil }
        return (stage.rawValue, String(end - start))
      })),
    ])
  }

  private func sourceJSON(_ s: SourceStatus) -> String {
    JSONText.object([
      ("source", JSONText.quote(s.source)),
      ("complete_through", s.watermark.completeThrough.map { JSONText.quote(BatchInstant(secondsSinceEpoch: $0).rfc3339) } ?? "null"),
      ("gaps", JSONText.array(s.watermark.gaps.map { g in
        JSONText.object([
          ("from", JSONText.quote(BatchInstant(secondsSinceEpoch: g.from).rfc3339)),
          ("to", JSONText.quote(BatchInstant(secondsSinceEpoch: g.to).rfc3339)),
          ("pending", g.pending ? "true" : "false"),
        ])
      })),
    ])
  }

  /// A terminal rendering.
  public func text() -> String {
    var out = "backlog: \(backlogDepth) input batch\(backlogDepth == 1 ? "" : "es") waiting (\(backlogBytes) bytes)   artifacts: \(artifacts)\n"
    let live = lastCompaction.map { "\($0.liveBytes) live at last compaction" } ?? "no compaction yet"
    out += "storage: \(storedBytes) bytes in part files (\(live))\n"
    out += "\nBATCH  STAGES(reduce prefetch process index)        EVENTS    KEYS  REJECTS  DUPS  ATTEMPTS  INPUTS\n"
    for job in jobs {
      let stages = Stage.allCases.map { Self.stageState(job, $0).padding(8) }.joined(separator: " ")
      let names = job.inputs.compactMap { inputs[$0] }.map { "\($0.batch.source)/\($0.batch.name)" }
      out += "\(String(job.seq).padding(6)) \(stages) \(String(job.counts.events).leftPad(8)) \(String(job.counts.keys).leftPad(7)) \(String(job.counts.rejects).leftPad(8)) \(String(job.counts.duplicates).leftPad(5)) \(String(job.attempts).leftPad(9))  \(names.prefix(2).joined(separator: ", "))\(names.count > 2 ? " +\(names.count - 2)" : "")\n"
      if let error = job.lastError, job.status == .failed || job.status == .retrying {
        let when = job.nextAttemptAt.map { " — next attempt \(Self.instant($0))" } ?? " — waiting for `ledgerline retry \(job.seq)`"
        out += "       \(job.status.rawValue): \(error)\(when)\n"
      }
    }
    out += "\nSOURCE              COMPLETE THROUGH       GAPS\n"
    for s in sources {
      let through = s.watermark.completeThrough.map { BatchInstant(secondsSinceEpoch: $0).rfc3339 } ?? "—"
      let gaps = s.watermark.gaps.prefix(3).map {
        "[\(BatchInstant(secondsSinceEpoch: $0.from).rfc3339), \(BatchInstant(secondsSinceEpoch: $0.to).rfc3339))\($0.pending ? " pending" : " missing")"
      }
      out += "\(s.source.padding(19)) \(through.padding(22)) \(gaps.isEmpty ? "none" : gaps.joined(separator: " "))\n"
    }
    if !refusals.isEmpty {
      out += "\nREFUSED FILES\n"
      for r in refusals { out += "  \(r.source)/\(r.name): \(r.reason) (now at \(r.path))\n" }
    }
    return out
  }
}

extension String {
  func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }

  func leftPad(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
