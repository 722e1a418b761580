import Foundation
import LedgerSystem

/// One reading of the process's resource counters, for before/after differences.
public struct BenchSample: Sendable {
  /// Monotonic wall clock, nanoseconds.
  public var wallNanos: UInt64
  /// User + system CPU time of the whole process (every thread), microseconds.
  public var cpuMicros: Int64
  /// Bytes the process passed to write-like system calls (`/proc/self/io` `wchar`), all files.
  public var bytesWritten: Int64

  /// Seconds of wall time from `earlier` to this sample.
  public func wallSeconds(since earlier: BenchSample) -> Double {
    Double(wallNanos &- earlier.wallNanos) / 1e9
  }

  /// CPU-seconds (user + system) from `earlier` to this sample.
  public func cpuSeconds(since earlier: BenchSample) -> Double {
    Double(cpuMicros - earlier.cpuMicros) / 1e6
  }

  /// Bytes written from `earlier` to this sample.
  public func bytesWritten(since earlier: BenchSample) -> Int64 {
    bytesWritten - earlier.bytesWritten
  }
}

/// Reads process counters: CPU (getrusage), wall clock, bytes written and peak memory.
public enum BenchMeter {
  /// The counters now.
  public static func sample() -> BenchSample {
    BenchSample(wallNanos: DispatchTime.now().uptimeNanoseconds, cpuMicros: cpuMicros(), bytesWritten: writeChars())
  }

  /// User + system CPU of this process, microseconds (getrusage RUSAGE_SELF: all threads).
  public static func cpuMicros() -> Int64 { cpuMicros(of: RUSAGE_SELF.rawValue) }

  /// User + system CPU of this process's children that were waited for, microseconds
  /// (getrusage RUSAGE_CHILDREN).
  public static func childrenCPUMicros() -> Int64 { cpuMicros(of: RUSAGE_CHILDREN.rawValue) }

  private static func cpuMicros(of who: Int32) -> Int64 {
    var usage = rusage()
    guard getrusage(who, &usage) == 0 else { return 0 }
    let user = Int64(usage.ru_utime.tv_sec) * 1_000_000 + Int64(usage.ru_utime.tv_usec)
    let system = Int64(usage.ru_stime.tv_sec) * 1_000_000 + Int64(usage.ru_stime.tv_usec)
    return user + system
  }

  /// Peak resident set size of this process in bytes (getrusage `ru_maxrss`, KiB on Linux).
  public static func peakRSSBytes() -> Int64 {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return Int64(usage.ru_maxrss) * 1024
  }

  /// Peak resident set size from `/proc/self/status` (`VmHWM`), bytes; 0 when unavailable.
  public static func highWaterMarkBytes() -> Int64 {
    procField("/proc/self/status", "VmHWM:") * 1024
  }

  /// `wchar` of `/proc/self/io`: bytes passed to write(2)/pwrite(2) and friends; 0 if unavailable.
  public static func writeChars() -> Int64 {
    procField("/proc/self/io", "wchar:")
  }

  private static func procField(_ path: String, _ name: String) -> Int64 {
    guard let text = try? FileSystem.readText(path) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(name) {
      let digits = line.dropFirst(name.count).filter(\.isNumber)
      return Int64(String(digits)) ?? 0
    }
    return 0
  }
}
