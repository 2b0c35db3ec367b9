import Foundation
import RepositoryFiles
import Testing
@testable import PolicyEngine

@Suite struct JurisdictionPresetTests {
    static let codes = ["SE", "NO", "DK", "FI", "DE", "GB", "US", "US-CA"]

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

    @Test func theGermanReason_namesTheYearEndRuleAndTheDates() throws {
        let check = try preset("DE").checkValidity(issuedOn: date("2025-04-02"), lastValidDay: date("2026-04-02"))
        guard case .refused(let reason, _) = check else { Issue.record("expected a refusal"); return }
        #expect(reason.hasPrefix("In Germany a voucher must be valid at least 36 months, counted from the end of the year of issue: one issued on 2025-04-02 must be valid through 2028-12-31 or later, and 2026-04-02 is earlier."))
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

    static func reason(_ check: ValidityCheck) -> String? {
        if case .refused(let reason, _) = check { return reason }
        return nil
    }
}
