import Foundation
import GoodwillCore

/// `GOODWILL_NOW` sets the clock for demos and tests. Whenever it is set, every command says so
/// on stderr, so an overridden clock is never mistaken for the real one.
enum ClockSetting {
    static func clock(from environment: [String: String], running: Bool) throws -> any Clock {
        guard let text = environment["GOODWILL_NOW"], !text.isEmpty else { return SystemClock() }
        guard let date = RFC3339.parse(text) else {
            throw CLIError.usage("GOODWILL_NOW='\(text)' is not an RFC 3339 time. Use a form like 2026-04-16T09:30:00Z, or unset it.")
        }
        // The ledger keeps instants from 1970 on (the import and the roll-forward refuse earlier
        // days): a clock before then would issue vouchers at negative instants.
        guard date.unixMilliseconds >= 0 else {
            throw CLIError.usage("GOODWILL_NOW='\(text)' is before 1970-01-01, and the ledger keeps times from then on. Use a later time, like 2026-04-16T09:30:00Z, or unset it.")
        }
        Output.standardError("warning: the clock is overridden by GOODWILL_NOW=\(text); this is for demos and tests only.\n")
        // A one-shot command sees one instant; a server starts there and keeps running.
        return running ? OffsetClock(startingAt: date) : ManualClock(date)
    }
}
