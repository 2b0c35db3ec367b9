/// Free text as the ledger and support keep it (reasons, references, notes, names): any character
/// but a control character other than the newline. One definition for both cleaners and for the
/// API document's patterns.
public enum PlainText {
    public static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control && scalar != "\n"
    }
}
