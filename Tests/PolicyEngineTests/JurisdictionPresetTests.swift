import Foundation
import RepositoryFiles
import Testing
@testable import PolicyEngine

@Suite struct JurisdictionPresetTests {
    static let codes = ["SE", "NO", "DK", "FI", "DE", "GB", "IE", "US", "US-CA", "US-NY", "US-WA"]

    func preset(_ code: String) throws -> JurisdictionPreset {
        try JurisdictionPreset.load(contentsOf: Repository.root.appendingPathComponent("Policies/jurisdictions/\(code).json"))
    }

    @Test(arguments: codes)
    func everyPreset_loadsWithASourceAndAConfidence(code: String) throws {
        let preset = try preset(code)
        #expect(preset.code == code)
        #expect(preset.source.count > 10)
        #expect(JurisdictionPreset.confidenceLevels.contains(preset.confidence))
    }

    @Test func theFolderHoldsExactlyTheShippedPresets() throws {
        let folder = Repository.root.appendingPathComponent("Policies/jurisdictions")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(Set(names) == Set(Self.codes.map { "\($0).json" }))
    }

    @Test(arguments: [
        // (code, issued, last valid day or nil, allowed?, earliest allowed last valid day)
        ("SE", "2025-04-02", "2025-05-01", true, nil),
        ("DK", "2025-04-02", "2026-04-02", true, nil),
        ("DK", "2025-04-02", "2026-04-01", false, "2026-04-02"),
        ("DE", "2025-04-02", "2026-04-02", false, "2028-12-31"),
        ("DE", "2025-04-02", "2028-12-31", true, nil),
        ("US", "2025-04-02", "2030-04-01", false, "2030-04-02"),
        ("US", "2025-04-02", "2030-04-02", true, nil),
        ("US-CA", "2025-04-02", "2099-12-31", false, nil),
        ("US-CA", "2025-04-02", nil, true, nil),
        ("GB", "2025-04-02", "2025-10-02", true, nil),
        // Ireland: at least 60 months from purchase.
        ("IE", "2025-04-02", "2030-03-02", false, "2030-04-02"),
        ("IE", "2025-04-02", "2030-04-02", true, nil),
        // New York: at least 108 months (9 years) from issue.
        ("US-NY", "2025-04-02", "2034-03-02", false, "2034-04-02"),
        ("US-NY", "2025-04-02", "2034-04-02", true, nil),
        // Washington: no expiry at all.
        ("US-WA", "2025-04-02", "2099-12-31", false, nil),
        ("US-WA", "2025-04-02", nil, true, nil),
    ] as [(String, String, String?, Bool, String?)])
    func validityShorterThanTheMinimum_isRefusedWithAReason(code: String, issued: String, lastValid: String?,
                                                           allowed: Bool, earliest: String?) throws {
        let preset = try preset(code)
        let check = preset.checkValidity(issuedOn: date(issued), lastValidDay: lastValid.map(date))
        #expect(check.isAllowed == allowed, "\(check)")
        if case .refused(let reason, let earliestDay) = check {
            #expect(earliestDay == earliest.map(date))
            #expect(reason.contains(preset.name))
            #expect(reason.contains(preset.source))
        }
    }

    @Test(arguments: [
        ("DE", "2026-04-02", "In Germany a voucher must be valid at least 36 months, counted from the end of the year of issue: one issued on 2025-04-02 must be valid through 2028-12-31 or later, and 2026-04-02 is earlier."),
        ("IE", "2030-03-02", "In Ireland a voucher must be valid at least 60 months, counted from the issue: one issued on 2025-04-02 must be valid through 2030-04-02 or later, and 2030-03-02 is earlier."),
        ("US-NY", "2034-03-02", "In New York a voucher must be valid at least 108 months, counted from the issue: one issued on 2025-04-02 must be valid through 2034-04-02 or later, and 2034-03-02 is earlier."),
        ("US-WA", "2099-12-31", "In Washington a voucher may not have an expiry date; issue it without one."),
    ])
    func theReason_namesTheRuleAndTheDates(code: String, lastValid: String, expected: String) throws {
        let check = try preset(code).checkValidity(issuedOn: date("2025-04-02"), lastValidDay: date(lastValid))
        guard case .refused(let reason, _) = check else { Issue.record("expected a refusal"); return }
        #expect(reason.hasPrefix(expected), "\(reason)")
    }

