/// One key binding. The single list ``ConsoleAction/all`` drives the footer, the help overlay,
/// confirmations (`dangerous`) and read-only refusals.
public struct ConsoleAction: Sendable, Equatable {
  /// What the action does.
  public enum ID: String, Sendable, Hashable {
    case quit, help, back, up, down, pageUp, pageDown, top, bottom
    case open, lookup, correct, retry, quarantine, nextTrouble, messages, filter, events, cycleTheme, submit,
      nextField, previousField, search, scrollLeft, scrollRight
  }

  /// What it does.
  public var id: ID
  /// The keys that trigger it.
  public var keys: [ConsoleKey]
  /// How the keys are shown (`r`, `↑/k`).
  public var keyLabel: String
  /// Short footer label.
  public var label: String
  /// One-line explanation for the help overlay.
  public var help: String
  /// Moves money or changes the pipeline: asks for confirmation (default Cancel) and is audited.
  public var dangerous: Bool
  /// Whether a `--read-only` console may use it.
  public var availableReadOnly: Bool
  /// Screens where it applies.
  public var screens: Set<ConsoleScreen.Kind>
  /// Whether the footer shows it.
  public var inFooter: Bool

  private static let everywhere = Set(ConsoleScreen.Kind.allCases)
  private static let browsing: Set<ConsoleScreen.Kind> = [.lines, .batchDetail, .artifact]
  private static let scrolling: Set<ConsoleScreen.Kind> = [.lines, .batchDetail, .artifact]

