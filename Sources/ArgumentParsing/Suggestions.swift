/// "Did you mean" suggestions by Damerau–Levenshtein distance (optimal string alignment:
/// insertions, deletions, substitutions and swaps of adjacent characters each cost 1). Public so
/// a command that checks a closed set itself (shipped preset codes) suggests the same way.
public enum Suggestions {
    /// Words longer than this are not compared: the distance is quadratic in length, and a
    /// word this long is not a typo of a name.
    static let maximumLength = 64

    /// The closest candidate within a distance that grows with the word's length, or nil.
    /// Ties go to the earlier candidate, so declaration order decides.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let typed = Array(word)
        guard !typed.isEmpty, typed.count <= maximumLength else { return nil }
        let threshold = typed.count <= 3 ? 1 : (typed.count <= 6 ? 2 : 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            guard let distance = distance(typed, Array(candidate)), distance <= threshold else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// `closest`, letting case differ: `Redeemer` and `REDEEMER` both suggest `redeemer`.
    public static func closest(ignoringCaseTo word: String, among candidates: [String]) -> String? {
        if let same = candidates.first(where: { $0.lowercased() == word.lowercased() }) { return same }
        guard let found = closest(to: word.lowercased(), among: candidates.map { $0.lowercased() }) else { return nil }
        return candidates.first { $0.lowercased() == found }
    }

    /// The edit distance, or nil when either word is longer than `maximumLength`.
    static func distance(_ a: [Character], _ b: [Character]) -> Int? {
        guard a.count <= maximumLength, b.count <= maximumLength else { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Three rolling rows: the swap rule looks two rows back.
        var twoBack = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, twoBack[j - 2] + 1)
                }
                current[j] = value
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }
}
