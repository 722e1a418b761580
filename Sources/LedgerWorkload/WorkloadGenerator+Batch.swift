import LedgerDomain

/// Writing one batch file: regular events, the bulk order's share, duplicate copies and bad
/// lines, interleaved.
extension WorkloadGenerator {
  enum Format: Sendable { case jsonl, csv }

  /// What one batch file holds.
  struct BatchPlan: Sendable {
    let source: Int
    let round: Int
    let fromSeconds: Int64
    let seconds: Int64
    let format: Format
    let regularEvents: Int
    let bulkLines: Int
    let isFinal: Bool

    /// `<from>_<to>.jsonl` or `.csv`.
    var fileName: String {
      Instant.basic(fromSeconds) + "_" + Instant.basic(fromSeconds + seconds)
        + (format == .csv ? ".csv" : ".jsonl")
    }
  }

  /// The plan for `source`'s batch of the current round.
  func plan(source: Int, isFinal: Bool) -> BatchPlan {
    let sourceCount = options.sources.count
    let batchIndex = round * sourceCount + source
    let bulkBatches = options.batchesPerSource * sourceCount
    let bulk =
      round < options.batchesPerSource
      ? Self.share(of: options.bulkOrderLines, part: batchIndex, parts: bulkBatches) : 0
    let isCSV = options.csvEvery > 0 && (round + 1) % options.csvEvery == 0
    return BatchPlan(
      source: source, round: round,
      fromSeconds: options.start + Int64(round) * options.batchSeconds,
      seconds: options.batchSeconds, format: isCSV ? .csv : .jsonl,
      regularEvents: options.eventsPerBatch, bulkLines: bulk, isFinal: isFinal)
  }

  /// Part `part` of `total` split as evenly as possible into `parts` (the parts add up to `total`).
  static func share(of total: Int, part: Int, parts: Int) -> Int {
    guard parts > 0 else { return 0 }
    return total * (part + 1) / parts - total * part / parts
  }

  /// Writes and publishes the batch of `plan` and adds it to `report`.
  mutating func writeBatch(_ plan: BatchPlan, inbox: String, report: inout GenerationReport)
    throws
  {
    let source = options.sources[plan.source]
    var file = try BatchFile.create(directory: inbox + "/" + source, name: plan.fileName)
    do {
      try fill(&file, plan, &report)
      try file.publish()
    } catch {
      file.abandon()
      throw error
    }
    report.files.append(source + "/" + plan.fileName)
    report.bytes += file.bytesWritten
  }

  private mutating func fill(
    _ file: inout BatchFile, _ plan: BatchPlan, _ report: inout GenerationReport
  ) throws {
    if plan.format == .csv { file.buffer += (BadLineCatalog.csvHeader + "\n").utf8 }
    var copies = takeDueCopies(plan)
    var nextCopy = 0
    var bulkLeft = plan.bulkLines
    var regularLeft = plan.regularEvents
    let total = bulkLeft + regularLeft
    for index in 0..<total {
      let tsMillis = eventTime(plan, index: index, of: total)
      let isBulk = random.next(below: bulkLeft + regularLeft) < bulkLeft
      let event =
        isBulk
        ? nextBulkEvent(source: plan.source, tsMillis: tsMillis)
        : nextRegularEvent(source: plan.source, tsMillis: tsMillis)
      if isBulk { bulkLeft -= 1 } else { regularLeft -= 1 }
      append(event, plan, &file)
      count(event, isBulk: isBulk, &report)
      scheduleCopy(of: event, plan, &copies)
      writeBadLineIfDue(plan, tsMillis: tsMillis, &file, &report)
      if nextCopy < copies.count, random.next(below: 4) == 0 {
        append(copies[nextCopy], plan, &file)
        nextCopy += 1
      }
      try file.flushIfFull()
    }
    for copy in copies[nextCopy...] { append(copy, plan, &file) }
    report.duplicateCopies += copies.count
  }

  private func append(_ event: GeneratedEvent, _ plan: BatchPlan, _ file: inout BatchFile) {
    switch plan.format {
    case .jsonl: appendJSON(event, to: &file.buffer)
    case .csv: appendCSV(event, to: &file.buffer)
    }
  }

  private func count(_ event: GeneratedEvent, isBulk: Bool, _ report: inout GenerationReport) {
    report.events += 1
    if isBulk { report.bulkLines += 1 }
    if event.kind == .correction { report.corrections += 1 }
  }

  /// Arrival order spread over the interval; one event in seven lags up to 5 s (event time
  /// before arrival), so a few fall slightly before the interval starts.
  private mutating func eventTime(_ plan: BatchPlan, index: Int, of total: Int) -> Int64 {
    let span = plan.seconds * 1000
    let arrival = plan.fromSeconds * 1000 + Int64(index) * span / Int64(max(total, 1))
    guard random.next(below: 7) == 0 else { return arrival }
    return arrival - Int64(random.next(below: Int(min(span, 5000))))
  }

  /// Due duplicates: half re-sent later in the same batch, half in a later round (1–3 rounds on,
  /// from any source). The copy differs at most in its memo.
  private mutating func scheduleCopy(
    of event: GeneratedEvent, _ plan: BatchPlan, _ copies: inout [GeneratedEvent]
  ) {
    guard Counters.take(&counters.duplicateCarry, rates.duplicates) else { return }
    var copy = event
    if random.next(below: 10) < 3 { copy.memo = vocabulary.resentMemo }
    guard !plan.isFinal, random.next(below: 2) == 0 else {
      copies.append(copy)
      return
    }
    counters.lateCopies.append(
      ScheduledCopy(
        dueRound: plan.round + 1 + random.next(below: 3),
        source: random.next(below: options.sources.count), event: copy))
  }

  /// Late copies due in this batch (in the final round of ``write(toInbox:)``: all of this source's).
  private mutating func takeDueCopies(_ plan: BatchPlan) -> [GeneratedEvent] {
    var due: [GeneratedEvent] = []
    var kept: [ScheduledCopy] = []
    for copy in counters.lateCopies {
      if copy.source == plan.source && (plan.isFinal || copy.dueRound <= plan.round) {
        due.append(copy.event)
      } else {
        kept.append(copy)
      }
    }
    counters.lateCopies = kept
    return due
  }

  /// Writes the next catalogue template (round-robin, so every rule appears) when one is due.
  private mutating func writeBadLineIfDue(
    _ plan: BatchPlan, tsMillis: Int64, _ file: inout BatchFile, _ report: inout GenerationReport
  ) {
    guard Counters.take(&counters.badCarry, rates.badLines) else { return }
    let template: BadLineCatalog.Template
    switch plan.format {
    case .jsonl:
      template = BadLineCatalog.jsonLines[counters.jsonTemplateCursor % BadLineCatalog.jsonLines.count]
      counters.jsonTemplateCursor += 1
    case .csv:
      template = BadLineCatalog.csvRows[counters.csvTemplateCursor % BadLineCatalog.csvRows.count]
      counters.csvTemplateCursor += 1
    }
    var id: [UInt8] = []
    appendID(plan.source, counters.sequences[plan.source], to: &id)
    counters.sequences[plan.source] += 1
    var order: [UInt8] = []
    appendOrderID(pickOrder(), to: &order)
    file.buffer += template.render(
      id: String(decoding: id, as: UTF8.self), orderID: String(decoding: order, as: UTF8.self),
      ts: Instant.rfc3339(tsMillis))
    file.buffer.append(10)
    report.badLinesByRule[template.rule, default: 0] += 1
  }
}
