import Foundation
import Testing
@testable import PolicyEngine

/// JSONDecoder reads `100.00` and `1e3` as the whole numbers 100 and 1000, so a threshold written
/// `"below_minor": 100.00` (meant as 100 kronor) paid out balances under 1 krona, and `24.0` months
/// passed as 24. A preset's whole-number field written with a point or an exponent is refused, in
/// the words a policy uses; a preset the database already holds is read as it was stored.
@Suite struct PresetNumberTextTests {
    static func validity(minimumMonths: String = "60", unstated: String = "null") -> String {
        #""expiry_allowed": true, "minimum_months": \#(minimumMonths), "anchor": "issue", "round_to_end_of_year": false, "default_months_when_unstated": \#(unstated), "note": "1.5 times 1e3 is no number here""#
    }

    static func cashOut(below: String = "500", currency: String = "SEK", days: String = "null", months: String? = nil) -> String {
        #""thresholds": [{"below_minor": 100, "currency": "SEK", "effective_from": "2020-01-01"}, {"below_minor": \#(below), "currency": "\#(currency)", "effective_from": "2026-01-01"}], "after_expiry_days": \#(days), "#
            + (months.map { #""after_expiry_months": \#($0), "# } ?? "") + #""electronic_only": false, "note": "2.0""#
    }

    static func refusal(validity: String = validity(), cashOut: String = cashOut()) -> String? {
        let data = JurisdictionPresetTests.presetJSON(validity: validity, cashOut: cashOut)
        let error = #expect(throws: JurisdictionLoadError.self) { try JurisdictionPreset.load(data: data, fileName: "US.json") }
        return error?.description
    }

    @Test(arguments: [
        (cashOut(below: "100.00"), "US.json: cash_out.thresholds.[1].below_minor: found 100.00; write minor units as a whole number: 10000 for 100.00 SEK"),
        (cashOut(below: "99.50", currency: "USD"), "US.json: cash_out.thresholds.[1].below_minor: found 99.50; write minor units as a whole number: 9950 for 99.50 USD"),
        (cashOut(below: "1e3", currency: "EUR"), "US.json: cash_out.thresholds.[1].below_minor: found 1e3; write minor units as a whole number: 10000 for 100.00 EUR"),
        (cashOut(below: "500.0", currency: "JPY"), "US.json: cash_out.thresholds.[1].below_minor: found 500.0; write minor units as a whole number: 100 for 100 JPY"),
        // A currency this service does not know still gets the example in two decimals.
        (cashOut(below: "100.00", currency: "XYZ"), "US.json: cash_out.thresholds.[1].below_minor: found 100.00; write minor units as a whole number: 10000 for 100.00 in a currency with two decimals, such as SEK"),
    ])
    func aThresholdWrittenWithAPointOrExponent_isRefused_inMinorUnits(cashOut: String, expected: String) {
        #expect(Self.refusal(cashOut: cashOut) == expected)
    }

    @Test(arguments: [
        (validity(minimumMonths: "24.0"), cashOut(), "US.json: validity.minimum_months: expected a whole number, found 24.0; write 24"),
        (validity(unstated: "1.2E2"), cashOut(), "US.json: validity.default_months_when_unstated: expected a whole number, found 1.2E2; write 120"),
        (validity(), cashOut(days: "3.65e2"), "US.json: cash_out.after_expiry_days: expected a whole number, found 3.65e2; write 365"),
        (validity(), cashOut(months: "12.0"), "US.json: cash_out.after_expiry_months: expected a whole number, found 12.0; write 12"),
        // No whole number at all: refused as such, not with the decoder's "does not fit in Int".
        (validity(minimumMonths: "1.5"), cashOut(), "US.json: validity.minimum_months: expected a whole number, found the number 1.5"),
    ])
    func aCountWrittenWithAPointOrExponent_isRefused_sayingWhatToWrite(validity: String, cashOut: String, expected: String) {
        #expect(Self.refusal(validity: validity, cashOut: cashOut) == expected)
    }

    /// A preset a database already holds was read with 100.00 as 100 and 24.0 as 24: it still is,
    /// so an upgrade does not stop issuing.
    @Test func aStoredPreset_isReadAsItWasStored() throws {
        let data = JurisdictionPresetTests.presetJSON(validity: Self.validity(minimumMonths: "24.0"), cashOut: Self.cashOut(below: "100.00"))
        let preset = try JurisdictionPreset.load(data: data, fileName: "US.json", stored: true)
        #expect(preset.validity.minimumMonths == 24)
        #expect(preset.cashOut.thresholds.map(\.belowMinor) == [100, 100])
    }

    /// Whole numbers written plainly load; numbers inside texts are texts.
    @Test func plainWholeNumbers_andNumbersInTexts_load() throws {
        let data = JurisdictionPresetTests.presetJSON(validity: Self.validity(minimumMonths: "24", unstated: "120"),
                                                      cashOut: Self.cashOut(below: "10000", months: "12"))
        let preset = try JurisdictionPreset.load(data: data, fileName: "US.json")
        #expect(preset.validity.minimumMonths == 24 && preset.validity.defaultMonthsWhenUnstated == 120)
        #expect(preset.cashOut.thresholds.map(\.belowMinor) == [100, 10000] && preset.cashOut.afterExpiryMonths == 12)
        #expect(preset.cashOut.note == "2.0")
    }
}

/// A threshold in a currency no voucher can have never applies, so a typo in its code dropped the
/// payout right without a word. A preset being set is refused; one already stored is read as stored.
@Suite struct PresetThresholdCurrencyTests {
    @Test(arguments: ["SKE", "XYZ", ""])
    func aThresholdInACurrencyThisServiceDoesNotKnow_isRefused(code: String) {
        let refusal = PresetNumberTextTests.refusal(cashOut: PresetNumberTextTests.cashOut(currency: code))
        #expect(refusal == "US.json: cash_out.thresholds.[1].currency: \"\(code)\" is not a currency this service knows, so the threshold would never apply; write the ISO 4217 code of a currency it knows, such as SEK, EUR or USD")
    }

    /// Thresholds are compared with the voucher's currency as it carries it (SEK): "sek" never matched.
    @Test(arguments: ["sek", " SEK"])
    func aThresholdCurrencyNotWrittenAsVouchersCarryIt_isRefused(code: String) {
        let refusal = PresetNumberTextTests.refusal(cashOut: PresetNumberTextTests.cashOut(currency: code))
        #expect(refusal == "US.json: cash_out.thresholds.[1].currency: \"\(code)\" is not written as vouchers carry their currency, so the threshold would never apply; write \"SEK\"")
    }

    @Test func aStoredPresetWithSuchAThreshold_isReadAsStored() throws {
        let data = JurisdictionPresetTests.presetJSON(validity: PresetNumberTextTests.validity(), cashOut: PresetNumberTextTests.cashOut(currency: "SKE"))
        let preset = try JurisdictionPreset.load(data: data, fileName: "US.json", stored: true)
        #expect(preset.cashOut.thresholds.map(\.currency) == ["SEK", "SKE"])
    }
}
