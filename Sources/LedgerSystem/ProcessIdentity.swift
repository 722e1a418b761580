import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Who and where this process is, as the audit trail and the process registry name it.
public enum ProcessIdentity {
  /// This machine's host name.
  public static let host = ProcessInfo.processInfo.hostName

  /// This process's id.
  public static var pid: Int32 { getpid() }

  /// The OS user running this process: the password entry of the effective uid, else the
  /// login name, else `uid <n>`.
  public static let osUser: String = osUser(uid: geteuid(), passwordName: passwordName(of:), loginName: loginName)

  /// The rule behind ``osUser`` with its lookups injected (for tests).
  public static func osUser(uid: uid_t, passwordName: (uid_t) -> String?, loginName: () -> String?) -> String {
    passwordName(uid) ?? loginName() ?? "uid \(uid)"
  }

  private static func passwordName(of uid: uid_t) -> String? {
    guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
    return String(cString: name)
  }

  private static func loginName() -> String? {
    getlogin().map { String(cString: $0) }
  }
}
