/// An optional field that the JSON writer writes as `null` when it has no value.
///
/// Synthesized `Encodable` leaves a nil `Optional` property out of the object; a field whose
/// contract is "present, `null` when unknown" (say `status --json`'s `next_attempt_at`) uses
/// this type instead.
public struct JSONNullable<Wrapped: Encodable>: Encodable {
  /// The value, or nil for `null`.
  public var value: Wrapped?

  /// `value`, written as `null` when nil.
  public init(_ value: Wrapped?) {
    self.value = value
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if let value { try container.encode(value) } else { try container.encodeNil() }
  }
}

extension JSONNullable: Sendable where Wrapped: Sendable {}
extension JSONNullable: Equatable where Wrapped: Equatable {}
