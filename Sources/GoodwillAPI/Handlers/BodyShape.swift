import Foundation
import GoodwillCore

/// One JSON object of a request body as the contract describes it: the fields it may have, those
/// it must, and the objects inside it. Checked before the body is decoded, so a misspelt field at
/// any depth (`holder.emial`) is refused by name instead of being dropped by the decoder.
struct BodyShape: Sendable {
    var fields: Set<String>
    var required: Set<String> = []
    var objects: [String: BodyShape] = [:]
    /// Fields whose value is one of a closed set, with the values this route takes (the decoder
    /// would only say it cannot initialize a Swift type).
    var closed: [String: [String]] = [:]
    /// Fields that take a whole number in a range, with what to give instead (`WholeNumber`).
    var whole: [String: WholeNumber] = [:]
    /// An amount (`{"amount": …, "currency": …}`), whose number gets its own words (`AmountWords`).
    var isMoney = false

    static let money = BodyShape(fields: ["amount", "currency"], required: ["amount", "currency"], isMoney: true)
    // The contract's PersonInput: a person is found again by email, so one without it is refused.
    static let person = BodyShape(fields: ["email", "name", "locale", "time_zone"], required: ["email"])
    static let validity = BodyShape(fields: ["months", "last_day", "none"], whole: ["months": .months])

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws a 422 problem naming the path of the first unknown or missing field. Values of the
    /// wrong type are left to the decoder, which words those.
    func check(_ object: KeyedDecodingContainer<Key>, path: [String]) throws {
        let present = object.allKeys.map(\.stringValue)
        let unknown = present.filter { !fields.contains($0) }.sorted()
        if !unknown.isEmpty {
            let names = unknown.map { JSON.path(path + [$0]) }.joined(separator: ", ")
            let owner = path.isEmpty ? "This route" : path.joined(separator: ".")
            throw Problem.invalid("Unknown \(Plural.noun(unknown.count, "field")) \(names). \(owner) takes \(fields.sorted().joined(separator: ", ")).")
        }
        for name in required.sorted() where !object.contains(Key(name)) || (try? object.decodeNil(forKey: Key(name))) == true {
            throw Problem.invalid("\(JSON.path(path + [name])) is missing; it is required. \(path.joined(separator: ".")) takes \(fields.sorted().joined(separator: ", ")).")
        }
        for (name, values) in closed.sorted(by: { $0.key < $1.key }) {
            // Absent, null or not a string: the decoder words those.
            guard let text = try? object.decodeIfPresent(String.self, forKey: Key(name)), !values.contains(text) else { continue }
            throw Problem.invalid("\(JSON.path(path + [name])) must be one of \(values.joined(separator: ", ")); got '\(text)'.")
        }
        for (name, number) in whole.sorted(by: { $0.key < $1.key }) {
            try number.check(object, Key(name), path: path + [name])
        }
        for (name, shape) in objects.sorted(by: { $0.key < $1.key }) where object.contains(Key(name)) {
            // null or not an object: the decoder says what is wrong with it.
            guard let inner = try? object.nestedContainer(keyedBy: Key.self, forKey: Key(name)) else { continue }
            try shape.check(inner, path: path + [name])
        }
        if isMoney {
            try Self.checkSpelling(ofCurrencyIn: object, path: path)
            try AmountWords.check(object, path: path)
        }
    }

    /// The contract's one spelling of a currency, `^[A-Z]{3}$`: the ledger would read "sek" and
    /// " SEK" as SEK, but what a client sends, its idempotent retries and what it gets back should
    /// be the same code. A code in that form that is not in the table is left to the decoder.
    static func checkSpelling(ofCurrencyIn money: KeyedDecodingContainer<Key>, path: [String]) throws {
        guard let code = try? money.decode(String.self, forKey: Key("currency")),
              code.utf8.count != 3 || !code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return }
        let like = Currency(code: code)?.code ?? "SEK"
        throw Problem.invalid("\(JSON.path(path + ["currency"])) is '\(code)' — currency codes are three capital letters, like \(like).")
    }
}
