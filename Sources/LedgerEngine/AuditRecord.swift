import LedgerDomain

/// One audited console action: who (the OS user), when, what, and the batch it concerns.
public struct AuditRecord: Sendable, Equatable {
  /// When, seconds since the epoch.
  public var time: Int64
  /// The OS user running the console (not the author typed into a form).
  public var osUser: String
  /// `retry` or `correction`.
  public var action: String
  /// What was asked and what came of it.
  public var details: [String: String]
  /// The batch retried or created (`nil` when the action failed before creating one).
  public var batch: String?

  /// Creates a record.
  public init(time: Int64, osUser: String, action: String, details: [String: String], batch: String?) {
    self.time = time
    self.osUser = osUser
    self.action = action
    self.details = details
    self.batch = batch
  }

  /// The record as one JSON object line (keys sorted), ending in a newline.
  public var jsonLine: String {
    var fields = [
      "\"time\":\(Self.quote(BatchInstant(secondsSinceEpoch: time).rfc3339))",
      "\"os_user\":\(Self.quote(osUser))",
      "\"action\":\(Self.quote(action))",
    ]
    let details = self.details.keys.sorted().map { "\(Self.quote($0)):\(Self.quote(self.details[$0] ?? ""))" }
    fields.append("\"details\":{\(details.joined(separator: ","))}")
    fields.append("\"batch\":\(batch.map(Self.quote) ?? "null")")
    return "{" + fields.joined(separator: ",") + "}\n"
  }

  /// `text` as a JSON string literal.
  static func quote(_ text: String) -> String { JSONText.quote(text) }

}
