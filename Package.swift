// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Ledgerline",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "ledgerline", targets: ["ledgerline"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // Pure domain: events, money, artifacts, rules. No I/O.
    .target(name: "LedgerDomain"),
    // System libraries (C).
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
    .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
    // CRC-32C with the CPU's instruction (SSE4.2 / ARMv8 CRC32); Swift cannot emit it.
    .target(name: "CLedgerCRC"),
    // Storage: part files, key index, workflow ledger, cache, data directory.
    .target(name: "LedgerStorage", dependencies: ["LedgerDomain", "CSQLite", "CLedgerCRC"]),
    // Engine: ingest, stages, scheduler, retry and backlog policies, watermarks.
    .target(name: "LedgerEngine", dependencies: ["LedgerDomain", "LedgerStorage"]),
    // Console: screen model, views, themes, thin ncurses adapter.
    .target(name: "LedgerConsole", dependencies: ["LedgerDomain", "LedgerEngine", "CNCurses"]),
    // The executable: commands only.
    .executableTarget(
      name: "ledgerline",
      dependencies: [
        "LedgerDomain", "LedgerStorage", "LedgerEngine", "LedgerConsole",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "LedgerDomainTests", dependencies: ["LedgerDomain"]),
    .testTarget(name: "LedgerStorageTests", dependencies: ["LedgerStorage", "LedgerDomain"]),
    .testTarget(
      name: "LedgerEngineTests", dependencies: ["LedgerEngine", "LedgerStorage", "LedgerDomain"]),
    .testTarget(
      name: "LedgerConsoleTests", dependencies: ["LedgerConsole", "LedgerEngine", "LedgerDomain"]),
    .testTarget(name: "LedgerlineCLITests", dependencies: ["ledgerline"]),
  ],
  swiftLanguageModes: [.v6]
)
