import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a short-lived tool (tmux) with `posix_spawn`, not `Foundation.Process`: a tmux server
/// forked by `new-session -d` inherits Foundation's child-exit socket and the call never returns
/// (TOOLCHAIN-NOTES). The child gets default signal dispositions, an empty signal mask, no
/// inherited descriptors beyond 0–2, and writes its output to files, never to pipes that a
/// long-lived server could keep open.
enum ConsoleEndToEndSpawn {
  /// What one run printed and how it exited.
  struct Output: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `executable` with `arguments` and `environment` to completion (killed after `timeout`
  /// seconds); output goes through files in `scratch`.
  static func run(
    _ executable: String, _ arguments: [String], environment: [String: String], scratch: String,
    timeout: Double = 15
  ) throws -> Output {
    let stem = "\(scratch)/spawn-\(UUID().uuidString.prefix(8))"
    defer {
      unlink(stem + ".out")
      unlink(stem + ".err")
    }
    let pid = try spawn(
      executable, arguments, environment: environment, stdout: stem + ".out", stderr: stem + ".err")
    let command = ([executable] + arguments).joined(separator: " ")
    let status = try wait(pid, timeout: timeout, command: command)
    return Output(status: status, stdout: read(stem + ".out"), stderr: read(stem + ".err"))
  }

  private static func spawn(
    _ executable: String, _ arguments: [String], environment: [String: String], stdout: String,
    stderr: String
  ) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    for descriptor in inheritedDescriptors() {
      posix_spawn_file_actions_addclose(&actions, descriptor)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([executable] + arguments).map { strdup($0) }
    let envp = environment.map { strdup("\($0.key)=\($0.value)") }
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], envp + [nil])
    guard result == 0 else { throw ConsoleEndToEndError.spawnFailed(executable: executable, errno: result) }
    return pid
  }

  /// This process's open descriptors above 2 (a close of one that closed meanwhile is ignored
  /// by the child).
  private static func inheritedDescriptors() -> [Int32] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/dev/fd")) ?? []
    return names.compactMap { Int32($0) }.filter { $0 > 2 }
  }

  /// Reaps `pid`, killing it if it is still running after `timeout` seconds; returns the exit
  /// status (128 + signal when killed by a signal).
  private static func wait(_ pid: pid_t, timeout: Double, command: String) throws -> Int32 {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    var status: Int32 = 0
    while true {
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid { break }
      if reaped < 0 && errno != EINTR {
        throw ConsoleEndToEndError.toolFailed(command: command, status: -1, stderr: "waitpid errno \(errno)")
      }
      if ContinuousClock.now >= deadline {
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        throw ConsoleEndToEndError.toolHung(command: command, seconds: timeout)
      }
      usleep(2_000)
    }
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
  }

  private static func read(_ path: String) -> String {
    String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
  }

  /// The first executable named `name` in `PATH`, if any.
  static func locate(_ name: String, path: String) -> String? {
    path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
  }
}
