/// Why a reminder operation was refused, in words support can act on.
public enum ReminderError: Error, Equatable, CustomStringConvertible {
    case reminderNotFound(Int64)
    case notFailed(id: Int64, status: OutboxStatus)
    case noPurchaser(code: String)
    case purchaserIsHolder(code: String)
    case messageUndeliverable(String)
    case nothingToPreview(code: String, reason: String)
    case invalidChannel(String)

    /// Stable, kebab-case, for API problem types.
    public var code: String {
        switch self {
        case .reminderNotFound: return "reminder-not-found"
        case .notFailed: return "reminder-not-failed"
        case .noPurchaser: return "no-purchaser"
        case .purchaserIsHolder: return "purchaser-is-holder"
        case .messageUndeliverable: return "message-undeliverable"
        case .nothingToPreview: return "nothing-to-preview"
        case .invalidChannel: return "invalid-channel"
        }
    }

    public var description: String {
        switch self {
        case .reminderNotFound(let id):
            return "There is no reminder \(id). 'goodwill reminders list CODE' shows a voucher's reminders and their IDs."
        case .notFailed(let id, let status):
            return "Reminder \(id) is \(status.rawValue), not failed; only failed reminders can be sent again."
        case .noPurchaser(let code):
            return "Voucher \(code) has no purchaser on file, so there is no one to send a gift notice to."
        case .purchaserIsHolder(let code):
            return "Voucher \(code) was bought by its holder, who gets the expiry reminders themselves; a gift notice is for a purchaser who gave the voucher to someone else."
        case .messageUndeliverable(let reason):
            return "The message cannot be written: \(reason)."
        case .nothingToPreview(let code, let reason):
            return "Voucher \(code) has no message coming: \(reason)."
        case .invalidChannel(let reason):
            return reason
        }
    }
}
