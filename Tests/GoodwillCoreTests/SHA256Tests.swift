import CSHA256
import Foundation
import Testing
import GoodwillCore

@Suite("SHA256")
struct SHA256Tests {
    // FIPS 180-4 examples (NIST "SHA256.pdf" example values and the one-million-"a" vector).
    @Test func fipsExample_abc() {
        #expect(SHA256.hash("abc").hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func fipsExample_448Bits() {
        #expect(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hexString
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func fipsExample_896Bits() {
        let message = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(SHA256.hash(message).hexString == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func fipsExample_oneMillionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hexString == expected)
        // The same million bytes fed 1000 at a time.
        var hasher = SHA256()
        let thousand = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000)
        for _ in 0..<1_000 { hasher.update(thousand) }
        #expect(hasher.finalize().hexString == expected)
    }

    @Test func emptyMessage() {
        let expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(SHA256.hash("").hexString == expected)
        #expect(SHA256.hash([UInt8]()).hexString == expected)
        var hasher = SHA256()
        #expect(hasher.finalize().hexString == expected)
    }

    // Lengths around the padding boundary: 55 bytes still fit the length in one block, 56 need a second.
    // Expected digests from Python's hashlib over bytes (i * 7 + 3) % 256.
    @Test(arguments: [
        (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
        (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
        (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
        (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
        (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
        (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
        (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
        (127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07"),
        (128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"),
        (129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4"),
        (1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"),
    ])
    func messagesAroundBlockBoundaries(length: Int, expected: String) {
        #expect(SHA256.hash(Self.pattern(length)).hexString == expected)
    }

    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
    ])
    func repeatedLetterA_aroundBlockBoundaries(length: Int, expected: String) {
        #expect(SHA256.hash(String(repeating: "a", count: length)).hexString == expected)
    }

    @Test func stringsAreHashedAsUTF8() {
        let text = "Presentkort åäö 🎁"
        let expected = "272d53845f2ea063c8a1ecb113c7270ca1d34cd0b5b7b06a47d0bf666753480f"
        #expect(SHA256.hash(text).hexString == expected)
        #expect(SHA256.hash(Array(text.utf8)).hexString == expected)
        #expect(SHA256.hash(text.utf8).hexString == expected)
        #expect(SHA256.hash(Data(text.utf8)).hexString == expected)
    }

    @Test func incrementalUpdatesInOddChunks_equalOneShot() {
        let message = Self.pattern(1000)
        let oneShot = SHA256.hash(message)
        for chunkSize in [1, 3, 7, 31, 55, 63, 64, 65, 127, 333, 999] {
            var hasher = SHA256()
            var start = 0
            while start < message.count {
                let end = min(start + chunkSize, message.count)
                hasher.update(message[start..<end])
                start = end
            }
            #expect(hasher.finalize() == oneShot, "chunk size \(chunkSize)")
        }
    }

    @Test func everyKindOfInput_givesTheSameDigest() {
        let message = Self.pattern(200)
        let expected = SHA256.hash(message)
        var mixed = SHA256()
        mixed.update(message[0..<10])                                  // ArraySlice: contiguous
        mixed.update(message[10..<20].lazy.map { $0 })                 // lazy map: not contiguous
        message[20..<90].withUnsafeBytes { mixed.update($0) }          // raw buffer
        mixed.update(Data(message[90..<100]))                          // Data
        mixed.update(AnySequence(message[100..<200]))                  // opaque sequence
        #expect(mixed.finalize() == expected)
        // A non-contiguous sequence longer than the internal gather buffer.
        let long = Self.pattern(5_000)
        #expect(SHA256.hash(long.lazy.map { $0 }) == SHA256.hash(long))
    }

    @Test func finalize_resetsTheHasherForReuse() {
        var hasher = SHA256()
        hasher.update("first message")
        _ = hasher.finalize()
        hasher.update("abc")
        #expect(hasher.finalize() == SHA256.hash("abc"))
    }

    @Test func digestIs32Bytes_andDiffersForDifferentInput() {
        #expect(SHA256.hash("a").count == 32)
        #expect(SHA256.hash("a") != SHA256.hash("b"))
    }

    // The compression function has two implementations (the CPU's SHA instructions and portable
    // C); `SHA256` uses the first where the CPU has it, so the vectors above test only that one
    // on such a machine. These run the portable code directly, and compare the two on many blocks.
    @Test func portableCompression_matchesTheFIPSVectors() {
        // "abc" padded to one block (FIPS 180-4 §5.1.1), and the 448-bit example padded to two.
        var abc = [UInt8](repeating: 0, count: 64)
        abc[0] = 0x61; abc[1] = 0x62; abc[2] = 0x63; abc[3] = 0x80; abc[63] = 24
        #expect(Self.portableDigest(abc) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var two = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        two.append(0x80)
        two += [UInt8](repeating: 0, count: 128 - two.count)
        two[126] = 0x01; two[127] = 0xC0  // 448 bits
        #expect(Self.portableDigest(two) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func cpuAndPortableCompression_agreeOnRandomBlocks() {
        var generator = SystemRandomNumberGenerator()
        for blocks in [1, 2, 3, 7, 16, 100] {
            let data = (0..<(64 * blocks)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var start = (0..<8).map { _ in UInt32.random(in: 0...UInt32.max, using: &generator) }
            var viaDispatch = start
            data.withUnsafeBufferPointer { d in
                gw_sha256_compress(&viaDispatch, d.baseAddress, blocks)
                gw_sha256_compress_portable(&start, d.baseAddress, blocks)
            }
            #expect(viaDispatch == start, "\(blocks) blocks (CPU extensions in use: \(SHA256.usesCPUExtensions))")
        }
    }

    static func portableDigest(_ paddedMessage: [UInt8]) -> String {
        var state: [UInt32] = [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19]
        paddedMessage.withUnsafeBufferPointer { gw_sha256_compress_portable(&state, $0.baseAddress, $0.count / 64) }
        return state.map { String(format: "%08x", $0) }.joined()
    }

    static func pattern(_ length: Int) -> [UInt8] {
        (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
    }
}
