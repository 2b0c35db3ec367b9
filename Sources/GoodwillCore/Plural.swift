/// A count and its noun in English, as a person says them: "1 voucher", "2 vouchers",
/// "0 vouchers". One helper for every count the CLI, the reports and the explanations print.
public enum Plural {
    /// "1 day", "30 days"; `plural` for a noun that does not just add an s
    /// ("1 entry", "2 entries").
    public static func count(_ n: some BinaryInteger, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(noun(n, singular, plural))"
    }

    /// The noun alone, for a count written elsewhere ("Imported 1 of 2 vouchers").
    public static func noun(_ n: some BinaryInteger, _ singular: String, _ plural: String? = nil) -> String {
        n == 1 ? singular : plural ?? singular + "s"
    }
}
