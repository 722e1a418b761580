/// Expected balances, debits, credits and status of an artifact, folded from its lines.
struct ExpectedTotals {
  var balance: [String: String] = [:]
  var debits: [String: String] = [:]
  var credits: [String: String] = [:]
  var status = "reconciled"

  init(lines: [JSONLine]) throws {
    var sums: [String: (balance: Int64, debits: Int64, credits: Int64, digits: Int)] = [:]
    for line in lines {
      let amountText = try line.string("amount")
      guard let amount = MinorUnits(amountText) else {
        throw CLITestError.unexpectedJSON(command: "lookup", field: "amount", line: amountText)
      }
      var sum = sums[try line.string("currency")] ?? (0, 0, 0, amount.digits)
      sum.balance += amount.value
      if amount.value > 0 { sum.debits += amount.value } else { sum.credits += amount.value }
      sums[try line.string("currency")] = sum
    }
    for (currency, sum) in sums {
      balance[currency] = MinorUnits(value: sum.balance, digits: sum.digits).text
      debits[currency] = MinorUnits(value: sum.debits, digits: sum.digits).text
      credits[currency] = MinorUnits(value: sum.credits, digits: sum.digits).text
      if sum.balance != 0 { status = "open" }
    }
  }
}
