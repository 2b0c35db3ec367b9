/// Why typed or scanned text is not a voucher code. Descriptions are written for a support agent
/// on the phone with the holder; none of them hints at what the right code would be.
public enum VoucherCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing but spaces and dashes was given.
    case empty
    /// A character that never appears in voucher codes (U, punctuation, letters outside A–Z, …).
    case invalidCharacter(Character)
    /// The number of code symbols found, ignoring spaces and dashes, when it is not 17.
    case wrongLength(Int)
    /// Every character is valid and the length is right, but the check character does not match.
    case checkFailed

    public var description: String {
        switch self {
        case .empty:
            return "No voucher code was given. Ask the holder for the code printed on the voucher."
        case .invalidCharacter(let character):
            let shown = character.isWhitespace || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
                ? character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined()
                : "'\(character)'"
            return "The code contains \(shown), which never appears in voucher codes. Codes use the digits 0-9 and the letters A-Z except I, L, O and U. Ask the holder to read the code again."
        case .wrongLength(let count):
            return "The code has \(count) characters, but voucher codes have 17 (shown as XXXX-XXXX-XXXX-XXXX-X). Ask the holder to read the whole code again, including the last character."
        case .checkFailed:
            return "The code has a typo: its check character does not match. Ask the holder to read it again."
        }
    }
}
