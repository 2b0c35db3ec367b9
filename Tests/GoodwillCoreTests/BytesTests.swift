import Testing
import GoodwillCore

@Suite("Hex and constant-time comparison")
struct BytesTests {
    @Test func hexString_isLowercaseTwoDigitsPerByte() {
        #expect([UInt8]([0x00, 0x0f, 0xa0, 0xff]).hexString == "000fa0ff")
        #expect([UInt8]().hexString == "")
    }

    @Test func hexParsing_acceptsEitherCase_andRoundTrips() {
        #expect([UInt8](hexString: "DEADbeef") == [0xde, 0xad, 0xbe, 0xef])
        #expect([UInt8](hexString: "") == [])
        let all = [UInt8](0...255)
        #expect([UInt8](hexString: all.hexString) == all)
    }

    @Test(arguments: ["abc", "0g", "0x00", "de ad", "ＤＥ", "-1"])
    func hexParsing_refusesAnythingButPairsOfHexDigits(text: String) {
        #expect([UInt8](hexString: text) == nil)
    }

    @Test(arguments: [Int64(0), 7, 10, 99, 1_000, -1, -205, Int64.max, Int64.min])
    func appendDecimal_writesWhatStringWrites(n: Int64) {
        var bytes: [UInt8] = [0x7b]
        bytes.appendDecimal(n)
        #expect(bytes == [0x7b] + Array(String(n).utf8))
    }

    @Test func constantTimeEquals_comparesContents() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(constantTimeEquals([], []))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([0, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!constantTimeEquals([], [0]))
    }
}
