import Foundation
import Testing

extension CLISuite {
  /// SPEC §7 on a real terminal: `ledgerline demo` typed at a shell prompt in a private tmux
  /// server, driven by keystrokes, read back with `capture-pane`, and compared with the read
  /// commands run beside it. Every wait polls with a timeout and fails with the pane's text.
  @Suite struct ConsoleEndToEndTests {
    @Test func operatorSeesBatchesFinishOpensOneAndRetriesThePermanentlyFailedBatch() throws {
      let demo = try ConsoleEndToEndDemo("console-operator")
      let before = try demo.waitForFirstBatches()
      try expectDetailOfBatchOneMatchesStatus(demo)
      try demo.retryBatchTwo()
      let doneBefore = Set(before.filter { $0.value == "done" }.keys)
      let doneAfter = try demo.tmux.waitFor("more ✓ done rows after the retry", timeout: 30) { pane in
        let done = Set(pane.jobStates.filter { $0.value == "done" }.keys)
        return done.contains(2) && done.count >= doneBefore.count + 2 ? done : nil
      }
      #expect(doneAfter.isSuperset(of: doneBefore))
      try demo.quitAndExpectTheTerminalRestored()
    }

    @Test func accountantReadsTheLookupBalanceOnScreenAndSeesACorrectionChangeIt() throws {
      let demo = try ConsoleEndToEndDemo("console-accountant")
      try demo.waitForFirstBatches()
      let order = try pickSingleCurrencyOrder(demo)
      try lookUp(order.id, demo)
      try expectScreenMatchesLookup(order.id, demo)
      // Corrections flow through the line behind batch 2: retry it first.
      try demo.retryBatchTwo()
      try lookUp(order.id, demo)
      let correction = Correction(order: order, reason: "e2e check \(UUID().uuidString.prefix(8))")
      try submit(correction, demo)
      // The correction is the order's last line: once a newer version shows, G pages to the end
      // (an order with many lines shows its first page), then the line must be there.
      let wanted = "reason: \(correction.reason) by \(correction.author)"
      try demo.tmux.waitFor("\"\(wanted)\" on the last page", timeout: 45) { pane in
        if pane.contains(wanted) { return pane }
        try demo.tmux.press("G")
        return nil
      }
      let after = try expectScreenMatchesLookup(order.id, demo)
      let line = try #require(
        try after.children("lines").first {
          try $0.string("kind") == "correction" && $0.string("reason") == correction.reason
        })
      #expect(try line.string("amount") == correction.amount)
      #expect(try line.string("currency") == order.currency)
      #expect(try line.string("author") == correction.author)
      try demo.quitAndExpectTheTerminalRestored()
    }

    @Test func layoutFollowsTheWindowWhenItIsResized() throws {
      let demo = try ConsoleEndToEndDemo("console-resize")
      try demo.waitForFirstBatches()
      for (columns, rows) in [(80, 24), (100, 30), (140, 40)] {
        try demo.tmux.resize(columns: columns, rows: rows)
        let pane = try demo.tmux.waitFor("the frame redrawn for \(columns)×\(rows)") { pane in
          // The clock ends one column before the right edge; the key bar is the last row.
          pane.lines.count == rows && pane.lines[0].count == columns - 1 && pane.lines[0].hasSuffix("Z")
            && pane.lines[rows - 1].hasPrefix(" ? help  q quit") ? pane : nil
        }
        #expect(pane.columnHeader != nil, "\(pane.text)")
        #expect(pane.jobStates[1] == "done", "\(pane.text)")
        #expect(pane.contains("── events"), "\(pane.text)")
        #expect(pane.lines.allSatisfy { $0.count <= columns }, "\(pane.text)")
      }
      try demo.quitAndExpectTheTerminalRestored()
    }