    @Test func theCardActCountsFromTheLastLoad() throws {
        let check = try preset("US").checkValidity(issuedOn: date("2025-04-02"), lastValidDay: date("2030-04-02"),
                                                   lastLoadedOn: date("2026-01-10"))
        #expect(check == .refused(reason: try #require(Self.reason(check)), earliestLastValidDay: date("2031-01-10")))
    }

    @Test(arguments: [
        // California: under $10, then under $15 from 2026-04-01.
        ("US-CA", 999 as Int64, "USD", "2026-03-31", nil, true),
        ("US-CA", 1000, "USD", "2026-03-31", nil, false),
        ("US-CA", 1499, "USD", "2026-04-01", nil, true),
        ("US-CA", 1500, "USD", "2026-04-01", nil, false),
        ("US-CA", 500, "EUR", "2026-04-01", nil, false),
        // New York: under $5.
        ("US-NY", 499, "USD", "2026-04-02", nil, true),
        ("US-NY", 500, "USD", "2026-04-02", nil, false),
        // Washington: under $5 (the law says "left after a purchase"; a threshold cannot).
        ("US-WA", 499, "USD", "2026-04-02", nil, true),
        ("US-WA", 500, "USD", "2026-04-02", nil, false),
        // Ireland: the single-use refund over €1 cannot be written as a threshold, so none is set.
        ("IE", 5_000, "EUR", "2026-04-02", "2030-04-02", false),
        // Denmark: electronic cards during validity and a year after expiry.
        ("DK", 50_000, "DKK", "2026-04-02", "2026-04-02", true),
        ("DK", 50_000, "DKK", "2027-04-02", "2026-04-02", true),
        ("DK", 50_000, "DKK", "2027-04-03", "2026-04-02", false),
        // A year after expiry ends on the same-numbered day, not 365 days on (DOMAIN.md, BGB §§ 187–188).
        ("DK", 50_000, "DKK", "2028-03-01", "2027-03-01", true),   // 365 days would end on 2028-02-29
        ("DK", 50_000, "DKK", "2028-03-02", "2027-03-01", false),
        ("DK", 50_000, "DKK", "2029-02-28", "2028-02-28", true),   // 365 days would end on 2029-02-27
        ("DK", 50_000, "DKK", "2029-02-28", "2028-02-29", true),   // no 29 Feb in 2029: the month's last day
        ("DK", 50_000, "DKK", "2029-03-01", "2028-02-29", false),
        ("SE", 100, "SEK", "2026-04-02", "2026-04-02", false),
        ("DE", 100, "EUR", "2026-04-02", "2026-04-02", false),
        ("US-CA", 0, "USD", "2026-04-02", nil, false),
    ] as [(String, Int64, String, String, String?, Bool)])
    func cashOut(code: String, balance: Int64, currency: String, on day: String, lastValid: String?, entitled: Bool) throws {
        let rule = try preset(code).cashOutAllowed(balance: balance, currency: currency, on: date(day),
                                                  lastValidDay: lastValid.map(date))
        if case .holderEntitled = rule { #expect(entitled, "\(rule)") } else { #expect(!entitled, "\(rule)") }
    }

    @Test func aPhysicalDanishCard_hasNoPayoutRight() throws {
        let rule = try preset("DK").cashOutAllowed(balance: 50_000, currency: "DKK", on: date("2026-04-01"),
                                                  lastValidDay: date("2026-04-02"), isElectronic: false)
        guard case .notRequired = rule else { Issue.record("expected no payout right, got \(rule)"); return }
    }

    @Test func aPresetWithoutASource_isRefused() {
        let json = """
        {"code": "SE", "name": "Sweden", "source": "", "confidence": "H",
         "validity": {"expiry_allowed": true, "minimum_months": null, "anchor": "issue", "round_to_end_of_year": false,
                      "default_months_when_unstated": null, "note": ""},
         "cash_out": {"thresholds": [], "after_expiry_days": null, "electronic_only": false, "note": ""}}
        """
        let error = #expect(throws: JurisdictionLoadError.self) { try JurisdictionPreset.load(data: Data(json.utf8), fileName: "SE.json") }
        #expect(error?.description.hasPrefix("SE.json: source") == true)
    }

    @Test func aPresetMissingAField_namesIt() {
        let json = #"{"code": "SE", "name": "Sweden", "source": "x", "confidence": "H"}"#
        let error = #expect(throws: JurisdictionLoadError.self) { try JurisdictionPreset.load(data: Data(json.utf8), fileName: "SE.json") }
        #expect(error?.description.hasPrefix("SE.json: validity: missing") == true, "\(String(describing: error))")
    }

    /// A complete preset as JSON text; `validity` and `cashOut` replace those objects' insides.
    static func presetJSON(validity: String = #""expiry_allowed": true, "minimum_months": 60, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#,
                           cashOut: String = #""thresholds": [], "after_expiry_days": null, "electronic_only": false, "note": """#) -> Data {
        Data("""
        {"code": "US", "name": "United States", "source": "CARD Act", "confidence": "H",
         "validity": {\(validity)}, "cash_out": {\(cashOut)}}
        """.utf8)
    }

    static func loadError(_ data: Data) -> String? {
        do { _ = try JurisdictionPreset.load(data: data, fileName: "US.json"); return nil } catch { return error.description }
    }

    @Test func theCompletePresetBelow_loads() throws {
        let preset = try JurisdictionPreset.load(data: Self.presetJSON(), fileName: "US.json")
        #expect(preset.validity.minimumMonths == 60)
        #expect(preset.cashOut.afterExpiryMonths == nil)  // may be left out
    }

    /// A misspelled key used to load as "no minimum": the voucher could be issued with any validity.
    @Test func aMisspelledMinimum_isRefused_notReadAsNoMinimum() {
        let json = Self.presetJSON(validity: #""expiry_allowed": true, "minimum_month": 60, "minimum_months": null, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#)
        #expect(Self.loadError(json)?.hasPrefix("US.json: validity.minimum_month: unknown field; expected one of expiry_allowed, minimum_months,") == true,
                "\(String(describing: Self.loadError(json)))")
        let alone = Self.presetJSON(validity: #""expiry_allowed": true, "minimum_month": 60, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#)
        #expect(Self.loadError(alone)?.hasPrefix("US.json: validity.minimum_month: unknown field") == true)
    }

    @Test(arguments: [
        ("validity", #""expiry_allowed": true, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#,
         "US.json: validity.minimum_months: missing (write null for none)"),
        ("validity", #""expiry_allowed": true, "minimum_months": 60, "anchor": "issue", "round_to_end_of_year": false, "note": """#,
         "US.json: validity.default_months_when_unstated: missing (write null for none)"),
        ("cash_out", #""thresholds": [], "electronic_only": false, "note": """#,
         "US.json: cash_out.after_expiry_days: missing (write null for none)"),
        ("cash_out", #""thresholds": [{"below_minor": 500, "currency": "USD", "effective": "2026-01-01"}], "after_expiry_days": null, "electronic_only": false, "note": """#,
         "US.json: cash_out.thresholds.[0].effective: unknown field; expected one of below_minor, currency, effective_from"),
    ])
    func aMissingOrUnknownKey_isNamed(object: String, inside: String, expected: String) {
        let json = object == "validity" ? Self.presetJSON(validity: inside) : Self.presetJSON(cashOut: inside)
        #expect(Self.loadError(json) == expected)
    }

    /// "minimum_months": 12 then 60 meant a year here (JSONDecoder keeps the first) and five years
    /// to anyone reading the file with another tool: refused, naming the field.
    @Test func aFieldGivenTwice_isRefused_namingIt() {
        let json = Self.presetJSON(validity: #""expiry_allowed": true, "minimum_months": 12, "minimum_months": 60, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#)
        #expect(Self.loadError(json)?.hasPrefix("US.json: validity.minimum_months: given twice") == true, "\(String(describing: Self.loadError(json)))")
    }

    @Test func anUnknownTopLevelKey_isRefused() {
        var text = String(decoding: Self.presetJSON(), as: UTF8.self)
        text = text.replacingOccurrences(of: #""confidence": "H","#, with: #""confidence": "H", "confidense": "L","#)
        #expect(Self.loadError(Data(text.utf8))?.hasPrefix("US.json: confidense: unknown field") == true)
    }

    @Test(arguments: [
        (#""expiry_allowed": true, "minimum_months": -12, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#,
         #""thresholds": [], "after_expiry_days": null, "electronic_only": false, "note": """#, "US.json: validity.minimum_months: must be 0 or more, found -12"),
        (#""expiry_allowed": true, "minimum_months": null, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": -1, "note": """#,
         #""thresholds": [], "after_expiry_days": null, "electronic_only": false, "note": """#, "US.json: validity.default_months_when_unstated: must be 0 or more, found -1"),
        (#""expiry_allowed": true, "minimum_months": null, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#,
         #""thresholds": [], "after_expiry_days": -365, "electronic_only": false, "note": """#, "US.json: cash_out.after_expiry_days: must be 0 or more, found -365"),
        (#""expiry_allowed": true, "minimum_months": null, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#,
         #""thresholds": [], "after_expiry_days": null, "after_expiry_months": -1, "electronic_only": false, "note": """#, "US.json: cash_out.after_expiry_months: must be 0 or more, found -1"),
        (#""expiry_allowed": true, "minimum_months": null, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#,
         #""thresholds": [{"below_minor": -1, "currency": "USD", "effective_from": "2026-01-01"}], "after_expiry_days": null, "electronic_only": false, "note": """#,
         "US.json: cash_out.thresholds.[0].below_minor: must be 0 or more, found -1"),
    ])
    func aNegativeCount_isRefused(validity: String, cashOut: String, expected: String) {
        #expect(Self.loadError(Self.presetJSON(validity: validity, cashOut: cashOut)) == expected)
    }

    /// Days and months at once: which period the holder has would be the code's choice (it took
    /// the months), not the file's. Refused, saying which to keep; either alone loads.
    @Test func aPayoutPeriodInBothDaysAndMonths_isRefused_sayingWhichToKeep() throws {
        let both = Self.presetJSON(cashOut: #""thresholds": [], "after_expiry_days": 365, "after_expiry_months": 12, "electronic_only": true, "note": """#)
        #expect(Self.loadError(both) == """
            US.json: cash_out: after_expiry_days (365) and after_expiry_months (12) are both set, but only one period can apply. \
            Keep after_expiry_months for a period in calendar months (a year ends on the same-numbered day) and write \
            "after_expiry_days": null, or keep after_expiry_days and leave after_expiry_months out.
            """)
        let months = Self.presetJSON(cashOut: #""thresholds": [], "after_expiry_days": null, "after_expiry_months": 12, "electronic_only": true, "note": """#)
        #expect(try JurisdictionPreset.load(data: months, fileName: "US.json").cashOut.afterExpiryMonths == 12)
        let days = Self.presetJSON(cashOut: #""thresholds": [], "after_expiry_days": 365, "electronic_only": true, "note": """#)
        #expect(try JurisdictionPreset.load(data: days, fileName: "US.json").cashOut.afterExpiryDays == 365)
        // One stored before the check still loads, read as it was: the months.
        let stored = try JurisdictionPreset.load(data: both, fileName: "US.json", stored: true)
        #expect(stored.payoutAfterExpiry()?.length == .months(12))
    }

    @Test func aNullMinimum_stillMeansNoMinimum() throws {
        let preset = try JurisdictionPreset.load(data: Self.presetJSON(validity: #""expiry_allowed": true, "minimum_months": null, "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": null, "note": """#), fileName: "US.json")
        #expect(preset.checkValidity(issuedOn: date("2025-04-02"), lastValidDay: date("2025-05-01")).isAllowed)
    }

    static func reason(_ check: ValidityCheck) -> String? {
        if case .refused(let reason, _) = check { return reason }
        return nil
    }
}
