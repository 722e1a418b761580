import Testing

@testable import LedgerConsole

/// The repository's `themes/` directory, found from this file's path.
let shippedThemesDirectory: String = {
  var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
  parts.removeLast(3)  // Tests/LedgerConsoleTests/ThemeTests.swift
  return parts.joined(separator: "/") + "/themes"
}()

@Suite struct ThemeTests {
  @Test func shipsTheFourRequiredThemesDefaultFirst() throws {
    let names = try ThemeLoader(directory: shippedThemesDirectory).names()
    #expect(names.first == "default")
    #expect(Set(["default", "light", "high-contrast", "monochrome"]).isSubset(of: Set(names)))
  }

  @Test(arguments: ["default", "light", "high-contrast", "monochrome"])
  func everyShippedThemeParsesAndStylesEveryStateRole(name: String) throws {
    let theme = try ThemeLoader(directory: shippedThemesDirectory).load(name)
    #expect(theme.name == name)
    for role in ScreenRole.allCases {
      #expect(theme.styles[role] != nil, "\(name) does not style \(role.themeName)")
    }
  }

  @Test func everyThemeFileInTheDirectoryParses() throws {
    let themes = try ThemeLoader(directory: shippedThemesDirectory).loadAll()
    #expect(themes.count >= 4)
  }

  @Test func monochromeUsesNoColour() throws {
    let theme = try ThemeLoader(directory: shippedThemesDirectory).load("monochrome")
    for role in ScreenRole.allCases {
      let style = theme.style(for: role, depth: .colors256)
      #expect(style.foreground == .terminalDefault && style.background == .terminalDefault)
    }
  }

  @Test func parsesColoursNamesAttributesCommentsAnd8ColourOverrides() throws {
    let text = """
      # comment
      header = 231, 24, bold+underline   # trailing comment

      header@8 = white, blue, bold
      stage-failed = bright-red, default
      """
    let theme = try ThemeParser.parse(text, name: "t", file: "t.theme")
    #expect(
      theme.styles[.header]
        == ThemeStyle(foreground: .palette(231), background: .palette(24), attributes: [.bold, .underline]))
    #expect(theme.styles8[.header] == ThemeStyle(foreground: .palette(7), background: .palette(4), attributes: .bold))
    #expect(theme.styles[.stageFailed] == ThemeStyle(foreground: .palette(9), background: .terminalDefault))
    #expect(theme.style(for: .header, depth: .colors8) == theme.styles8[.header])
    #expect(theme.style(for: .stageFailed, depth: .colors8).foreground == .palette(1))
  }

  @Test(arguments: [
    (
      "normal = 1, 2\nheader 231, 24",
      "t.theme:2: expected \"role = foreground, background[, attributes]\", got \"header 231, 24\"; fix the line or comment it out with #"
    ),
    (
      "\n\nheder = 1, 2",
      "t.theme:3: unknown role \"heder\"; roles are \(ScreenRole.allCases.map(\.themeName).joined(separator: ", "))"
    ),
    (
      "header = purple, 2",
      "t.theme:1: \"purple\" is not a colour; use default, a name (black, red, green, yellow, blue, magenta, cyan, white, bright-…) or a number 0-255"
    ),
    (
      "header = 1, 256",
      "t.theme:1: \"256\" is not a colour; use default, a name (black, red, green, yellow, blue, magenta, cyan, white, bright-…) or a number 0-255"
    ),
    (
      "# x\nheader = 1, 2, blink",
      "t.theme:2: \"blink\" is not an attribute; use bold, underline, reverse, dim or none, joined with +"
    ),
    (
      "header = 1",
      "t.theme:1: expected \"role = foreground, background[, attributes]\", got \"1\"; fix the line or comment it out with #"
    ),
    ("header = 1, 2\n# c\nheader = 3, 4", "t.theme:3: role \"header\" is already set on line 1; keep one of the two"),
  ])
  func parseErrorsNameTheFileAndLine(text: String, message: String) {
    #expect(throws: ThemeError.self) { try ThemeParser.parse(text, name: "t", file: "t.theme") }
    do {
      _ = try ThemeParser.parse(text, name: "t", file: "t.theme")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func anUnknownThemeNameListsTheAvailableOnes() {
    do {
      _ = try ThemeLoader(directory: shippedThemesDirectory).load("solarized")
      Issue.record("expected notFound")
    } catch {
      guard case .notFound(let name, _, let available) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(name == "solarized")
      #expect(available.first == "default")
    }
  }

  @Test func aMissingDirectoryIsReported() {
    #expect(
      throws: ThemeError.unreadable(path: "/nonexistent/themes", reason: "No such file or directory")
    ) {
      try ThemeLoader(directory: "/nonexistent/themes").names()
    }
  }

  @Test(arguments: [
    (0, 0), (7, 7), (9, 1), (15, 7), (196, 1), (46, 2), (21, 4), (226, 3), (51, 6), (201, 5),
    (231, 7), (16, 0), (24, 4), (232, 0), (255, 7), (244, 7), (243, 0),
  ])
  func degrades256ColoursToTheNearestOfEight(from: Int, to: Int) {
    #expect(ThemeColor.palette(from).degradedTo8 == .palette(to))
  }

  @Test func degradeKeepsTheTerminalDefault() {
    #expect(ThemeColor.terminalDefault.degradedTo8 == .terminalDefault)
  }

  @Test func noColourKeepsAttributesAndReversesBarsAndSelection() throws {
    let theme = try ThemeLoader(directory: shippedThemesDirectory).load("default")
    let selection = theme.style(for: .selection, depth: .monochrome)
    // selection@8 has no attributes; without colour the selection still gets reverse video.
    #expect(selection == ThemeStyle(foreground: .terminalDefault, background: .terminalDefault, attributes: .reverse))
    #expect(theme.style(for: .header, depth: .monochrome).attributes == [.bold, .reverse])
    #expect(theme.style(for: .stageFailed, depth: .monochrome).attributes == .bold)
  }

  @Test func aRoleTheThemeOmitsFallsBackToNormal() {
    let theme = Theme(name: "x", styles: [.normal: ThemeStyle(foreground: .palette(3), background: .palette(0))])
    #expect(theme.style(for: .label, depth: .colors256).foreground == .palette(3))
    #expect(theme.style(for: .selection, depth: .colors256).attributes == .reverse)
  }

  @Test(arguments: ScreenRole.allCases)
  func roleNamesRoundTrip(role: ScreenRole) {
    #expect(ScreenRole(themeName: role.themeName) == role)
  }
}
