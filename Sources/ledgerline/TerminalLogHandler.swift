import LedgerSystem
import Logging

/// A log handler for a terminal: passes each event to `inner` (swift-log's `StreamLogHandler` on
/// standard error) with its message, metadata and error text escaped by
/// ``TerminalText/escaped(_:)``. The engine logs refused file names, ignored paths and error
/// messages, all of which can hold control characters from the inbox.
struct TerminalLogHandler: LogHandler {
  var inner: StreamLogHandler

  var logLevel: Logger.Level {
    get { inner.logLevel }
    set { inner.logLevel = newValue }
  }

  var metadata: Logger.Metadata {
    get { inner.metadata }
    set { inner.metadata = Self.escaped(newValue) }
  }

  var metadataProvider: Logger.MetadataProvider? {
    get { inner.metadataProvider }
    set {
      inner.metadataProvider = newValue.map { provider in Logger.MetadataProvider { Self.escaped(provider.get()) } }
    }
  }

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { inner[metadataKey: key] }
    set { inner[metadataKey: key] = newValue.map(Self.escaped) }
  }

  func log(event: LogEvent) {
    var event = event
    event.message = Logger.Message(stringLiteral: TerminalText.escaped(event.message.description))
    var metadata = event.metadata.map(Self.escaped)
    if let error = event.error {
      // What StreamLogHandler would add for the error, escaped.
      metadata = metadata ?? [:]
      metadata?["error.message"] = .string(TerminalText.escaped("\(error)"))
      metadata?["error.type"] = .string(TerminalText.escaped(String(reflecting: type(of: error))))
      event.error = nil
    }
    event.metadata = metadata
    inner.log(event: event)
  }

  private static func escaped(_ metadata: Logger.Metadata) -> Logger.Metadata {
    Dictionary(uniqueKeysWithValues: metadata.map { (TerminalText.escaped($0.key), escaped($0.value)) })
  }

  private static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
    switch value {
    case .string(let text): .string(TerminalText.escaped(text))
    case .stringConvertible(let item): .string(TerminalText.escaped(item.description))
    case .dictionary(let inner): .dictionary(escaped(inner))
    case .array(let items): .array(items.map(escaped))
    }
  }
}
