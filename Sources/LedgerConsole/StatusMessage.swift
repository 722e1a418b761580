/// A one-line message shown above the footer for a few seconds.
public struct StatusMessage: Sendable, Equatable {
  /// How long a message stays, in seconds.
  public static let lifetime: Int64 = 10

  /// The text shown.
  public var text: String
  /// Its role: `.error`, `.warning`, `.success` or `.info`.
  public var role: ScreenRole
  /// When it was posted (seconds since the epoch).
  public var postedAt: Int64
  /// The screen it belongs to: it is shown only there.
  public var screen: ConsoleScreen = .lines
  /// Whether a dialog was open when it was posted (then it may show under that dialog).
  public var underOverlay = false

  /// Creates a message.
  public init(text: String, role: ScreenRole, postedAt: Int64) {
    self.text = text
    self.role = role
    self.postedAt = postedAt
  }
}