  /// Every key binding, in help order.
  public static let all: [ConsoleAction] = [
    .init(
      id: .help, keys: [.character("?")], keyLabel: "?", label: "help",
      help: "show or hide this help", dangerous: false, availableReadOnly: true,
      screens: browsing, inFooter: true),
    .init(
      id: .quit, keys: [.character("q")], keyLabel: "q", label: "quit",
      help: "quit the console", dangerous: false, availableReadOnly: true,
      screens: browsing, inFooter: true),
    .init(
      id: .back, keys: [.escape], keyLabel: "Esc", label: "back",
      help: "close the overlay or go back to the line view", dangerous: false,
      availableReadOnly: true, screens: everywhere.subtracting([.lines]), inFooter: true),
    .init(
      id: .up, keys: [.up, .character("k")], keyLabel: "↑/k", label: "up",
      help: "select the previous row or scroll up", dangerous: false, availableReadOnly: true,
      screens: scrolling, inFooter: false),
    .init(
      id: .down, keys: [.down, .character("j")], keyLabel: "↓/j", label: "down",
      help: "select the next row or scroll down", dangerous: false, availableReadOnly: true,
      screens: scrolling, inFooter: false),
    .init(
      id: .pageUp, keys: [.pageUp], keyLabel: "PgUp", label: "page up",
      help: "move one page up", dangerous: false, availableReadOnly: true,
      screens: scrolling, inFooter: false),
    .init(
      id: .pageDown, keys: [.pageDown], keyLabel: "PgDn", label: "page down",
      help: "move one page down", dangerous: false, availableReadOnly: true,
      screens: scrolling, inFooter: false),
    .init(
      id: .top, keys: [.character("g"), .home], keyLabel: "g", label: "first",
      help: "go to the first row", dangerous: false, availableReadOnly: true,
      screens: scrolling, inFooter: false),
    .init(
      id: .bottom, keys: [.character("G"), .end], keyLabel: "G", label: "last",
      help: "go to the last row (and follow new batches)", dangerous: false,
      availableReadOnly: true, screens: scrolling, inFooter: false),
    .init(
      id: .open, keys: [.enter], keyLabel: "Enter", label: "detail",
      help: "open the selected batch", dangerous: false, availableReadOnly: true,
      screens: [.lines], inFooter: true),
    .init(
      id: .lookup, keys: [.character("/")], keyLabel: "/", label: "lookup",
      help: "look up an artifact by order id", dangerous: false, availableReadOnly: true,
      screens: browsing, inFooter: true),
    .init(
      id: .retry, keys: [.character("r")], keyLabel: "r", label: "retry",
      help: "retry the selected failed batch (asks first)", dangerous: true,
      availableReadOnly: false, screens: [.lines, .batchDetail], inFooter: true),
    .init(
      id: .nextTrouble, keys: [.character("f")], keyLabel: "f", label: "next failed",
      help: "select the next failed or retrying batch (the header names the first)", dangerous: false,
      availableReadOnly: true, screens: [.lines, .batchDetail], inFooter: false),
    .init(
      id: .messages, keys: [.character("m")], keyLabel: "m", label: "messages",
      help: "show the messages posted so far (they expire from the status line)", dangerous: false,
      availableReadOnly: true, screens: browsing, inFooter: false),
    .init(
      id: .events, keys: [.character("e")], keyLabel: "e", label: "events",
      help: "open the events: move with ↑/↓, k filters by kind, Enter shows one whole", dangerous: false,
      availableReadOnly: true, screens: [.lines, .batchDetail], inFooter: false),
    .init(
      id: .filter, keys: [.character("v")], keyLabel: "v", label: "filter",
      help: "list all batches, only failed or retrying ones, or one source's (cycles)", dangerous: false,
      availableReadOnly: true, screens: [.lines], inFooter: false),
    .init(
      id: .filter, keys: [.character("v")], keyLabel: "v", label: "kind",
      help: "show every line, or one kind's only: corrections, charges, … (cycles)", dangerous: false,
      availableReadOnly: true, screens: [.artifact], inFooter: true),
    .init(
      id: .search, keys: [.character("s")], keyLabel: "s", label: "search",
      help: "show only the lines containing a text (id, amount, source, reason…); empty clears",
      dangerous: false, availableReadOnly: true, screens: [.artifact], inFooter: true),
    .init(
      id: .scrollLeft, keys: [.left, .character("h")], keyLabel: "←/h", label: "left",
      help: "scroll the lines table left", dangerous: false, availableReadOnly: true,
      screens: [.artifact], inFooter: false),
    .init(
      id: .scrollRight, keys: [.right, .character("l")], keyLabel: "→/l", label: "right",
      help: "scroll the lines table right (long ids, sources)", dangerous: false, availableReadOnly: true,
      screens: [.artifact], inFooter: false),
    .init(
      id: .quarantine, keys: [.character("x")], keyLabel: "x", label: "set aside",
      help: "set the selected input of a failed batch aside so the rest runs again (asks first)",
      dangerous: true, availableReadOnly: false, screens: [.batchDetail], inFooter: true),
    .init(
      id: .correct, keys: [.character("c")], keyLabel: "c", label: "correct",
      help: "open the correction form for this order", dangerous: false,
      availableReadOnly: false, screens: browsing, inFooter: true),
    .init(
      id: .cycleTheme, keys: [.character("t")], keyLabel: "t", label: "theme",
      help: "switch to the next theme", dangerous: false, availableReadOnly: true,
      screens: browsing, inFooter: true),
    .init(
      id: .nextField, keys: [.tab, .down], keyLabel: "Tab/↓", label: "next",
      help: "move to the next field", dangerous: false, availableReadOnly: false,
      screens: [.correction], inFooter: true),
    .init(
      id: .previousField, keys: [.backTab, .up], keyLabel: "S-Tab/↑", label: "previous",
      help: "move to the previous field", dangerous: false, availableReadOnly: false,
      screens: [.correction], inFooter: false),
    .init(
      id: .submit, keys: [.enter], keyLabel: "Enter", label: "submit",
      help: "validate and submit the correction (asks first)", dangerous: true,
      availableReadOnly: false, screens: [.correction], inFooter: true),
  ]

  /// The action `key` triggers on `screen`, if any.
  public static func action(for key: ConsoleKey, on screen: ConsoleScreen.Kind) -> ConsoleAction? {
    all.first { $0.screens.contains(screen) && $0.keys.contains(key) }
  }

  /// The actions the footer shows on `screen`, honouring read-only mode.
  public static func footer(on screen: ConsoleScreen.Kind, readOnly: Bool) -> [ConsoleAction] {
    all.filter { $0.inFooter && $0.screens.contains(screen) && (!readOnly || $0.availableReadOnly) }
  }
}
