import Foundation
import GoodwillCore
import Testing

@Suite struct JSONStringTests {
    @Test(arguments: ["", "plain", "say \"hi\"", "back\\slash", "line\nbreak\r\ttab", "\u{0}\u{1f}\u{7f}", "Åsa Ström 🎁", "a/b"])
    func quoted_parsesBackToTheSameString(text: String) throws {
        let literal = JSONString.quoted(text)
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test func controlCharacters_areEscapedAsFourHexDigits() {
        #expect(JSONString.quoted("\u{1}\u{1f}") == #""\u0001\u001f""#)
        #expect(JSONString.quoted("\"\\\n") == #""\"\\\n""#)
    }
}