    /// A locale that is not UTF-8 gets ASCII drawing by itself: no character outside ASCII on
    /// the screen (glyphs, box lines and arrows have ASCII look-alikes).
    @Test func aNonUTF8LocaleDrawsASCII() throws {
      let demo = try ConsoleEndToEndDemo("console-ascii", environment: "LANG=C LC_ALL=C")
      try demo.waitForFirstBatches()
      try demo.tmux.press("?")
      let pane = try demo.tmux.waitFor("the help overlay") { $0.contains("help") && $0.contains("quit") ? $0 : nil }
      let foreign = pane.text.unicodeScalars.filter { !$0.isASCII }
      #expect(foreign.isEmpty, "non-ASCII on screen: \(String(String.UnicodeScalarView(foreign)))\n\(pane.text)")
      #expect(!pane.text.contains("?/k") && !pane.text.contains("?/j"), "\(pane.text)")
      try demo.tmux.press("Escape")
      try demo.quitAndExpectTheTerminalRestored()
    }

    /// Trouble first: the header names the failed batch, `f` selects it from anywhere in the
    /// list, and `r` retries it from there.
    @Test func jumpToTheFailedBatchAndRetryItFromThere() throws {
      let demo = try ConsoleEndToEndDemo("console-jump")
      try demo.waitForFirstBatches()
      try demo.tmux.waitFor("the header naming failed batch #2") { pane in
        pane.lines.first?.contains("#2 failed at process (f)") == true ? true : nil
      }
      try demo.tmux.press("G")
      try demo.tmux.press("f")
      try demo.tmux.waitFor("batch #2 selected by f") { $0.selectedJob == 2 ? true : nil }
      try demo.tmux.press("r")
      try demo.tmux.waitFor(text: "Retry batch #2?")
      try demo.tmux.press("Tab")
      try demo.tmux.press("Enter")
      try demo.tmux.waitFor("batch #2 done after the retry", timeout: 45) { pane in
        pane.jobStates[2] == "done" ? true : nil
      }
      try demo.quitAndExpectTheTerminalRestored()
    }

    /// Run from a folder without `themes/` (the scratch directory) and with colour allowed, the
    /// console still draws in colour: the themes are built in.
    @Test func colourWithoutAThemesFolder() throws {
      let demo = try ConsoleEndToEndDemo("console-colour", environment: "env -u NO_COLOR")
      try demo.waitForFirstBatches()
      #expect(!FileManager.default.fileExists(atPath: "\(demo.scratch.path)/themes"))
      let styled = try demo.tmux.run(["capture-pane", "-e", "-p", "-t", ConsoleEndToEndTmux.session])
      // The default theme's 256-colour foregrounds (SGR 38;5;n); a theme-less console has none.
      #expect(styled.contains("38;5;"), "no colour codes in:\n\(styled.prefix(400))")
      try demo.quitAndExpectTheTerminalRestored()
    }

    // MARK: - Steps

    /// An order with one currency, from `export --json`, and its minor-unit digits.
    struct Order {
      var id: String
      var currency: String
      var digits: Int
    }

    /// What the accountant types into the correction form.
    struct Correction {
      var order: Order
      var reason: String
      var author = "e2e-tester"
      /// A small credit with exactly the currency's digits (`-1.22` USD, `-3` JPY).
      var amount: String { order.digits == 0 ? "-3" : "-1." + String(repeating: "2", count: order.digits) }
    }

    private func pickSingleCurrencyOrder(_ demo: ConsoleEndToEndDemo) throws -> Order {
      for artifact in try demo.readJSONLines(["export"]) {
        let balance = try artifact.strings("balance")
        guard let id = try? artifact.string("order_id"), id.hasPrefix("ord-"), balance.count == 1,
          let only = balance.first
        else { continue }
        let digits = only.value.split(separator: ".").dropFirst().first?.count ?? 0
        return Order(id: id, currency: only.key, digits: digits)
      }
      throw ConsoleEndToEndError.unexpectedScreen("export printed no single-currency ord- order", pane: "")
    }

