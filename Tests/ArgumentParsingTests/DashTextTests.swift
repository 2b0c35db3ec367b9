import ArgumentParsing
import Testing

/// Text a person types that happens to start with a dash ("- called back", "-h called back") is
/// text, not an option: no option name holds whitespace.
@Suite struct DashTextTests {
    static func parse(_ tokens: [String]) -> ParseOutcome { Sample.tool.parse(tokens) }

    @Test func aDashTokenWithWhitespace_isAPositional() throws {
        for text in ["- called back", "-h called back", "--help me", "-- called back", "-5 days late"] {
            guard case .run(let invocation) = Self.parse(["policy", "explain", text]) else {
                Issue.record("'\(text)' was not taken as the code: \(Self.parse(["policy", "explain", text]))")
                continue
            }
            #expect(invocation.argument("code") == text)
        }
        guard case .run(let files) = Self.parse(["policy", "check", "a.json", "-h b.json", "--json"]) else {
            Issue.record("not run"); return
        }
        #expect(files.arguments("files") == ["a.json", "-h b.json"] && files.flag("json"))
    }

    @Test func aDashTokenWithWhitespace_isAValueForTheOptionBeforeIt() throws {
        guard case .run(let invocation) = Self.parse(["issue", "--amount", "1", "--currency", "--not a name"]) else {
            Issue.record("not run"); return
        }
        #expect(invocation.value("currency") == "--not a name")
    }

    /// `--name=value with spaces` is still the option: the whitespace is in the value, not the name.
    @Test func anAttachedValueWithWhitespace_staysAnOption() throws {
        guard case .run(let invocation) = Self.parse(["issue", "--amount", "1", "--currency=S E K"]) else {
            Issue.record("not run"); return
        }
        #expect(invocation.value("currency") == "S E K")
    }

    @Test func aDashTokenWithWhitespace_whereNoTextIsTaken_isAnUnexpectedArgument() {
        guard case .usageError(let error) = Self.parse(["issue", "--amount", "1", "--currency", "SEK", "-h called back"]) else {
            Issue.record("not refused"); return
        }
        #expect(error.kind == .unexpectedArgument)
        #expect(error.message == "Unexpected argument '-h called back'")
    }

    @Test func anUnknownDashToken_onACommandThatTakesText_saysToPutTwoDashesBeforeIt() {
        guard case .usageError(let error) = Self.parse(["policy", "explain", "-called"]) else {
            Issue.record("not refused"); return
        }
        #expect(error.message == "Unknown option '-called'. If it is text, put -- before text that starts with '-'.")
        guard case .usageError(let suggested) = Self.parse(["policy", "check", "--formt", "csv"]) else {
            Issue.record("not refused"); return
        }
        #expect(suggested.message == "Unknown option '--formt'. Did you mean '--format'? If it is text, put -- before text that starts with '-'.")
        // A command that takes no text: nothing to put -- before.
        guard case .usageError(let plain) = Self.parse(["issue", "-z"]) else { Issue.record("not refused"); return }
        #expect(plain.message == "Unknown option '-z'")
    }
}
