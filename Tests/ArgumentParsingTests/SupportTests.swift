@testable import ArgumentParsing
import Foundation
import Testing

@Suite struct SupportTests {
    @Test(arguments: [
        ("kitten", "sitting", 3), ("amount", "amout", 1), ("amount", "amuont", 1),
        ("", "abc", 3), ("abc", "abc", 0), ("ca", "abc", 3),
    ])
    func editDistance_countsEditsWithAdjacentSwapsAsOne(a: String, b: String, expected: Int) {
        #expect(Suggestions.distance(Array(a), Array(b)) == expected)
    }

    @Test func editDistance_refusesWordsLongerThanTheCap() {
        let long = Array(String(repeating: "x", count: Suggestions.maximumLength + 1))
        #expect(Suggestions.distance(long, Array("x")) == nil)
        #expect(Suggestions.closest(to: String(long), among: ["x"]) == nil)
    }

    @Test func closest_prefersTheSmallestDistanceThenDeclarationOrder() {
        #expect(Suggestions.closest(to: "db", among: ["json", "dc", "db2"]) == "dc")
        #expect(Suggestions.closest(to: "kin", among: ["kind", "king"]) == "kind")
        #expect(Suggestions.closest(to: "xyz", among: ["json"]) == nil)
    }

    @Test func wrap_breaksAtTheLastSpaceThatFitsAndIndents() {
        #expect(TextLayout.wrap("aaa bbb ccc", width: 27, indent: 4) == "    aaa bbb ccc")
        let text = String(repeating: "word ", count: 6) + "end"
        #expect(TextLayout.wrap(text, width: 20) == "word word word word\nword word end")
        #expect(TextLayout.wrap("one\n\ntwo", width: 80, indent: 2) == "  one\n\n  two")
    }

    @Test func sampleTree_hasNoDefinitionProblems() {
        #expect(Sample.tool.definitionProblems == [])
    }

    @Test func definitionProblems_reportAuthorMistakes() {
        let bad = Command(
            "t", abstract: "",
            arguments: [Argument("rest", help: "", repeating: true), Argument("last", help: "")],
            options: [Option("help", help: ""), Option("kind", short: "k", help: "", default: "x", allowedValues: ["a"])],
            flags: [Flag("keep", short: "k", help: ""), Flag("-bad", help: "")],
            subcommands: [Command("s", abstract: ""), Command("s", abstract: "")])
        let problems = CommandLineTool(root: bad, version: "1").definitionProblems
        #expect(problems == [
            "'t': '--help' is declared twice or is reserved.",
            "'t': '-k' is declared twice or is reserved.",
            "'t': '-bad' is not a valid long name (letters, digits, '-' and '_', no leading '-').",
            "'t': the default 'x' of '--kind' is not among its allowed values.",
            "'t': a command with subcommands cannot also take positional arguments.",
            "'t': only the last argument may repeat, not '<rest>'.",
            "'t': the subcommand 's' is declared twice.",
        ])
    }

    @Test func standardStream_writesEverything_andThrowsWhatTheSystemSaid() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let file = try #require(FileHandle(forWritingAtPath: url.path))
        let text = String(repeating: "vouchers å ö\n", count: 50_000)
        try StandardStream.write(text, toFileDescriptor: file.fileDescriptor)
        try file.close()
        #expect(try String(contentsOf: url, encoding: .utf8) == text)

        #expect(throws: StreamWriteError(code: EBADF)) { try StandardStream.write("x", toFileDescriptor: -1) }
        if let full = FileHandle(forWritingAtPath: "/dev/full") {
            defer { try? full.close() }
            #expect(throws: StreamWriteError(code: ENOSPC)) { try StandardStream.write("x", toFileDescriptor: full.fileDescriptor) }
            #expect(StreamWriteError(code: ENOSPC).description == "No space left on device")
        }
    }
}
