import Testing
import GoodwillCore

/// RFC 4231 §4.2–4.8: HMAC-SHA-256 test cases 1–7.
@Suite("HMACSHA256")
struct HMACSHA256Tests {
    @Test(arguments: [
        ("case 1", [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("case 2: key shorter than the output", Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("case 3: combined key and data of 50 bytes", [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("case 4", Array(1...25), [UInt8](repeating: 0xcd, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ("case 6: key larger than a block", [UInt8](repeating: 0xaa, count: 131),
         Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ("case 7: key and data larger than a block", [UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func rfc4231(name: String, key: [UInt8], data: [UInt8], expected: String) {
        #expect(HMACSHA256.authenticationCode(for: data, key: key).hexString == expected, "\(name)")
    }

    @Test func rfc4231_case5_truncatedTo128Bits() throws {
        let key = [UInt8](repeating: 0x0c, count: 20)
        let data = Array("Test With Truncation".utf8)
        let code = HMACSHA256.authenticationCode(for: data, key: key)
        #expect(Array(code.prefix(16)).hexString == "a3b6167473100ee06e0c796c2955552b")
        let truncated = try #require([UInt8](hexString: "a3b6167473100ee06e0c796c2955552b"))
        #expect(HMACSHA256.isValidAuthenticationCode(truncated, for: data, key: key))
    }

    @Test func verification_acceptsTheRightCode_andRefusesAnyOther() {
        let key = Array("webhook-secret".utf8)
        let body = Array(#"{"event":"voucher.redeemed"}"#.utf8)
        let code = HMACSHA256.authenticationCode(for: body, key: key)
        #expect(HMACSHA256.isValidAuthenticationCode(code, for: body, key: key))
        var flipped = code
        flipped[31] ^= 1
        #expect(!HMACSHA256.isValidAuthenticationCode(flipped, for: body, key: key))
        #expect(!HMACSHA256.isValidAuthenticationCode(code, for: body, key: Array("other".utf8)))
        #expect(!HMACSHA256.isValidAuthenticationCode(Array(code.prefix(15)), for: body, key: key))
        #expect(!HMACSHA256.isValidAuthenticationCode([], for: body, key: key))
        #expect(!HMACSHA256.isValidAuthenticationCode(code + [0], for: body, key: key))
    }

    @Test func messageAsUTF8View_equalsMessageAsArray() {
        let key = Array("k".utf8)
        #expect(HMACSHA256.authenticationCode(for: "hello".utf8, key: key)
            == HMACSHA256.authenticationCode(for: Array("hello".utf8), key: key))
    }
}
