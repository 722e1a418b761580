/// What sits on top of the current screen, if anything.
public enum ConsoleOverlay: Sendable, Equatable {
  /// The key-binding help.
  case help
  /// A confirmation dialog.
  case confirm(Confirmation)
  /// The order-id prompt of the artifact lookup, with the text typed so far.
  case lookupPrompt(String)
  /// The artifact view's search prompt, with the text typed so far.
  case searchPrompt(String)
  /// The messages posted so far, newest last.
  case messages
  /// The events pane opened up: every recent event, one selected, optionally one kind only;
  /// `opened` shows the selected event's whole text.
  case events(EventBrowser)
}
