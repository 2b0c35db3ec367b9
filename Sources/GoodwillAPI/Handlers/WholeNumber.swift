import Foundation
import GoodwillCore
import Ledger
import PolicyEngine

/// A body field that takes a whole number within a range. JSONDecoder cannot read a number beyond
/// Int64 (or one with a fraction) as an integer and calls the whole body unparseable, a 400 that
/// does not say which field; and it reads 4710.99999999999999999 as 4711. So the number is read
/// as a decimal first and refused by name, with what to give instead, as valid JSON: a 422.
struct WholeNumber: Sendable {
    var range: ClosedRange<Int64>
    /// What to give instead, after "'field' is N; ".
    var advice: String

    static let entryID = WholeNumber(range: 1...Int64.max,
        advice: "an entry ID is a whole number from 1 up, like 4711: GET /v1/vouchers/{id}/entries lists the voucher's entries")
    /// The most a personal decision grants (`PersonalDecision`), the policy's limits aside.
    static let extensionDays = WholeNumber(range: Int64(PersonalDecision.daysRange.lowerBound)...Int64(PersonalDecision.daysRange.upperBound),
        advice: "give a whole number of days from \(PersonalDecision.daysRange.lowerBound) to \(PersonalDecision.daysRange.upperBound), like 30")
    /// `Validity.lastValidDay`'s range.
    static let months = WholeNumber(range: Int64(Validity.monthsRange.lowerBound)...Int64(Validity.monthsRange.upperBound),
        advice: "give a whole number of months from \(Validity.monthsRange.lowerBound) to \(Validity.monthsRange.upperBound), or validity.last_day, or {\"none\": true} for no expiry")

    /// Rows of a policy simulation's answer.
    static let simulationRows = WholeNumber(range: Int64(SimulationReport.rowsRange.lowerBound)...Int64(SimulationReport.rowsRange.upperBound),
        advice: "give a whole number of rows from \(SimulationReport.rowsRange.lowerBound) to \(SimulationReport.rowsRange.upperBound), like \(SimulationReport.defaultRows) (the default)")

    /// `'days' is 0; give a whole number of days from 1 to 3660, like 30.`
    func refusal(_ path: [String], _ text: String) -> Problem { Problem.invalid("\(JSON.path(path)) is \(text); \(advice).") }

    /// Throws the refusal when the field is a number that is not a whole one in range. Absent,
    /// null or not a number: left to the decoder, which words those.
    func check(_ object: KeyedDecodingContainer<BodyShape.Key>, _ key: BodyShape.Key, path: [String]) throws {
        guard object.contains(key) else { return }
        guard let number = try? object.decode(Decimal.self, forKey: key) else {
            // A number Decimal cannot hold (1e-999999): JSONDecoder reads it as the integer 0 (it
            // refuses it as a Double); no whole number in range is written so.
            if (try? object.decode(Int64.self, forKey: key)) != nil || (try? object.decode(Double.self, forKey: key)) != nil {
                throw refusal(path, "a number with an exponent too large or too small to read exactly")
            }
            return  // absent, null or not a number: the decoder words those
        }
        _ = try whole(number, path)
    }

    /// One member's value read alone (its bytes, as `JSONSpan.member` finds them in a body the gate
    /// and JSONSerialization have passed), refused in the words `check` and the decoder use inside
    /// a body, without decoding the rest of that body again.
    func read(_ value: Data, path: [String]) throws -> Int64 {
        let decoder = JSONDecoder()
        if let number = try? decoder.decode(Decimal.self, from: value) { return try whole(number, path) }
        if (try? decoder.decode(Int64.self, from: value)) != nil || (try? decoder.decode(Double.self, from: value)) != nil {
            throw refusal(path, "a number with an exponent too large or too small to read exactly")
        }
        let expected = JSON.describe(Int64.self)
        if value.elementsEqual("null".utf8) { throw Problem.invalid("\(JSON.path(path)) is null; expected \(expected).") }
        throw Problem.invalid("\(JSON.path(path)) has the wrong type; expected \(expected).")
    }

    /// `number` when it is a whole number in range; the refusal otherwise.
    private func whole(_ number: Decimal, _ path: [String]) throws -> Int64 {
        var whole = Decimal(), value = number
        NSDecimalRound(&whole, &value, 0, .plain)
        guard whole == number, let n = Int64(whole.description), range.contains(n) else {
            throw refusal(path, number.description)
        }
        return n
    }
}
