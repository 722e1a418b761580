import LedgerDomain
import Testing

@testable import LedgerConsole

/// Every view and overlay at 80×24 and 60×20: nothing drawn past the edge, the view's
/// essentials on screen, the key bar on the last row, and money whole wherever it is shown.
@Suite struct EveryViewFitsTests {
  enum View: String, CaseIterable, CustomTestStringConvertible {
    case lines, batchDetail, artifact, correction, help, messages, events, lookupPrompt, retryDialog

    var testDescription: String { rawValue }
  }

  static let sizes: [(columns: Int, rows: Int)] = [(80, 24), (60, 20)]

  static func state(_ view: View, columns: Int, rows: Int) -> ConsoleState {
    var state = Fixtures.state(rows: rows, columns: columns)
    switch view {
    case .lines:
      break
    case .batchDetail:
      state.screen = .batchDetail(seq: 2)
    case .artifact:
      state.screen = .artifact
      var pane = ArtifactPane(orderID: "ORD-1", requestedAt: Fixtures.t0)
      pane.result = .found(Fixtures.artifact)
      state.artifact = pane
    case .correction:
      state.screen = .correction
      var form = CorrectionForm(orderID: "ORD-1", currency: "USD")
      form[.amount] = "-12.50"
      state.form = form
    case .help:
      _ = state.press(.character("?"))
    case .messages:
      _ = state.press(.character("r"))  // a notice to list (the selected batch cannot be retried)
      _ = state.press(.character("m"))
    case .events:
      _ = state.press(.character("e"))
    case .lookupPrompt:
      _ = state.press(.character("/"))
      _ = state.type("ORD-1")
    case .retryDialog:
      _ = state.press(.up, .up, .character("r"))
    }
    return state
  }

  /// What must be on screen for `view` to be usable.
  static func essentials(_ view: View) -> [String] {
    switch view {
    case .lines: ["job", "#1", "#2"]
    case .batchDetail: [" Batch #2", "inputs (2)", "stateless", "index"]
    case .artifact: [" Order ORD-1", "cur", "USD", "JPY", "balance"]
    case .correction: [" Correction for order ORD-1", "amount", "currency", "reason", "author"]
    case .help: ["help", "quit"]
    case .messages: ["Messages (1)", "batch #4 is running:", "(f goes", "there)", "Esc or m closes"]
    case .events: ["events"]
    case .lookupPrompt: ["order id: ORD-1"]
    case .retryDialog: ["Retry batch #2?", "[ Cancel ]", "[ Retry ]"]
    }
  }

  @Test(arguments: View.allCases)
  func fitsAt80x24And60x20(view: View) throws {
    for size in Self.sizes {
      let state = Self.state(view, columns: size.columns, rows: size.rows)
      let screen = ConsoleRenderer.render(state, glyphs: .unicode)
      let rows = (0..<screen.height).map { screen.text(row: $0) }
      let text = rows.joined(separator: "\n")
      let where_ = "\(view) at \(size.columns)×\(size.rows)"
      #expect(screen.width == size.columns && screen.height == size.rows, "\(where_)")
      #expect(rows.allSatisfy { $0.count <= size.columns }, "\(where_)\n\(text)")
      #expect(!text.contains("terminal too small"), "\(where_)\n\(text)")
      for needle in Self.essentials(view) {
        #expect(text.contains(needle), "\(where_): \"\(needle)\" missing\n\(text)")
      }
      if view != .help {
        #expect(rows.last?.hasPrefix(" ") == true && rows.last?.contains("quit") != nil, "\(where_)\n\(text)")
      }
      // Money on screen is whole: the artifact's amounts appear exactly as formatted.
      if view == .artifact {
        for amount in ["12.50", "-12.50", "0.00", "500"] {
          #expect(text.contains(amount), "\(where_): \(amount) not shown whole\n\(text)")
        }
      }
    }
  }

  /// Below the minimum size every view says so instead of drawing a cut frame.
  @Test(arguments: View.allCases)
  func belowTheMinimumSizeEveryViewSaysSo(view: View) {
    let state = Self.state(view, columns: 39, rows: 11)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let text = (0..<screen.height).map { screen.text(row: $0) }.joined(separator: "\n")
    #expect(text.contains("terminal too small"), "\(view)\n\(text)")
  }
}
