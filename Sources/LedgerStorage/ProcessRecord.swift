/// A `ledgerline` process that runs an engine on a store: who and where, since when, and when it
/// last said it was alive. Several hosts may share one store (PostgreSQL), so every stage attempt
/// records the process that ran it.
public struct ProcessRecord: Sendable, Equatable {
  /// The registry's number for this process (never reused).
  public var id: Int64
  public var host: String
  public var pid: Int32
  public var osUser: String
  public var startedAt: Int64
  /// The last heartbeat (milliseconds since the epoch, the process's clock).
  public var heartbeatAt: Int64
  /// When it stopped, or was found gone; nil while it runs.
  public var stoppedAt: Int64?
  /// How it ended: `stopped`, or why it is presumed gone.
  public var endNote: String?

  public init(
    id: Int64, host: String, pid: Int32, osUser: String, startedAt: Int64, heartbeatAt: Int64,
    stoppedAt: Int64? = nil, endNote: String? = nil
  ) {
    self.id = id
    self.host = host
    self.pid = pid
    self.osUser = osUser
    self.startedAt = startedAt
    self.heartbeatAt = heartbeatAt
    self.stoppedAt = stoppedAt
    self.endNote = endNote
  }

  /// `host pid N`, as the console and `status` name a process.
  public var name: String { "\(host) pid \(pid)" }

  /// The name the engine's connections to a PostgreSQL store carry (`application_name`, at most
  /// 63 bytes), by which the server lists the engines connected now.
  public var sessionName: String { Self.sessionName(host: host, pid: pid) }

  /// The session name of the engine `pid` on `host`.
  public static func sessionName(host: String, pid: Int32) -> String {
    let full = "ledgerline engine \(host) pid \(pid)"
    var bytes = Array(full.utf8.prefix(63))
    // Cut on a character boundary, as the server keeps only whole characters.
    while !bytes.isEmpty, String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// A process about to register.
public struct NewProcess: Sendable, Equatable {
  public var host: String
  public var pid: Int32
  public var osUser: String

  public init(host: String, pid: Int32, osUser: String) {
    self.host = host
    self.pid = pid
    self.osUser = osUser
  }
}
