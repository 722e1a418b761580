import Testing

/// End-to-end tests of the `ledgerline` executable: every test spawns the real binary.
///
/// The suites run one at a time: the crash-recovery test kills the engine at random instants
/// and must not compete with its siblings for the two cores of the build machine.
@Suite(.serialized) enum CLISuite {}
