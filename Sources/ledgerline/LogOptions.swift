import ArgumentParser
import Logging

/// `--log-level`: how much a headless engine logs to standard error (swift-log).
struct LogOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Log to standard error at this level or above: trace, debug, info, notice, warning, error, critical.",
      valueName: "level"))
  var logLevel: Logger.Level = .info

  /// A logger writing to standard error at the chosen level, control characters in its text
  /// escaped (``TerminalLogHandler``).
  func logger(label: String = "ledgerline.engine") -> Logger {
    var logger = Logger(label: label) { TerminalLogHandler(inner: StreamLogHandler.standardError(label: $0)) }
    logger.logLevel = logLevel
    return logger
  }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
