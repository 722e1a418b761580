import Foundation
import Testing

extension CLISuite {
  /// Issue 13's trust checks on a real terminal (tmux): money never cut at any width, the back
  /// stack, notices that expire, the second confirmation for an unknown order, and the retry
  /// dialog of a 32-input batch at 80×24.
  @Suite struct ConsoleEndToEndTrustTests {
    /// The artifact view at every width from 40 to 200: each balance-table cell on screen equals
    /// `lookup --json` digit for digit, and a column that does not fit is named as hidden.
    @Test func moneyIsShownWholeOrNotAtAllAtEveryWidth() throws {
      // One order with wide totals in three currencies (3, 2 and 0 minor digits).
      let scratch = try ScratchDirectory("console-money")
      let data = "\(scratch.path)/data"
      let order = "big-money"
      let lines = [
        ("m1", "charge", "123456789.125", "BHD"), ("m2", "refund", "-98765432.5", "BHD"),
        ("m3", "charge", "9876543210.99", "USD"), ("m4", "payment", "-1234567890.01", "USD"),
        ("m5", "charge", "1234567890123", "JPY"),
      ].map { id, kind, amount, currency in
        #"{"id":"\#(id)","order_id":"\#(order)","kind":"\#(kind)","amount":"\#(amount)","currency":"\#(currency)","ts":"2026-11-27T10:00:00Z"}"#
      }
      try FileManager.default.createDirectory(atPath: "\(data)/inbox/web", withIntermediateDirectories: true)
      try (lines.joined(separator: "\n") + "\n").write(
        toFile: "\(data)/inbox/web/20261127T100000Z_20261127T100100Z.jsonl", atomically: true, encoding: .utf8)
      let run = try scratch.binary.run(["run", "--data", data, "--until-idle"])
      try #require(run.exited(0), "\(run.summary)")
      let lookup = try scratch.binary.run(["lookup", "--data", data, order, "--json"])
      try #require(lookup.exited(0), "\(lookup.summary)")
      let json = try JSONLine(lookup.stdout, command: lookup.command)
      let expected: [String: [String: String]] = [
        "debits": try json.strings("debits"), "credits": try json.strings("credits"),
        "balance": try json.strings("balance"),
      ]
      #expect(expected["balance"]?["BHD"] == "24691356.625")

      let tmux = try ConsoleEndToEndTmux(workingDirectory: scratch.path, columns: 200, rows: 30)
      try tmux.waitFor("the shell prompt") { $0.hasLine("e2e$") ? true : nil }
      try tmux.enterCommand("TERM=xterm-256color '\(scratch.binary.path)' console --data '\(data)'; echo \"exit=$?\"")
      try tmux.waitFor("the line view", timeout: 30) { $0.columnHeader }
      try tmux.press("/")
      try tmux.waitFor(text: "order id: _")
      try tmux.type(order)
      try tmux.press("Enter")
      try tmux.waitFor("the artifact of \(order)") {
        $0.lines.first?.hasPrefix(" Order \(order) ") == true ? true : nil
      }
      var hiddenAt: [Int] = []
      for columns in [200, 160, 120, 100, 90, 80, 76, 72, 70, 68, 66, 64, 60, 56, 52, 50, 48, 46, 44, 42, 40] {
        try tmux.resize(columns: columns, rows: 30)
        let (pane, table) = try tmux.waitFor("the balances redrawn at \(columns) columns", timeout: 20) {
          pane -> (ConsoleEndToEndPane, MoneyTable)? in
          guard pane.lines.allSatisfy({ $0.count <= columns }), pane.lines.first?.hasPrefix(" Order ") == true,
            let table = MoneyTable(pane), table.width <= columns
          else { return nil }
          return (pane, table)
        }
        #expect(table.columns.contains("balance"), "\(columns) columns: the balance dropped\n\(pane.text)")
        #expect(Set(table.rows.keys) == ["BHD", "JPY", "USD"], "\(columns) columns\n\(pane.text)")
        for (currency, cells) in table.rows {
          for (column, shown) in zip(table.columns, cells) {
            #expect(
              shown == expected[column]?[currency],
              "\(columns) columns: \(currency) \(column) shows \(shown)\n\(pane.text)")
          }
        }
        let hidden = ["debits", "credits"].filter { !table.columns.contains($0) }
        if !hidden.isEmpty {
          hiddenAt.append(columns)
          #expect(pane.contains(" hidden"), "\(columns) columns: \(hidden) dropped without saying so\n\(pane.text)")
        }
      }
      // The widths from 40 up hide a column, and 200 shows all three: both cases were checked.
      #expect(hiddenAt.contains(40) && !hiddenAt.contains(200), "hidden at \(hiddenAt)")
      try tmux.press("q")
      try tmux.waitFor("the console's exit") { pane in pane.lines.contains("exit=0") ? true : nil }
    }

