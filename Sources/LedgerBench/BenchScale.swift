/// How big `ledgerline bench` makes its workloads (`--scale`).
public enum BenchScale: String, Sendable, CaseIterable {
  /// Tiny: runs in CI in a debug build in seconds; checks the shape of the ratios only.
  case small
  /// A tenth of the SPEC §8 sizes.
  case medium
  /// The SPEC §8 sizes: a 2,000,000-event batch against 10,000,000 artifacts; one file of
  /// 2,000,000 events against a 1,000,000-event state (issue 10).
  case full
}