    private func expectDetailOfBatchOneMatchesStatus(_ demo: ConsoleEndToEndDemo) throws {
      try demo.select(job: 1)
      try demo.tmux.press("Enter")
      let pane = try demo.waitForDetail(of: 1, state: "done")
      let status = try #require(try demo.readJSONLines(["status", "--limit", "1000"]).first)
      let batch = try #require(try status.children("batches").first { try $0.int("batch") == 1 })
      let inputs = try batch.children("inputs").map { "\(try $0.string("source"))/\(try $0.string("name"))" }
      #expect(pane.hasLine(" inputs (\(inputs.count))"), "\(pane.text)")
      for input in inputs.prefix(8) { #expect(pane.hasLine("   " + input), "\(pane.text)") }
      let counts = try batch.child("counts")
      let expected =
        " events \(try counts.int("events"))   applied \(try counts.int("lines_applied"))   keys \(try counts.int("keys"))"
        + "   rejects \(try counts.int("rejects"))   duplicates \(try counts.int("duplicates"))"
        + "   attempts \(try batch.int("total_attempts"))"
      #expect(pane.hasLine(expected), "\(pane.text)")
      try demo.tmux.press("Escape")
      try demo.tmux.waitFor("the line view after Esc") { $0.columnHeader }
    }

    private func lookUp(_ order: String, _ demo: ConsoleEndToEndDemo) throws {
      try demo.tmux.press("/")
      try demo.tmux.waitFor(text: "order id: _")
      try demo.tmux.type(order)
      try demo.tmux.press("Enter")
      try demo.tmux.waitFor("the artifact of \(order)") { pane in
        pane.lines.first?.hasPrefix(" Order \(order) ") == true && pane.artifactVersion != nil ? true : nil
      }
    }

    /// Polls until the screen and `lookup --json` show the same version, then expects the same
    /// status and the same debits, credits and balance per currency; returns the JSON.
    @discardableResult
    private func expectScreenMatchesLookup(_ order: String, _ demo: ConsoleEndToEndDemo) throws -> JSONLine {
      let (pane, json) = try demo.tmux.waitFor("the screen and lookup --json at one version", timeout: 30) {
        pane -> (ConsoleEndToEndPane, JSONLine)? in
        guard let version = pane.artifactVersion else { return nil }
        let json = try demo.lookupJSON(order)
        return try json.int("version") == version ? (pane, json) : nil
      }
      let (debits, credits, balance) = (
        try json.strings("debits"), try json.strings("credits"), try json.strings("balance")
      )
      var expected: [String: [String]] = [:]
      for (currency, amount) in balance {
        expected[currency] = [debits[currency] ?? "?", credits[currency] ?? "?", amount]
      }
      #expect(pane.balances == expected, "\(pane.text)")
      #expect(pane.lines.first?.contains("status \(try json.string("status"))") == true, "\(pane.text)")
      return json
    }

    /// `c` on the artifact, fill the form, Enter; the dialog's default (Cancel) changes nothing;
    /// Enter, Tab, Enter submits.
    private func submit(_ correction: Correction, _ demo: ConsoleEndToEndDemo) throws {
      let tmux = demo.tmux
      try tmux.press("c")
      try tmux.waitFor(text: " Correction for order \(correction.order.id)")
      try tmux.type(correction.amount)
      try tmux.press("Tab", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
      try tmux.type(correction.order.currency)
      try tmux.press("Tab")
      try tmux.type(correction.reason)
      try tmux.press("Tab")
      try tmux.type(correction.author)
      try tmux.press("Enter")
      let dialog = try tmux.waitFor(text: "[ Cancel ]  [ Submit ]")
      #expect(dialog.contains("Submit correction for order \(correction.order.id)?"), "\(dialog.text)")
      #expect(dialog.contains("amount: \(correction.amount) \(correction.order.currency)"), "\(dialog.text)")
      try tmux.press("Enter")
      try tmux.waitFor("the correction dialog cancelled") { pane in
        pane.contains("cancelled: nothing was changed") && !pane.contains("[ Submit ]") ? true : nil
      }
      try tmux.press("Enter")
      try tmux.waitFor(text: "[ Cancel ]  [ Submit ]")
      try tmux.press("Tab")
      try tmux.press("Enter")
      try tmux.waitFor("the submission acknowledged") { pane in
        pane.contains("submitted as corrections/") || pane.contains("following corrections/") ? true : nil
      }
    }
  }
}