    /// Esc returns where you came from: line → detail → correction form → detail → line.
    @Test func escapeReturnsWhereYouCameFrom() throws {
      let demo = try ConsoleEndToEndDemo("console-back")
      try demo.waitForFirstBatches()
      try demo.select(job: 2)
      try demo.tmux.press("Enter")
      try demo.waitForDetail(of: 2, state: "failed")
      try demo.tmux.press("c")
      try demo.tmux.waitFor(text: "Correction")
      try demo.tmux.press("Escape")
      try demo.waitForDetail(of: 2, state: "failed")
      try demo.tmux.press("Escape")
      try demo.tmux.waitFor("the line view, batch #2 still selected") { pane in
        pane.columnHeader != nil && pane.selectedJob == 2 ? true : nil
      }
      try demo.quitAndExpectTheTerminalRestored()
    }

    /// A notice belongs to its screen and expires: `r` on a done batch says why it cannot be
    /// retried; the notice is gone after its time, and does not follow onto another screen.
    @Test func noticesExpireAndStayOnTheirScreen() throws {
      let demo = try ConsoleEndToEndDemo("console-notice")
      try demo.waitForFirstBatches()
      try demo.select(job: 1)
      try demo.tmux.press("r")
      let notice = "only a failed batch can be retried"
      try demo.tmux.waitFor(text: notice)
      // On another screen the notice is not shown.
      try demo.tmux.press("Enter")
      let detail = try demo.waitForDetail(of: 1, state: "done")
      #expect(!detail.contains(notice), "\(detail.text)")
      try demo.tmux.press("Escape")
      try demo.tmux.waitFor("the line view") { $0.columnHeader }
      // Back on the line view, it expires on its own.
      try demo.tmux.waitFor("the notice expired", timeout: 20) { pane in
        pane.columnHeader != nil && !pane.contains(notice) ? true : nil
      }
      try demo.quitAndExpectTheTerminalRestored()
    }

