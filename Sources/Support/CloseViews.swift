import Foundation
import GoodwillCore

/// The steps of closing a holder, in order; a test can make any of them fail.
public enum CloseStep: String, Sendable, CaseIterable {
    case refunds, reminders, farewell, erasure, record
}
