/// A confirmation dialog for a dangerous action. Focus starts on Cancel, so Enter cancels
/// unless the user deliberately moves to the confirm button.
public struct Confirmation: Sendable, Equatable {
  /// Dialog title, a question.
  public var title: String
  /// Lines explaining what will happen.
  public var lines: [String]
  /// The confirm button's label (`Retry`, `Submit`).
  public var confirmLabel: String
  /// What happens on confirm.
  public var effect: ConsoleEffect
  /// Whether the confirm button has focus (false = Cancel, the default).
  public var confirmFocused: Bool
  /// Further questions asked, in order, before the effect runs (each with Cancel focused).
  public var then: [Confirmation] = []

  /// A dialog with Cancel focused.
  public init(title: String, lines: [String], confirmLabel: String, effect: ConsoleEffect) {
    self.title = title
    self.lines = lines
    self.confirmLabel = confirmLabel
    self.effect = effect
    confirmFocused = false
  }
}