    /// A correction for an order that does not exist asks a second, plain question before
    /// anything is submitted.
    @Test func aCorrectionOnAnUnknownOrderNeedsTheSecondConfirmation() throws {
      let demo = try ConsoleEndToEndDemo("console-unknown-order")
      try demo.waitForFirstBatches()
      let order = "no-such-order-\(UUID().uuidString.prefix(8))"
      try demo.tmux.press("/")
      try demo.tmux.waitFor(text: "order id: _")
      try demo.tmux.type(order)
      try demo.tmux.press("Enter")
      try demo.tmux.waitFor("the lookup's answer for \(order)") { pane in
        pane.contains(order) ? true : nil
      }
      try demo.tmux.press("c")
      try demo.tmux.waitFor(text: "Correction")
      try demo.tmux.type("1.00")
      try demo.tmux.press("Tab", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
      try demo.tmux.type("USD")
      try demo.tmux.press("Tab")
      try demo.tmux.type("e2e unknown order")
      try demo.tmux.press("Tab")
      try demo.tmux.type("e2e-tester")
      try demo.tmux.press("Enter")
      try demo.tmux.waitFor(text: "[ Cancel ]  [ Submit ]")
      try demo.tmux.press("Tab")
      try demo.tmux.press("Enter")
      // Not submitted yet: the second question names the unknown order.
      let second = try demo.tmux.waitFor("the second confirmation") { pane in
        pane.contains("does not exist") && pane.contains(order) ? pane : nil
      }
      #expect(!second.contains("submitted as corrections/"), "\(second.text)")
      let inbox = "\(demo.data)/inbox/corrections"
      let before = (try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []
      // Its default answer cancels.
      try demo.tmux.press("Enter")
      try demo.tmux.waitFor(text: "cancelled: nothing was changed")
      let after = (try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []
      #expect(after.count == before.count, "a file was written: \(after)")
      // Back out of the (filled) form: Esc, and if the console asks about the typed values, leave.
      try demo.tmux.press("Escape")
      let left = try demo.tmux.waitFor("the form left or a question about it") { pane in
        pane.contains(" Correction for order") ? (pane.contains("[ ") ? pane : nil) : pane
      }
      if left.contains(" Correction for order") {
        try demo.tmux.press("Tab")
        try demo.tmux.press("Enter")
      }
      try demo.tmux.waitFor("the form gone") { $0.contains(" Correction for order") ? nil : true }
      try demo.tmux.press("Escape")
      try demo.tmux.waitFor("the line view") { $0.columnHeader }
      try demo.quitAndExpectTheTerminalRestored()
    }

    /// Ctrl-C over a half-filled correction form asks before dropping it; Cancel keeps the
    /// form; Ctrl-C twice quits and gives the terminal back.
    @Test func ctrlCOnAFilledFormAsksFirst() throws {
      let demo = try ConsoleEndToEndDemo("console-ctrl-c")
      try demo.waitForFirstBatches()
      try demo.tmux.press("c")
      try demo.tmux.waitFor(text: "Correction")
      try demo.tmux.type("ord-00000001")
      try demo.tmux.press("Tab")
      try demo.tmux.type("-1.25")
      // (Ctrl-C makes the terminal drop keys not yet read: wait until the typing is on screen.)
      try demo.tmux.waitFor(text: "[-1.25")
      try demo.tmux.press("C-c")
      let asked = try demo.tmux.waitFor(text: "Quit and lose the correction you are typing?")
      #expect(asked.contains("[ Cancel ]  [ Quit ]"), "\(asked.text)")
      try demo.tmux.press("Enter")
      let form = try demo.tmux.waitFor("the form back, as typed") { pane in
        !pane.contains("Quit and lose") && pane.contains("[-1.25") ? pane : nil
      }
      #expect(form.contains("[ord-00000001"), "\(form.text)")
      try demo.tmux.press("C-c")
      try demo.tmux.waitFor(text: "Quit and lose the correction you are typing?")
      try demo.tmux.press("C-c")
      let exited = try demo.tmux.waitFor("the demo's exit status", timeout: 20) { pane in
        pane.lines.first { $0.hasPrefix("exit=") }.map { (pane, $0) }
      }
      #expect(exited.1 == "exit=0", "\(exited.0.text)")
      #expect(try demo.tmux.format("#{alternate_on}") == "0")
    }

    /// A batch of 32 inputs failed for good: its retry dialog at 80×24 lists the inputs
    /// summarised and shows both buttons.
    @Test func theRetryDialogOfA32InputBatchFitsAt80x24() throws {
      let scratch = try ScratchDirectory("console-32-inputs")
      let data = "\(scratch.path)/data"
      for n in 0..<32 {
        let from = String(format: "20261127T10%02d00Z", n)
        let to = String(format: "20261127T10%02d00Z", n + 1)
        let line =
          #"{"id":"e\#(n)","order_id":"o\#(n)","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#
        try FileManager.default.createDirectory(atPath: "\(data)/inbox/web", withIntermediateDirectories: true)
        try (line + "\n").write(toFile: "\(data)/inbox/web/\(from)_\(to).jsonl", atomically: true, encoding: .utf8)
      }
      let run = try scratch.binary.run([
        "run", "--data", data, "--until-idle", "--inject-faults", "process:job=1:permanent",
      ])
      #expect(run.exited(2), "\(run.summary)")
      let tmux = try ConsoleEndToEndTmux(workingDirectory: scratch.path, columns: 80, rows: 24)
      try tmux.waitFor("the shell prompt") { $0.hasLine("e2e$") ? true : nil }
      try tmux.enterCommand("TERM=xterm-256color '\(scratch.binary.path)' console --data '\(data)'; echo \"exit=$?\"")
      try tmux.waitFor("the line view", timeout: 30) { $0.columnHeader }
      try tmux.press("f")
      try tmux.waitFor("batch #1 selected") { $0.selectedJob == 1 ? true : nil }
      try tmux.press("r")
      let dialog = try tmux.waitFor(text: "[ Cancel ]  [ Retry ]")
      #expect(dialog.contains("Retry batch #1?"), "\(dialog.text)")
      #expect(dialog.contains("32 inputs: "), "\(dialog.text)")
      #expect(dialog.contains("+"), "the input list is not summarised:\n\(dialog.text)")
      #expect(dialog.lines.count <= 24 && dialog.lines.allSatisfy { $0.count <= 80 }, "\(dialog.text)")
      try tmux.press("Escape")
      try tmux.press("q")
      try tmux.waitFor("the console's exit") { pane in pane.lines.contains("exit=0") ? true : nil }
    }

    // MARK: - Steps

    /// The artifact view's balance table as shown: the money columns in the header, and each
    /// currency's cells.
    struct MoneyTable {
      var columns: [String]
      var rows: [String: [String]]
      /// The widest row of the table, in characters.
      var width: Int

      init?(_ pane: ConsoleEndToEndPane) {
        guard let start = pane.lines.firstIndex(where: { $0.hasPrefix(" cur ") }) else { return nil }
        width = pane.lines[start].count
        columns = pane.lines[start].split(separator: " ").dropFirst().map(String.init)
        guard !columns.isEmpty, columns.allSatisfy({ ["debits", "credits", "balance"].contains($0) }) else {
          return nil
        }
        rows = [:]
        for line in pane.lines[(start + 1)...] {
          let fields = line.split(separator: " ").map(String.init)
          guard fields.count == columns.count + 1, fields[0].count == 3, fields[0].allSatisfy(\.isUppercase) else {
            break
          }
          rows[fields[0]] = Array(fields[1...])
          width = max(width, line.count)
        }
        if rows.isEmpty { return nil }
      }
    }
  }
}
