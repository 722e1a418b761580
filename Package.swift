// swift-tools-version:6.0
import PackageDescription

// Ledgerline runs on Linux (Glibc, /proc, ncursesw); the package declares no Apple platforms.
let package = Package(
  name: "Ledgerline",
  products: [
    .executable(name: "ledgerline", targets: ["ledgerline"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
  ],
  targets: [
    // C system libraries and the C targets.
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
    .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
    // SHA-256 from libcrypto (Debian: libssl-dev): fingerprints of input batches.
    .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
    // CRC-32C with the CPU's instruction (SSE4.2 / ARMv8 CRC32); Swift cannot emit it.
    .target(name: "CLedgerCRC"),
    // A cache prefetch hint (`__builtin_prefetch`), which Swift cannot emit: reduce's gather of
    // each key's events from the arenas.
    .target(name: "CLedgerPrefetch"),
    // Starting writeback of a file's dirty pages early (`sync_file_range`, a GNU extension Swift's
    // Glibc module does not declare): part files reach the disk while they are still being written.
    .target(name: "CLedgerWriteback"),

    // Pure domain: events, strict JSON/CSV decoding, money, ISO 4217, the artifact fold. No I/O.
    .target(name: "LedgerDomain"),
    // Operating-system services: the one file-system layer and the fork-join helper.
    .target(name: "LedgerSystem", dependencies: ["COpenSSL", "CLedgerWriteback"]),
    // Storage: part files, codecs, cache, data directory, and the ports (KeyIndex,
    // WorkflowLedger) with their record types.
    .target(name: "LedgerStorage", dependencies: ["LedgerDomain", "LedgerSystem", "CLedgerCRC"]),
    // The embedded adapter: the SQLite wrapper, the key index (sorted run files listed in SQLite)
    // and the workflow ledger.
    .target(name: "LedgerSQLite", dependencies: ["LedgerDomain", "LedgerStorage", "LedgerSystem", "CSQLite"]),
    // The PostgreSQL adapter (scale-out, in progress): the same two ports over postgres-nio, with a
    // small synchronous connection wrapper and versioned schema migrations.
    .target(
      name: "LedgerPostgres",
      dependencies: [
        "LedgerDomain", "LedgerStorage", .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    // The engine: inbox scan, the four stages, overlay, scheduling, policies, compaction.
    .target(
      name: "LedgerEngine",
      dependencies: [
        "LedgerDomain", "LedgerStorage", "LedgerSystem", "CLedgerPrefetch",
        .product(name: "Logging", package: "swift-log"),
      ]),
    // What an operator uses: opening a store, status, lookup, export, rejects, corrections,
    // retry and the audit log.
    .target(
      name: "LedgerOperations",
      dependencies: [
        "LedgerDomain", "LedgerStorage", "LedgerSQLite", "LedgerPostgres", "LedgerEngine", "LedgerSystem",
      ]),
    // The workload generator: realistic input batches (depends on the domain only).
    .target(name: "LedgerWorkload", dependencies: ["LedgerDomain", "LedgerSystem"]),
    // `ledgerline bench`: the scenarios of SPEC §8 and the per-event baseline.
    .target(
      name: "LedgerBench",
      dependencies: [
        "LedgerDomain", "LedgerStorage", "LedgerEngine", "LedgerOperations", "LedgerWorkload",
        "LedgerSystem",
      ]),
    // The console: state machine, screen model, views, themes, thin ncurses adapter; talks to
    // the rest only through its `ConsoleBackend` port.
    .target(name: "LedgerConsole", dependencies: ["LedgerDomain", "LedgerSystem", "CNCurses"]),
    // In-memory test doubles: key index, workflow ledger, audit log, manual clock; the
    // PostgreSQL server the tests use (LEDGERLINE_TEST_POSTGRES), if any.
    .target(
      name: "LedgerTesting",
      dependencies: ["LedgerDomain", "LedgerStorage", "LedgerEngine", "LedgerOperations", "LedgerPostgres"]),
    // The executable: commands and wiring.
    .executableTarget(
      name: "ledgerline",
      dependencies: [
        "LedgerDomain", "LedgerStorage", "LedgerEngine", "LedgerOperations", "LedgerWorkload",
        "LedgerBench", "LedgerConsole", "LedgerSystem",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),

    .testTarget(name: "LedgerDomainTests", dependencies: ["LedgerDomain"]),
    .testTarget(name: "LedgerSystemTests", dependencies: ["LedgerSystem"]),
    .testTarget(
      name: "LedgerStorageTests",
      dependencies: ["LedgerStorage", "LedgerDomain", "LedgerSystem", "LedgerTesting"]),
    .testTarget(
      name: "LedgerSQLiteTests",
      dependencies: [
        "LedgerSQLite", "LedgerPostgres", "LedgerStorage", "LedgerDomain", "LedgerSystem", "LedgerTesting",
      ]),
    .testTarget(
      name: "LedgerPostgresTests",
      dependencies: [
        "LedgerPostgres", "LedgerStorage", "LedgerTesting", .product(name: "PostgresNIO", package: "postgres-nio"),
      ]),
    .testTarget(
      name: "LedgerEngineTests",
      dependencies: [
        "LedgerEngine", "LedgerStorage", "LedgerDomain", "LedgerTesting", "LedgerSystem",
        "LedgerOperations",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "InMemoryLogging", package: "swift-log"),
      ]),
    .testTarget(
      name: "LedgerOperationsTests",
      dependencies: [
        "LedgerOperations", "LedgerEngine", "LedgerStorage", "LedgerDomain", "LedgerSQLite", "LedgerSystem",
        "LedgerTesting",
      ]),
    .testTarget(name: "LedgerWorkloadTests", dependencies: ["LedgerWorkload", "LedgerDomain"]),
    .testTarget(
      name: "LedgerBenchTests",
      dependencies: ["LedgerBench", "LedgerDomain", "LedgerStorage", "LedgerTesting", "LedgerWorkload"]),
    .testTarget(name: "LedgerConsoleTests", dependencies: ["LedgerConsole", "LedgerDomain"]),
    .testTarget(
      name: "LedgerlineCLITests",
      dependencies: [
        "ledgerline", "LedgerConsole", "LedgerEngine", "LedgerOperations", "LedgerPostgres", "LedgerStorage",
        "LedgerTesting",
      ]),
  ],
  swiftLanguageModes: [.v6]
)
