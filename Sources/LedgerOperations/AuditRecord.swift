import LedgerDomain
import LedgerSystem

/// One audited operator action (console or CLI): who (the OS user, on which host), when, what,
/// and the batch it concerns.
public struct AuditRecord: Sendable, Equatable {
  /// When, seconds since the epoch.
  public var time: Int64
  /// The OS user running the console (not the author typed into a form).
  public var osUser: String
  /// The host the action came from (several hosts share one store).
  public var host: String
  /// `retry` or `correction`.
  public var action: String
  /// What was asked and what came of it.
  public var details: [String: String]
  /// The batch retried or created (`nil` when the action failed before creating one).
  public var batch: String?

  /// Creates a record; `host` defaults to this machine's name.
  public init(
    time: Int64, osUser: String, host: String = ProcessIdentity.host, action: String, details: [String: String],
    batch: String?
  ) {
    self.time = time
    self.osUser = osUser
    self.host = host
    self.action = action
    self.details = details
    self.batch = batch
  }

  /// The record as one JSON object line (keys sorted), ending in a newline.
  public var jsonLine: String {
    get throws { try JSONOutput.line(self) + "\n" }
  }
}

extension AuditRecord: Encodable {
  enum CodingKeys: String, CodingKey {
    case time, host, action, details, batch
    case osUser = "os_user"
  }

  /// Encodes `time` as an RFC 3339 instant and a missing batch as `null`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(BatchInstant(secondsSinceEpoch: time).rfc3339, forKey: .time)
    try container.encode(osUser, forKey: .osUser)
    try container.encode(host, forKey: .host)
    try container.encode(action, forKey: .action)
    try container.encode(details, forKey: .details)
    try container.encode(batch, forKey: .batch)
  }
}
