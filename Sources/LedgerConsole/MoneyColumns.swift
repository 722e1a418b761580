import LedgerDomain

/// The balances table of an artifact, fitted to the screen without ever cutting money: each
/// money column is as wide as its widest value, and when the screen is too narrow whole columns
/// are dropped — credits first, then debits; the balance last — and the view says which.
struct MoneyColumns: Equatable {
  /// A money column of the balances table.
  enum Column: String, CaseIterable {
    case debits, credits, balance
  }

  /// Space before each column.
  static let gap = 2
  /// The currency code column (` USD` plus room for longer codes).
  static let currencyWidth = 1 + 4

  /// The columns shown, in display order.
  let shown: [Column]
  /// The columns dropped for lack of width, in display order.
  let hidden: [Column]
  /// Each column's width (its widest value or its label).
  let widths: [Column: Int]

  /// The layout for `summary` on a screen `width` characters wide.
  init(_ summary: ArtifactSummary, width: Int) {
    var widths: [Column: Int] = [:]
    for column in Column.allCases {
      widths[column] = summary.currencies.reduce(column.rawValue.count) { widest, currency in
        max(widest, currency.format(Self.value(column, summary.totals[currency] ?? CurrencyTotals())).count)
      }
    }
    self.widths = widths
    var shown: [Column] = []
    var used = Self.currencyWidth
    // Priority: the balance, then debits, then credits.
    for column in [Column.balance, .debits, .credits] {
      let need = Self.gap + (widths[column] ?? 0)
      if used + need <= width {
        shown.append(column)
        used += need
      }
    }
    let order = Column.allCases
    self.shown = order.filter { shown.contains($0) }
    hidden = order.filter { !shown.contains($0) }
  }

  /// The width every column needs.
  var fullWidth: Int {
    Self.currencyWidth + Column.allCases.reduce(0) { $0 + Self.gap + (widths[$1] ?? 0) }
  }

  static func value(_ column: Column, _ totals: CurrencyTotals) -> Int64 {
    switch column {
    case .debits: totals.debits
    case .credits: totals.credits
    case .balance: totals.balance
    }
  }

  /// The header row.
  var header: String {
    " " + "cur".padded(to: Self.currencyWidth - 1)
      + shown.map { String(repeating: " ", count: Self.gap) + $0.rawValue.rightAligned(to: widths[$0] ?? 0) }.joined()
  }

  /// The cells of `currency`'s row after the code, each whole, with its column.
  func cells(_ currency: Currency, _ totals: CurrencyTotals) -> [(Column, String)] {
    shown.map { column in
      (
        column,
        String(repeating: " ", count: Self.gap)
          + currency.format(Self.value(column, totals)).rightAligned(to: widths[column] ?? 0)
      )
    }
  }

  /// What the view says when columns are hidden, or `nil`: the longest wording that fits in
  /// `width` (a cut number would mislead like cut money).
  func hiddenNote(width: Int) -> String? {
    guard !hidden.isEmpty else { return nil }
    let names = hidden.map(\.rawValue).joined(separator: ", ")
    let wordings = [
      " \(names) hidden: widen the terminal to \(fullWidth) columns to see \(hidden.count == 1 ? "it" : "them")",
      " \(names) hidden: widen to \(fullWidth) columns", " \(names) hidden",
    ]
    return wordings.first { $0.count <= width } ?? " \(hidden.count) hidden"
  }
}
