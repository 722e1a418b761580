import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem

extension StatusReport {
  /// The report as one line of JSON.
  public func json() throws -> String {
    try JSONOutput.line(StatusReportJSON(self))
  }

  /// A terminal rendering. Each stored value (input file and source names, errors, refused
  /// names, reasons and paths) is shown through ``TerminalText/escaped(_:)``, so control
  /// characters and bidirectional overrides print as visible escapes (`\u{1B}`).
  public func text() -> String {
    let t = TerminalText.escaped
    var out = ""
    if let store {
      out += "store: \(t(store.id ?? "(no id yet)")), ledger and index in \(t(store.backend.description))\n"
    }
    out +=
      "backlog: \(backlogDepth) input batch\(backlogDepth == 1 ? "" : "es") waiting (\(backlogBytes) bytes)   artifacts: \(artifacts)\n"
    let live = lastCompaction.map { "\($0.liveBytes) live at last compaction" } ?? "no compaction yet"
    out += "storage: \(storedBytes) bytes in part files (\(live))\n"
    // EVENTS: lines that passed the line rules at reduce. Of those, APPLIED were applied, DUPS
    // were ids already applied, and any other was rejected when processed (it would overflow a
    // balance): so a batch's lines are APPLIED + DUPS + REJECTS + BLANK (blank lines skipped).
    out +=
      "\nBATCH  STAGES(reduce prefetch process index)        EVENTS  APPLIED    KEYS  REJECTS  DUPS  BLANK  ATTEMPTS  INPUTS\n"
    for job in jobs {
      let stages = Stage.allCases.map { Self.stageState(job, $0).padding(8) }.joined(separator: " ")
      let names = job.inputs.compactMap { inputs[$0] }.map { t("\($0.batch.source)/\($0.batch.name)") }
      out +=
        "\(String(job.seq).padding(6)) \(stages) \(String(job.counts.events).leftPad(8)) \(String(job.counts.linesApplied).leftPad(8)) \(String(job.counts.keys).leftPad(7)) \(String(job.counts.rejects).leftPad(8)) \(String(job.counts.duplicates).leftPad(5)) \(String(job.counts.blankLines).leftPad(6)) \(String(job.totalAttempts).leftPad(9))  \(names.prefix(2).joined(separator: ", "))\(names.count > 2 ? " +\(names.count - 2)" : "")\n"
      if let error = job.lastError, job.status == .failed || job.status == .retrying {
        let when =
          job.nextAttemptAt.map { " — next attempt \(Self.instant($0))" }
          ?? " — waiting for `ledgerline retry \(job.seq)`"
        out += "       \(job.status.rawValue): \(t(error))\(when)\n"
      }
    }
    out += "\nSOURCE              COMPLETE THROUGH       GAPS\n"
    for s in sources {
      let through = s.watermark.completeThrough.map { BatchInstant(secondsSinceEpoch: $0).rfc3339 } ?? "—"
      let gaps = s.watermark.gaps.prefix(3).map {
        "[\(BatchInstant(secondsSinceEpoch: $0.from).rfc3339), \(BatchInstant(secondsSinceEpoch: $0.to).rfc3339)) \(Watermark.describe($0))"
      }
      out +=
        "\(t(s.source).padding(19)) \(through.padding(22)) \(gaps.isEmpty ? "none" : gaps.joined(separator: " "))\n"
    }
    out += processesText()
    if !quarantined.isEmpty {
      out += "quarantined inputs (set aside by an operator; release with `ledgerline quarantine --release ID`):\n"
      for q in quarantined {
        out += "  \(q.id) \(t("\(q.batch.source)/\(q.batch.name)")) since \(Self.instant(q.quarantinedAt ?? 0))\n"
      }
    }
    if !ignored.isEmpty {
      out += "ignored in the inbox (not batches):\n"
      for entry in ignored { out += "  \(t(entry.path)): \(t(entry.reason))\n" }
    }
    let waiting = refusals.filter { !refusalsMovedAway.contains($0.path) }
    if !waiting.isEmpty {
      out += "\nREFUSED FILES\n"
      for r in waiting { out += "  \(t("\(r.source)/\(r.name)")): \(t(r.reason)) (now at \(t(r.path)))\n" }
    }
    if waiting.count < refusals.count {
      let gone = refusals.count - waiting.count
      out +=
        "\(waiting.isEmpty ? "\n" : "")\(gone) refused file\(gone == 1 ? " was" : "s were") moved away from refused/ since (`status --json` lists them)\n"
    }
    return out
  }

  /// The engine processes on the store: running ones with what they hold, then recent ends.
  func processesText() -> String {
    let t = TerminalText.escaped
    guard !processes.isEmpty else { return "\nPROCESSES: none has run an engine on this store yet\n" }
    var out = "\nPROCESS  HOST AND PID              USER        STARTED               LAST HEARTBEAT        NOW\n"
    for p in processes {
      let now: String
      if let stopped = p.stoppedAt {
        now = "ended \(Self.instant(stopped)): \(t(p.endNote ?? "?"))"
      } else {
        let held = holding[p.id] ?? []
        now = held.isEmpty ? "idle" : held.joined(separator: ", ")
      }
      let age = max(0, readAt - p.heartbeatAt) / 1000
      let beat = p.stoppedAt == nil ? "\(Self.instant(p.heartbeatAt)) (\(age) s ago)" : Self.instant(p.heartbeatAt)
      out +=
        "\(String(p.id).padding(8)) \(t(p.name).padding(25)) \(t(p.osUser).padding(11)) \(Self.instant(p.startedAt).padding(21)) \(beat.padding(21)) \(now)\n"
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
