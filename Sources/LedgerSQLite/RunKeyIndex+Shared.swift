import Dispatch
import LedgerStorage
import LedgerSystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension RunKeyIndex {
  /// What the index and its background merges share: the layers, the writer's lock, the merge
  /// queue. The merges hold this, not the index, so an index can go away while one runs (it
  /// stops the merge first).
  final class Shared: Sendable {
    struct Layer: Sendable {
      var seq: Int64
      var name: String
      var run: IndexRun
      var newKeys: Int
    }

    struct Row: Sendable {
      var seq: Int64
      var name: String
      var entries: Int
      var newKeys: Int
      var bytes: Int
    }

    struct State {
      var layers: [Layer] = []
      var storeID: String?
      /// Whether `load` has opened the runs.
      var loaded = false
      var merging = false
      var stopped = false
      var lastMergeFailure: String?
      /// Merge failures the engine has not taken yet (the last 16).
      var unreported: [String] = []
    }

    let database: SQLiteDatabase
    let directory: String
    let maxRuns: Int
    let isWriter: Bool
    let state = Mutex(State())
    /// Held while a run is added or merged runs are swapped in: one change of the list at a time.
    let writer = Mutex(())
    private let generation: Int
    private let queue = DispatchQueue(label: "ledgerline.index-merge", qos: .utility)

    /// Per directory: the newest writer's generation, and merges running there. A new writer
    /// stops the merges of an older one in this process before it removes unlisted files.
    private static let registry = Mutex<[String: (generation: Int, merging: Int)]>([:])

    init(database: SQLiteDatabase, directory: String, maxRuns: Int, writer: Bool = true) throws {
      self.database = database
      self.directory = directory
      self.maxRuns = maxRuns
      isWriter = writer
      guard writer else {
        generation = 0
        return
      }
      generation = Self.registry.withLock { registry in
        let next = (registry[directory]?.generation ?? 0) + 1
        registry[directory] = (next, registry[directory]?.merging ?? 0)
        return next
      }
      while Self.registry.withLock({ $0[directory]?.merging ?? 0 }) > 0 { usleep(1_000) }
    }

    /// Reads the manifest and opens its runs; removes run files it does not list.
    func load(storeID: String?) throws {
      for folder in [directory, directory + "/tmp"] where try FileSystem.kind(of: folder) == nil {
        try FileSystem.makeDirectories(folder)
      }
      for folder in [directory, directory + "/tmp"] where try FileSystem.kind(of: folder) != .directory {
        throw StorageError.directoryNotUsable(
          path: folder,
          detail: "it is not a plain directory (a symbolic link?): the key index writes and removes files there")
      }
      // What a crash can leave is listed: a run being written ('writing') and merged inputs not
      // yet deleted ('merged'). Both go. A run file with no row at all was not written under
      // this index.sqlite (restored from an older backup, or copied in): refuse.
      let pending = try rows(where: "state <> 'listed'")
      for row in pending { try FileSystem.remove(directory + "/" + row.name) }
      if !pending.isEmpty {
        try database.transaction { try $0.run("DELETE FROM index_run_files WHERE state <> 'listed'") }
      }
      let rows = try manifest()
      let listed = Set(rows.map(\.name))
      for name in try FileSystem.list(directory) where name.hasSuffix(".run") && !listed.contains(name) {
        throw StorageError.damagedIndexRun(
          path: directory + "/" + name,
          detail: "index.sqlite does not list it: index.sqlite is older than index-runs/ (restored from "
            + "another backup?), or the file was copied in")
      }
      var layers: [Layer] = []
      for row in rows {
        layers.append(Layer(seq: row.seq, name: row.name, run: try open(row, storeID: storeID), newKeys: row.newKeys))
      }
      for name in try FileSystem.list(directory + "/tmp")
      where try FileSystem.kind(of: directory + "/tmp/" + name) == .regular {
        try FileSystem.remove(directory + "/tmp/" + name)
      }
      state.withLock {
        $0.layers = layers
        $0.storeID = storeID
        $0.loaded = true
      }
    }

    /// Opens the run `row` lists, checking it holds what the manifest says it holds.
    func open(_ row: Row, storeID: String?) throws -> IndexRun {
      let run = try IndexRun(path: directory + "/" + row.name, expectedStoreID: storeID)
      guard run.entryCount == row.entries, run.byteCount == row.bytes else {
        throw StorageError.damagedIndexRun(
          path: run.path,
          detail: "it holds \(run.entryCount) entries in \(run.byteCount) bytes; index.sqlite lists "
            + "\(row.entries) entries in \(row.bytes) bytes (a run from another backup?)")
      }
      return run
    }

    /// The listed runs, oldest first (none in an index from before runs, opened read-only).
    func manifest() throws -> [Row] {
      try rows(where: "state = 'listed'")
    }

    private func rows(where condition: String) throws -> [Row] {
      try database.readTransaction { conn in
        guard
          try conn.scalarInt64(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'index_run_files'") == 1
        else { return [] }
        var rows: [Row] = []
        try conn.query(
          "SELECT seq, name, entries, new_keys, bytes FROM index_run_files WHERE \(condition) ORDER BY seq"
        ) { row in
          rows.append(
            Row(
              seq: row.int64(at: 0), name: try row.string(at: 1), entries: row.int(at: 2), newKeys: row.int(at: 3),
              bytes: row.int(at: 4)))
        }
        return rows
      }
    }

    /// Records that `name` is being written: a crash leaves a row that says so, and the next
    /// start removes the file.
    private func intend(_ name: String, seq: Int64) throws {
      try database.transaction { conn in
        try conn.run(
          "INSERT OR REPLACE INTO index_run_files (name, seq, entries, new_keys, bytes, state) "
            + "VALUES (?, ?, 0, 0, 0, 'writing')",
          [.text(name), .integer(seq)])
      }
    }

    /// Forgets a run that was never listed: its file and its row.
    private func abandon(_ name: String) {
      try? FileSystem.remove(directory + "/" + name)
      try? database.transaction { conn in
        try conn.run("DELETE FROM index_run_files WHERE name = ? AND state = 'writing'", [.text(name)])
      }
    }

    /// Writes `entries` (ascending, one per key) as a new run and lists it, running `body` in
    /// the same transaction. The caller holds `writer`.
    func add(
      _ entries: [(key: String, location: ArtifactLocation, version: UInt64)], newKeys: Int,
      alsoInTransaction body: (SQLiteConnection) throws -> Void
    ) throws {
      guard !entries.isEmpty else {
        try database.transaction { try body($0) }
        return
      }
      let seq =
        try database.withConnection { try $0.scalarInt64("SELECT coalesce(max(seq), 0) + 1 FROM index_run_files") }
        ?? 1
      let name = "r\(seq).run"
      let storeID = state.withLock { $0.storeID }
      try intend(name, seq: seq)
      do {
        let writer = try IndexRunWriter(
          path: directory + "/" + name, temporaryPath: directory + "/tmp/" + name, storeID: storeID)
        for entry in entries { try writer.append(key: entry.key, location: entry.location, version: entry.version) }
        let bytes = try writer.finish()
        try FileSystem.syncDirectory(directory)
        let run = try IndexRun(path: directory + "/" + name, expectedStoreID: storeID)
        try database.transaction { conn in
          try conn.run(
            "UPDATE index_run_files SET entries = ?, new_keys = ?, bytes = ?, state = 'listed' WHERE name = ?",
            [.integer(Int64(entries.count)), .integer(Int64(newKeys)), .integer(bytes), .text(name)])
          try body(conn)
        }
        state.withLock { $0.layers.append(Layer(seq: seq, name: name, run: run, newKeys: newKeys)) }
      } catch {
        abandon(name)
        throw error
      }
    }

    // MARK: Merges

    /// Starts a background merge when more than `maxRuns` runs are listed.
    func mergeIfDue() {
      guard isWriter else { return }
      let start = state.withLock { state -> Bool in
        guard state.loaded, !state.merging, !state.stopped, state.layers.count > maxRuns else { return false }
        state.merging = true
        return true
      }
      guard start else { return }
      Self.registry.withLock { $0[directory]?.merging += 1 }
      queue.async { self.mergeLoop() }
    }

    /// Waits for the merge under way (and, with `untilNoneDue`, for every merge due).
    func waitForMerges(untilNoneDue: Bool = false) {
      while true {
        let (busy, due) = state.withLock { state in
          (
            state.merging,
            untilNoneDue && !state.stopped && state.lastMergeFailure == nil && state.layers.count > maxRuns
          )
        }
        if !busy && !due { return }
        if !busy { mergeIfDue() }
        usleep(2_000)
      }
    }

    /// Stops merging: a merge under way gives up at its next check, leaving the runs as they were.
    func stopMerging() {
      state.withLock { $0.stopped = true }
      waitForMerges()
    }

    /// Whether merging should stop: asked to, or a newer writer opened this directory (then for
    /// good, so a wait for merges due on this superseded index returns).
    private var shouldStop: Bool {
      let superseded = Self.registry.withLock { $0[directory]?.generation } != generation
      return state.withLock { state in
        if superseded { state.stopped = true }
        return state.stopped
      }
    }

    private func mergeLoop() {
      defer { Self.registry.withLock { $0[directory]?.merging -= 1 } }
      while true {
        let window: [Layer]? = state.withLock { state in
          guard !state.stopped, state.layers.count > maxRuns else {
            state.merging = false
            return nil
          }
          return Self.window(state.layers)
        }
        guard let window else { return }
        do {
          if try !merge(window) {
            state.withLock { $0.merging = false }
            return
          }
          state.withLock { $0.lastMergeFailure = nil }
        } catch {
          state.withLock {
            $0.lastMergeFailure = "\(error)"
            $0.unreported = Array(($0.unreported + ["\(error)"]).suffix(16))
            $0.merging = false
          }
          return
        }
      }
    }

    /// The neighbouring runs cheapest to merge: up to four, fewest entries in all.
    static func window(_ layers: [Layer]) -> [Layer] {
      let width = min(4, layers.count)
      var best = 0
      var bestSize = Int.max
      for start in 0...(layers.count - width) {
        let size = layers[start..<(start + width)].reduce(0) { $0 + $1.run.entryCount }
        if size <= bestSize {
          best = start
          bestSize = size
        }
      }
      return Array(layers[best..<(best + width)])
    }

    /// Merges `window` into one run and swaps it in. Returns false when it stopped first.
    private func merge(_ window: [Layer]) throws -> Bool {
      guard let first = window.first?.seq, let last = window.last?.seq else { return false }
      let name = "m\(first)-\(last).run"
      let storeID = state.withLock { $0.storeID }
      try intend(name, seq: last)
      do {
        guard let (run, count, bytes) = try writeMerged(window, name: name, storeID: storeID) else {
          abandon(name)
          return false
        }
        let newKeys = window.reduce(0) { $0 + $1.newKeys }
        let swapped = try self.writer.withLock { _ -> Bool in
          let seqs = state.withLock { $0.layers.map(\.seq) }
          guard !shouldStop, let start = seqs.firstIndex(of: first),
            seqs[start..<min(seqs.count, start + window.count)].elementsEqual(window.map(\.seq))
          else { return false }
          try database.transaction { conn in
            try conn.run(
              "UPDATE index_run_files SET state = 'merged' WHERE state = 'listed' AND seq BETWEEN ? AND ?",
              [.integer(first), .integer(last)])
            try conn.run(
              "UPDATE index_run_files SET entries = ?, new_keys = ?, bytes = ?, state = 'listed' WHERE name = ?",
              [.integer(Int64(count)), .integer(Int64(newKeys)), .integer(bytes), .text(name)])
          }
          state.withLock {
            $0.layers.replaceSubrange(
              start..<(start + window.count), with: [Layer(seq: last, name: name, run: run, newKeys: newKeys)])
          }
          return true
        }
        guard swapped else {
          abandon(name)
          return false
        }
      } catch {
        abandon(name)
        throw error
      }
      // Readers that opened the inputs keep their mappings; later ones read the merged run.
      for layer in window { try FileSystem.remove(directory + "/" + layer.name) }
      try database.transaction { conn in
        for layer in window {
          try conn.run("DELETE FROM index_run_files WHERE name = ? AND state = 'merged'", [.text(layer.name)])
        }
      }
      return true
    }

    /// Writes the merge of `window` as `name`; nil when it stopped first.
    private func writeMerged(_ window: [Layer], name: String, storeID: String?) throws -> (IndexRun, Int, Int64)? {
      let writer = try IndexRunWriter(
        path: directory + "/" + name, temporaryPath: directory + "/tmp/" + name, storeID: storeID)
      var merged = RunMerge(layers: window)
      var count = 0
      while let (key, hit, run) = try merged.next() {
        try writer.append(
          key: key, part: run.parts[hit.partNumber], offset: hit.offset, length: hit.length, version: hit.version)
        count += 1
        if count & 0xFFFF == 0 && shouldStop {
          writer.abandon()
          return nil
        }
      }
      if shouldStop {
        writer.abandon()
        return nil
      }
      let bytes = try writer.finish()
      try FileSystem.syncDirectory(directory)
      return (try IndexRun(path: directory + "/" + name, expectedStoreID: storeID), count, bytes)
    }
  }
}

/// The entries of several layers (oldest first) in key order, one per key: the highest
/// version, the newer layer between equal versions.
struct RunMerge {
  private let runs: [IndexRun]
  private var iterators: [IndexRun.Iterator]
  private var heads: [(key: UnsafeBufferPointer<UInt8>, hit: IndexRunHit)?] = []
  private var primed = false

  init(layers: [RunKeyIndex.Shared.Layer]) {
    runs = layers.map(\.run)
    iterators = runs.map { $0.makeIterator() }
  }

  /// The next key's winning entry, without taking it.
  mutating func peek() throws -> (key: UnsafeBufferPointer<UInt8>, hit: IndexRunHit, run: IndexRun)? {
    try prime()
    guard let (winner, _) = smallest() else { return nil }
    return (heads[winner]!.key, heads[winner]!.hit, runs[winner])
  }

  /// Takes the next key's winning entry (every layer's entry for that key is passed).
  mutating func next() throws -> (key: UnsafeBufferPointer<UInt8>, hit: IndexRunHit, run: IndexRun)? {
    try prime()
    guard let (winner, tied) = smallest() else { return nil }
    let result = (heads[winner]!.key, heads[winner]!.hit, runs[winner])
    for i in tied { heads[i] = try iterators[i].next() }
    return result
  }

  /// Takes the next entry as an ``IndexEntry``; call only after `peek()` returned one.
  mutating func takeEntry() throws -> IndexEntry {
    guard let (key, hit, run) = try next() else { preconditionFailure("takeEntry past the end") }
    return run.entry(String(decoding: key, as: UTF8.self), hit)
  }

  private mutating func prime() throws {
    guard !primed else { return }
    primed = true
    heads = try iterators.indices.map { try iterators[$0].next() }
  }

  /// The layer whose entry wins the smallest key, and every layer holding that key.
  private func smallest() -> (winner: Int, tied: [Int])? {
    var winner: Int?
    var tied: [Int] = []
    for (i, head) in heads.enumerated() {
      guard let head else { continue }
      guard let w = winner, let current = heads[w] else {
        winner = i
        tied = [i]
        continue
      }
      let order = KeyOrder.compare(head.key, current.key)
      if order < 0 {
        winner = i
        tied = [i]
      } else if order == 0 {
        tied.append(i)
        if head.hit.version >= current.hit.version { winner = i }
      }
    }
    return winner.map { ($0, tied) }
  }
}
